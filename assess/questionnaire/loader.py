"""Loading a definition file in three stages: read → check → build.

`load_text` collects every error of a file before giving up; only a file with
no errors becomes an immutable `Questionnaire`.
"""

from __future__ import annotations

from pathlib import Path as FsPath

from assess.definitions.errors import DefinitionError, make_error
from assess.definitions.reader import content_hash, read_yaml
from assess.questionnaire.model import Questionnaire
from assess.questionnaire.schema import SchemaChecker


def load_text(text: str, file: str = "<string>") -> tuple[Questionnaire | None, list[DefinitionError]]:
    doc, errors = read_yaml(text, file)
    if doc is None:
        return None, errors
    validator = SchemaChecker(doc)
    parts = validator.run()
    errors = errors + validator.errors
    if parts is None or any(not e.warning for e in errors):
        return None, errors
    questionnaire = Questionnaire(content_hash=content_hash(doc.data), source=file, **parts)
    expected = f"{questionnaire.id}-v{questionnaire.version}.yaml"
    name = FsPath(file).name
    if name.endswith((".yaml", ".yml")) and name != expected:
        errors.append(make_error("W101", file, 1, "", expected=expected))
    return questionnaire, errors


def load_file(path: str | FsPath) -> tuple[Questionnaire | None, list[DefinitionError]]:
    path = FsPath(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [make_error("Q100", str(path), 0, "", detail=f"cannot read the file: {exc}")]
    return load_text(text, path.name if path.parent.name == "questionnaires" else str(path))
