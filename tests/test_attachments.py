"""Evidence: files attached to answers and documents staff ask for.

Uploads are checked by content, limited per file and per response, images lose their
metadata, names are made safe, downloads are attachments only reached by the response's own
link and by staff, a round's files come as a ZIP with an index, and backups keep the bytes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from assess.models import Attachment, AuditEvent, DocumentRequest
from assess.services import attachments as service
from assess.services.attachments import clean_name
from tests.defs import SURVEY, definition, load
from tests.helpers import (
    Client,
    csrf_of,
    db_of,
    log_in,
    make_user,
    post_section,
    response_of,
    start,
    submitted,
)

pytestmark = pytest.mark.db

# The shared test survey, with files on two questions of its "env" page.
EVIDENCE_SURVEY = SURVEY.replace(
    "      label: {ja: リサイクル, en: Recycling}\n",
    "      label: {ja: リサイクル, en: Recycling}\n      attachments: true\n",
).replace(
    "      label: {ja: 従業員数, en: Employees}\n",
    "      label: {ja: 従業員数, en: Employees}\n      attachments: true\n      attachments_max: 2\n",
)
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture
def questionnaire_dir(tmp_path):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "t-v1.yaml").write_text(definition(EVIDENCE_SURVEY), encoding="utf-8")
    return folder


@pytest.fixture
def store(settings) -> Path:
    return settings.data_dir / "attachments"


@pytest.fixture
def token(client, round_) -> str:
    token = start(client)
    client.get(f"/s/{token}/p/env?lang=en")  # English from here on (the lang cookie)
    return token


def upload(
    client, token: str, question: str, content: bytes, name: str = "report.pdf", kind="application/pdf"
):
    page = client.get(f"/s/{token}/p/env")
    return client.post(
        f"/s/{token}/attachments/{question}",
        data={"csrf_token": csrf_of(page.text)},
        files={"evidence.file": (name, content, kind)},
    )


def raw_upload(client, token: str, question: str, content: bytes, raw_name: bytes):
    """An upload whose file name goes out byte for byte (httpx would escape control characters)."""
    page = client.get(f"/s/{token}/p/env")
    boundary = b"----assess-test-boundary"
    body = (
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + csrf_of(page.text).encode()
        + b"\r\n--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="evidence.file"; filename="'
        + raw_name
        + b'"\r\n'
        + b"Content-Type: application/pdf\r\n\r\n"
        + content
        + b"\r\n--"
        + boundary
        + b"--\r\n"
    )
    return client.post(
        f"/s/{token}/attachments/{question}",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=" + boundary.decode()},
    )


def refused_with(client, reply, code: str) -> str:
    """The redirect of a refused upload, and the message shown beside the question."""
    assert reply.status_code == 303, reply.text
    location = reply.headers["location"]
    assert f"ae={code}" in location, location
    page = client.get(location)
    assert page.status_code == 200
    question = re.search(r"aq=([\w-]+)", location).group(1)
    block = re.search(rf'<div class="attachments" id="files-{question}">(.*?)</div>', page.text, re.S).group(
        1
    )
    message = re.search(r'<p class="field-error" role="alert"[^>]*>(.*?)</p>', block, re.S)
    assert message, block
    return message.group(1)


def stored_rows(app) -> list[Attachment]:
    with db_of(app) as db:
        return list(db.exec(select(Attachment).order_by(Attachment.id)))


def files_in(store: Path) -> list[Path]:
    return sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []


def png(width=30, height=20, **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 90)).save(out, format="PNG", **save)
    return out.getvalue()


def jpeg_with_gps(width=40, height=20) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to show
    exif[0x010F] = "SecretCam"  # camera maker
    exif[0x8825] = {1: "N", 2: (33.0, 15.0, 0.0), 3: "E", 4: (130.0, 18.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"private note")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A small PNG that claims huge dimensions (an image bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


# --- the definition flag -------------------------------------------------------------------


def test_the_flag_is_read_into_the_model():
    questionnaire, errors = load(EVIDENCE_SURVEY)
    assert not [e for e in errors if not e.warning], errors
    assert questionnaire.question("recycle").attachments is True
    assert questionnaire.question("staff").attachments_max == 2
    assert questionnaire.question("energy").attachments is False


@pytest.mark.parametrize(
    "line,code",
    [
        ("      attachments: yes please", "Q302"),
        ("      attachments: 1", "Q302"),
        ("      attachments: true\n      attachments_max: 0", "Q302"),
        ("      attachments: true\n      attachments_max: 21", "Q302"),
        ("      attachments: true\n      attachments_max: two", "Q302"),
        ("      attachments_max: 3", "Q318"),
    ],
)
def test_a_bad_flag_is_a_coded_error_naming_file_and_line(line, code):
    sections = SURVEY.replace(
        "      label: {ja: リサイクル, en: Recycling}\n",
        "      label: {ja: リサイクル, en: Recycling}\n" + line + "\n",
    )
    questionnaire, errors = load(sections)
    found = [e for e in errors if e.code == code]
    assert questionnaire is None and found, errors
    needle = line.splitlines()[-1].strip()
    expected = next(
        n for n, text in enumerate(definition(sections).splitlines(), 1) if text.strip() == needle
    )
    assert found[0].file == "t-v1.yaml" and found[0].line == expected, str(found[0])
    assert "attachments" in found[0].message


def test_the_per_response_limit_and_the_format_agree():
    from assess.questionnaire.schema import MAX_ATTACHMENTS

    assert service.MAX_FILES == MAX_ATTACHMENTS == 20
    assert service.MAX_FILE_BYTES == 10 * 2**20 and service.MAX_RESPONSE_BYTES == 30 * 2**20
    doc = (Path(__file__).resolve().parent.parent / "docs" / "questionnaire-format.md").read_text("utf-8")
    doc = " ".join(doc.split())
    assert "10 MB" in doc and "20 files and 30 MB per response" in doc


# --- uploads that are taken ----------------------------------------------------------------


def test_a_pdf_is_stored_as_sent_and_listed_beside_its_question(app, client, token, store):
    page = client.get(f"/s/{token}/p/env").text
    question = page.split('id="q-recycle"')[1]
    assert 'form="upload-recycle"' in question and 'accept=".pdf,.jpg,.jpeg,.png"' in question
    assert "At most 10 MB a file" in question
    assert re.search(
        r'<form method="post" action="/s/[^"]+/attachments/recycle" enctype="multipart/form-data"', page
    )
    assert 'form="upload-' not in page.split('id="q-energy"')[1].split('id="q-staff"')[0]  # no flag, no box

    reply = upload(client, token, "recycle", PDF, "省エネ報告書.pdf")
    assert reply.status_code == 303 and "an=attached" in reply.headers["location"]
    [row] = stored_rows(app)
    assert (row.name, row.media_type, row.size, row.uploaded_by) == (
        "省エネ報告書.pdf",
        "application/pdf",
        len(PDF),
        "",
    )
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert re.fullmatch(rf"{row.response_id}/[0-9a-f]{{32}}", row.stored)
    assert (store / row.stored).read_bytes() == PDF
    assert files_in(store) == [store / row.stored]  # no temporary file left
    shown = client.get(reply.headers["location"]).text
    assert "省エネ報告書.pdf" in shown.split('id="q-recycle"')[1] and "The file was attached." in shown
    with db_of(app) as db:
        events = list(db.exec(select(AuditEvent).where(AuditEvent.action == "attachment.upload")))
    assert len(events) == 1 and events[0].actor == "company" and row.sha256 in events[0].detail


def test_png_and_jpeg_are_taken(app, client, token, store):
    assert upload(client, token, "recycle", png(), "chart.png", "image/png").status_code == 303
    assert upload(client, token, "recycle", jpeg_with_gps(), "photo.JPG", "image/jpeg").status_code == 303
    rows = stored_rows(app)
    assert [(r.name, r.media_type) for r in rows] == [("chart.png", "image/png"), ("photo.JPG", "image/jpeg")]
    for row in rows:
        data = (store / row.stored).read_bytes()
        assert row.size == len(data) and row.sha256 == hashlib.sha256(data).hexdigest()
        Image.open(io.BytesIO(data)).verify()


def test_images_lose_their_metadata_and_are_turned_upright(app, client, token, store):
    original = jpeg_with_gps(40, 20)
    assert b"SecretCam" in original and b"private note" in original
    upload(client, token, "recycle", original, "site.jpg", "image/jpeg")
    [row] = stored_rows(app)
    data = (store / row.stored).read_bytes()
    assert b"SecretCam" not in data and b"private note" not in data and b"Exif" not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and not image.getexif() and "exif" not in image.info
    assert image.size == (20, 40)  # the EXIF orientation was applied before it was dropped

    text_png = io.BytesIO()
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Hidden Person")
    Image.new("RGB", (8, 8)).save(text_png, format="PNG", pnginfo=info)
    upload(client, token, "recycle", text_png.getvalue(), "a.png", "image/png")
    stored = (store / stored_rows(app)[-1].stored).read_bytes()
    assert b"Hidden Person" not in stored and Image.open(io.BytesIO(stored)).size == (8, 8)


def test_the_type_comes_from_the_content_not_the_name(app, client, token):
    upload(client, token, "recycle", png(), "looks-like.pdf", "application/pdf")
    [row] = stored_rows(app)
    assert row.media_type == "image/png" and row.name == "looks-like.pdf.png"


# --- uploads that are refused ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content,name,code,words",
    [
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 500,
            "invoice.pdf",
            "file_type",
            "Only PDF, JPEG and PNG",
        ),
        (b"PK\x03\x04" + b"\x00" * 100, "report.pdf", "file_type", "whatever its name says"),
        (b"", "empty.pdf", "file_empty", "The file is empty"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "broken.jpg", "file_image", "cannot be read"),
        (png_header_only(50_000, 50_000), "bomb.png", "file_pixels", "more than 40 megapixels"),
        (png_header_only(8000, 6000), "big.png", "file_pixels", "more than 40 megapixels"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 100, "IMG_0001.HEIC", "file_heic", "HEIC"),
    ],
    ids=["exe-renamed-pdf", "zip", "empty", "truncated-jpeg", "image-bomb", "48-megapixels", "heic"],
)
def test_refused_with_a_message_beside_the_question_and_nothing_kept(
    app, client, token, store, content, name, code, words
):
    post_section(client, token, "env", {"staff": "12"}, action="save")  # an answer saved on the page
    reply = upload(client, token, "recycle", content, name)
    assert words in refused_with(client, reply, code)
    assert stored_rows(app) == [] and files_in(store) == []
    page = client.get(f"/s/{token}/p/env").text
    assert 'value="12"' in page  # the answers on the page are still there


def test_a_file_over_the_limit_is_refused_while_it_streams(app, client, token, store, monkeypatch):
    monkeypatch.setattr(service, "MAX_FILE_BYTES", 100_000)
    reply = upload(client, token, "recycle", b"%PDF-1.4\n" + b"x" * 100_000)
    assert "larger than" in refused_with(client, reply, "file_size")
    assert stored_rows(app) == [] and files_in(store) == []  # the temporary file went too


def test_a_file_just_over_10_mb_is_refused_and_one_of_10_mb_taken(app, client, token, store):
    limit = service.MAX_FILE_BYTES
    over = b"%PDF-1.4\n" + b"\x00" * (limit - 8)
    assert "larger than 10 MB" in refused_with(client, upload(client, token, "recycle", over), "file_size")
    assert files_in(store) == []
    exact = over[:limit]
    assert "an=attached" in upload(client, token, "recycle", exact).headers["location"]
    assert [r.size for r in stored_rows(app)] == [limit]


def test_a_body_announced_far_over_the_limit_is_refused_before_the_route(client, token):
    client.get(f"/s/{token}/p/env")
    reply = client.post(
        f"/s/{token}/attachments/recycle",
        content=b"x",
        headers={"content-length": str(service.MAX_UPLOAD_BODY + 1), "content-type": "multipart/form-data"},
    )
    assert reply.status_code == 413 and "larger than 10 MB" in reply.text


def test_no_file_chosen(app, client, token):
    page = client.get(f"/s/{token}/p/env")
    reply = client.post(
        f"/s/{token}/attachments/recycle",
        data={"csrf_token": csrf_of(page.text)},
        files={"evidence.file": ("", b"", "application/octet-stream")},
    )
    assert "Choose a file" in refused_with(client, reply, "file_missing")
    reply = client.post(f"/s/{token}/attachments/recycle", data={"csrf_token": csrf_of(page.text)})
    assert "Choose a file" in refused_with(client, reply, "file_missing")


def test_quotas_per_question_and_per_response(app, client, token, store, monkeypatch):
    for _ in range(2):
        assert "an=attached" in upload(client, token, "staff", PDF).headers["location"]
    assert "at most 2 files" in refused_with(client, upload(client, token, "staff", PDF), "file_question")

    monkeypatch.setattr(service, "MAX_FILES", 3)
    assert "an=attached" in upload(client, token, "recycle", PDF).headers["location"]
    assert "already has 20 files" not in refused_with(
        client, upload(client, token, "recycle", PDF), "file_count"
    )

    monkeypatch.setattr(service, "MAX_FILES", 20)
    monkeypatch.setattr(service, "MAX_RESPONSE_BYTES", 4 * len(PDF))
    assert "an=attached" in upload(client, token, "recycle", PDF).headers["location"]  # 4 files: full
    message = refused_with(client, upload(client, token, "recycle", PDF), "file_quota")
    assert "in all" in message
    assert len(stored_rows(app)) == 4 and len(files_in(store)) == 4  # nothing half-written


def test_names_are_made_safe():
    assert clean_name("../../etc/passwd.pdf", "application/pdf") == "passwd.pdf"
    assert clean_name("C:\\Users\\me\\報告書 2024.pdf", "application/pdf") == "報告書 2024.pdf"
    assert clean_name("a\x00b\x1fc\u202e.pdf", "application/pdf") == "abc.pdf"
    assert clean_name("..", "application/pdf") == "document.pdf"
    assert clean_name("", "image/png") == "image.png"
    assert clean_name(".hidden.jpeg", "image/jpeg") == "hidden.jpeg"
    assert clean_name("photo.pdf", "image/png") == "photo.pdf.png"
    long = clean_name("あ" * 300 + ".pdf", "application/pdf")
    assert len(long) <= 200 and long.endswith(".pdf")


@pytest.mark.parametrize(
    "name", ["../../secret.pdf", "..\\..\\windows.pdf", "bad\x01\x7fname.pdf", "report\u202efdp.exe.pdf"]
)
def test_names_with_folders_or_control_characters_are_refused_on_upload(app, client, token, store, name):
    reply = raw_upload(client, token, "recycle", PDF, name.encode("utf-8"))
    message = refused_with(client, reply, "file_name")
    assert "rename the file" in message or "ファイル名" in message
    assert stored_rows(app) == [] and files_in(store) == []


def test_a_question_without_the_flag_takes_no_files(app, client, token):
    assert upload(client, token, "energy", PDF).status_code == 404
    assert upload(client, token, "no-such-question", PDF).status_code == 404
    assert stored_rows(app) == []


# --- downloads ---------------------------------------------------------------------------------


def assert_download(reply, content: bytes, name: str) -> None:
    assert reply.status_code == 200 and reply.content == content
    disposition = reply.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "inline" not in disposition
    from urllib.parse import quote

    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["cache-control"] == "no-store"


def test_the_company_downloads_only_its_own_files(app, client, token, round_):
    upload(client, token, "recycle", PDF, "証明書.pdf")
    [row] = stored_rows(app)
    assert_download(client.get(f"/s/{token}/attachments/{row.id}"), PDF, "証明書.pdf")
    other = start(client)
    assert client.get(f"/s/{other}/attachments/{row.id}").status_code == 404
    page = client.get(f"/s/{other}/p/env")
    deleted = client.post(f"/s/{other}/attachments/{row.id}/delete", data={"csrf_token": csrf_of(page.text)})
    assert deleted.status_code == 404 and len(stored_rows(app)) == 1
    assert client.get(f"/s/{token}/attachments/999").status_code == 404
    assert client.get(f"/s/no-such-token/attachments/{row.id}").status_code == 404


def test_staff_download_and_see_the_files(app, client, token):
    upload(client, token, "recycle", PDF, "plan.pdf")
    [row] = stored_rows(app)
    anonymous = client.get(f"/staff/attachments/{row.id}")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/staff/login")
    make_user(app)
    log_in(client)
    assert_download(client.get(f"/staff/attachments/{row.id}"), PDF, "plan.pdf")
    page = client.get(f"/staff/responses/{row.response_id}?lang=en").text
    documents = page.split('id="evidence"')[1]
    assert f'href="/staff/attachments/{row.id}"' in documents and "plan.pdf" in documents
    assert client.get("/staff/attachments/999").status_code == 404


def test_the_company_deletes_while_editable_and_staff_at_any_time(app, client, token, store):
    upload(client, token, "recycle", PDF)
    upload(client, token, "recycle", png(), "b.png", "image/png")
    first, second = stored_rows(app)
    page = client.get(f"/s/{token}/p/env")
    reply = client.post(f"/s/{token}/attachments/{first.id}/delete", data={"csrf_token": csrf_of(page.text)})
    assert reply.status_code == 303 and "an=deleted" in reply.headers["location"]
    assert [r.id for r in stored_rows(app)] == [second.id] and files_in(store) == [store / second.stored]

    with db_of(app) as db:  # submitted: the company's link no longer changes anything
        from assess.models import Response

        response = db.get(Response, second.response_id)
        response.status = "submitted"
        db.add(response)
        db.commit()
    reply = client.post(f"/s/{token}/attachments/{second.id}/delete", data={"csrf_token": csrf_of(page.text)})
    assert reply.status_code == 303 and "ae=locked" in reply.headers["location"]
    assert len(stored_rows(app)) == 1
    assert (
        upload_after_submit(client, token, csrf_of(page.text)).status_code == 303
        and len(stored_rows(app)) == 1
    )

    make_user(app)
    log_in(client)
    staff_page = client.get(f"/staff/responses/{second.response_id}")
    reply = client.post(
        f"/staff/attachments/{second.id}/delete", data={"csrf_token": csrf_of(staff_page.text)}
    )
    assert reply.status_code == 303 and stored_rows(app) == [] and files_in(store) == []
    with db_of(app) as db:
        actions = [e.action for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("attachment.delete") == 2


def upload_after_submit(client, token, csrf: str):
    return client.post(
        f"/s/{token}/attachments/recycle",
        data={"csrf_token": csrf},
        files={"evidence.file": ("late.pdf", PDF, "application/pdf")},
    )


def test_attachments_are_out_of_reach_of_the_pdf_renderer(app, client, token, store):
    from assess.pdf.fetcher import RefusedFetch, StaticFetcher

    upload(client, token, "recycle", PDF)
    [row] = stored_rows(app)
    fetcher = StaticFetcher()
    for url in (
        f"file://{store / row.stored}",
        f"assess-static:/../../{store / row.stored}",
        f"http://testserver/s/{token}/attachments/{row.id}",
    ):
        with pytest.raises(RefusedFetch):
            fetcher.fetch(url)


# --- a round's files as a ZIP ------------------------------------------------------------------


def test_a_round_zip_has_every_file_and_an_index(app, client, round_, token):
    upload(client, token, "recycle", PDF, "エネルギー.pdf")
    upload(client, token, "staff", png(), "=cmd.png", "image/png")
    rows = stored_rows(app)
    make_user(app)
    log_in(client)
    reply = client.get(f"/staff/rounds/{round_.id}/attachments.zip?lang=en")
    assert reply.status_code == 200 and reply.headers["content-disposition"].startswith("attachment;")
    assert reply.headers["cache-control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(reply.content))
    assert archive.testzip() is None
    index = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert index[0][:5] == ["Company", "Response", "Question ID", "Question", "File in the ZIP"]
    assert len(index) == 3
    for row, line in zip(rows, index[1:], strict=True):
        assert line[2] == row.question_id and line[5] in (row.name, "'" + row.name)
        assert (
            archive.read(line[4])
            == Path(app.state.context.settings.data_dir / "attachments" / row.stored).read_bytes()
        )
        assert line[8] == row.sha256 and line[7] == str(row.size)
    assert index[1][3] == "Recycling" and index[2][5] == "'=cmd.png"  # no formula for a spreadsheet
    with db_of(app) as db:
        [event] = db.exec(select(AuditEvent).where(AuditEvent.action == "attachments.export"))
    assert event.object_id == round_.id and event.detail == "2 files"
    assert client.get("/staff/rounds/999/attachments.zip").status_code == 404


# --- document requests ---------------------------------------------------------------------------


def test_staff_ask_for_documents_when_returning_and_an_upload_fulfils_them(app, client, round_):
    token = submitted(client)
    response = response_of(app, token)
    make_user(app)
    log_in(client)
    page = client.get(f"/staff/responses/{response.id}?lang=en").text
    assert 'name="document" value="motto"' in page and 'name="document_note"' in page
    refused = client.post(
        f"/staff/responses/{response.id}/action",
        data={"csrf_token": csrf_of(page), "action": "approve", "document": ["motto"]},
    )
    assert refused.headers["location"].endswith("?e=documents")
    reply = client.post(
        f"/staff/responses/{response.id}/action",
        data={
            "csrf_token": csrf_of(page),
            "action": "return",
            "comment": "Please add the certificate.",
            "document": ["motto", "recycle", "no-such-question"],
            "document_note": "ISO 14001 certificate",
        },
    )
    assert reply.status_code == 303
    with db_of(app) as db:
        requests = list(db.exec(select(DocumentRequest).order_by(DocumentRequest.id)))
    assert [(r.question_id, r.note, r.requested_by, r.fulfilled_at) for r in requests] == [
        ("motto", "ISO 14001 certificate", "staff@example.org", None),
        ("recycle", "ISO 14001 certificate", "staff@example.org", None),
    ]
    staff_page = client.get(f"/staff/responses/{response.id}?lang=en").text.split('id="evidence"')[1]
    assert "not sent yet" in staff_page

    company = Client(app)
    narrative = company.get(f"/s/{token}/p/narrative?lang=en").text
    beside = narrative.split('id="q-motto"')[1].split('id="q-story"')[0]
    assert "The organiser asks for:" in beside and "ISO 14001 certificate" in beside
    assert 'form="upload-motto"' in beside  # asked for: the question takes files, flagged or not
    form = company.post(
        f"/s/{token}/attachments/motto",
        data={"csrf_token": csrf_of(narrative)},
        files={"evidence.file": ("iso.pdf", PDF, "application/pdf")},
    )
    assert form.status_code == 303 and "/p/narrative?" in form.headers["location"]
    after = company.get(form.headers["location"]).text.split('id="q-motto"')[1].split('id="q-story"')[0]
    assert "The organiser asks for:" not in after and "iso.pdf" in after
    company.close()
    with db_of(app) as db:
        fulfilled = {r.question_id: r.fulfilled_at for r in db.exec(select(DocumentRequest))}
    assert fulfilled["motto"] is not None and fulfilled["recycle"] is None
    staff_page = client.get(f"/staff/responses/{response.id}?lang=en").text.split('id="evidence"')[1]
    assert "sent on" in staff_page and "iso.pdf" in staff_page


def test_a_long_note_is_refused(app, client, round_):
    token = submitted(client)
    response = response_of(app, token)
    make_user(app)
    log_in(client)
    page = client.get(f"/staff/responses/{response.id}").text
    reply = client.post(
        f"/staff/responses/{response.id}/action",
        data={
            "csrf_token": csrf_of(page),
            "action": "return",
            "comment": "c",
            "document": ["motto"],
            "document_note": "x" * 2001,
        },
    )
    assert reply.headers["location"].endswith("?e=document_note")
    with db_of(app) as db:
        assert list(db.exec(select(DocumentRequest))) == []
        assert response_of(app, token).status == "submitted"


# --- backup ----------------------------------------------------------------------------------------


def test_a_backup_keeps_every_file_byte_for_byte(app, client, token, store, new_database, tmp_path):
    from assess import db as dbm
    from assess.db import make_engine
    from assess.services.backup import dump, dumps, restore
    from assess.services.backup_format import FORMAT_VERSION, BackupError, loads

    upload(client, token, "recycle", PDF, "a.pdf")
    upload(client, token, "recycle", jpeg_with_gps(), "b.jpg", "image/jpeg")
    upload(client, token, "staff", b"%PDF-1.7\n" + bytes(range(256)) * 3, "c.pdf")
    rows = stored_rows(app)
    text = dumps(dump(app.state.context.engine, store=store))
    document = loads("backup.json", text)
    assert set(document["files"]) == {r.stored for r in rows}
    assert json.loads(text)["version"] == FORMAT_VERSION

    target = make_engine(new_database("restored"))
    dbm.upgrade(target)
    new_store = tmp_path / "restored-data" / "attachments"
    report = restore(target, "backup.json", document, store=new_store)
    assert report.files == 3 and report.counts["attachment"] == 3
    for row in rows:
        assert (new_store / row.stored).read_bytes() == (store / row.stored).read_bytes()
    assert dumps(dump(target, store=new_store)).split('"files"')[1] == text.split('"files"')[1]
    target.dispose()

    # A file that does not match its row, a key leading out of the store: nothing is written.
    for change in ("tamper", "escape", "missing"):
        broken = json.loads(text)
        key = rows[0].stored
        if change == "tamper":
            broken["files"][key] = broken["files"][rows[1].stored]
        elif change == "escape":
            broken["files"]["../../outside"] = broken["files"].pop(key)
            broken["tables"]["attachment"][0]["stored"] = "../../outside"
        else:
            del broken["files"][key]
        empty = make_engine(new_database(change))
        dbm.upgrade(empty)
        elsewhere = tmp_path / f"{change}-data" / "attachments"
        with pytest.raises(BackupError) as caught:
            restore(empty, "backup.json", broken, store=elsewhere)
        assert "attachment" in str(caught.value) or '"files"' in str(caught.value)
        assert files_in(elsewhere) == [] and not (tmp_path / "outside").exists()
        empty.dispose()


@pytest.mark.parametrize(
    "mode,fmt",
    [
        ("P", "PNG"),
        ("RGBA", "PNG"),
        ("LA", "PNG"),
        ("I;16", "PNG"),
        ("1", "PNG"),
        ("L", "JPEG"),
        ("CMYK", "JPEG"),
    ],
)
def test_images_of_every_common_kind_are_encoded_again(tmp_path, mode, fmt):
    from assess.services.file_types import reencode, sniff

    source, target = tmp_path / "in", tmp_path / "out"
    image = Image.new(mode, (12, 9))
    extra = {"transparency": 0} if mode == "P" else {}
    image.save(source, format=fmt, **extra)
    media_type = sniff(source.read_bytes()[:16])
    reencode(source, target, media_type)
    again = Image.open(target)
    assert again.format == fmt and again.size == (12, 9)
    if mode == "P":
        assert "transparency" in again.info  # part of the picture, not metadata


def test_odd_requests_never_fail(app, client, token):
    csrf = csrf_of(client.get(f"/s/{token}/p/env").text)
    replies = [
        client.post(f"/s/{token}/attachments/recycle", data={"csrf_token": csrf, "evidence.file": "text"}),
        client.post(
            f"/s/{token}/attachments/recycle",
            content=b'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            + csrf.encode()
            + b"\r\n--x",
            headers={"content-type": "multipart/form-data; boundary=x"},
        ),
        client.post(
            f"/s/{token}/attachments/recycle",
            content=b"garbage",
            headers={"content-type": "multipart/form-data"},
        ),
        upload(client, token, "recycle", PDF, "x" * 5000 + ".pdf"),  # refused by the form parser (400)
        upload(client, token, "recycle", PDF, "あ" * 300 + ".pdf"),
        upload(client, token, "%00", PDF),
        upload(client, token, "recycle", PDF[:3]),
        client.get(f"/s/{token}/attachments/0"),
        client.get(f"/s/{token}/attachments/abc"),
        client.get(f"/s/{token}/attachments/99999999999"),
        client.post(f"/s/{token}/attachments/999/delete", data={"csrf_token": csrf}),
        client.get(f"/s/{token}/p/env?ae=no-such-code&aq=recycle&an=<script>"),
        client.get(f"/s/{token}/p/env?ae=file_type&aq=no-such-question"),
    ]
    assert all(r.status_code < 500 for r in replies), [r.status_code for r in replies]
    assert "<script>" not in replies[-2].text.split("<main")[-1]
    [row] = stored_rows(app)  # only the long name was a file
    assert len(row.name) <= 200 and row.name.endswith(".pdf")


@pytest.fixture
def live_app(tmp_path):
    """The app on a SQLite file, which the live server's threads can share."""
    from assess.app import create_app
    from assess.config import Settings
    from tests.defs import PRACTICES
    from tests.helpers import KEY, add_round

    folder = tmp_path / "live-questionnaires"
    folder.mkdir()
    (folder / "t-v1.yaml").write_text(definition(EVIDENCE_SURVEY), encoding="utf-8")
    (tmp_path / "live-practices.yaml").write_text(PRACTICES, encoding="utf-8")
    settings = Settings(
        data_dir=tmp_path / "live-data",
        database_url=f"sqlite:///{tmp_path / 'live.db'}",
        secret_key=KEY,
        questionnaire_dir=folder,
        practices_file=tmp_path / "live-practices.yaml",
    )
    application = create_app(settings)
    add_round(application)
    yield application
    application.state.context.engine.dispose()


@pytest.mark.browser
def test_a_browser_attaches_a_file_from_its_question_and_deletes_it(live_app, browser, tmp_path):
    """The upload box and the delete button sit inside the answers form but belong to forms of
    their own (`form=`): a real browser sends the file, and only the file, to the upload route."""
    from tests.helpers import LiveServer, axe_violations, shot

    pdf = tmp_path / "証明書.pdf"
    pdf.write_bytes(PDF)
    with LiveServer(live_app) as server:
        context = browser.new_context(viewport={"width": 1000, "height": 900}, bypass_csp=True)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{server.url}/r/saga-2019?lang=en")
        page.locator("form[action$='/start'] button").click()
        page.wait_for_url("**/welcome")
        token = page.url.split("/")[-2]
        page.goto(f"{server.url}/s/{token}/p/env")
        question = page.locator("#q-recycle")
        question.locator("input[type=file]").set_input_files(str(pdf))
        question.get_by_role("button", name="Attach", exact=True).click()
        page.wait_for_url("**an=attached**")
        assert question.get_by_role("link", name="証明書.pdf").is_visible()
        shot(page, "attachments-section")
        assert axe_violations(page, "attachments-section") == []
        [row] = stored_rows(live_app)
        assert (live_app.state.context.settings.data_dir / "attachments" / row.stored).read_bytes() == PDF
        page.locator("#q-recycle").get_by_role("button", name="Delete").click()
        page.wait_for_url("**an=deleted**")
        assert stored_rows(live_app) == []
        context.close()
