"""The `assess` command line: the top-level app, serving, migrations and definition checks."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from urllib.parse import quote

import typer
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from assess import db
from assess.cli import audit, backup, demo, mail, printing, rounds, score, sdg, users
from assess.cli.common import fail
from assess.cli.paper import paper
from assess.config import ConfigError, Settings
from assess.definitions.errors import DefinitionError, DefinitionFileError
from assess.questionnaire.registry import Registry, load_files
from assess.services.startup import changed_locked_versions

app = typer.Typer(
    help="SME sustainability self-assessment and SDG-target mapping.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
questionnaire_app = typer.Typer(help="Questionnaire definition files.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(questionnaire_app, name="questionnaire")
app.add_typer(sdg.sdg_app, name="sdg")
app.add_typer(rounds.round_app, name="round")
app.add_typer(users.user_app, name="user")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(mail.mail_app, name="mail")
app.command("score")(score.score_command)
app.command("invite")(rounds.invite)
app.command("demo")(demo.demo)
app.command("booklet")(printing.booklet)
app.command("report")(printing.report)
app.command("paper")(paper)
app.command("export")(backup.export_command)
app.command("import")(backup.import_command)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=64, help="Number of worker processes."),
) -> None:
    """Migrate the database, then serve the app."""
    import uvicorn

    from assess.app import create_app

    settings = Settings()
    try:
        settings.resolved_secret_key()  # create it once, before workers race for it
        db.upgrade(db.make_engine(settings.db_url))
        create_app(settings)  # fail here, with a clear message, rather than in every worker
    except (ConfigError, DefinitionFileError) as exc:
        fail(f"cannot start: {exc}")
    typer.echo(f"assess: serving on http://{host}:{port}")
    uvicorn.run("assess.app:factory", factory=True, host=host, port=port, workers=workers, log_level="info")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Revision to migrate to.")) -> None:
    """Create or migrate the database to the latest schema."""
    settings = Settings()
    db.upgrade(db.make_engine(settings.db_url), revision)
    typer.echo(f"database at {revision}: {settings.db_url}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="Revision to go back to, e.g. -1.")) -> None:
    """Undo migrations down to REVISION."""
    db.downgrade(db.make_engine(Settings().db_url), revision)
    typer.echo(f"database at {revision}")


@questionnaire_app.command("check")
def questionnaire_check(
    files: list[Path] | None = typer.Argument(
        None, help="Definition files (default: all in the questionnaire folder)."
    ),
    database: bool = typer.Option(
        False,
        "--database",
        help="Also compare with the versions locked in the database of ASSESS_DATABASE_URL (only reads it, "
        "never migrates): reports Q501 where start-up would refuse a file.",
    ),
) -> None:
    """Check definition files and print every error with file and line."""
    settings = Settings()
    if not files:
        files = sorted(settings.questionnaire_dir.glob("*.yaml"))
    if not files:
        fail("no questionnaire files found")
    registry, errors = load_files(files)
    if database:
        errors = errors + _locked_changes(settings, registry)
    for problem in registry.warnings + errors:
        typer.echo(str(problem))
    refused = {(e.file, e.code) for e in errors}
    for q in registry.all():
        if (q.source, "Q501") in refused:
            continue
        typer.echo(
            f"ok: {q.source}: {q.id} v{q.version}, {len(q.sections)} sections, {len(q.questions)} questions, "
            f"hash {q.content_hash[:12]}"
        )
    if errors:
        fail(f"{len(errors)} error(s) in {len({e.file for e in errors})} file(s)")


def _locked_changes(settings: Settings, registry: Registry) -> list[DefinitionError]:
    """Q501 for loaded versions whose locked content differs, read from the database without writing."""
    shown = make_url(settings.db_url).render_as_string(hide_password=True)
    engine = _read_only_engine(settings.db_url)
    if isinstance(engine, str):
        typer.echo(f"database: {engine}, so no version is locked yet")
        return []
    try:
        if not inspect(engine).has_table("questionnaire_version"):
            typer.echo(f"database: {shown} has no questionnaire versions yet (never migrated)")
            return []
        errors = changed_locked_versions(engine, registry)
    except DBAPIError as exc:
        fail(
            f"cannot read the database {shown}: {exc.orig}\n"
            "check ASSESS_DATABASE_URL (see docs/configuration.md)"
        )
    finally:
        engine.dispose()
    typer.echo(f"database: compared with the locked versions in {shown}")
    return errors


def _read_only_engine(url: str) -> Engine | str:
    """An engine that can only read the database, or why there is nothing to read."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, poolclass=NullPool)
        return (
            engine.execution_options(postgresql_readonly=True)
            if engine.dialect.name == "postgresql"
            else engine
        )
    database = parsed.database or ""
    if db.in_memory(parsed):
        return "an in-memory database keeps nothing between runs"
    path = Path(database).resolve()
    if not path.is_file():
        return f"there is no database at {path}"
    uri = f"file:{quote(str(path))}?mode=ro"
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)
    except OperationalError as exc:  # e.g. PostgreSQL not running, or a wrong password
        typer.echo(
            f"cannot use the database: {exc.orig}\ncheck ASSESS_DATABASE_URL (see docs/configuration.md)",
            err=True,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
