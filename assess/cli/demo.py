"""`assess demo`: fictional rounds and companies to try the app with."""

from __future__ import annotations

import typer

from assess.cli.common import BASE_URL, database, definitions
from assess.config import Settings
from assess.services.attachments import store_of
from assess.services.demo import (
    COMPANIES,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_ROUNDS,
    EARLIER,
    create_demo,
    create_demo_rounds,
    has_data,
)
from assess.vocab import RoundStatus


def demo(
    base_url: str = typer.Option(
        BASE_URL,
        help="Address the app is served at, for the links printed (match assess serve's --host/--port).",
    ),
) -> None:
    """On an empty database: survey rounds of 2019 (questionnaire version 1), 2024 and 2025 (version 2)
    with fictional companies at every stage (draft, submitted, returned, approved with case studies);
    some answered in both 2024 and 2025 and keep an action plan."""
    base = base_url.rstrip("/")
    loaded = definitions()
    with database() as db:
        if has_data(db):
            typer.echo("demo: the database has data already; nothing to do")
            return
        rounds = create_demo_rounds(db, loaded.registry)
        settings = Settings()
        store = store_of(settings.data_dir)
        links = create_demo(
            db, rounds, loaded.registry, loaded.practices, settings.resolved_secret_key(), store
        )
    responses = len(COMPANIES) + len(EARLIER)
    typer.echo(f"demo: {len(DEMO_ROUNDS)} survey rounds and {responses} fictional responses created")
    for round_ in rounds.values():
        if round_.status == RoundStatus.OPEN:
            typer.echo(f"  answer as a new company: {base}/r/{round_.slug}")
    company, token = next(iter(links.items()))
    typer.echo(f"  results of {company}: {base}/s/{token}/results")
    typer.echo(f"  staff workspace: {base}/staff  (log in as {DEMO_EMAIL} / {DEMO_PASSWORD})")
    typer.echo(f"  booklet: {base}/staff/rounds/{next(iter(rounds.values())).id}/booklet.pdf")
