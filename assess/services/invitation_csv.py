"""Reading an invitation CSV: one company a line (name, then optional notes, company code,
prefecture, contact person, contact e-mail and the contact's language), checked
whole before anything is created, so a file is taken all or nothing and every refused
line is reported with its reason."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

from assess.definitions.characters import forbidden_character
from assess.i18n import N_, gettext
from assess.services.companies import CODE, InviteEntry
from assess.services.contacts import EMAIL
from assess.services.errors import InvalidInput

MAX_CSV_BYTES = 2_000_000  # about 10,000 lines of names and notes
MAX_CSV_ROWS = 2000
MAX_NAME, MAX_NOTE = 200, 2000  # characters, as the company's columns hold them
HEADER_NAMES = ("company", "会社名", "企業名")
LANGUAGES = {
    "ja": "ja",
    "en": "en",
    "日本語": "ja",
    "英語": "en",
    "japanese": "ja",
    "english": "en",
    "": "",
}  # a first row naming the columns is skipped


class UploadTooLarge(InvalidInput):
    code = "upload_size"
    message = N_("The file is larger than {limit}: split it into smaller files.")


class NotText(InvalidInput):
    code = "upload_binary"
    message = N_(
        "This is not a CSV text file (it looks like an image, a workbook or other binary data). "
        "In Excel, choose “Save as” and “CSV UTF-8”."
    )


class NotCsvEncoding(InvalidInput):
    code = "upload_encoding"
    message = N_("The file is neither UTF-8 (or UTF-16 with a byte-order mark) nor Shift_JIS text.")


class NoRows(InvalidInput):
    code = "upload_empty"
    message = N_("The CSV needs one company a line: the name, then optional contact notes.")


class TooManyRows(InvalidInput):
    code = "upload_rows"
    message = N_("The CSV has {n} companies; at most {limit} can be invited from one file.")


# Why a line is refused; each is shown with its line number.
REASONS = {
    "name": N_("no company name"),
    "name_long": N_("the name is longer than {n} characters"),
    "note_long": N_("the notes are longer than {n} characters"),
    "characters": N_("it contains a character that cannot be saved ({char})"),
    "field": N_("a field is too long to read"),
    "code": N_("the company code is not valid (letters, digits and hyphens, at most 40)"),
    "email": N_("the e-mail address is not valid ({email})"),
    "language": N_("the language is neither ja nor en ({language})"),
}


@dataclass
class CsvReport:
    """What reading found: the companies to invite and the lines refused, with reasons."""

    entries: list[InviteEntry] = field(default_factory=list)
    refused: list[tuple[int, str, dict]] = field(default_factory=list)  # (line, reason code, params)


def read_invitations(raw: bytes) -> CsvReport:
    """Every line of an invitation CSV, checked; raises for a file that is not one."""
    if len(raw) > MAX_CSV_BYTES:
        raise UploadTooLarge(limit=f"{MAX_CSV_BYTES // 1_000_000} MB")
    report = CsvReport()
    reader = csv.reader(io.StringIO(_decode(raw), newline=""))
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            report.refused.append((line, "field", {}))
            break  # the rest of the file cannot be read reliably
        _check_row(report, reader.line_num, row)
    count = len(report.entries) + len(report.refused)
    if not count:
        raise NoRows()
    if count > MAX_CSV_ROWS:
        raise TooManyRows(n=count, limit=MAX_CSV_ROWS)
    return report


def _check_row(report: CsvReport, line: int, row: list[str]) -> None:
    cells = [cell.strip() for cell in row] + [""] * 7
    name, note, code, prefecture, contact, email, language = cells[:7]
    if not any(cells) or name.lower() in HEADER_NAMES:
        return  # blank lines and a heading are no companies
    bad = next(filter(None, (forbidden_character(c) for c in cells[:7])), None)
    if bad:
        report.refused.append((line, "characters", {"char": bad}))
    elif not name:
        report.refused.append((line, "name", {}))
    elif len(name) > MAX_NAME:
        report.refused.append((line, "name_long", {"n": MAX_NAME}))
    elif len(note) > MAX_NOTE:
        report.refused.append((line, "note_long", {"n": MAX_NOTE}))
    elif code and not CODE.match(code):
        report.refused.append((line, "code", {}))
    elif email and (not EMAIL.match(email) or ".." in email):
        report.refused.append((line, "email", {"email": email[:60]}))
    elif language and language.lower() not in LANGUAGES:
        report.refused.append((line, "language", {"language": language[:20]}))
    else:
        report.entries.append(
            InviteEntry(
                name,
                note,
                code,
                prefecture[:40],
                contact_name=contact[:100],
                email=email,
                contact_locale=LANGUAGES.get(language.lower(), ""),
            )
        )


def _decode(raw: bytes) -> str:
    """UTF-8, UTF-16 with a byte-order mark, or Shift_JIS (what Excel in Japan saves)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise NotCsvEncoding() from None
    if b"\x00" in raw or raw.startswith((b"PK\x03\x04", b"\x89PNG", b"%PDF", b"\xd0\xcf\x11\xe0")):
        raise NotText()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotCsvEncoding()


def refused_lines(report: CsvReport, locale: str) -> list[str]:
    """ "Line 12: no company name", for each refused line, in the user's language."""
    return [
        gettext(
            locale, N_("Line {line}: {reason}"), line=line, reason=gettext(locale, REASONS[code], **params)
        )
        for line, code, params in report.refused
    ]
