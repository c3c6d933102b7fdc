"""Every file attached in a round, for staff: one ZIP, streamed as it is made, with a CSV index
(`index.csv`, UTF-8 with a byte-order mark for Excel) naming each file's company, question,
original name, type, size, SHA-256, who uploaded it and when."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from assess.db import write_transaction
from assess.i18n import N_, gettext
from assess.models import Attachment, Company, Response, Round
from assess.questionnaire.registry import Registry
from assess.services.attachments import CHUNK, path_of
from assess.services.audit import audit
from assess.services.spreadsheet import safe_cell

INDEX = "index.csv"
SEGMENT_MAX = 60  # characters of a company name in a folder name
HEADERS = (
    N_("Company"),
    N_("Response"),
    N_("Question ID"),
    N_("Question"),
    N_("File in the ZIP"),
    N_("Original name"),
    N_("Type"),
    N_("Size (bytes)"),
    N_("SHA-256"),
    N_("Uploaded by"),
    N_("Uploaded at (UTC)"),
)
COMPANY_UPLOAD = N_("the company")
NO_NAME = N_("(no name yet)")


@dataclass(frozen=True)
class Entry:
    """One file of the ZIP and its line of the index."""

    path: Path
    zip_name: str
    row: tuple[str, ...]


def _segment(text: str) -> str:
    """Text made safe as one folder name inside a ZIP."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch)[0] != "C")
    text = re.sub(r'[\\/:*?"<>|]+', "_", text).strip(" .")
    return text[:SEGMENT_MAX]


def round_entries(db: Session, round_: Round, registry: Registry, store: Path, locale: str) -> list[Entry]:
    rows = db.exec(
        select(Attachment, Response, Company.name)
        .join(Response, Response.id == Attachment.response_id)
        .join(Company, Company.id == Response.company_id, isouter=True)
        .where(Response.round_id == round_.id)
        .order_by(Response.id, Attachment.id)
    ).all()
    entries = []
    for attachment, response, company in rows:
        questionnaire = registry.versions.get((response.questionnaire_id, response.questionnaire_version))
        question = questionnaire.question_index.get(attachment.question_id) if questionnaire else None
        label = question.label.get(locale) if question else ""
        company_name = company or gettext(locale, NO_NAME)
        folder = f"{response.id:04d}-{_segment(company_name)}".rstrip("-")
        zip_name = f"{folder}/{_segment(attachment.question_id)}/{attachment.id}-{attachment.name}"
        uploaded_by = attachment.uploaded_by or gettext(locale, COMPANY_UPLOAD)
        row = (
            company_name,
            str(response.id),
            attachment.question_id,
            label,
            zip_name,
            attachment.name,
            attachment.media_type,
            str(attachment.size),
            attachment.sha256,
            uploaded_by,
            attachment.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        )
        entries.append(Entry(path_of(store, attachment.stored), zip_name, row))
    return entries


def export_round_files(
    db: Session, round_: Round, registry: Registry, store: Path, actor: str, locale: str
) -> tuple[str, list[Entry]]:
    """The ZIP's file name and its entries; the download is audited as an export."""
    entries = round_entries(db, round_, registry, store, locale)
    with write_transaction(db):
        audit(db, actor, "attachments.export", "round", round_.id, detail=f"{len(entries)} files")
    return f"{round_.slug}-attachments.zip", entries


class _Sink(io.RawIOBase):
    """Where the ZIP is written: it keeps what was written until the stream takes it."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def index_csv(rows: list[tuple[str, ...]], locale: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext(locale, h) for h in HEADERS])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def zip_stream(entries: list[Entry], locale: str) -> Iterator[bytes]:
    """The ZIP, a piece at a time: a file is read in chunks, never whole. A file deleted since
    the list was made is left out of the ZIP and of the index."""
    sink = _Sink()
    written = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for entry in entries:
            try:
                source = entry.path.open("rb")
            except FileNotFoundError:
                continue
            with source, archive.open(entry.zip_name, "w") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    yield sink.take()
            written.append(entry.row)
        archive.writestr(INDEX, index_csv(written, locale))
    yield sink.take()
