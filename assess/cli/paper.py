"""`assess paper`: a blank paper questionnaire as a PDF."""

from __future__ import annotations

from pathlib import Path

import typer

from assess.cli.common import definitions, fail, pdf_printer
from assess.vocab import Locale


def paper(
    questionnaire_id: str = typer.Argument(..., help="Questionnaire id, e.g. community-sme."),
    version: int = typer.Argument(..., min=1, help="Questionnaire version."),
    lang: Locale = typer.Option(Locale.JA, help="Language of the form."),
    output: Path = typer.Option(..., "-o", "--output", help="PDF file to write."),
) -> None:
    """Print a blank paper questionnaire of one questionnaire version."""
    loaded = definitions()
    try:
        questionnaire = loaded.registry.get(questionnaire_id, version)
    except KeyError:
        known = ", ".join(f"{q.id} {q.version}" for q in loaded.registry.all()) or "none"
        fail(f"no questionnaire '{questionnaire_id}' version {version} (loaded: {known})")
    pdf = pdf_printer().PdfPrinter(loaded).paper(questionnaire, str(lang))
    output.write_bytes(pdf)
    typer.echo(f"{output}: {questionnaire.id} v{questionnaire.version} ({lang}), {len(pdf) // 1024} KiB")
