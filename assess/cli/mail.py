"""`assess mail`: deliver the outbox from cron (or once by hand), or write it as .eml files."""

from __future__ import annotations

from pathlib import Path

import typer

from assess.cli.common import engine, fail
from assess.config import Settings
from assess.db import session
from assess.services.mail_events import run_schedule
from assess.services.mail_sender import deliver_due, owner_name, write_due
from assess.services.outbox import Links, status_counts

mail_app = typer.Typer(help="E-mail: the outbox and its delivery.", no_args_is_help=True)


@mail_app.command("send")
def send(
    to_dir: Path | None = typer.Option(
        None,
        "--to-dir",
        help="Write each waiting message as an .eml file into this folder instead of sending it "
        "(they then count as sent).",
        file_okay=False,
    ),
) -> None:
    """Queue what is due (reminders, action notices, the staff digest), then deliver every
    waiting message over SMTP (ASSESS_SMTP_*), or into --to-dir. For cron: safe to run often,
    also while `assess serve` sends: a message is delivered once."""
    settings = Settings()
    made = engine(settings)
    links = Links(settings.public_url, settings.resolved_secret_key())
    with session(made) as db:
        scheduled = run_schedule(db, staff_locale=settings.default_locale)
    typer.echo(
        f"queued {scheduled.reminders} reminders, {scheduled.actions} action notices, "
        f"{scheduled.digests} digests"
    )
    if to_dir is not None:
        report = write_due(made, settings, links, owner_name(), to_dir)
        typer.echo(f"wrote {report.sent} messages to {to_dir}")
        return
    if not settings.smtp_host:
        fail("no mail server is set (ASSESS_SMTP_HOST): messages wait in the outbox; see docs/mail.md")
    report = deliver_due(made, settings, links, owner_name())
    typer.echo(
        f"sent {report.sent}, retry later {report.retried}, failed {report.failed}, "
        f"unconfirmed {report.unconfirmed}"
    )
    if report.errors:
        fail(f"cannot reach the mail server {settings.smtp_host}:{settings.smtp_port}: {report.errors[0]}")


@mail_app.command("status")
def status() -> None:
    """How many messages are in the outbox, by status."""
    with session(engine()) as db:
        counts = status_counts(db)
    for name, count in sorted(counts.items()):
        typer.echo(f"{name}: {count}")
