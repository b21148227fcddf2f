"""Reports from the public ("Lapor"): the form without JavaScript and its guards (honeypot, time to
fill on a clock the test moves, rate limits per address and per network, duplicate text), EXIF
stripping, the tracking code and the status page (nothing private on it), and the retention job
that erases the contact."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from coordination.models import Delivery, Region
from insiden.enums import Source, Status
from insiden.models import Incident
from insiden.services import public_reports as services
from pilkada.common import abuse
from tests import factories

FORM = reverse("insiden:public_report")
STATUS = reverse("insiden:public_status")
SENT = reverse("insiden:public_sent")
VILLAGE = "17.01.01.2001"


def _shown(client, clock) -> dict:
    page = client.get(FORM)
    assert page.status_code == 200
    stamp = re.search(rb'name="cap_waktu" value="([^"]+)"', page.content).group(1).decode()
    clock.now += 60
    return {"cap_waktu": stamp}


def _complete(**overrides) -> dict:
    data = {
        "category": "keamanan",
        "wilayah_kab": "17.01",
        "wilayah_kec": "17.01.01",
        "wilayah_desa": VILLAGE,
        "tps_number": "3",
        "occurred_date": timezone.localdate().isoformat(),
        "occurred_time": "",
        "description": "Sekelompok orang menghalangi pemilih di depan TPS 3.",
        "contact": "0812-3456-7890",
        "situs_web": "",
    }
    data.update(overrides)
    return data


def _code(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == SENT
    page = client.get(SENT)
    assert page.status_code == 200
    return re.search(rb"<strong>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</strong>", page.content)[
        1
    ].decode()


def _jpeg_with_gps() -> bytes:
    picture = Image.new("RGB", (64, 48), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "KameraWarga"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (3.0, 47.0, 30.0)
    gps[3], gps[4] = "E", (102.0, 15.0, 0.0)
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    return data


def test_form_steps_through_the_places_without_javascript(client, desk, clock):
    stamp = _shown(client, clock)
    first = client.get(FORM)
    assert b'<option value="17.01">Kabupaten 17.01</option>' in first.content
    assert b'value="17.01.01"' not in first.content
    step = client.post(FORM, {**stamp, "wilayah_kab": "17.01", "_pilih_wilayah": "1"})
    assert step.status_code == 200
    assert b'value="17.01.01"' in step.content
    assert b'value="17.01.01.2001"' not in step.content
    step = client.post(
        FORM,
        {**stamp, "wilayah_kab": "17.01", "wilayah_kec": "17.01.01", "_pilih_wilayah": "1"},
    )
    assert b'value="17.01.01.2001"' in step.content
    assert Incident.objects.count() == 0


def test_form_states_it_is_no_formal_complaint_and_the_retention_rule(client, desk):
    page = client.get(FORM).content.decode()
    assert "bukan laporan dugaan pelanggaran pemilihan menurut Peraturan Bawaslu" in page
    assert "7 hari" in page
    assert "dihapus otomatis 90 hari setelah laporan ditutup" in page
    assert "UU Nomor 27 Tahun 2022" in page


def test_report_awaits_verification_routed_without_messages(client, desk, clock):
    stamp = _shown(client, clock)
    response = client.post(FORM, {**stamp, **_complete()})
    code = _code(client, response)
    incident = Incident.objects.get()
    assert incident.status == Status.AWAITING
    assert incident.source == Source.PUBLIC
    assert incident.reporter_id is None
    assert incident.category == "keamanan"
    assert incident.agency == desk["agencies"]["polres"]
    assert incident.region_id == VILLAGE
    assert incident.tps_number == 3
    assert incident.reporter_contact == "0812-3456-7890"
    assert incident.next_escalation_at is None
    assert incident.tracking_digest == services.tracking_digest(code)
    assert code.replace("-", "") not in str(Incident.objects.values().get())
    assert set(code.replace("-", "")) <= set(services.ALPHABET)
    assert Delivery.objects.count() == 0
    # The code is shown once: a reload of the page does not show it again.
    assert client.get(SENT)["Location"] == STATUS


def test_public_category_maps_to_the_desk_category(client, desk, clock):
    stamp = _shown(client, clock)
    _code(client, client.post(FORM, {**stamp, **_complete(category="disabilitas")}))
    incident = Incident.objects.get()
    assert incident.category == "gangguan_tps"
    assert incident.agency == desk["agencies"]["kpu"]


def test_missing_place_and_description_keep_what_was_typed(client, desk, clock):
    stamp = _shown(client, clock)
    response = client.post(
        FORM, {**stamp, **_complete(wilayah_desa="", description="", contact="kontak@uji.test")}
    )
    assert response.status_code == 200
    assert b"kontak@uji.test" in response.content
    assert b"field-error" in response.content
    assert Incident.objects.count() == 0


def test_honeypot_looks_sent_but_records_nothing(client, desk, clock):
    stamp = _shown(client, clock)
    response = client.post(FORM, {**stamp, **_complete(situs_web="http://spam.test")})
    code = _code(client, response)
    assert Incident.objects.count() == 0
    found = client.post(STATUS, {"code": code})
    assert b"Tidak ada laporan dengan kode ini" in found.content


def test_form_sent_too_fast_is_refused_then_accepted_later(client, desk, clock):
    page = client.get(FORM)
    stamp = re.search(rb'name="cap_waktu" value="([^"]+)"', page.content).group(1).decode()
    clock.now += 2
    response = client.post(FORM, {"cap_waktu": stamp, **_complete()})
    assert response.status_code == 200
    assert "terlalu cepat" in response.content.decode()
    assert Incident.objects.count() == 0
    clock.now += 10
    _code(client, client.post(FORM, {"cap_waktu": stamp, **_complete()}))
    assert Incident.objects.count() == 1


def test_rate_limit_per_address(client, desk, clock, settings):
    settings.PILKADA_PUBLIC_REPORT_LIMITS_IP = abuse.parse_rates("2/h")
    stamp = _shown(client, clock)
    for n in range(2):
        _code(client, client.post(FORM, {**stamp, **_complete(description=f"Kejadian nomor {n}")}))
    refused = client.post(FORM, {**stamp, **_complete(description="Kejadian ketiga")})
    assert refused.status_code == 429
    assert Incident.objects.count() == 2
    clock.now += 3600
    _code(client, client.post(FORM, {**stamp, **_complete(description="Kejadian keempat")}))


def test_rate_limit_per_network_across_addresses(client, desk, clock, settings):
    settings.PILKADA_PUBLIC_REPORT_LIMITS_NETWORK = abuse.parse_rates("2/h")
    stamp = _shown(client, clock)
    for n in range(2):
        response = client.post(
            FORM,
            {**stamp, **_complete(description=f"Laporan {n}")},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
        _code(client, response)
    refused = client.post(
        FORM, {**stamp, **_complete(description="Laporan 3")}, REMOTE_ADDR="198.51.100.77"
    )
    assert refused.status_code == 429
    other_network = client.post(
        FORM, {**stamp, **_complete(description="Laporan 4")}, REMOTE_ADDR="203.0.113.5"
    )
    _code(client, other_network)
    assert Incident.objects.count() == 3


def test_same_description_twice_is_refused(client, desk, clock):
    stamp = _shown(client, clock)
    _code(client, client.post(FORM, {**stamp, **_complete()}))
    again = client.post(
        FORM,
        {**stamp, **_complete(description="sekelompok orang MENGHALANGI pemilih di depan TPS 3")},
    )
    assert again.status_code == 200
    assert "sudah kami terima" in again.content.decode()
    assert Incident.objects.count() == 1


def test_photos_are_reencoded_without_location(client, desk, clock):
    stamp = _shown(client, clock)
    upload = SimpleUploadedFile("lokasi.jpg", _jpeg_with_gps(), "image/jpeg")
    _code(client, client.post(FORM, {**stamp, **_complete(), "photos": [upload]}))
    photo = Incident.objects.get().photos.get()
    stored = photo.image.read()
    assert b"KameraWarga" not in stored
    cleaned = Image.open(io.BytesIO(stored))
    assert dict(cleaned.getexif()) == {}
    assert cleaned.getexif().get_ifd(0x8825) == {}


def test_four_photos_are_refused(client, desk, clock):
    stamp = _shown(client, clock)
    photos = [
        SimpleUploadedFile(f"{n}.jpg", factories.jpeg_bytes(), "image/jpeg") for n in range(4)
    ]
    response = client.post(FORM, {**stamp, **_complete(), "photos": photos})
    assert response.status_code == 200
    assert "Paling banyak 3 foto" in response.content.decode()
    assert Incident.objects.count() == 0


def _public(desk, **fields) -> tuple[Incident, str]:
    values = {
        "category": "keamanan",
        "region": Region.objects.get(code=VILLAGE),
        "tps_number": 3,
        "occurred_at": timezone.now() - dt.timedelta(hours=1),
        "description": "RAHASIA-URAIAN: orang dihalangi masuk TPS.",
        "contact": "RAHASIA-KONTAK 0812000",
    }
    values.update(fields)
    return services.public_report_create(**values)


def test_status_page_shows_status_and_public_outcome_only(client, desk):
    incident, code = _public(desk)
    page = client.post(STATUS, {"code": code.lower().replace("-", " ")})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Menunggu verifikasi" in text
    services.public_report_archive(
        actor=desk["people"]["polres_liaison"], incident=incident, reason="Bukan masalah pemilihan."
    )
    factories_comment = incident.comments.create(body="RAHASIA-KOMENTAR internal")
    assert factories_comment.pk
    text = client.post(STATUS, {"code": code}).content.decode()
    assert "Diarsipkan" in text
    assert "Bukan masalah pemilihan." in text
    for private in ("RAHASIA-URAIAN", "RAHASIA-KONTAK", "RAHASIA-KOMENTAR", incident.title):
        assert private not in text
    assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_status_page_unknown_or_malformed_code(client, desk):
    assert (
        b"Tidak ada laporan dengan kode ini"
        in client.post(STATUS, {"code": "ACDE-FGHJ-KMNP"}).content
    )
    malformed = client.post(STATUS, {"code": "0000-1111-IIII"})
    assert "tidak lengkap atau salah tulis" in malformed.content.decode()


def test_status_lookups_are_rate_limited_per_address_and_network(client, desk, clock, settings):
    settings.PILKADA_PUBLIC_STATUS_LIMITS_IP = abuse.parse_rates("3/10m")
    settings.PILKADA_PUBLIC_STATUS_LIMITS_NETWORK = abuse.parse_rates("5/10m")
    _incident, code = _public(desk)
    for _n in range(3):
        assert client.post(STATUS, {"code": "ACDE-FGHJ-KMNP"}).status_code == 200
    blocked = client.post(STATUS, {"code": code}, REMOTE_ADDR="127.0.0.1")
    assert blocked.status_code == 429
    assert "Menunggu verifikasi" not in blocked.content.decode()
    for n in range(1, 3):
        neighbour = client.post(STATUS, {"code": code}, REMOTE_ADDR=f"127.0.0.{n + 1}")
        assert neighbour.status_code == (200 if n == 1 else 429)
    clock.now += 600
    assert client.post(STATUS, {"code": code}, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_retention_erases_contact_after_the_set_days(desk, settings):
    settings.PILKADA_PUBLIC_REPORT_RETENTION_DAYS = 90
    closed, _code1 = _public(desk)
    open_report, _code2 = _public(desk, description="Kejadian lain yang masih terbuka.")
    services.public_report_archive(
        actor=None, incident=closed, reason="Tidak dapat diverifikasi.", now=timezone.now()
    )
    assert services.public_contacts_purge(now=timezone.now() + dt.timedelta(days=89)) == 0
    later = timezone.now() + dt.timedelta(days=91)
    assert services.public_contacts_purge(now=later) == 1
    closed.refresh_from_db()
    open_report.refresh_from_db()
    assert closed.reporter_contact == ""
    assert closed.contact_purged_at == later
    assert open_report.reporter_contact == "RAHASIA-KONTAK 0812000"
    assert services.public_contacts_purge(now=later) == 0


def test_a_time_later_today_is_refused_and_the_date_kept(client, desk, clock, monkeypatch):
    morning = dt.datetime(2026, 11, 27, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    monkeypatch.setattr(timezone, "now", lambda: morning)
    stamp = _shown(client, clock)
    body = _complete(occurred_date="2026-11-27", occurred_time="10:00")
    response = client.post(FORM, {**stamp, **body})
    assert response.status_code == 200
    assert "Jam kejadian belum terjadi." in response.content.decode()
    assert 'value="2026-11-27"' in response.content.decode()
    assert Incident.objects.count() == 0
    _code(client, client.post(FORM, {**stamp, **body, "occurred_time": "07:30"}))
    assert Incident.objects.get().occurred_at == morning - dt.timedelta(minutes=30)
