"""Photos and logos made fit to print: decoded within the pixel limit, turned upright, every
piece of metadata left behind, colours converted to sRGB, and scaled to 300 dpi at the largest
size the booklet prints them. Only the result is kept; the upload itself is never stored, so a
photo's location, camera and dates never reach the database, a backup or a PDF.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from assess.i18n import N_
from assess.services.errors import InvalidInput
from assess.services.file_types import JPEG, MAX_PIXELS, PNG, TooManyPixels, UnreadableImage
from assess.vocab import PhotoKind

DPI = 300
MM_PER_INCH = 25.4
# The largest each kind is printed (the booklet's text width for a photo; the logo's box).
PRINTED_MM = {PhotoKind.PHOTO: (174, 130), PhotoKind.LOGO: (40, 20)}
JPEG_QUALITY = 88
_DECODING = threading.BoundedSemaphore(2)  # up to 160 MB a decode at the pixel limit
_SRGB = ImageCms.createProfile("sRGB")


class NotAPhoto(InvalidInput):
    code = "photo_type"
    message = N_(
        "This file is not a JPEG or PNG image, whatever its name says. Nothing was added: save the "
        "photo as JPEG or PNG and choose it again."
    )


class AnimatedImage(InvalidInput):
    code = "photo_animated"
    message = N_("The image is animated. A printed page cannot show an animation: choose a still photo.")


class ColoursUnconvertible(InvalidInput):
    code = "photo_colours"
    message = N_(
        "The image's colours cannot be converted for print and screen (sRGB): it may be a CMYK file "
        "whose colour profile is damaged. Save it as an RGB JPEG or PNG and choose it again."
    )


@dataclass(frozen=True)
class Normalised:
    media_type: str
    width: int
    height: int


def largest_pixels(kind: PhotoKind) -> tuple[int, int]:
    """Width and height in pixels at 300 dpi of the largest printed size of this kind."""
    return tuple(round(mm / MM_PER_INCH * DPI) for mm in PRINTED_MM[kind])  # type: ignore[return-value]


def normalise(source: Path, target: Path, kind: PhotoKind) -> Normalised:
    """Write `source`'s image to `target` ready to print, or refuse it (nothing is written)."""
    with _DECODING:
        try:
            return _normalise(source, target, kind)
        except InvalidInput:
            target.unlink(missing_ok=True)
            raise
        except Image.DecompressionBombError:
            target.unlink(missing_ok=True)
            raise TooManyPixels(megapixels=MAX_PIXELS // 1_000_000) from None
        except Exception:  # an untrusted file: whatever the decoder trips on, the answer is the same
            target.unlink(missing_ok=True)
            raise UnreadableImage() from None


def _normalise(source: Path, target: Path, kind: PhotoKind) -> Normalised:
    with Image.open(source, formats=["JPEG", "PNG"]) as image:
        width, height = image.size
        if width * height > MAX_PIXELS:  # from the header, before decoding
            raise TooManyPixels(megapixels=MAX_PIXELS // 1_000_000)
        if getattr(image, "is_animated", False) and image.format == "PNG":
            raise AnimatedImage()
        image.load()  # a camera's MPO file is a JPEG with extra frames: the first is the photo
        picture = _srgb(ImageOps.exif_transpose(image), image.info.get("icc_profile"))
    picture.thumbnail(largest_pixels(kind), Image.Resampling.LANCZOS)
    keep_alpha = picture.mode == "RGBA" and kind == PhotoKind.LOGO
    if picture.mode == "RGBA" and not keep_alpha:
        picture = _on_white(picture)
    media_type = PNG if keep_alpha else JPEG
    picture.info = {}  # nothing of the upload's metadata is written out again
    if media_type == PNG:
        picture.save(target, format="PNG", optimize=True, dpi=(DPI, DPI))
    else:
        picture.save(target, format="JPEG", quality=JPEG_QUALITY, optimize=True, dpi=(DPI, DPI))
    return Normalised(media_type, picture.width, picture.height)


def _srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """The image in sRGB (RGB, or RGBA when it has transparency), through its embedded colour
    profile when it has one."""
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if image.mode in ("P", "PA", "LA", "1", "I;16", "I", "F") or (image.mode == "L" and alpha):
        image = image.convert("RGBA" if alpha else "RGB")
    if image.mode not in ("RGB", "RGBA", "L", "CMYK"):
        raise ColoursUnconvertible()
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = "RGBA" if image.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(image, profile, _SRGB, outputMode=mode)
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            if image.mode == "CMYK":  # without its profile, a CMYK photo's colours are guesses
                raise ColoursUnconvertible() from None
    # No profile: RGB and grey are taken as sRGB, CMYK by Pillow's plain conversion.
    return image.convert("RGBA" if image.mode == "RGBA" else "RGB")


def _on_white(image: Image.Image) -> Image.Image:
    background = Image.new("RGB", image.size, "white")
    background.paste(image, mask=image.getchannel("A"))
    return background
