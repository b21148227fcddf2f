"""Photos: a JPEG with GPS EXIF in, a JPEG without any metadata out; the original never stored."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db

ORIGINAL_MARK = b"ORIGINAL-BYTES-MARK"


def _jpeg_with_gps() -> bytes:
    picture = Image.new("RGB", (64, 48), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (3.0, 47.0, 30.0)  # latitude 3°47'30" S
    gps[3], gps[4] = "E", (102.0, 15.0, 0.0)
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif, comment=ORIGINAL_MARK)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    return data


def test_gps_and_camera_data_are_gone_and_the_original_is_not_kept(desk, report, settings):
    original = _jpeg_with_gps()
    incident = report(photos=[SimpleUploadedFile("lokasi.jpg", original, "image/jpeg")])
    photo = incident.photos.get()
    stored = photo.image.read()
    assert stored != original
    assert ORIGINAL_MARK not in stored
    assert b"KameraUji" not in stored
    cleaned = Image.open(io.BytesIO(stored))
    assert cleaned.format == "JPEG"
    assert dict(cleaned.getexif()) == {}
    assert cleaned.getexif().get_ifd(0x8825) == {}
    assert (photo.width, photo.height) == (64, 48)
    assert "lokasi" not in photo.image.name
    # Nothing else was written: one file, the re-encoded one.
    from pathlib import Path

    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert [f.read_bytes() for f in files] == [stored]


def test_more_than_three_photos_or_not_a_picture_is_refused(desk, report):
    from tests import factories

    with pytest.raises(ValidationError) as excinfo:
        report(photos=[SimpleUploadedFile(f"{n}.jpg", factories.jpeg_bytes()) for n in range(4)])
    assert "photos" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        report(photos=[SimpleUploadedFile("x.jpg", b"GIF89a not really")])
    assert "photos" in excinfo.value.message_dict


def test_photo_is_served_only_to_those_who_see_the_incident(client, desk, report):
    from tests import factories

    incident = report(
        visibility="rahasia", photos=[SimpleUploadedFile("a.jpg", factories.jpeg_bytes())]
    )
    url = reverse("insiden:photo", kwargs={"pk": incident.pk, "photo_pk": incident.photos.get().pk})
    client.force_login(desk["people"]["polres_liaison"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    client.force_login(desk["people"]["bawaslu_liaison"])
    assert client.get(url).status_code == 404
