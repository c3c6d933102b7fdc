"""Backup and restore: the whole installation as one versioned JSON document.

The format is described in docs/backup.md. Rows keep their ids, so foreign
keys stay valid; a restore goes into an empty database in one transaction,
so it either restores everything or nothing.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Table, TypeDecorator, func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import assess.models  # noqa: F401  (fills SQLModel.metadata)
from assess import __version__

FORMAT = "assess-backup"
FORMAT_VERSION = 1

# In restore order: a table comes after every table it refers to.
TABLES = (
    "questionnaire_version", "round", "company", "response", "invitation", "answer", "response_score",
    "staff_user", "api_token", "review_event", "audit_event", "case_study",
)
# Left out on purpose: login_attempt (short-lived throttling) and
# password_token (one-time links that expire within days).
CREDENTIALS = {"staff_user": ("password_hash",), "api_token": None}  # None: the whole table
MAX_REPORTED = 50


class BackupError(Exception):
    """A backup file that cannot be restored; `problems` says every reason."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        shown = problems[:MAX_REPORTED]
        more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(f"{source}: cannot restore:\n" + "\n".join(f"  {p}" for p in shown) + more)


@dataclass
class RestoreReport:
    counts: dict[str, int] = field(default_factory=dict)
    credentials: bool = False
    warnings: list[str] = field(default_factory=list)


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def schema_revision(conn: Connection) -> str:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""


# --- export -------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    return value


def dump(engine: Engine, credentials: bool = False) -> dict[str, Any]:
    """Every row of every backed-up table, in one consistent snapshot."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        else:
            conn.exec_driver_sql("BEGIN")  # one read transaction: a snapshot in WAL mode
        revision = schema_revision(conn)
        for name in TABLES:
            skip = CREDENTIALS.get(name, ())
            if skip is None and not credentials:
                continue
            t = table(name)
            columns = [c for c in t.columns if credentials or c.name not in (skip or ())]
            order = list(t.primary_key.columns)
            rows = conn.execute(select(*columns).order_by(*order)).mappings()
            tables[name] = [{key: _encode(value) for key, value in row.items()} for row in rows]
        conn.rollback()
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "app_version": __version__,
        "schema_revision": revision,
        "credentials": credentials,
        "tables": tables,
    }


def dumps(document: dict[str, Any]) -> str:
    # One row per line: diffable, and a reader can point at a line.
    lines = ["{"]
    for key, value in document.items():
        if key != "tables":
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    lines.append('  "tables": {')
    names = list(document["tables"])
    for i, name in enumerate(names):
        rows = document["tables"][name]
        body = ",\n".join(f"      {json.dumps(row, ensure_ascii=False, sort_keys=False)}" for row in rows)
        lines.append(f"    {json.dumps(name)}: [" + (f"\n{body}\n    ]" if rows else "]") + ("," if i < len(names) - 1 else ""))
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- reading and checking -----------------------------------------------------


def loads(source: str, content: str) -> dict[str, Any]:
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        raise BackupError(source, [f"line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}"]) from None
    problems = []
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(source, [f'not an assess backup: the top level needs "format": "{FORMAT}"'])
    version = document.get("version")
    if version != FORMAT_VERSION:
        problems.append(f"format version {version!r} is not supported: this assess ({__version__}) reads version {FORMAT_VERSION}")
    if not isinstance(document.get("tables"), dict):
        problems.append('"tables" must be an object of table name to a list of rows')
    if problems:
        raise BackupError(source, problems)
    return document


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _decode(column, value: Any) -> Any:
    """The database value for one JSON value, or ValueError saying what is wrong."""
    kind = column.type
    if isinstance(kind, TypeDecorator):  # SQLModel's UTC datetimes and strings
        kind = kind.impl_instance
    if isinstance(kind, JSON):
        return value  # any JSON value
    if value is None:
        if not column.nullable:
            raise ValueError("must not be null")
        return None
    if isinstance(kind, DateTime):
        if not isinstance(value, str):
            raise ValueError("must be an ISO 8601 date and time string")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value}' is not an ISO 8601 date and time") from None
        return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("must be a number")
        return float(value)
    if isinstance(kind, String):
        if not isinstance(value, str):
            raise ValueError("must be a string")
        if kind.length and len(value) > kind.length:
            raise ValueError(f"is {len(value)} characters long; at most {kind.length} fit")
        return value
    return value


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
            continue
        if not isinstance(rows, list):
            problems.append(f"table '{name}': must be a list of rows")
            continue
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
                    out[key] = _decode(columns[key], value)
                except ValueError as exc:
                    problems.append(f"{where}, column '{key}': {exc}")
            for key, column in columns.items():
                if key not in row:
                    try:
                        out[key] = _default(column)
                    except ValueError as exc:
                        problems.append(f"{where}, column '{key}': {exc}")
            decoded.append(out)
        rows_by_table[name] = decoded
    problems += _check_references(rows_by_table)
    if problems:
        raise BackupError(source, problems)
    return rows_by_table


def _check_references(rows_by_table: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every foreign key points at a row of the same file (ids are kept)."""
    problems = []
    ids = {name: {row.get("id") for row in rows} for name, rows in rows_by_table.items()}
    for name, rows in rows_by_table.items():
        for fk in table(name).foreign_keys:
            target = fk.column.table.name
            for n, row in enumerate(rows, 1):
                value = row.get(fk.parent.name)
                if value is not None and value not in ids.get(target, set()):
                    problems.append(f"table '{name}', row {n}, column '{fk.parent.name}': no {target} with id {value} in the file")
    return problems


# --- restore ------------------------------------------------------------------


def restore(engine: Engine, source: str, document: dict[str, Any], available: dict[tuple[str, int], str] | None = None) -> RestoreReport:
    """Restore a checked document into an empty, migrated database.

    `available` maps (questionnaire id, version) to content hash of the
    definition files this installation has; responses need theirs.
    """
    rows_by_table = check(source, document)
    problems = _check_questionnaires(rows_by_table, available) if available is not None else []
    report = RestoreReport(credentials=bool(document.get("credentials")))
    try:
        with engine.begin() as conn:
            problems += _check_empty(conn, rows_by_table)
            if problems:
                raise BackupError(source, problems)
            _insert(conn, rows_by_table, report)
    except IntegrityError as exc:  # e.g. two rows with one id: nothing was written
        raise BackupError(source, [f"the rows do not fit together, nothing was restored: {exc.orig}"]) from None
    staff = rows_by_table.get("staff_user", [])
    if staff and not any(row.get("password_hash") for row in staff):
        report.warnings.append(f"{len(staff)} staff account(s) have no password: give each a set-password link with `assess user link EMAIL`")
    return report


def _insert(conn: Connection, rows_by_table, report: RestoreReport) -> None:
    present = {(r.questionnaire_id, r.version) for r in conn.execute(select(table("questionnaire_version")))}
    for name in TABLES:
        rows = rows_by_table.get(name, [])
        if name == "questionnaire_version":
            rows = [r for r in rows if (r["questionnaire_id"], r["version"]) not in present]
        if rows:
            conn.execute(table(name).insert(), rows)
        report.counts[name] = len(rows_by_table.get(name, []))
    _reset_sequences(conn)


def _check_questionnaires(rows_by_table, available: dict[tuple[str, int], str]) -> list[str]:
    problems = []
    needed = {(r["questionnaire_id"], r["questionnaire_version"]) for name in ("round", "response") for r in rows_by_table.get(name, [])}
    hashes = {(r["questionnaire_id"], r["version"]): r["content_hash"] for r in rows_by_table.get("questionnaire_version", [])}
    for key in sorted(needed):
        if key not in available:
            problems.append(f"questionnaire {key[0]} version {key[1]} is used in the backup but not in this installation's questionnaire folder")
    for key, digest in sorted(hashes.items()):
        if key in needed and key in available and available[key] != digest:
            problems.append(f"questionnaire {key[0]} version {key[1]}: the file here differs from the one the answers were given to "
                            f"(hash {available[key][:12]} here, {digest[:12]} in the backup); restore the original file")
    return problems


def _check_empty(conn: Connection, rows_by_table) -> list[str]:
    filled = []
    for name in TABLES:
        t = table(name)
        count = conn.execute(select(func.count()).select_from(t)).scalar()
        if name == "questionnaire_version":
            # Starting the app records the versions it loaded; those may stay if they agree.
            theirs = {(r["questionnaire_id"], r["version"]): r["content_hash"] for r in rows_by_table.get(name, [])}
            for row in conn.execute(select(t)):
                key = (row.questionnaire_id, row.version)
                if key in theirs and theirs[key] != row.content_hash:
                    filled.append(f"questionnaire_version {key[0]} v{key[1]} (different content)")
        elif count:
            filled.append(f"{count} {name}")
    if not filled:
        return []
    return [f"the database is not empty ({', '.join(filled)}); restore into a new database: point ASSESS_DATABASE_URL at an empty one"]


def _reset_sequences(conn: Connection) -> None:
    """Ids were inserted as given; PostgreSQL's sequences must continue after them."""
    if conn.dialect.name != "postgresql":
        return
    for name in TABLES:
        t = table(name)
        if "id" in t.c and isinstance(t.c.id.type, Integer):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM \"{name}\"), 0) + 1, false)"
            ))
