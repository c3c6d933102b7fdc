"""`assess export` and `assess import`: back up and restore the whole installation."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import typer
from sqlmodel import Session, select

from assess import db
from assess.cli.common import definitions, engine, fail
from assess.config import Settings
from assess.models import Invitation
from assess.services.attachments import store_of
from assess.services.backup import dump, dumps, restore
from assess.services.backup_format import BackupError, loads
from assess.services.tokens import hash_token, invitation_token


def _write_private(file: Path, content: str) -> None:
    # Written beside the target, then renamed: a failed export never leaves half a file.
    fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(content)
        os.chmod(tmp, 0o600)  # personal data
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_command(
    file: Path = typer.Argument(..., help="Where to write the backup (.json), or - for standard output."),
    with_password_hashes: bool = typer.Option(
        False,
        "--with-password-hashes",
        help="Also write staff password hashes and API-token hashes, so accounts work at once "
        "after a restore. "
        "Keep such a file as safe as the database.",
    ),
) -> None:
    """Write everything to one JSON file: rounds, companies, responses, answers, reviews,
    audit log, case studies and staff accounts."""
    source = db.make_engine(Settings().db_url)
    # An export never migrates: the app that owns the database does that.
    current, head = db.current_revision(source), db.head_revision()
    if current != head:
        source.dispose()
        reason = "has no tables" if not current else f"is at migration {current}, this assess expects {head}"
        fail(f"cannot export: the database {reason}; run `assess db upgrade` with the release that serves it")
    document = dump(source, credentials=with_password_hashes, store=store_of(Settings().data_dir))
    source.dispose()
    content = dumps(document)
    if str(file) == "-":
        sys.stdout.write(content)
        return
    file = file.resolve()
    try:
        _write_private(file, content)
    except OSError as exc:
        fail(f"cannot write {file}: {exc.strerror or exc}")
    counts = ", ".join(f"{len(rows)} {name}" for name, rows in document["tables"].items() if rows)
    counts += f", {len(document['files'])} attached files" if document.get("files") else ""
    extra = " with password hashes" if with_password_hashes else " (no password hashes)"
    typer.echo(f"exported to {file}{extra}: {counts}")


def import_command(
    file: Path = typer.Argument(..., help="A backup written by `assess export`, or - for standard input."),
) -> None:
    """Restore a backup into an empty database (ASSESS_DATABASE_URL)."""
    source = "standard input" if str(file) == "-" else str(file)
    try:
        content = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {source}: {exc}")
    settings = Settings()
    available = {q.key: q.content_hash for q in definitions(settings).registry.all()}
    target = engine(settings)
    try:
        report = restore(target, source, loads(source, content), available, store=store_of(settings.data_dir))
    except BackupError as exc:
        fail(str(exc))
    with Session(target) as s:
        invitation = s.exec(select(Invitation)).first()
        if (
            invitation is not None
            and invitation.nonce
            and hash_token(invitation_token(settings.resolved_secret_key(), invitation.nonce))
            != invitation.token_hash
        ):
            report.warnings.append(
                "this installation's secret key differs from the one the invitations were made with: "
                "the links companies received still work, but staff pages will show different ones. "
                "Restore the secret_key file from the old data folder to keep them the same."
            )
    target.dispose()
    counts = ", ".join(f"{n} {name}" for name, n in report.counts.items() if n)
    counts += f", {report.files} attached files" if report.files else ""
    typer.echo(f"restored from {source}: {counts}")
    for warning in report.warnings:
        typer.echo(f"note: {warning}")
