"""Shared checks for definition files: mappings, texts, identifiers, numbers.

Used by the questionnaire validator and by the practice catalogue loader, so a
missing translation or an unknown key reads the same in every file.
"""

from __future__ import annotations

import re
from typing import Any

from assess.definitions.errors import DefinitionError, did_you_mean, make_error, valid_list
from assess.definitions.reader import Document, KeyPath, path_str
from assess.definitions.text import LANGUAGES, Text

IDENT = re.compile(r"^[a-z][a-z0-9_\-]*$")
LANGUAGE_NAMES = {"ja": "Japanese", "en": "English"}


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Checker:
    def __init__(self, doc: Document):
        self.doc = doc
        self.errors: list[DefinitionError] = []

    def err(self, code: str, path: KeyPath, **params: Any) -> None:
        self.errors.append(make_error(code, self.doc.file, self.doc.line(path), path_str(path), **params))

    def mapping(
        self, path: KeyPath, value: Any, fields: dict[str, bool], what: str = "a mapping"
    ) -> dict | None:
        """Check a mapping's keys; fields maps each allowed key to whether it is required."""
        if not isinstance(value, dict):
            self.err("Q102", path, expected=what, found=kind_of(value))
            return None
        for key in value:
            if key not in fields:
                self.err(
                    "Q103",
                    path + (str(key),),
                    key=key,
                    suggestion=did_you_mean(str(key), fields),
                    valid=valid_list(fields),
                )
        for key, required in fields.items():
            if required and key not in value:
                self.err("Q104", path, field=key)
        return value

    def items(self, path: KeyPath, value: Any, field: str, allow_empty: bool = False) -> list:
        if value is None and allow_empty:
            return []
        if not isinstance(value, list):
            self.err("Q102", path, expected=f"a list for '{field}'", found=kind_of(value))
            return []
        if not value and not allow_empty:
            self.err("Q106", path, field=field)
        return value

    def text(self, path: KeyPath, value: Any) -> Text | None:
        if not isinstance(value, dict):
            self.err("Q402", path, found=kind_of(value))
            return None
        ok = True
        for lang in value:
            if lang not in LANGUAGES:
                self.err("Q403", path + (str(lang),), lang=lang)
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.err(
                    "Q401",
                    path + (lang,) if lang in value else path,
                    lang=lang,
                    language=LANGUAGE_NAMES[lang],
                )
                ok = False
        return Text(ja=value["ja"].strip(), en=value["en"].strip()) if ok else None

    def optional_text(self, path: KeyPath, parent: dict, key: str) -> Text | None:
        return self.text(path + (key,), parent[key]) if key in parent else None

    def ident(self, path: KeyPath, value: Any) -> str | None:
        if not isinstance(value, str) or not IDENT.match(value):
            self.err("Q107", path, value=value)
            return None
        return value

    def boolean(self, path: KeyPath, parent: dict, key: str, default: bool = False) -> bool:
        value = parent.get(key, default)
        if not isinstance(value, bool):
            self.err("Q302", path + (key,), field=key, expected="true or false", found=kind_of(value))
            return default
        return value

    def number(
        self,
        path: KeyPath,
        parent: dict,
        key: str,
        default: float | None = None,
        *,
        minimum: float | None = None,
    ) -> float | None:
        value = parent.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.err("Q302", path + (key,), field=key, expected="a number", found=kind_of(value))
            return default
        if minimum is not None and value < minimum:
            self.err("Q312", path + (key,), field=key, value=value)
            return default
        return float(value)

    def integer(self, path: KeyPath, parent: dict, key: str, default: int | None = None) -> int | None:
        value = parent.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.err(
                "Q302", path + (key,), field=key, expected="a positive whole number", found=kind_of(value)
            )
            return default
        return value

    def id_list(self, path: KeyPath, value: Any, field: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.err("Q102", path, expected=f"a list of identifiers for '{field}'", found=kind_of(value))
            return ()
        return tuple(v for i, v in enumerate(value) if self.ident(path + (i,), v))

    def unique(self, seen: dict[str, KeyPath], kind: str, value: str | None, path: KeyPath) -> None:
        if value is None:
            return
        if value in seen:
            self.err("Q201", path, kind=kind, value=value, first_line=self.doc.line(seen[value]))
        else:
            seen[value] = path
