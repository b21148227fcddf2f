"""Re-encoded pictures keep their pixels and lose everything else (EXIF GPS, appended data)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pilkada.common.images import MAX_SIDE, image_reencode

GPS_IFD = 0x8825


def _jpeg_with_gps(size=(64, 48)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make
    exif[GPS_IFD] = {1: "S", 2: (3.0, 47.0, 52.0), 3: "E", 4: (102.0, 15.0, 38.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_gps_exif_goes_in_and_none_comes_out():
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    clean = image_reencode(SimpleUploadedFile("tps.jpg", original, "image/jpeg"))
    reopened = Image.open(io.BytesIO(clean.content.read()))
    assert (reopened.format, reopened.size) == ("JPEG", (64, 48))
    assert dict(reopened.getexif()) == {}
    assert b"KameraUji" not in clean.content.open().read()


def test_data_hidden_after_the_picture_is_dropped():
    hidden = _jpeg_with_gps() + b"<script>alert(1)</script>PK\x03\x04"
    clean = image_reencode(SimpleUploadedFile("x.jpg", hidden, "image/jpeg"))
    body = clean.content.open().read()
    assert b"<script>" not in body and b"PK\x03\x04" not in body


def test_large_photos_are_scaled_down_and_transparency_kept_as_png():
    out = io.BytesIO()
    Image.new("RGBA", (MAX_SIDE * 2, MAX_SIDE), (0, 0, 0, 0)).save(out, format="PNG")
    clean = image_reencode(SimpleUploadedFile("peta.png", out.getvalue(), "image/png"))
    assert (clean.width, clean.height, clean.content_type) == (MAX_SIDE, MAX_SIDE // 2, "image/png")


@pytest.mark.parametrize(
    "payload",
    [b"%PDF-1.4 not a picture", b"", b"\xff\xd8\xff\xe0 truncated jpeg"],
)
def test_anything_else_is_a_clear_error(payload):
    with pytest.raises(ValidationError) as error:
        image_reencode(SimpleUploadedFile("x.jpg", payload, "image/jpeg"))
    assert error.value.messages == ["Berkas ini bukan foto yang dapat dibaca."]
