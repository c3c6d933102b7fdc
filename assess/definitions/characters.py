"""Characters text input may not hold: control characters other than tab and line
breaks, and lone surrogates. PostgreSQL refuses NUL in text, UTF-8 has no surrogates,
and none of them is ever typed on purpose; refusing them everywhere keeps both
databases alike and every page free of invisible characters."""

from __future__ import annotations

import re

ALLOWED_CONTROLS = "\t\n\r"
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def forbidden_character(text: str) -> str | None:
    """The first character that cannot be stored, written as its code point (e.g. "U+0000");
    None when all can."""
    found = _FORBIDDEN.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def without_forbidden(text: str) -> str:
    """The text with those characters taken out, to show back to the person who typed it."""
    return _FORBIDDEN.sub("", text)
