"""Case-study photos and logos: up to three photos and one logo a response, each with a caption
in Japanese and English and a credit, added by staff or by the company (only with its consent to
publish them), stored in the attachment store beside the response's evidence.

An upload is streamed into the store's folder with the evidence code (services.attachments),
normalised (services.photo_images), and only the normalised file is kept: it is renamed into
place, then its row is written; a refusal leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session, select

from assess.db import retry_locked, write_transaction
from assess.i18n import N_, gettext
from assess.models import CasePhoto, Response
from assess.services.attachments import MB, check_name, digest_of, path_of, receive
from assess.services.audit import COMPANY, audit
from assess.services.errors import DomainError, InvalidInput, TooLarge
from assess.services.file_types import JPEG, MAX_PIXELS, PNG
from assess.services.photo_images import NotAPhoto, normalise
from assess.vocab import PhotoKind

MAX_PHOTO_BYTES = 15 * MB  # as uploaded; what is kept is far smaller
MAX_PHOTO_BODY = MAX_PHOTO_BYTES + MB  # a request may announce this much (the form's other fields)
PHOTO_UPLOAD_PATH = re.compile(r"^/(staff/responses/[0-9]+|s/[^/]+)/photos$")
MAX_PER_KIND = {PhotoKind.PHOTO: 3, PhotoKind.LOGO: 1}
CAPTION_MAX, CREDIT_MAX = 200, 100


class PhotoTooLarge(TooLarge):
    code = "photo_size"
    message = N_(
        "The image is larger than {mb} MB, more than a photo may be. Nothing was added: save it "
        "smaller (a phone's 'medium' size is plenty for print) and choose it again."
    )


class PhotoMissing(InvalidInput):
    code = "photo_missing"
    message = N_("Choose an image file first.")


class TooManyPhotos(InvalidInput):
    code = "photo_count"
    message = N_("A case study has at most three photos and one logo. Remove one before adding another.")


class PhotoConsentNeeded(InvalidInput):
    code = "photo_consent"
    message = N_(
        "Tick the box to confirm that the company agrees to publish this image and may do so "
        "(it took the photo or has the photographer's permission)."
    )


class CaptionTooLong(InvalidInput):
    code = "photo_caption"
    message = N_("A caption may have up to {caption} characters and a credit up to {credit}.")


# What adding a photo can be refused with besides its own refusals (from the shared upload code).
SHARED_REFUSALS = ("file_empty", "file_name", "file_pixels", "file_image")


def refusal_text(code: str, locale: str) -> str:
    """The message for a photo refusal's code, with the limits filled in; "" for any other code."""
    kind = DomainError.kinds.get(code)
    if kind is None or not (code.startswith("photo_") or code in SHARED_REFUSALS):
        return ""
    return gettext(locale, kind.message, **refusal_limits())


def refusal_limits() -> dict[str, object]:
    """What the refusals' messages name."""
    return {
        "mb": MAX_PHOTO_BYTES // MB,
        "megapixels": MAX_PIXELS // 1_000_000,
        "caption": CAPTION_MAX,
        "credit": CREDIT_MAX,
    }


def photos_of(db: Session, response_id: int) -> list[CasePhoto]:
    """A response's logo first, then its photos in their order."""
    rows = db.exec(
        select(CasePhoto)
        .where(CasePhoto.response_id == response_id)
        .order_by(CasePhoto.position, CasePhoto.id)
    ).all()
    return sorted(rows, key=lambda p: p.kind != PhotoKind.LOGO)


def photos_by_response(db: Session, response_ids: Sequence[int]) -> dict[int, list[CasePhoto]]:
    out: dict[int, list[CasePhoto]] = {}
    if not response_ids:
        return out
    rows = db.exec(
        select(CasePhoto)
        .where(CasePhoto.response_id.in_(list(response_ids)))
        .order_by(CasePhoto.position, CasePhoto.id)
    )
    for photo in rows:
        out.setdefault(photo.response_id, []).append(photo)
    return out


def find_photo(db: Session, photo_id: int, response_id: int) -> CasePhoto | None:
    photo = db.get(CasePhoto, photo_id)
    return photo if photo is not None and photo.response_id == response_id else None


def check_texts(caption_ja: str, caption_en: str, credit: str) -> tuple[str, str, str]:
    texts = caption_ja.strip(), caption_en.strip(), credit.strip()
    if max(len(texts[0]), len(texts[1])) > CAPTION_MAX or len(texts[2]) > CREDIT_MAX:
        raise CaptionTooLong(caption=CAPTION_MAX, credit=CREDIT_MAX)
    return texts


def add_photo(
    db: Session,
    store: Path,
    response: Response,
    source: BinaryIO,
    filename: str | None,
    kind: PhotoKind,
    texts: tuple[str, str, str],
    consent: bool,
    uploaded_by: str = "",
) -> CasePhoto:
    """Check, normalise and keep an uploaded photo or logo. `texts`: caption (ja, en) and credit;
    `consent`: the uploader confirmed the company agrees to publish it."""
    if not consent:
        raise PhotoConsentNeeded()
    caption_ja, caption_en, credit = check_texts(*texts)
    check_name(filename)
    _check_room(db, response.id, kind)
    folder = store / str(response.id)
    # Photos are outside the evidence quota: four normalised images take a few MB at most.
    too_large = PhotoTooLarge(**refusal_limits())
    received = receive(source, folder, MAX_PHOTO_BYTES, MAX_PHOTO_BYTES, too_large, _photo_type)
    final = folder / secrets.token_hex(16)
    try:
        shape = normalise(received.path, final, kind)
    finally:
        received.path.unlink(missing_ok=True)
    try:
        size, sha256 = digest_of(final)
        photo = CasePhoto(
            response_id=response.id,
            kind=kind,
            caption_ja=caption_ja,
            caption_en=caption_en,
            credit=credit,
            media_type=shape.media_type,
            width=shape.width,
            height=shape.height,
            size=size,
            sha256=sha256,
            stored=f"{response.id}/{final.name}",
            uploaded_by=uploaded_by,
        )
        return retry_locked(lambda: _record(db, photo))
    except BaseException:
        final.unlink(missing_ok=True)
        raise


def _photo_type(media_type: str | None) -> str:
    if media_type not in (JPEG, PNG):
        raise NotAPhoto()
    return media_type


def _check_room(db: Session, response_id: int, kind: PhotoKind) -> None:
    have = [p for p in photos_of(db, response_id) if p.kind == kind]
    if len(have) >= MAX_PER_KIND[kind]:
        raise TooManyPhotos()


def _record(db: Session, photo: CasePhoto) -> CasePhoto:
    with write_transaction(db):
        # Checked again under the write lock: two uploads may race for the last place.
        db.exec(select(Response.id).where(Response.id == photo.response_id).with_for_update()).one()
        _check_room(db, photo.response_id, photo.kind)
        photo.position = len(photos_of(db, photo.response_id))
        db.add(photo)
        db.flush()
        audit(
            db,
            photo.uploaded_by or COMPANY,
            "photo.add",
            "response",
            photo.response_id,
            detail=f"{photo.kind} {photo.width}x{photo.height} sha256 {photo.sha256}",
        )
    db.refresh(photo)
    return photo


def update_photo(db: Session, photo: CasePhoto, texts: tuple[str, str, str], actor: str) -> CasePhoto:
    photo.caption_ja, photo.caption_en, photo.credit = check_texts(*texts)
    with write_transaction(db):
        db.add(photo)
        audit(db, actor or COMPANY, "photo.edit", "response", photo.response_id, detail=f"photo {photo.id}")
    db.refresh(photo)
    return photo


def delete_photo(db: Session, store: Path, photo: CasePhoto, actor: str) -> None:
    """The row goes first; the bytes once it is gone."""
    stored, response_id = photo.stored, photo.response_id
    with write_transaction(db):
        db.delete(photo)
        audit(db, actor or COMPANY, "photo.delete", "response", response_id, detail=f"photo {photo.id}")
    with contextlib.suppress(FileNotFoundError, ValueError):
        os.unlink(path_of(store, stored))


PHOTO_TYPES = {JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n"}


def stored_path(store: Path, key: str) -> Path | None:
    """Where a stored key's bytes are, or None for a key that is not one."""
    try:
        return path_of(store, key)
    except ValueError:
        return None


def photo_url(photo: CasePhoto) -> str:
    """How print templates refer to a photo (see pdf.fetcher); the digest makes a changed
    photo a changed page, so cached parts are rendered again."""
    return f"assess-photo:/{photo.stored}?{photo.sha256[:16]}"
