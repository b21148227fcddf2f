"""Uploaded pictures, re-encoded: only the pixels are kept.

A photo from a phone carries its GPS position and camera data in EXIF, and any file can hide a
second format behind a valid image header (a "polyglot"). Decoding the picture and encoding it
again from its pixels drops both; the original bytes are never stored. The size is bounded before
decoding (no decompression bomb can hold a worker) and large photos are scaled down to what a
screen needs, which also keeps them small for weak connections.
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Formats people upload from phones and cameras; anything else is refused.
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
# About 40 megapixels: more than any phone camera, far below what would exhaust memory.
MAX_PIXELS = 40_000_000
# The longest side kept; a situation photo needs no more on a screen.
MAX_SIDE = 2048


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    width: int
    height: int
    content_type: str
    extension: str


def image_reencode(upload, *, max_side: int = MAX_SIDE, quality: int = 85) -> CleanImage:
    """A fresh JPEG (or PNG when the picture has transparency) made from the upload's pixels,
    upright (EXIF orientation applied), without any metadata. ValidationError when the upload is
    not a picture of an accepted format."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload) as source:
            if source.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Unggah foto JPEG, PNG, WebP atau GIF."), code="format")
            source.seek(0)  # the first frame of an animation or a multi-picture file
            picture = ImageOps.exif_transpose(source)
            picture.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValidationError(_("Berkas ini bukan foto yang dapat dibaca."), code="image") from exc
    picture.thumbnail((max_side, max_side))
    transparent = picture.mode in ("RGBA", "LA") or "transparency" in picture.info
    pixels = picture.convert("RGBA" if transparent else "RGB")
    # Pillow writes some of what it read back on save (a JPEG comment, an ICC profile, DPI):
    # only the pixels go on.
    pixels.info = {}
    out = io.BytesIO()
    if transparent:
        pixels.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        pixels.save(out, format="JPEG", quality=quality, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    return CleanImage(
        content=ContentFile(out.getvalue()),
        width=picture.width,
        height=picture.height,
        content_type=content_type,
        extension=extension,
    )
