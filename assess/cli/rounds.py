"""`assess round ...` and `assess invite`: rounds and invitations from the command line."""

from __future__ import annotations

import typer

from assess.cli.common import BASE_URL, database, definitions, fail
from assess.config import Settings
from assess.i18n import gettext
from assess.services import invitations
from assess.services.audit import SYSTEM
from assess.services.companies import InviteEntry
from assess.services.errors import DomainError, FormInvalid
from assess.services.rounds import FIELD_MESSAGES, RoundForm, create_round, find_round, list_rounds
from assess.vocab import RoundAccess, RoundStatus

round_app = typer.Typer(help="Survey rounds.", no_args_is_help=True)


@round_app.command("add")
def add(
    slug: str = typer.Argument(..., help="Short name used in the link /r/SLUG, e.g. saga-2019."),
    name_ja: str = typer.Option(..., "--name-ja", help="Name in Japanese."),
    name_en: str = typer.Option(..., "--name-en", help="Name in English."),
    fiscal_year: str = typer.Option(..., "--fiscal-year", help="Fiscal year, e.g. 2019."),
    closes_on: str = typer.Option("", "--closes-on", help="Last day for answers, YYYY-MM-DD (optional)."),
    region: str = typer.Option("", help="Region, e.g. Saga Prefecture."),
    questionnaire: str = typer.Option("community-sme", help="Questionnaire id."),
    version: int = typer.Option(0, help="Questionnaire version (default: the latest loaded)."),
    status: RoundStatus = typer.Option(RoundStatus.OPEN, help="Whether companies can see and answer it."),
    access: RoundAccess = typer.Option(
        RoundAccess.OPEN, help="open: anyone with the link may start; invitation: only invited companies."
    ),
    organiser_ja: str = typer.Option("", "--organiser-ja", help="Who runs the survey, in Japanese."),
    organiser_en: str = typer.Option("", "--organiser-en", help="Who runs the survey, in English."),
    contact: str = typer.Option("", help="Contact shown on the start page."),
) -> None:
    """Create a survey round (the same rules as the staff workspace)."""
    form = RoundForm(
        slug=slug,
        name_ja=name_ja,
        name_en=name_en,
        fiscal_year=fiscal_year,
        closes_on=closes_on,
        region=region,
        questionnaire=f"{questionnaire}:{version}" if version else questionnaire,
        status=status,
        access=access,
        organiser_ja=organiser_ja,
        organiser_en=organiser_en,
        contact=contact,
    )
    registry = definitions().registry
    with database() as db:
        try:
            create_round(db, registry, form, SYSTEM)
        except FormInvalid as exc:
            fail(
                "cannot add the round:\n"
                + "\n".join(
                    f"  {field}: {gettext('en', FIELD_MESSAGES[code])}" for field, code in exc.errors.items()
                )
            )
    typer.echo(f"round {slug}: {BASE_URL}/r/{slug}")


@round_app.command("list")
def list_command() -> None:
    """List survey rounds."""
    with database() as db:
        for r in list_rounds(db):
            typer.echo(
                f"{r.slug}\t{r.status}\t{r.access}\t{r.fiscal_year}\t{r.name_en}\t{BASE_URL}/r/{r.slug}"
            )


def invite(
    round_slug: str = typer.Argument(..., help="The round's slug."),
    company: str = typer.Argument(..., help="Company name."),
    note: str = typer.Option("", help="Contact notes kept with the company."),
    code: str = typer.Option(
        "", help="A stable company code (e.g. the corporate number): an existing company with it is invited."
    ),
) -> None:
    """Create an invitation link for a named company (an existing one when its code matches)."""
    with database() as db:
        round_ = find_round(db, round_slug)
        if round_ is None:
            fail(f"no round '{round_slug}'")
        try:
            [token] = invitations.invite(
                db, round_, SYSTEM, Settings().resolved_secret_key(), [InviteEntry(company, note, code)]
            )
        except DomainError as exc:
            fail(exc.text("en"))
    typer.echo(f"{company}: {BASE_URL}/i/{token}")
