"""Where the files the app ships with are: inside the installed package.

A wheel carries the repository's top-level `templates/` and `questionnaires/`
inside the package (the build maps them there, see pyproject.toml); in a
checkout (an editable install) they stay at the top of the repository.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("assess")))


def shipped(name: str) -> Path:
    """The folder `name` (templates, questionnaires) of an installed package or of a checkout."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


STATIC_DIR = PACKAGE / "static"
MIGRATIONS_DIR = PACKAGE / "migrations"
LOCALE_DIR = PACKAGE / "locale"


def template_dir() -> Path:
    return shipped("templates")


def questionnaire_dir() -> Path:
    return shipped("questionnaires")
