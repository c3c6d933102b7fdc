"""The `assess` command line."""

from __future__ import annotations

import glob
import sys
from pathlib import Path
from typing import List, Optional

import typer

from assess.config import ConfigError, Settings

app = typer.Typer(help="SME sustainability self-assessment and SDG-target mapping.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
questionnaire_app = typer.Typer(help="Questionnaire definition files.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(questionnaire_app, name="questionnaire")


def _register_commands() -> None:
    from assess.commands.rounds import demo, invite, round_app
    from assess.commands.sdg import score_command, sdg_app
    from assess.commands.printing import booklet, report
    from assess.commands.users import user_app
    from assess.commands.backup import export_command, import_command

    app.add_typer(sdg_app, name="sdg")
    app.add_typer(round_app, name="round")
    app.add_typer(user_app, name="user")
    app.command("score")(score_command)
    app.command("invite")(invite)
    app.command("demo")(demo)
    app.command("booklet")(booklet)
    app.command("report")(report)
    app.command("export")(export_command)
    app.command("import")(import_command)


_register_commands()


def fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Number of worker processes."),
) -> None:
    """Migrate the database, then serve the app."""
    import uvicorn

    from assess import db
    from assess.errors import DefinitionFileError

    settings = Settings()
    try:
        settings.resolved_secret_key()  # create it once, before workers race for it
        db.upgrade(db.make_engine(settings.db_url))
        from assess.web.app import create_app

        create_app(settings)  # fail here, with a clear message, rather than in every worker
    except (ConfigError, DefinitionFileError) as exc:
        fail(f"cannot start: {exc}")
    typer.echo(f"assess: serving on http://{host}:{port}")
    uvicorn.run("assess.web.app:factory", factory=True, host=host, port=port, workers=workers, log_level="info")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Revision to migrate to.")) -> None:
    """Create or migrate the database to the latest schema."""
    from assess import db

    settings = Settings()
    db.upgrade(db.make_engine(settings.db_url), revision)
    typer.echo(f"database at {revision}: {settings.db_url}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="Revision to go back to, e.g. -1.")) -> None:
    """Undo migrations down to REVISION."""
    from assess import db

    settings = Settings()
    db.downgrade(db.make_engine(settings.db_url), revision)
    typer.echo(f"database at {revision}")


@questionnaire_app.command("check")
def questionnaire_check(files: Optional[List[Path]] = typer.Argument(None, help="Definition files (default: all in the questionnaire folder).")) -> None:
    """Check definition files and print every error with file and line."""
    from assess.questionnaire.registry import load_files

    if not files:
        files = [Path(p) for p in sorted(glob.glob(str(Settings().questionnaire_dir / "*.yaml")))]
    if not files:
        fail("no questionnaire files found")
    registry, errors = load_files(files)
    for problem in registry.warnings + errors:
        typer.echo(str(problem))
    for q in registry.all():
        typer.echo(f"ok: {q.source}: {q.id} v{q.version}, {len(q.sections)} sections, {len(q.questions)} questions, hash {q.content_hash[:12]}")
    if errors:
        files_with_errors = len({e.file for e in errors})
        fail(f"{len(errors)} error(s) in {files_with_errors} file(s)")


def main() -> None:
    from sqlalchemy.exc import OperationalError

    try:
        app()
    except ConfigError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)
    except OperationalError as exc:  # e.g. PostgreSQL not running, or a wrong password
        typer.echo(f"cannot use the database: {exc.orig}\ncheck ASSESS_DATABASE_URL (see docs/configuration.md)", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
