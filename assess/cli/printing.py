"""`assess booklet` and `assess report`: PDFs from the command line."""

from __future__ import annotations

from pathlib import Path

import typer

from assess.cli.common import database, definitions, fail, pdf_printer
from assess.config import Settings
from assess.models import Response
from assess.services.attachments import store_of
from assess.services.case_studies import booklet_entries
from assess.services.errors import DomainError
from assess.services.rounds import find_round_by_name
from assess.vocab import Locale, ResponseStatus


def booklet(
    rounds: list[str] = typer.Argument(..., help="Round slugs (or ids), one booklet for all of them."),
    lang: Locale = typer.Option(Locale.JA, help="Language of the booklet."),
    output: Path = typer.Option(..., "-o", "--output", help="PDF file to write."),
    for_print: bool = typer.Option(
        False,
        "--for-print",
        help="For the print shop: 3 mm bleed and crop marks, every font embedded. "
        "Without it, a PDF for reading on screen (tagged for screen readers when small).",
    ),
) -> None:
    """Print the case-study booklet of one or more rounds."""
    loaded = definitions()
    with database() as db:
        ids = []
        for name in rounds:
            found = find_round_by_name(db, name)
            if found is None:
                fail(f"no round '{name}'")
            ids.append(found.id)
        cases = len(booklet_entries(db, ids, loaded.registry))
        if cases == 0:
            fail("no approved, consented case study is marked for inclusion in these rounds")
        with typer.progressbar(
            length=pdf_printer().parts_of(cases), label=f"printing {cases} case studies"
        ) as bar:
            try:
                printer = pdf_printer().PdfPrinter(loaded, photo_store=store_of(Settings().data_dir))
                pdf, _ = printer.booklet(db, ids, lang, progress=bar.update, for_print=for_print)
            except DomainError as exc:
                fail(f"\ncannot print: {exc.text('en')}")
    output.write_bytes(pdf)
    typer.echo(f"{output}: {cases} case studies, {len(pdf) // 1024} KiB")


def report(
    response_id: int = typer.Argument(
        ..., min=1, max=2_147_483_647, help="Response id (shown in the staff workspace)."
    ),
    lang: Locale = typer.Option(Locale.JA, help="Language of the report."),
    with_details: bool = typer.Option(
        False, "--with-details", help="Add the appendix of how each question's points were earned."
    ),
    output: Path = typer.Option(..., "-o", "--output", help="PDF file to write."),
) -> None:
    """Print one company's feedback report."""
    loaded = definitions()
    with database() as db:
        response = db.get(Response, response_id)
        if response is None or response.status == ResponseStatus.DRAFT:
            fail(f"no submitted response {response_id}")
        output.write_bytes(pdf_printer().PdfPrinter(loaded).report(db, response, lang, with_details))
    typer.echo(f"{output}: feedback report for response {response_id}")
