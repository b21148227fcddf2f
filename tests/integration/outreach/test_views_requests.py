"""The "Minta sosialisasi" pages for the public: the form (stepwise place picker without
JavaScript, the honeypot, the time to fill on a clock the test moves, the rate limits per
address, network and email), the confirmation and follow links. The staff's pages:
test_views_requests_staff.py."""

import datetime as dt
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from outreach.enums import EventStatus, RequestStatus
from outreach.models import OutreachRequest
from outreach.services import requests as services
from outreach.tokens import request_token
from pilkada.common import abuse
from tests import factories

FORM = reverse("outreach:request_form")


def _shown(client, clock) -> dict:
    """GET the form and read its hidden stamp; then let a person's minute pass."""
    page = client.get(FORM)
    assert page.status_code == 200
    stamp = re.search(rb'name="cap_waktu" value="([^"]+)"', page.content).group(1).decode()
    clock.now += 60
    return {"cap_waktu": stamp}


def _complete(extra=None, **overrides) -> dict:
    day = timezone.localdate() + dt.timedelta(days=14)
    data = {
        "requester_name": "Pemerintah Desa Uji",
        "requester_kind": "pemerintah_desa",
        "segment": "perempuan",
        "wilayah_kab": "17.01",
        "wilayah_kec": "17.01.02",
        "wilayah_desa": "17.01.02.2001",
        "date_1": day.isoformat(),
        "date_2": "",
        "date_3": "",
        "participants": "60",
        "email": "warga@uji.test",
        "phone": "",
        "note": "Balai desa cukup untuk 60 orang.",
        "situs_web": "",
    }
    data.update(extra or {})
    data.update(overrides)
    return data


def test_form_steps_through_the_places_without_javascript(client, bengkulu, clock):
    stamp = _shown(client, clock)
    first = client.get(FORM)
    assert b'<option value="17.01">Kabupaten 17.01</option>' in first.content
    assert b'value="17.01.01"' not in first.content
    step = client.post(FORM, {**stamp, "wilayah_kab": "17.01", "_pilih_wilayah": "1"})
    assert step.status_code == 200
    assert b'<option value="17.01.01">Kecamatan 17.01.01</option>' in step.content
    assert b"form-errors" not in step.content  # a step is not a failed submission
    step = client.post(
        FORM,
        {**stamp, "wilayah_kab": "17.01", "wilayah_kec": "17.01.02", "_pilih_wilayah": "1"},
    )
    assert b'<option value="17.01.02.2001">Desa 17.01.02.2001</option>' in step.content
    # The stamp of the first display is kept through the steps.
    assert stamp["cap_waktu"].encode() in step.content
    assert OutreachRequest.objects.count() == 0


def test_form_submission_records_an_unconfirmed_request_and_mails_the_link(
    client, bengkulu, clock, django_capture_on_commit_callbacks
):
    stamp = _shown(client, clock)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM, _complete(stamp))
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:request_sent")
    request = OutreachRequest.objects.get()
    assert (request.status, request.region_id, request.segment, request.participants) == (
        RequestStatus.UNCONFIRMED,
        "17.01.02.2001",
        "perempuan",
        60,
    )
    (message,) = mail.outbox
    assert reverse("outreach:request_confirm", args=[request_token(request, "confirm")]) in (
        message.body
    )


def test_form_keeps_what_was_typed_on_an_error(client, bengkulu, clock):
    stamp = _shown(client, clock)
    response = client.post(FORM, _complete(stamp, email="bukan-email", participants="0"))
    assert response.status_code == 200
    assert b"Pemerintah Desa Uji" in response.content
    assert b"Balai desa cukup untuk 60 orang." in response.content
    assert set(response.context["form"].errors) == {"email", "participants"}
    assert OutreachRequest.objects.count() == 0


def test_form_honeypot_answers_like_success_and_records_nothing(client, bengkulu, clock):
    stamp = _shown(client, clock)
    response = client.post(FORM, _complete(stamp, situs_web="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:request_sent")
    assert OutreachRequest.objects.count() == 0
    assert mail.outbox == []


def test_form_posted_without_being_shown_records_nothing(client, bengkulu, clock):
    response = client.post(FORM, _complete())
    assert response.status_code == 302
    assert OutreachRequest.objects.count() == 0


def test_form_sent_too_fast_is_refused_then_accepted_a_moment_later(client, bengkulu, clock):
    page = client.get(FORM)
    stamp = re.search(rb'name="cap_waktu" value="([^"]+)"', page.content).group(1).decode()
    clock.now += 2
    response = client.post(FORM, _complete({"cap_waktu": stamp}))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Formulir terkirim terlalu cepat. Periksa isinya, lalu kirim sekali lagi."
    ]
    clock.now += 10
    assert client.post(FORM, _complete({"cap_waktu": stamp})).status_code == 302
    assert OutreachRequest.objects.count() == 1


def test_form_left_open_too_long_gets_a_fresh_stamp(client, bengkulu, clock, settings):
    stamp = _shown(client, clock)
    clock.now += settings.PILKADA_PUBLIC_FORM_MAX_AGE_SECONDS + 1
    response = client.post(FORM, _complete(stamp))
    assert response.status_code == 200
    fresh = response.context["form"].data["cap_waktu"]
    assert fresh != stamp["cap_waktu"]
    clock.now += 30
    assert client.post(FORM, _complete({"cap_waktu": fresh})).status_code == 302


def test_form_rate_limit_per_email(client, bengkulu, clock, settings):
    settings.OUTREACH_REQUEST_LIMITS_EMAIL = abuse.parse_rates("2/d")
    stamp = _shown(client, clock)
    for _ in range(2):
        assert client.post(FORM, _complete(stamp)).status_code == 302
    refused = client.post(FORM, _complete(stamp))
    assert refused.status_code == 429
    assert b"Terlalu banyak permintaan" in refused.content
    # Another address from the same client still gets through.
    assert client.post(FORM, _complete(stamp, email="lain@uji.test")).status_code == 302
    assert OutreachRequest.objects.count() == 3
    # The next day the address may ask again (on a form shown that day).
    clock.now += 86400
    assert client.post(FORM, _complete(_shown(client, clock))).status_code == 302


def test_form_rate_limit_per_address_and_per_network(client, bengkulu, clock, settings):
    settings.OUTREACH_REQUEST_LIMITS_IP = abuse.parse_rates("2/h")
    settings.OUTREACH_REQUEST_LIMITS_NETWORK = abuse.parse_rates("4/h")
    settings.OUTREACH_REQUEST_LIMITS_EMAIL = ()
    stamp = _shown(client, clock)

    def post(address: str, n: int) -> int:
        data = _complete(stamp, email=f"w{n}@uji.test")
        return client.post(FORM, data, REMOTE_ADDR=address).status_code

    # Every attempt counts, the refused ones too (a flood gains nothing by retrying).
    assert [post("203.0.113.5", n) for n in range(3)] == [302, 302, 429]
    # A neighbour in the same /24 has one left of the network's four.
    assert [post("203.0.113.77", n) for n in range(3, 5)] == [302, 429]
    # Another network is not affected.
    assert post("198.51.100.9", 5) == 302
    # IPv6: the /64 is one network.
    settings.OUTREACH_REQUEST_LIMITS_NETWORK = abuse.parse_rates("1/h")
    assert post("2001:db8:1:2::a", 6) == 302
    assert post("2001:db8:1:2::b", 7) == 429
    assert post("2001:db8:1:3::a", 8) == 302
    # An hour later, the first address may ask again.
    clock.now += 3600
    assert post("203.0.113.5", 9) == 302


def test_confirm_link_shows_a_button_confirms_on_post_and_works_once(
    client, bengkulu, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = factories.outreach_request(status="unconfirmed")
    url = reverse("outreach:request_confirm", args=[request_token(request, "confirm")])
    page = client.get(url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"]
    request.refresh_from_db()
    assert request.status == RequestStatus.UNCONFIRMED  # a link scanner confirms nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url)
    follow = reverse("outreach:request_follow", args=[request_token(request, "follow")])
    assert (done.status_code, done["Location"]) == (302, follow)
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    again = client.get(url)
    assert again.status_code == 410
    assert b"sudah dipakai" in again.content
    assert client.post(url).status_code == 410


def test_confirm_link_expired_or_unknown(client, bengkulu):
    request = factories.outreach_request(status="unconfirmed")
    url = reverse("outreach:request_confirm", args=[request_token(request, "confirm")])
    OutreachRequest.objects.filter(pk=request.pk).update(confirm_before=timezone.now())
    assert client.get(url).status_code == 410
    assert client.post(url).status_code == 410
    assert client.get(reverse("outreach:request_confirm", args=["x" * 57])).status_code == 404
    follow_as_confirm = request_token(request, "follow")
    assert (
        client.get(reverse("outreach:request_confirm", args=[follow_as_confirm])).status_code == 404
    )


def test_follow_page_shows_the_status_and_never_the_contact(
    client, bengkulu, regency_staff, kpu_regency
):
    request = factories.outreach_request(email="rahasia@uji.test", phone="0812 999")
    url = reverse("outreach:request_follow", args=[request_token(request, "follow")])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Menunggu tanggapan KPU" in page.content
    assert b"rahasia@uji.test" not in page.content and b"0812 999" not in page.content
    zone_day = timezone.localdate() + dt.timedelta(days=12)
    start = dt.datetime.combine(zone_day, dt.time(14), tzinfo=dt.timezone(dt.timedelta(hours=7)))
    event = services.request_accept(
        actor=regency_staff,
        request=request,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        method="forum_warga",
        organiser=kpu_regency,
        venue="Balai desa",
    )
    page = client.get(url)
    assert b"Diterima" in page.content
    assert b"pukul 14.00 WIB" in page.content
    assert b"Lihat kegiatan di kalender" not in page.content  # still a draft
    from outreach.services.events import event_status_change

    event_status_change(actor=None, event=event, status=EventStatus.PUBLISHED)
    page = client.get(url)
    assert b"Lihat kegiatan di kalender" in page.content


def test_follow_page_agree_and_withdraw(client, bengkulu, regency_staff):
    request = factories.outreach_request()
    proposed = timezone.localdate() + dt.timedelta(days=30)
    services.request_propose(actor=regency_staff, request=request, date=proposed)
    url = reverse("outreach:request_follow", args=[request_token(request, "follow")])
    assert b"Setuju dengan tanggal ini" in client.get(url).content
    assert client.post(url, {"aksi": "setuju"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.preferred_dates[0]) == (
        RequestStatus.OPEN,
        proposed.isoformat(),
    )
    assert client.post(url, {"aksi": "batalkan"}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert client.post(url, {"aksi": "hapus-semua"}).status_code == 302


def test_follow_link_of_an_unconfirmed_request_opens_nothing(client, bengkulu):
    request = factories.outreach_request(status="unconfirmed")
    url = reverse("outreach:request_follow", args=[request_token(request, "follow")])
    assert client.get(url).status_code == 404
