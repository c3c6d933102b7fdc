"""Evidence: files a company attaches to its answers, and documents staff ask for.

The bytes live in the attachment store, `<data dir>/attachments/<response id>/<random>`,
outside anything the web server serves; the `attachment` table says what each file is. An
upload is streamed, a chunk at a time, to a temporary file in the response's folder, its
SHA-256 computed on the way and the limits checked as it grows; only a complete, checked
file is renamed into place, and only then is its row written. The uploaded name is kept
to show and to download under, never used as a path.

Limits: MAX_FILE_BYTES a file, MAX_FILES and MAX_RESPONSE_BYTES a response (see
docs/questionnaire-format.md). Types: see services.file_types.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, update
from sqlmodel import Session, select

from assess.db import retry_locked, write_transaction
from assess.i18n import N_, gettext
from assess.models import Attachment, DocumentRequest, Response, Round, utcnow
from assess.questionnaire.model import Question, Questionnaire
from assess.questionnaire.schema import MAX_ATTACHMENTS
from assess.services.audit import COMPANY, audit
from assess.services.errors import DomainError, InvalidInput, Locked, RoundClosed, TooLarge
from assess.services.file_types import (
    EXTENSIONS,
    HEAD_BYTES,
    MAX_PIXELS,
    accepted,
    is_image,
    reencode,
    sniff,
    stored_type,
)
from assess.vocab import EDITABLE, RoundStatus

MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB  # one file, as uploaded
MAX_RESPONSE_BYTES = 30 * MB  # every file of one response, as stored
MAX_FILES = MAX_ATTACHMENTS  # 20 files a response
# A request to the upload route may announce this much: a file a little over the limit is
# refused with the section page and its message, not by the size guard in front of every route.
MAX_UPLOAD_BODY = MAX_RESPONSE_BYTES + MB
UPLOAD_PATH = re.compile(r"^/s/[^/]+/attachments/[^/]+$")
CHUNK = 256 * 1024
NAME_MAX = 200  # characters, as the column holds them
NOTE_MAX = 2000
FALLBACK_NAMES = {"application/pdf": "document", "image/jpeg": "photo", "image/png": "image"}
STORED = re.compile(r"^[1-9][0-9]{0,9}/[0-9a-f]{32}$")  # what `Attachment.stored` may look like
STORE_FOLDER = "attachments"


# --- what the rules refuse ---------------------------------------------------------


class FileMissing(InvalidInput):
    code = "file_missing"
    message = N_("Choose a file to attach first.")


class FileEmpty(InvalidInput):
    code = "file_empty"
    message = N_("The file is empty. Nothing was attached: choose the file again.")


class FileTooLarge(TooLarge):
    code = "file_size"
    message = N_(
        "The file is larger than {file_limit}, the most one file may be. Nothing was attached: make it "
        "smaller (scan at a lower resolution, say) or split it into parts."
    )


class TooManyFiles(InvalidInput):
    code = "file_count"
    message = N_(
        "This response already has {files} files, the most it may have. Delete one to attach another."
    )


class QuestionFull(InvalidInput):
    code = "file_question"
    message = N_("This question takes at most {per_question} files. Delete one to attach another.")


class OverQuota(InvalidInput):
    code = "file_quota"
    message = N_(
        "The files of this response would take more than {response_limit} in all. Nothing was attached: "
        "delete a file or attach a smaller one."
    )


class BadFileName(InvalidInput):
    code = "file_name"
    message = N_(
        "The file name contains folder separators (/ or \\) or control characters. Nothing was "
        "attached: rename the file and attach it again."
    )


class NoteTooLong(InvalidInput):
    code = "document_note"
    message = N_("The note asking for documents is longer than 2,000 characters.")


class DocumentsOnReturn(InvalidInput):
    code = "documents"
    message = N_("Documents can be asked for only when returning a response: choose “Return to the company”.")


def limits(question: Question | None = None) -> dict[str, str | int]:
    """What the messages and the upload box say about the limits."""
    per_question = (question.attachments_max if question else None) or MAX_FILES
    return {
        "file_limit": f"{MAX_FILE_BYTES // MB} MB",
        "response_limit": f"{MAX_RESPONSE_BYTES // MB} MB",
        "files": MAX_FILES,
        "per_question": per_question,
        "megapixels": MAX_PIXELS // 1_000_000,
    }


def refusal_text(code: str, locale: str, question: Question | None = None) -> str:
    """The message of a refusal shown after a redirect (`?ae=<code>`); "" for an unknown code."""
    kind = DomainError.kinds.get(code)
    if kind is None or not (code.startswith(("file_", "document")) or kind is Locked or kind is RoundClosed):
        return ""
    return gettext(locale, kind.message, **limits(question))


# --- the store -----------------------------------------------------------------------


def store_of(data_dir: Path) -> Path:
    return data_dir / STORE_FOLDER


def path_of(store: Path, stored: str) -> Path:
    """Where a stored key's bytes are; ValueError for a key that could point elsewhere."""
    if not STORED.match(stored):
        raise ValueError(f"not a stored attachment key: {stored!r}")
    return store / stored


# Right-to-left and other direction overrides can disguise a name ("report\u202efdp.exe").
DIRECTION_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def check_name(raw: str | None) -> None:
    """Refuse a name with folders or control characters: browsers send a bare name, so such a
    name comes from a script or a damaged file and is said back rather than guessed at."""
    name = raw or ""
    if any(ch in "/\\" or unicodedata.category(ch) == "Cc" or ch in DIRECTION_CONTROLS for ch in name):
        raise BadFileName()


def clean_name(raw: str | None, media_type: str) -> str:
    """The uploaded name made safe to show and to download under: no folders, no control or
    invisible characters, no leading dots, an extension matching the content; Japanese kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip(" .\u3000")
    stem, dot, ext = name.rpartition(".")
    extensions = EXTENSIONS[media_type]
    if not dot or f".{ext.lower()}" not in extensions:
        stem, ext = name, extensions[0][1:]
    stem = stem.strip(" .\u3000")[: NAME_MAX - len(ext) - 1] or FALLBACK_NAMES.get(media_type, "file")
    return f"{stem}.{ext}"


# --- what a response has ---------------------------------------------------------------


@dataclass
class Evidence:
    """A response's files and document requests, by question."""

    files: dict[str, list[Attachment]] = field(default_factory=dict)
    requests: dict[str, list[DocumentRequest]] = field(default_factory=dict)

    def open_requests(self, question_id: str) -> list[DocumentRequest]:
        return [r for r in self.requests.get(question_id, []) if r.fulfilled_at is None]


def evidence_of(db: Session, response_id: int) -> Evidence:
    evidence = Evidence()
    files = db.exec(select(Attachment).where(Attachment.response_id == response_id).order_by(Attachment.id))
    for a in files:
        evidence.files.setdefault(a.question_id, []).append(a)
    requests = db.exec(
        select(DocumentRequest).where(DocumentRequest.response_id == response_id).order_by(DocumentRequest.id)
    )
    for r in requests:
        evidence.requests.setdefault(r.question_id, []).append(r)
    return evidence


def takes_files(questionnaire: Questionnaire, evidence: Evidence, question_id: str) -> Question | None:
    """The question if files may be attached to it: flagged in the definition, or asked for."""
    question = questionnaire.question_index.get(question_id)
    if question is None or not (question.attachments or evidence.requests.get(question_id)):
        return None
    return question


def find_attachment(db: Session, attachment_id: int, response_id: int | None = None) -> Attachment | None:
    """An attachment; with `response_id`, only one of that response (another's is not found)."""
    attachment = db.get(Attachment, attachment_id)
    if attachment is None or (response_id is not None and attachment.response_id != response_id):
        return None
    return attachment


# --- upload ----------------------------------------------------------------------------


@dataclass
class Received:
    path: Path
    media_type: str
    size: int
    sha256: str


def attach(
    db: Session,
    store: Path,
    response: Response,
    question: Question,
    source: BinaryIO,
    filename: str | None,
    uploaded_by: str = "",
) -> Attachment:
    """Store an uploaded file for a question of an editable response, checked on the way.

    `uploaded_by`: "" for the company, else the staff member attaching it with the company."""
    _editable(db, response)
    check_name(filename)
    count, used, here = _usage(db, response.id, question.id)
    _check_room(question, count, used, here)
    folder = store / str(response.id)
    received = receive(source, folder, MAX_RESPONSE_BYTES - used)
    try:
        if is_image(received.media_type):
            received = _clean_image(received, folder, MAX_RESPONSE_BYTES - used)
        final = folder / secrets.token_hex(16)
        os.replace(received.path, final)
    except BaseException:
        received.path.unlink(missing_ok=True)
        raise
    try:
        name = clean_name(filename, received.media_type)
        # The upload can be read only once; writing its row may be tried again.
        return retry_locked(lambda: _record(db, response, question, received, final, name, uploaded_by))
    except BaseException:
        final.unlink(missing_ok=True)
        raise


def _editable(db: Session, response: Response) -> None:
    db.refresh(response)
    if response.status not in EDITABLE:
        raise Locked()
    round_ = db.get(Round, response.round_id)
    if round_ is None or round_.status != RoundStatus.OPEN:
        raise RoundClosed()


def _usage(db: Session, response_id: int, question_id: str) -> tuple[int, int, int]:
    """Files and bytes of the response, and files of the question."""
    count, used = db.exec(
        select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size), 0)).where(
            Attachment.response_id == response_id
        )
    ).one()
    here = db.exec(
        select(func.count(Attachment.id)).where(
            Attachment.response_id == response_id, Attachment.question_id == question_id
        )
    ).one()
    return int(count), int(used), int(here)


def _check_room(question: Question, count: int, used: int, here: int, adding: int = 0) -> None:
    if count >= MAX_FILES:
        raise TooManyFiles(**limits(question))
    if here >= (question.attachments_max or MAX_FILES):
        raise QuestionFull(**limits(question))
    if used + adding > MAX_RESPONSE_BYTES or used >= MAX_RESPONSE_BYTES:
        raise OverQuota(**limits(question))


def _read_head(source: BinaryIO) -> bytes:
    head = b""
    while len(head) < HEAD_BYTES:
        chunk = source.read(HEAD_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head


def receive(
    source: BinaryIO,
    folder: Path,
    room: int,
    max_bytes: int | None = None,
    too_large: DomainError | None = None,
    check_type=accepted,
) -> Received:
    """Copy an upload into a temporary file of `folder`, a chunk at a time; the file is
    removed again when a limit is passed on the way. `check_type` turns the media type its
    first bytes show into the one taken, or refuses it (evidence and photos take different
    files); `too_large` is the refusal past `max_bytes`."""
    head = _read_head(source)
    if not head:
        raise FileEmpty()
    media_type = check_type(sniff(head))
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    path, digest, size = Path(name), hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > max_bytes:
                    raise too_large or FileTooLarge(**limits())
                if size > room:
                    raise OverQuota(**limits())
                digest.update(chunk)
                out.write(chunk)
                chunk = source.read(CHUNK)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path, media_type, size, digest.hexdigest())


def _clean_image(received: Received, folder: Path, room: int) -> Received:
    """The image encoded again without its metadata, in a new temporary file."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=".clean-")
    os.close(fd)
    target = Path(name)
    try:
        reencode(received.path, target, received.media_type)
        size, digest = digest_of(target)
        if size > room:
            raise OverQuota(**limits())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        received.path.unlink(missing_ok=True)
    return Received(target, stored_type(received.media_type), size, digest)


def digest_of(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _record(
    db: Session,
    response: Response,
    question: Question,
    received: Received,
    final: Path,
    name: str,
    uploaded_by: str,
) -> Attachment:
    attachment = Attachment(
        response_id=response.id,
        question_id=question.id,
        name=name,
        media_type=received.media_type,
        size=received.size,
        sha256=received.sha256,
        stored=f"{response.id}/{final.name}",
        uploaded_by=uploaded_by,
    )
    with write_transaction(db):
        # Checked again under the write lock: uploads to one response may race.
        db.exec(select(Response.id).where(Response.id == response.id).with_for_update()).one()
        count, used, here = _usage(db, response.id, question.id)
        _check_room(question, count, used, here, adding=received.size)
        db.add(attachment)
        db.flush()
        db.exec(
            update(DocumentRequest)
            .where(
                DocumentRequest.response_id == response.id,
                DocumentRequest.question_id == question.id,
                DocumentRequest.fulfilled_at.is_(None),
            )
            .values(fulfilled_at=utcnow())
        )
        detail = (
            f"{question.id}: {name} ({received.media_type}, {received.size} bytes, sha256 {received.sha256})"
        )
        audit(
            db,
            uploaded_by or COMPANY,
            "attachment.upload",
            "attachment",
            attachment.id,
            detail=detail[:1000],  # the name lives here: before/after hold statuses
        )
    db.refresh(attachment)
    return attachment


# --- delete ----------------------------------------------------------------------------


def delete(db: Session, store: Path, attachment: Attachment, response: Response, actor: str = "") -> None:
    """Delete an attachment: the company ("" actor) while its response is editable, staff (their
    e-mail) at any time. The row goes first; the bytes once it is gone."""
    if not actor:
        _editable(db, response)
    with write_transaction(db):
        db.delete(attachment)
        audit(
            db,
            actor or COMPANY,
            "attachment.delete",
            "attachment",
            attachment.id,
            detail=f"{attachment.question_id}: {attachment.name} (sha256 {attachment.sha256})",
        )
    path_of(store, attachment.stored).unlink(missing_ok=True)


# --- document requests -------------------------------------------------------------------


def requested_documents(
    questionnaire: Questionnaire, question_ids: Iterable[str], note: str
) -> list[tuple[str, str]]:
    """The (question id, note) pairs staff ticked, known questions only, each once."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise NoteTooLong()
    known = questionnaire.question_index
    return [(qid, note) for qid in dict.fromkeys(question_ids) if qid in known]


def check_documents(documents: Sequence[tuple[str, str]], returning: bool) -> None:
    if documents and not returning:
        raise DocumentsOnReturn()


def add_requests(
    db: Session, response_id: int, staff_email: str, documents: Sequence[tuple[str, str]]
) -> None:
    """Write the requests, inside the caller's transaction (the return that asks for them)."""
    for question_id, note in documents:
        db.add(
            DocumentRequest(
                response_id=response_id, question_id=question_id, note=note, requested_by=staff_email
            )
        )
    if documents:
        ids = ", ".join(qid for qid, _ in documents)
        audit(db, staff_email, "document.request", "response", response_id, detail=ids[:1000])
