"""Numbers and dates typed into forms, queries and files: plain ASCII digits that fit the
database's integer columns, or nothing. Python's int() also reads "²", "١٢" and
4,300-digit strings (the last with an error): none of them is ever an id or a year."""

from __future__ import annotations

from datetime import date

MAX_DIGITS = 9  # below 2,147,483,647, PostgreSQL's integer


def small_int(value: object, max_digits: int = MAX_DIGITS) -> int | None:
    """The number written in `value`, or None when it is not a plain short number."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (0 < len(text) <= max_digits and text.isascii() and text.isdigit()):
        return None
    return int(text)


def plain_date(value: object, low: date = date(2000, 1, 1), high: date = date(2100, 12, 31)) -> date | None:
    """The date written as YYYY-MM-DD (what a date field sends) within the range, or None."""
    if not isinstance(value, str) or len(value.strip()) != 10 or not value.strip().isascii():
        return None
    try:
        found = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return found if low <= found <= high else None
