"""Backup and restore: the whole installation as one versioned JSON document.

The format is described in docs/backup.md. Rows keep their ids, so foreign
keys stay valid; a restore goes into an empty database in one transaction,
so it either restores everything or nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, func, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, StatementError
from sqlmodel import Session
from sqlmodel import select as sqlmodel_select

from assess import __version__
from assess.db import current_revision, write_transaction
from assess.models import AuditEvent
from assess.services.attachment_backup import (
    files_for_backup,
    files_lines,
    files_to_restore,
    remove_files,
    write_files,
)
from assess.services.audit import audit
from assess.services.backup_format import FORMAT, FORMAT_VERSION, TABLES, BackupError, check, table

# Left out on purpose, all short-lived: staff_session (a restore signs everyone out),
# login_address and login_attempt (throttling), rate_event (rate limits) and
# password_token (one-time links that expire within days), worker_lease (which process
# sends mail right now).
CREDENTIALS = {"staff_user": ("password_hash",), "api_token": None}  # None: the whole table


@dataclass
class RestoreReport:
    counts: dict[str, int] = field(default_factory=dict)
    credentials: bool = False
    files: int = 0  # attached files written to the store
    warnings: list[str] = field(default_factory=list)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def dump(engine: Engine, credentials: bool = False, store: Path | None = None) -> dict[str, Any]:
    """Every row of every backed-up table, in one consistent snapshot; with the attachment
    store, every attached file too (base64, under "files")."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        else:
            conn.exec_driver_sql("BEGIN")  # one read transaction: a snapshot in WAL mode
        revision = current_revision(conn)
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
    files = None
    if store is not None:
        kept, files = files_for_backup(engine, store, tables)
        tables.update(kept)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "app_version": __version__,
        "schema_revision": revision,
        "credentials": credentials,
        "tables": tables,
        **({"files": files} if files is not None else {}),
    }


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def dumps(document: dict[str, Any]) -> str:
    # One row per line: diffable, and a reader can point at a line.
    lines = ["{"]
    for key, value in document.items():
        if key not in ("tables", "files"):
            lines.append(f"  {_json(key)}: {_json(value)},")
    lines.append('  "tables": {')
    names = list(document["tables"])
    for i, name in enumerate(names):
        rows = document["tables"][name]
        body = ",\n".join(f"      {_json(row)}" for row in rows)
        lines.append(
            f"    {json.dumps(name)}: ["
            + (f"\n{body}\n    ]" if rows else "]")
            + ("," if i < len(names) - 1 else "")
        )
    lines.append("  }" + ("," if "files" in document else ""))
    if "files" in document:
        lines.append(files_lines(document["files"]))
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- restore ------------------------------------------------------------------


def restore(
    engine: Engine,
    source: str,
    document: dict[str, Any],
    available: dict[tuple[str, int], str] | None = None,
    store: Path | None = None,
) -> RestoreReport:
    """Restore a checked document into an empty, migrated database.

    `available` maps (questionnaire id, version) to content hash of the
    definition files this installation has; responses need theirs. `store`: the
    attachment store the files go to (see services.attachment_backup).
    """
    rows_by_table = check(source, document)
    problems = _check_questionnaires(rows_by_table, available) if available is not None else []
    files, file_problems = files_to_restore(rows_by_table, document.get("files"), store)
    problems += file_problems
    report = RestoreReport(credentials=bool(document.get("credentials")), files=len(files))
    written: list[Path] = []  # the files written go again when the rows are not
    try:
        with engine.begin() as conn:
            problems += _check_empty(conn, rows_by_table)
            if problems:
                raise BackupError(source, problems)
            written = write_files(store, files) if store is not None else []
            _insert(conn, rows_by_table, report)
    except (DBAPIError, StatementError) as exc:  # what the checks did not foresee: nothing was written
        remove_files(written)
        raise BackupError(
            source, [f"the database refused a row, nothing was restored: {getattr(exc, 'orig', exc)}"]
        ) from None
    except BaseException:
        remove_files(written)
        raise
    staff = rows_by_table.get("staff_user", [])
    if staff and not any(row.get("password_hash") for row in staff):
        report.warnings.append(
            f"{len(staff)} staff account(s) have no password: give each a set-password link with `assess "
            "user link EMAIL`"
        )
    return report


def _insert(conn: Connection, rows_by_table, report: RestoreReport) -> None:
    versions = table("questionnaire_version")
    present = {(r.questionnaire_id, r.version): r for r in conn.execute(select(versions))}
    for name in TABLES:
        rows = rows_by_table.get(name, [])
        if name == "questionnaire_version":
            # Starting the app first records the versions it loaded:
            # keep the backup's lock and first sighting.
            for row in [r for r in rows if (r["questionnaire_id"], r["version"]) in present]:
                here = present[(row["questionnaire_id"], row["version"])]
                conn.execute(
                    update(versions)
                    .where(
                        versions.c.questionnaire_id == here.questionnaire_id,
                        versions.c.version == here.version,
                    )
                    .values(
                        locked=here.locked or row["locked"],
                        first_loaded_at=min(here.first_loaded_at, row["first_loaded_at"]),
                    )
                )
            rows = [r for r in rows if (r["questionnaire_id"], r["version"]) not in present]
        if rows:
            conn.execute(table(name).insert(), rows)
        report.counts[name] = len(rows_by_table.get(name, []))
    _reset_sequences(conn)


def _check_questionnaires(rows_by_table, available: dict[tuple[str, int], str]) -> list[str]:
    """Answers are shown and scored with the definition they were given to."""
    problems = []
    needed = {
        (r["questionnaire_id"], r["questionnaire_version"])
        for name in ("round", "response")
        for r in rows_by_table.get(name, [])
    }
    for key in sorted(needed - set(available)):
        problems.append(
            f"questionnaire {key[0]} version {key[1]} is used in the backup but not in this installation's "
            "questionnaire folder"
        )
    hashes = {
        (r["questionnaire_id"], r["version"]): r["content_hash"]
        for r in rows_by_table.get("questionnaire_version", [])
    }
    for r in rows_by_table.get("response", []):
        key = (r["questionnaire_id"], r["questionnaire_version"])
        hashes.setdefault(key, r["content_hash"])
    for key, digest in sorted(hashes.items()):
        if key in needed and key in available and available[key] != digest:
            problems.append(
                f"questionnaire {key[0]} version {key[1]}: the file here differs from the one the answers "
                "were given to "
                f"(hash {available[key][:12]} here, {digest[:12]} in the backup); restore the original file"
            )
    return problems


def _check_empty(conn: Connection, rows_by_table) -> list[str]:
    filled = []
    for name in TABLES:
        t = table(name)
        count = conn.execute(select(func.count()).select_from(t)).scalar()
        if name == "questionnaire_version":
            # Starting the app records the versions it loaded; those may stay if they agree.
            theirs = {
                (r["questionnaire_id"], r["version"]): r["content_hash"] for r in rows_by_table.get(name, [])
            }
            for row in conn.execute(select(t)):
                key = (row.questionnaire_id, row.version)
                if key in theirs and theirs[key] != row.content_hash:
                    filled.append(f"questionnaire_version {key[0]} v{key[1]} (different content)")
        elif count:
            filled.append(f"{count} {name}")
    if not filled:
        return []
    return [
        f"the database is not empty ({', '.join(filled)}); restore into a new database: point "
        "ASSESS_DATABASE_URL at an empty one"
    ]


def _reset_sequences(conn: Connection) -> None:
    """Ids were inserted as given; PostgreSQL's sequences must continue after them."""
    if conn.dialect.name != "postgresql":
        return
    for name in TABLES:
        t = table(name)
        if "id" in t.c and isinstance(t.c.id.type, Integer):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM "
                    f'"{name}"), 0) + 1, false)'
                )
            )


def download(engine: Engine, db: Session, actor: str, store: Path | None = None) -> tuple[str, str]:
    """A backup for an administrator to download (no password hashes), audited: (file name, content)."""
    document = dump(engine, credentials=False, store=store)
    rows = sum(len(r) for r in document["tables"].values())
    with write_transaction(db):
        audit(db, actor, "backup.export", "installation", None, detail=str(rows))
    return f"assess-backup-{document['created_at'][:10]}.json", dumps(document)


def recent_downloads(db: Session, limit: int = 10) -> list[AuditEvent]:
    query = (
        sqlmodel_select(AuditEvent)
        .where(AuditEvent.action == "backup.export")
        .order_by(AuditEvent.at.desc())
        .limit(limit)
    )
    return list(db.exec(query))
