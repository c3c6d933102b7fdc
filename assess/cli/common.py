"""What the commands share: settings, a migrated database, the loaded definitions, messages."""

from __future__ import annotations

from typing import NoReturn

import typer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assess import db
from assess.config import Settings
from assess.definitions.errors import DefinitionFileError
from assess.services.startup import Definitions, load_definitions

BASE_URL = "http://127.0.0.1:8000"  # for the links commands print


def pdf_printer():
    """The PDF printer module, imported when a command prints: WeasyPrint takes a second
    to load, which every other command would otherwise pay at start-up."""
    from assess.pdf import printer

    return printer


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def engine(settings: Settings | None = None) -> Engine:
    """The database of the settings, migrated to the latest schema."""
    made = db.make_engine((settings or Settings()).db_url)
    db.upgrade(made)
    return made


def database(settings: Settings | None = None) -> Session:
    return db.session(engine(settings))


def definitions(settings: Settings | None = None) -> Definitions:
    """Every definition file loaded and checked, or exit listing every error."""
    try:
        return load_definitions(settings or Settings())
    except DefinitionFileError as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
