"""Case-study photos: what is kept of an upload, every refusal, who may add them, backups."""

import base64
import io
import re
import struct
import zlib

import pytest
from markupsafe import escape
from PIL import Image, ImageCms
from sqlmodel import select

from assess.models import AuditEvent, CasePhoto
from assess.services.attachments import store_of
from assess.services.backup import dump, dumps, restore
from assess.services.backup_format import BackupError, loads
from assess.services.errors import DomainError
from assess.services.photos import MAX_PHOTO_BYTES, add_photo, photos_of, refusal_text
from assess.services.responses import find_response
from assess.services.review import act
from assess.vocab import PhotoKind
from tests.helpers import csrf_of, db_of, log_in, make_user, submitted


def jpeg(size=(1200, 800), mode="RGB", colour="red", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format="JPEG", **save)
    return out.getvalue()


def png(size=(600, 400), mode="RGBA", colour=(0, 120, 90, 128), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format="PNG", **save)
    return out.getvalue()


def exif_jpeg() -> bytes:
    """A landscape photo that a camera held upright, with a location and a camera name."""
    image = Image.new("RGB", (400, 100), "blue")
    exif = image.getexif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to show
    exif[0x010F] = "TestCam"
    exif[0x8825] = {1: "N", 2: (35.0, 40.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def apng() -> bytes:
    frames = [Image.new("RGB", (50, 50), c) for c in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:])
    return out.getvalue()


def bomb_png(width=10_000, height=5_000) -> bytes:
    """A PNG whose header claims 50 megapixels: tiny on disk, huge decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def approved(app, client, round_):
    """An approved response that consented to publish its motto and story."""
    token = submitted(client)
    staff = make_user(app)
    with db_of(app) as db:
        response = find_response(db, token)
        act(db, response, staff, "approve")
        return token, response.id, staff


def add(app, response_id, data: bytes, kind=PhotoKind.PHOTO, consent=True, texts=("写真", "Photo", "")):
    with db_of(app) as db:
        from assess.models import Response

        response = db.get(Response, response_id)
        return add_photo(
            db,
            store_of(app.state.context.settings.data_dir),
            response,
            io.BytesIO(data),
            "p.jpg",
            kind,
            texts,
            consent,
            "staff@example.org",
        )


def refusal(app, response_id, data, **kw) -> str:
    with pytest.raises(DomainError) as caught:
        add(app, response_id, data, **kw)
    return caught.value.code


def stored_files(app) -> list:
    store = store_of(app.state.context.settings.data_dir)
    return sorted(p.name for p in store.rglob("*") if p.is_file()) if store.exists() else []


def test_a_photo_is_kept_upright_without_metadata_and_sized_for_print(app, approved):
    _, rid, _ = approved
    photo = add(app, rid, exif_jpeg())
    path = store_of(app.state.context.settings.data_dir) / photo.stored
    image = Image.open(path)
    assert image.size == (100, 400) == (photo.width, photo.height)  # turned upright
    assert "exif" not in image.info and "comment" not in image.info and "icc_profile" not in image.info
    assert b"TestCam" not in path.read_bytes() and b"secret comment" not in path.read_bytes()
    big = add(app, rid, jpeg((6000, 4000)))
    assert (big.width, big.height) == (2055, 1370)  # within 174 × 130 mm at 300 dpi, in proportion
    logo = add(app, rid, png(), kind=PhotoKind.LOGO)
    assert (
        logo.media_type == "image/png"
        and Image.open(store_of(app.state.context.settings.data_dir) / logo.stored).mode == "RGBA"
    )
    assert max(logo.width, logo.height) <= 472 and [p.kind for p in photos_of(db_of(app), rid)][0] == "logo"


def test_colours_are_converted_to_srgb(app, approved):
    _, rid, _ = approved
    cmyk = add(app, rid, jpeg(mode="CMYK", colour=(0, 255, 255, 0)))
    image = Image.open(store_of(app.state.context.settings.data_dir) / cmyk.stored)
    assert image.mode == "RGB" and image.getpixel((10, 10))[0] > 200  # still red
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    tagged = add(app, rid, png(mode="RGB", colour=(10, 200, 30), icc_profile=profile))
    assert Image.open(store_of(app.state.context.settings.data_dir) / tagged.stored).mode == "RGB"


def test_every_refusal_leaves_nothing_behind(app, approved):
    _, rid, _ = approved
    before = stored_files(app)
    assert refusal(app, rid, b"%PDF-1.7\n" + b"x" * 100) == "photo_type"
    assert refusal(app, rid, b"GIF89a" + b"\0" * 100) == "photo_type"
    assert refusal(app, rid, b"just some text, named photo.jpg") == "photo_type"
    assert refusal(app, rid, b"") == "file_empty"
    assert refusal(app, rid, b"\xff\xd8\xff" + b"\0" * (MAX_PHOTO_BYTES + 1)) == "photo_size"
    assert refusal(app, rid, bomb_png()) == "file_pixels"
    assert refusal(app, rid, apng()) == "photo_animated"
    assert refusal(app, rid, jpeg(mode="CMYK", icc_profile=b"not a profile" * 10)) == "photo_colours"
    assert refusal(app, rid, b"\xff\xd8\xff\xe0" + b"\x13" * 500) == "file_image"
    assert refusal(app, rid, jpeg(), consent=False) == "photo_consent"
    assert refusal(app, rid, jpeg(), texts=("長" * 201, "", "")) == "photo_caption"
    assert stored_files(app) == before
    for _ in range(3):
        add(app, rid, jpeg())
    assert refusal(app, rid, jpeg()) == "photo_count"
    add(app, rid, png(), kind=PhotoKind.LOGO)
    assert refusal(app, rid, png(), kind=PhotoKind.LOGO) == "photo_count"
    assert len(stored_files(app)) == len(before) + 4


def test_the_company_adds_photos_only_after_submitting_with_consent(app, client, round_):
    token = submitted(client)
    page = client.get(f"/s/{token}/photos")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    files = {"photo.file": ("工場.jpg", jpeg(), "image/jpeg")}
    data = {"csrf_token": csrf_of(page.text), "kind": "photo", "caption_ja": "工場の前で", "consent": "1"}
    added = client.post(f"/s/{token}/photos", data=data, files=files)
    assert added.status_code == 303 and added.headers["location"].endswith("pn=added")
    shown = client.get(added.headers["location"])
    assert "工場の前で" in shown.text
    with db_of(app) as db:
        photo = db.exec(select(CasePhoto)).one()
        assert (
            photo.uploaded_by == ""
            and db.exec(select(AuditEvent).where(AuditEvent.action == "photo.add")).first()
        )
    image = client.get(f"/s/{token}/photos/{photo.id}")
    assert image.headers["content-disposition"].startswith("attachment")
    assert (
        image.headers["x-content-type-options"] == "nosniff" and image.headers["content-type"] == "image/jpeg"
    )
    no_consent = client.post(f"/s/{token}/photos", data={**data, "consent": ""}, files=files)
    assert "pe=photo_consent" in no_consent.headers["location"]
    said = client.get(no_consent.headers["location"]).text
    assert str(escape(refusal_text("photo_consent", "ja"))) in said  # in the response's language
    # Another link cannot see or change this response's photos.
    other = submitted(client, name="別の会社")
    assert client.get(f"/s/{other}/photos/{photo.id}").status_code == 404
    assert (
        client.post(
            f"/s/{other}/photos/{photo.id}", data={"csrf_token": csrf_of(page.text), "action": "delete"}
        ).status_code
        == 404
    )


def test_a_company_without_consent_cannot_add_photos(app, client, round_):
    token = submitted(client, consent=())
    page = client.get(f"/s/{token}/photos")
    assert 'enctype="multipart/form-data"' not in page.text
    files = {"photo.file": ("a.jpg", jpeg(), "image/jpeg")}
    data = {"csrf_token": csrf_of(client.get(f"/s/{token}/contact").text), "consent": "1"}
    assert client.post(f"/s/{token}/photos", data=data, files=files).status_code == 404


def test_staff_add_caption_and_remove_photos_on_the_case_study_page(app, client, approved):
    _, rid, _ = approved
    log_in(client)
    page = client.get(f"/staff/responses/{rid}/case-study")
    assert "photo.file" in page.text
    files = {"photo.file": ("x.png", png(mode="RGB"), "image/png")}
    data = {"csrf_token": csrf_of(page.text), "kind": "photo", "consent": "1", "caption_en": "Our shop"}
    done = client.post(f"/staff/responses/{rid}/photos", data=data, files=files)
    assert "pn=added" in done.headers["location"]
    with db_of(app) as db:
        photo = db.exec(select(CasePhoto)).one()
        assert photo.uploaded_by == "staff@example.org" and photo.caption_en == "Our shop"
    edit = {
        "csrf_token": csrf_of(page.text),
        "action": "save",
        "caption_ja": "店",
        "caption_en": "Shop",
        "credit": "山田",
    }
    client.post(f"/staff/responses/{rid}/photos/{photo.id}", data=edit)
    with db_of(app) as db:
        assert (db.get(CasePhoto, photo.id).caption_ja, db.get(CasePhoto, photo.id).credit) == ("店", "山田")
    assert client.get(f"/staff/responses/{rid}/photos/{photo.id}").status_code == 200
    client.post(
        f"/staff/responses/{rid}/photos/{photo.id}",
        data={"csrf_token": csrf_of(page.text), "action": "delete"},
    )
    with db_of(app) as db:
        assert db.exec(select(CasePhoto)).first() is None
    assert stored_files(app) == []


def test_an_announced_body_over_the_limit_is_refused_with_the_photo_message(app, client, approved):
    token, _, _ = approved
    page = client.get(f"/s/{token}/photos")
    refused = client.post(
        f"/s/{token}/photos",
        content=b"x",
        headers={
            "content-length": str(MAX_PHOTO_BYTES * 2),
            "content-type": "multipart/form-data; boundary=x",
        },
    )
    assert refused.status_code == 413 and "15 MB" in refused.text
    assert page.status_code == 200


def test_photos_travel_in_backups(app, approved, tmp_path):
    _, rid, _ = approved
    photo = add(app, rid, jpeg())
    store = store_of(app.state.context.settings.data_dir)
    text = dumps(dump(app.state.context.engine, store=store))
    document = loads("backup.json", text)
    assert document["tables"]["case_photo"][0]["sha256"] == photo.sha256 and photo.stored in document["files"]
    from sqlalchemy import create_engine

    from assess import db

    target = create_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    db.upgrade(target)
    restore(target, "backup.json", document, store=tmp_path / "store")
    assert (tmp_path / "store" / photo.stored).read_bytes() == (store / photo.stored).read_bytes()
    # A photo's bytes swapped for another image's: refused, naming the row, nothing written.
    other = base64.b64encode(jpeg(colour="blue")).decode("ascii")
    broken = {**document, "files": {**document["files"], photo.stored: other}}
    again = create_engine(f"sqlite:///{tmp_path / 'again.db'}")
    db.upgrade(again)
    with pytest.raises(BackupError) as caught:
        restore(again, "backup.json", broken, store=tmp_path / "s2")
    assert "table 'case_photo', row 1" in str(caught.value) and "does not match" in str(caught.value)
    assert not any(p.is_file() for p in (tmp_path / "s2").rglob("*"))


def test_the_case_study_editor_previews_the_printed_pages(app, client, approved):
    _, rid, _ = approved
    log_in(client)
    add(app, rid, jpeg())
    page = client.get(f"/staff/responses/{rid}/case-study")
    assert f"/staff/responses/{rid}/case-study/preview.pdf" in page.text
    preview = client.get(f"/staff/responses/{rid}/case-study/preview.pdf")
    assert preview.status_code == 200 and preview.headers["content-type"] == "application/pdf"
    assert (
        preview.headers["x-frame-options"] == "SAMEORIGIN"
        and "frame-ancestors 'self'" in preview.headers["content-security-policy"]
    )
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(preview.content))
    assert len(reader.pages) in (1, 2)
    assert "地域とともに" in "".join(p.extract_text() for p in reader.pages)  # the consented motto
    assert reader.pages[0]["/Resources"]["/XObject"]  # the photo is on the page
    client.cookies.clear()
    assert client.get(f"/staff/responses/{rid}/case-study/preview.pdf").status_code in (303, 401, 403)


def test_staff_record_a_withdrawal_and_the_case_study_leaves_the_booklet(app, client, approved):
    from assess.models import CaseStudy, Response
    from assess.services.case_studies import booklet_entries

    _, rid, _ = approved
    log_in(client)
    page = client.get(f"/staff/responses/{rid}/case-study")
    client.post(
        f"/staff/responses/{rid}/case-study",
        data={"csrf_token": csrf_of(page.text), "motto": "地域とともに", "included": "1", "position": "1"},
    )
    registry = app.state.context.definitions.registry
    with db_of(app) as db:
        study = db.exec(select(CaseStudy)).one()
        round_id = db.get(Response, study.response_id).round_id
        assert len(booklet_entries(db, [round_id], registry)) == 1
    done = client.post(
        f"/staff/responses/{rid}/case-study/consent",
        data={"csrf_token": csrf_of(page.text), "action": "withdraw"},
    )
    assert done.headers["location"].endswith("consent=withdrawn")
    with db_of(app) as db:
        assert booklet_entries(db, [round_id], registry) == []
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "consent.withdraw")).one()
        assert event.actor == "staff@example.org"
    shown = client.get(f"/staff/responses/{rid}/case-study").text
    assert 'value="give"' in shown and 'value="withdraw"' not in shown
    client.post(
        f"/staff/responses/{rid}/case-study/consent",
        data={"csrf_token": csrf_of(page.text), "action": "give"},
    )
    with db_of(app) as db:
        assert len(booklet_entries(db, [round_id], registry)) == 1


def test_the_editor_flags_text_too_long_for_a_spread_with_the_characters_to_cut(app, client, approved):
    _, rid, _ = approved
    log_in(client)
    page = client.get(f"/staff/responses/{rid}/case-study")
    assert "notice warning" not in page.text
    story = "祭りに参加しています。" * 700
    data = {"csrf_token": csrf_of(page.text), "motto": "地域とともに", "story": story}
    client.post(f"/staff/responses/{rid}/case-study", data=data)
    flagged = client.get(f"/staff/responses/{rid}/case-study").text
    cut = re.search(r"約 ?([0-9]+) ?文字|about ([0-9]+) characters", flagged)
    assert cut and int(cut.group(1) or cut.group(2)) > 1000


def test_odd_queries_and_forms_change_nothing_and_never_fail(app, client, approved):
    token, rid, _ = approved
    for code in ("file_count", "file_size", "file_quota", "file_question", "form", "x" * 300):
        assert client.get(f"/s/{token}/photos?pe={code}").status_code == 200
    log_in(client)
    page = client.get(f"/staff/responses/{rid}/case-study?pe=file_count&pn=nonsense")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    bare = client.post(f"/staff/responses/{rid}/case-study/consent", data={"csrf_token": csrf})
    assert bare.status_code == 303 and "consent=" not in bare.headers["location"]
    with db_of(app) as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action.startswith("consent."))).first() is None
    # A caption sent as a file is not taken as text.
    files = {"photo.file": ("a.jpg", jpeg(), "image/jpeg"), "caption_ja": ("c.txt", b"text", "text/plain")}
    client.post(f"/staff/responses/{rid}/photos", data={"csrf_token": csrf, "consent": "1"}, files=files)
    with db_of(app) as db:
        assert db.exec(select(CasePhoto)).one().caption_ja == ""
