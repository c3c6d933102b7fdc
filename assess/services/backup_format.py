"""Reading and checking a backup file before anything is written.

Every problem in the file is collected and named by table, row and column,
so one run of `assess import` shows all that needs fixing. The rules are
those of the strictest supported database (PostgreSQL): a file that passes
here restores on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
)
from sqlmodel import SQLModel

from assess import __version__
from assess.models import Vocabulary  # importing the models fills SQLModel.metadata

FORMAT = "assess-backup"
# 2: company codes, closing dates, carried answers, action plans; 3: answer history, evidence;
# 4: contacts, message wording, the outbox and its delivery attempts; 5: case-study photos,
# consent withdrawal, findings and publication of rounds
FORMAT_VERSION = 5
READABLE_VERSIONS = (1, 2, 3, 4, 5)  # older files restore: their rows lack only the new tables and columns
MAX_REPORTED = 50
INT_RANGE = (-(2**31), 2**31 - 1)  # PostgreSQL's integer

# In restore order: a table comes after every table it refers to.
TABLES = (
    "questionnaire_version",
    "round",
    "mail_template",
    "company",
    "contact",
    "response",
    "invitation",
    "answer",
    "submission",
    "submitted_answer",
    "document_request",
    "attachment",
    "case_photo",
    "action",
    "action_comment",
    "response_score",
    "staff_user",
    "api_token",
    "review_event",
    "audit_event",
    "case_study",
    "outbox_message",
    "delivery_attempt",
)


class BackupError(Exception):
    """A backup file that cannot be restored; `problems` says every reason."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        shown = problems[:MAX_REPORTED]
        more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(f"{source}: cannot restore:\n" + "\n".join(f"  {p}" for p in shown) + more)


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def choices(column) -> tuple[str, ...]:
    """The values a vocabulary column may hold (statuses, roles, ...); () for other columns."""
    return tuple(column.type.enum) if isinstance(column.type, Vocabulary) else ()


def loads(source: str, content: str) -> dict[str, Any]:
    try:
        document = json.loads(content, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BackupError(
            source, [f"line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}"]
        ) from None
    except ValueError as exc:
        raise BackupError(source, [str(exc)]) from None
    problems = []
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(source, [f'not an assess backup: the top level needs "format": "{FORMAT}"'])
    version = document.get("version")
    if version not in READABLE_VERSIONS:
        problems.append(
            f"format version {version!r} is not supported: this assess ({__version__}) reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}"
        )
    if not isinstance(document.get("tables"), dict):
        problems.append('"tables" must be an object of table name to a list of rows')
    if problems:
        raise BackupError(source, problems)
    return document


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows; databases cannot store it")


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_json(value: Any) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("contains a NUL character, which databases cannot store")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("contains a number that is not finite")
    if isinstance(value, list):
        for item in value:
            _check_json(item)
    if isinstance(value, dict):
        for key, item in value.items():
            _check_json(key)
            _check_json(item)


def decode(column, value: Any) -> Any:
    """The database value for one JSON value, or ValueError saying what is wrong."""
    kind = column.type
    if isinstance(kind, TypeDecorator):  # SQLModel's UTC datetimes and strings, vocabularies
        kind = kind.impl_instance
    if isinstance(kind, JSON):
        _check_json(value)
        return value  # any JSON value, null included
    if value is None:
        if not column.nullable:
            raise ValueError("must not be null")
        return None
    for base, decoder in DECODERS:
        if isinstance(kind, base):
            return decoder(kind, value)
    return value


def _datetime(kind, value: Any) -> datetime:
    if not isinstance(value, str) or "T" not in value:
        raise ValueError("must be an ISO 8601 date and time, e.g. 2019-07-01T09:30:00+09:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not an ISO 8601 date and time") from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date(kind, value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date, e.g. 2025-09-30")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not an ISO 8601 date") from None


def _boolean(kind, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _integer(kind, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    if not INT_RANGE[0] <= value <= INT_RANGE[1]:
        raise ValueError(f"{value} is out of range ({INT_RANGE[0]} to {INT_RANGE[1]})")
    return value


def _float(kind, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number")
    return float(value)


def _string(kind, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    _check_json(value)
    if kind.length and len(value) > kind.length:
        raise ValueError(f"is {len(value)} characters long; at most {kind.length} fit")
    return value


# Checked in this order: a subclass before its base.
DECODERS = (
    (DateTime, _datetime),
    (Date, _date),
    (Boolean, _boolean),
    (Integer, _integer),
    (Float, _float),
    (String, _string),
)


def _default(column) -> Any:
    if column.default is not None and column.default.is_scalar:
        return column.default.arg
    if column.default is not None and column.default.is_callable:
        return column.default.arg(None)
    if column.nullable:
        return None
    raise ValueError("is missing and has no default")


def check(source: str, document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Database rows per table, or BackupError listing every problem found."""
    problems: list[str] = []
    rows_by_table: dict[str, list[dict[str, Any]]] = {}
    for name, rows in document["tables"].items():
        if name not in TABLES:
            problems.append(f"table '{name}' is not part of a backup{_suggest(name, TABLES)}")
        elif not isinstance(rows, list):
            problems.append(f"table '{name}': must be a list of rows")
        else:
            rows_by_table[name] = _rows(name, rows, problems)
    for name, rows in rows_by_table.items():
        problems += _duplicates(name, rows)
    problems += _references(rows_by_table)
    if problems:
        raise BackupError(source, problems)
    return rows_by_table


def _rows(name: str, rows: list, problems: list[str]) -> list[dict[str, Any]]:
    columns = {c.name: c for c in table(name).columns}
    decoded = []
    for n, row in enumerate(rows, 1):
        where = f"table '{name}', row {n}"
        if not isinstance(row, dict):
            problems.append(f"{where}: must be an object of column name to value")
            continue
        out = {}
        for key, value in row.items():
            if key not in columns:
                problems.append(f"{where}: unknown column '{key}'{_suggest(key, columns)}")
                continue
            try:
                out[key] = decode(columns[key], value)
            except ValueError as exc:
                problems.append(f"{where}, column '{key}': {exc}")
                continue
            allowed = choices(columns[key])
            if allowed and out[key] not in allowed:
                problems.append(f"{where}, column '{key}': '{value}' is not one of {', '.join(allowed)}")
        for key, column in columns.items():
            if key not in row:
                try:
                    out[key] = _default(column)
                except ValueError as exc:
                    problems.append(f"{where}, column '{key}': {exc}")
        decoded.append(out)
    return decoded


def _unique_keys(t: Table) -> list[tuple[str, ...]]:
    keys = [tuple(c.name for c in t.primary_key.columns)]
    keys += [
        tuple(c.name for c in constraint.columns)
        for constraint in t.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    keys += [tuple(c.name for c in index.columns) for index in t.indexes if index.unique]
    keys += [(c.name,) for c in t.columns if c.unique]
    return list(dict.fromkeys(keys))


def _duplicates(name: str, rows: list[dict[str, Any]]) -> list[str]:
    """Rows that the database's primary and unique keys would refuse."""
    problems = []
    for key in _unique_keys(table(name)):
        first: dict[tuple, int] = {}
        for n, row in enumerate(rows, 1):
            value = tuple(row.get(c) for c in key)
            if None in value:
                continue
            if value in first:
                shown = ", ".join(f"{c} {v!r}" for c, v in zip(key, value, strict=True))
                problems.append(f"table '{name}', row {n}: the same {shown} as row {first[value]}")
            else:
                first[value] = n
    return problems


def _references(rows_by_table: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every foreign key points at a row of the same file (ids are kept)."""
    problems = []
    ids = {name: {row.get("id") for row in rows} for name, rows in rows_by_table.items()}
    for name, rows in rows_by_table.items():
        for fk in table(name).foreign_keys:
            target = fk.column.table.name
            for n, row in enumerate(rows, 1):
                value = row.get(fk.parent.name)
                if value is not None and value not in ids.get(target, set()):
                    problems.append(
                        f"table '{name}', row {n}, column '{fk.parent.name}': no {target} with id {value} "
                        "in the file"
                    )
    return problems
