"""`assess audit prune`: delete audit events older than a date (the log is otherwise kept)."""

from __future__ import annotations

import typer

from assess.cli.common import database, fail
from assess.services.audit_log import check_prune_day, older_than, prune
from assess.services.errors import DomainError
from assess.services.inputs import plain_date

audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


@audit_app.command("prune")
def prune_command(
    before: str = typer.Option(
        ...,
        "--before",
        help="Delete the events recorded before this day began in Japan (JST), YYYY-MM-DD.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only print how many events would be deleted."),
) -> None:
    """Delete audit events older than a date; the deletion is itself recorded in the log."""
    day = plain_date(before)
    if day is None:
        fail(f"cannot prune: {before!r} is not a date between 2000-01-01 and 2100-12-31 (YYYY-MM-DD)")
    try:
        check_prune_day(day)
    except DomainError as exc:
        fail(f"cannot prune: {exc.text('en')}")
    with database() as db:
        found = older_than(db, day)
        typer.echo(f"{found} audit events were recorded before {day.isoformat()} 00:00 JST")
        if dry_run:
            return
        deleted = prune(db, day)
    typer.echo(f"deleted {deleted} audit events; the deletion is recorded in the audit log")
