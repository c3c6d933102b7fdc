"""What an attached file is, found from its first bytes (never from its name), and images made
safe to keep: decoded within a pixel limit and encoded again, which leaves every piece of
metadata behind (location, camera, dates, comments, colour profiles).

PDF files are kept as they are: they are type-checked here and only ever downloaded, never
shown in the browser or read by the PDF printer.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from pathlib import Path

from PIL import Image, ImageOps

from assess.i18n import N_
from assess.services.errors import InvalidInput

PDF, JPEG, PNG, HEIC = "application/pdf", "image/jpeg", "image/png", "image/heic"
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",), HEIC: (".heic", ".heif")}
HEAD_BYTES = 16  # enough for every signature below
HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
MAX_PIXELS = 40_000_000  # an image's width × height; checked from its header, before decoding
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", HEIC: "HEIF"}
# Decoding takes up to 4 bytes a pixel (160 MB at the limit): two images at a time at most.
_DECODING = threading.BoundedSemaphore(2)


class WrongType(InvalidInput):
    code = "file_type"
    message = N_(
        "Only PDF, JPEG and PNG files can be attached, and this file is none of them, whatever its "
        "name says. Nothing was attached."
    )


class HeicUnsupported(InvalidInput):
    code = "file_heic"
    message = N_(
        "HEIC photos cannot be attached on this installation. Save the photo as JPEG (on an iPhone: "
        "Settings, Camera, Formats, Most Compatible) and attach it again."
    )


class TooManyPixels(InvalidInput):
    code = "file_pixels"
    message = N_(
        "The image has more than {megapixels} megapixels, more than an attached image may have. "
        "Make it smaller and attach it again."
    )


class UnreadableImage(InvalidInput):
    code = "file_image"
    message = N_(
        "The image cannot be read: it may be damaged or incomplete. Save it again and attach it once more."
    )


def heic_supported() -> bool:
    """HEIC photos need the optional pillow-heif package (not a dependency of assess)."""
    return importlib.util.find_spec("pillow_heif") is not None


def sniff(head: bytes) -> str | None:
    """The media type the first bytes show, or None for anything else."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    return None


def accepted(media_type: str | None) -> str:
    """The media type if files of it are taken here; else the refusal."""
    if media_type is None:
        raise WrongType()
    if media_type == HEIC and not heic_supported():
        raise HeicUnsupported()
    return media_type


def is_image(media_type: str) -> bool:
    return media_type in PILLOW_FORMATS


def stored_type(media_type: str) -> str:
    """What an upload of this type is kept as: HEIC photos become JPEG."""
    return JPEG if media_type == HEIC else media_type


def reencode(source: Path, target: Path, media_type: str) -> None:
    """Decode the image at `source` and write it again to `target`, without its metadata, turned
    the way its EXIF orientation says. Refuses images over MAX_PIXELS before decoding them."""
    if media_type == HEIC:
        importlib.import_module("pillow_heif").register_heif_opener()
    with _DECODING:
        try:
            with Image.open(source, formats=[PILLOW_FORMATS[media_type]]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise TooManyPixels(megapixels=MAX_PIXELS // 1_000_000)
                image.load()
                upright = ImageOps.exif_transpose(image)
                _save(upright, target, stored_type(media_type))
        except TooManyPixels:
            raise
        except Image.DecompressionBombError:
            raise TooManyPixels(megapixels=MAX_PIXELS // 1_000_000) from None
        except Exception:  # an untrusted file: whatever the decoder trips on, the answer is the same
            target.unlink(missing_ok=True)
            raise UnreadableImage() from None


def _save(image: Image.Image, target: Path, media_type: str) -> None:
    # Pillow writes some of what it read back out unless told otherwise (a JPEG's comment, a
    # PNG's colour profile): only a palette's transparency is kept, as part of the picture.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    if media_type == JPEG:
        if image.mode not in ("L", "RGB", "CMYK"):
            image = image.convert("RGB")
        image.save(target, format="JPEG", quality=90)
    else:
        image.save(target, format="PNG")
