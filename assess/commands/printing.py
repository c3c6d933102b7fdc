"""`assess booklet` and `assess report`: PDFs from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer

from assess.config import Settings


def _setup():
    from assess import db
    from assess.commands.sdg import load_all

    settings = Settings()
    engine = db.make_engine(settings.db_url)
    db.upgrade(engine)
    registry, practices = load_all(settings)
    return db.session(engine), registry, practices


def booklet(
    rounds: List[str] = typer.Argument(..., help="Round slugs (or ids), one booklet for all of them."),
    lang: str = typer.Option("ja", help="ja or en."),
    output: Path = typer.Option(..., "-o", "--output", help="PDF file to write."),
) -> None:
    """Print the case-study booklet of one or more rounds."""
    from sqlmodel import select

    from assess.models import Round
    from assess.pdf.content import booklet_content
    from assess.pdf.render import CHUNK_CASES, RenderError
    from assess.pdf.service import SINGLE_BELOW, print_booklet
    from assess.web.routes.site import sources_html

    session, registry, practices = _setup()
    with session as db:
        ids = []
        for name in rounds:
            found = db.exec(select(Round).where((Round.slug == name) | (Round.id == (int(name) if name.isdigit() else -1)))).first()
            if found is None:
                typer.echo(f"no round '{name}'", err=True)
                raise typer.Exit(1)
            ids.append(found.id)
        cases = len(booklet_content(db, ids, registry, practices, lang, sources_html()).cases)
        if cases == 0:
            typer.echo("no approved, consented case study is marked for inclusion in these rounds", err=True)
            raise typer.Exit(1)
        parts = -(-cases // CHUNK_CASES) + 4 if cases >= SINGLE_BELOW else cases + 4  # rendered parts, see assess/pdf/render.py
        with typer.progressbar(length=parts, label=f"printing {cases} case studies") as bar:
            try:
                pdf, _ = print_booklet(db, ids, registry, practices, lang, progress=bar.update)
            except RenderError as exc:
                typer.echo(f"\ncannot print: {exc}", err=True)
                raise typer.Exit(1)
    output.write_bytes(pdf)
    typer.echo(f"{output}: {cases} case studies, {len(pdf) // 1024} KiB")


def report(
    response_id: int = typer.Argument(..., help="Response id (shown in the staff workspace)."),
    lang: str = typer.Option("ja", help="ja or en."),
    output: Path = typer.Option(..., "-o", "--output", help="PDF file to write."),
) -> None:
    """Print one company's feedback report."""
    from assess.models import Response
    from assess.pdf.service import print_report

    session, registry, practices = _setup()
    with session as db:
        response = db.get(Response, response_id)
        if response is None or response.status == "draft":
            typer.echo(f"no submitted response {response_id}", err=True)
            raise typer.Exit(1)
        output.write_bytes(print_report(db, response, registry, practices, lang))
    typer.echo(f"{output}: feedback report for response {response_id}")
