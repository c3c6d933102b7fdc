"""Loading a definition file in three stages: read → check → build.

`load_text` collects every error of a file before giving up; only a file with
no errors becomes an immutable `Questionnaire`. `load_file` first makes sure the
file can be read at all (see `assess.definitions.source.read_source`) and that
start-up would load it (a `.yaml` file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath

from assess.definitions.errors import DefinitionError, make_error
from assess.definitions.reader import content_hash, read_yaml
from assess.definitions.source import read_source
from assess.questionnaire.model import Questionnaire
from assess.questionnaire.schema import SchemaChecker

SUFFIX = ".yaml"  # start-up loads questionnaires/*.yaml, nothing else


@dataclass
class Loaded:
    """What reading one file gave: the questionnaire (None on any error), every error and
    warning, and the line of its `version` field."""

    questionnaire: Questionnaire | None
    errors: list[DefinitionError] = field(default_factory=list)
    version_line: int = 1


def load_text(text: str, file: str = "<string>") -> tuple[Questionnaire | None, list[DefinitionError]]:
    loaded = _load(text, file)
    return loaded.questionnaire, loaded.errors


def _load(text: str, file: str) -> Loaded:
    doc, errors = read_yaml(text, file)
    if doc is None:
        return Loaded(None, errors)
    validator = SchemaChecker(doc)
    parts = validator.run()
    errors = errors + validator.errors
    if parts is None or any(not e.warning for e in errors):
        return Loaded(None, errors)
    questionnaire = Questionnaire(content_hash=content_hash(doc.data), source=file, **parts)
    expected = f"{questionnaire.id}-v{questionnaire.version}.yaml"
    name = FsPath(file).name
    if name.endswith((".yaml", ".yml")) and name != expected:
        errors.append(make_error("W101", file, 1, "", expected=expected))
    return Loaded(questionnaire, errors, doc.line(("version",)))


def display_name(path: FsPath) -> str:
    """How messages name a file: its name inside the questionnaire folder, else its path."""
    return path.name if path.parent.name == "questionnaires" else str(path)


def read_file(path: str | FsPath) -> Loaded:
    """Load one definition file; a file start-up would not load (not `.yaml`) is an error (Q117)."""
    path = FsPath(path)
    file = display_name(path)
    text, errors = read_source(path, file)
    if text is None:
        return Loaded(None, errors)
    loaded = _load(text, file)
    if path.suffix == SUFFIX:
        return loaded
    q = loaded.questionnaire
    base = path.stem if path.suffix else path.name
    if base.lower().endswith((".yaml", ".yml")):  # x.yaml.txt
        base = base.rsplit(".", 1)[0]
    expected = f"{q.id}-v{q.version}.yaml" if q is not None else base + SUFFIX
    wrong = make_error("Q117", file, 0, "", name=path.name, expected=expected)
    return Loaded(None, [wrong] + [e for e in loaded.errors if e.code != "W101"], loaded.version_line)


def load_file(path: str | FsPath) -> tuple[Questionnaire | None, list[DefinitionError]]:
    loaded = read_file(path)
    return loaded.questionnaire, loaded.errors
