"""Stored files in a backup: evidence (`attachment` rows) and case-study photos (`case_photo`
rows) share the attachment store. Their bytes travel inside the JSON document, base64-encoded,
under the top-level key "files" (stored key → base64), and are checked against their rows (size
and SHA-256) before a restore writes anything (see docs/backup.md)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from assess.models import Attachment, CasePhoto
from assess.services.attachments import STORED, path_of

KEY_SHOWN = 80  # characters of a bad key in a message
FILE_TABLES = {"attachment": Attachment, "case_photo": CasePhoto}  # the tables whose rows name a file


def files_for_backup(
    engine: Engine, store: Path, tables: dict[str, list[dict[str, Any]]]
) -> tuple[dict[str, list[dict]], dict]:
    """The rows of every table of FILE_TABLES to write, and every file's bytes, base64-encoded."""
    files: dict[str, str] = {}
    out = {}
    for name, model in FILE_TABLES.items():
        out[name], found = _table_files(engine, store, model, tables.get(name, []))
        files.update(found)
    return out, files


def _table_files(engine: Engine, store: Path, model, rows: list[dict[str, Any]]) -> tuple[list[dict], dict]:
    """The rows of one table to write and their files' bytes, base64-encoded.

    A file can only be missing when its row was deleted after the snapshot was read (the bytes
    go once the row is gone): such a row is left out with it. A row still there whose file is
    missing is kept: the restore then names it, rather than losing it quietly."""
    files: dict[str, str] = {}
    missing = []
    for row in rows:
        try:
            data = path_of(store, row["stored"]).read_bytes()
        except (OSError, ValueError):
            missing.append(row["id"])
            continue
        files[row["stored"]] = base64.b64encode(data).decode("ascii")
    if missing:
        with engine.connect() as conn:
            present = set(conn.execute(select(model.id).where(model.id.in_(missing))).scalars())
        rows = [r for r in rows if r["id"] not in missing or r["id"] in present]
    return rows, files


def files_lines(files: dict[str, str]) -> str:
    """The "files" object, one file a line."""
    if not files:
        return '  "files": {}'
    body = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in files.items())
    return '  "files": {\n' + body + "\n  }"


def files_to_restore(
    tables: dict[str, list[dict[str, Any]]], files: Any, store: Path | None
) -> tuple[dict[str, bytes], list[str]]:
    """Every file's bytes, and what is wrong: a file missing or not matching its row, a file no
    row names, a key that could lead out of the store, a store holding another file there."""
    files = {} if files is None else files
    if not isinstance(files, dict):
        return {}, ['"files" must be an object of stored attachment key to base64 bytes']
    problems: list[str] = []
    rows = [(name, n, row) for name in FILE_TABLES for n, row in enumerate(tables.get(name, []), 1)]
    if (rows or files) and store is None:
        problems.append("the backup has attached files, but no attachment store was given to restore them to")
    decoded = _decode(files, problems)
    named = set()
    for name, n, row in rows:
        key = row.get("stored", "")
        named.add(key)
        problems += _row_problems(f"table '{name}', row {n}", row, key, decoded, files, store)
    for key in sorted(set(files) - named):
        problems.append(f'"files", "{str(key)[:KEY_SHOWN]}": no attachment or photo row names this file')
    return decoded, problems


def _decode(files: dict, problems: list[str]) -> dict[str, bytes]:
    decoded = {}
    for key, value in files.items():
        shown = str(key)[:KEY_SHOWN]
        if not isinstance(key, str) or not STORED.match(key):
            problems.append(f'"files", "{shown}": not a stored attachment key (RESPONSE-ID/32 hex digits)')
        elif not isinstance(value, str):
            problems.append(f'"files", "{shown}": must be the file\'s bytes in base64')
        else:
            try:
                decoded[key] = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                problems.append(f'"files", "{shown}": not valid base64')
    return decoded


def _row_problems(
    where: str, row: dict, key: str, decoded: dict, files: dict, store: Path | None
) -> list[str]:
    if not STORED.match(key):
        return [f"{where}, column 'stored': '{key[:KEY_SHOWN]}' is not a stored attachment key"]
    if key not in files:
        return [f'{where}: its file {key} is not in the backup\'s "files"']
    data = decoded.get(key)
    if data is None:
        return []  # reported with the file
    if len(data) != row.get("size") or hashlib.sha256(data).hexdigest() != row.get("sha256"):
        return [f"{where}: its file {key} does not match the row's size and sha256"]
    if store is not None:
        here = path_of(store, key)
        if here.exists() and (here.stat().st_size != len(data) or here.read_bytes() != data):
            return [
                f"{where}: the attachment store already holds another file at {here}; restore into an "
                "empty data folder"
            ]
    return []


def write_files(store: Path, decoded: dict[str, bytes]) -> list[Path]:
    """Write the files into the store (each beside its place, then renamed); returns the paths
    written, to remove again should the rows not be written."""
    written: list[Path] = []
    try:
        for key, data in decoded.items():
            target = path_of(store, key)
            if target.exists():
                continue  # the same bytes (checked before)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(name, target)
            written.append(target)
    except BaseException:
        remove_files(written)
        raise
    return written


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
