"""Public outreach requests through their services: the confirmation link (once, before it
expires), the three answers of KPU staff and who may give them, the requester's own steps, the
mail of each step through the outbox, and the retention rule."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coordination.enums import DeliveryStatus
from coordination.models import Delivery, Region
from outreach.enums import EventStatus, RequestStatus
from outreach.models import OutreachEvent, OutreachRequest
from outreach.notifications import KIND
from outreach.services import requests as services
from outreach.tokens import request_token
from tests import factories

WIB = ZoneInfo("Asia/Jakarta")


def _on(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=WIB)


@pytest.fixture
def asked(bengkulu, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return factories.outreach_request("17.01.01.2001")


def _accept(actor, request, kpu, **kwargs):
    fields = {
        "starts_at": _on(10, 9),
        "ends_at": _on(10, 11),
        "method": "forum_warga",
        "organiser": kpu,
        "venue": "Balai desa",
    }
    fields.update(kwargs)
    return services.request_accept(actor=actor, request=request, **fields)


def test_request_create_is_unconfirmed_with_copied_codes_and_a_confirmation_mail(
    bengkulu, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = factories.outreach_request(
            "17.01.02.2001", status="unconfirmed", email=" Pemohon@Uji.TEST "
        )
    assert (request.status, request.email) == (RequestStatus.UNCONFIRMED, "pemohon@uji.test")
    assert (request.province_code, request.regency_code, request.district_code) == (
        "17",
        "17.01",
        "17.01.02",
    )
    assert request.village_code == "17.01.02.2001"
    row = Delivery.objects.get(kind=KIND)
    assert (row.person, row.key, row.email, row.status) == (
        None,
        f"request-{request.pk}:confirm",
        "pemohon@uji.test",
        DeliveryStatus.SENT,
    )
    (message,) = mail.outbox
    assert message.to == ["pemohon@uji.test"]
    assert f"/sosialisasi/minta/konfirmasi/{request_token(request, 'confirm')}/" in message.body
    # The follow link is only sent once the address is confirmed.
    assert "/minta/ikuti/" not in message.body


def test_request_create_refuses_a_district_past_dates_and_too_many_participants(bengkulu):
    district = Region.objects.get(code="17.01.01")
    with pytest.raises(ValidationError) as caught:
        services.request_create(
            requester_name="SMA 1",
            requester_kind="sekolah",
            segment="pemilih_pemula",
            region=district,
            dates=[timezone.localdate()],
            participants=100_001,
            email="a@uji.test",
        )
    assert sorted(caught.value.message_dict) == ["participants", "region"]
    village = Region.objects.get(code="17.01.01.2001")
    with pytest.raises(ValidationError) as caught:
        services.request_create(
            requester_name="SMA 1",
            requester_kind="sekolah",
            segment="pemilih_pemula",
            region=village,
            dates=[timezone.localdate()],
            participants=30,
            email="a@uji.test",
        )
    assert caught.value.message_dict == {"dates": ["Tanggal harus setelah hari ini."]}
    assert OutreachRequest.objects.count() == 0


def test_request_confirm_works_once(bengkulu, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = factories.outreach_request(status="unconfirmed")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_confirm(request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert request.confirmed_at is not None
    with pytest.raises(ValidationError) as caught:
        services.request_confirm(request=request)
    assert caught.value.error_list[0].code == "used"
    # The second mail carries the follow link.
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Konfirmasi permintaan sosialisasi Anda",
        "Permintaan sosialisasi Anda kami terima",
    ]
    assert request_token(request, "follow") in mail.outbox[1].body


def test_request_confirm_refuses_an_expired_link(bengkulu):
    request = factories.outreach_request(status="unconfirmed")
    OutreachRequest.objects.filter(pk=request.pk).update(
        confirm_before=timezone.now() - dt.timedelta(seconds=1)
    )
    request.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.request_confirm(request=request)
    assert caught.value.error_list[0].code == "expired"
    request.refresh_from_db()
    assert request.status == RequestStatus.UNCONFIRMED


def test_request_find_needs_the_right_purpose_and_signature(asked):
    follow = request_token(asked, "follow")
    assert services.request_find(token=follow, purpose="follow") == asked
    assert services.request_find(token=follow, purpose="confirm") is None
    forged = follow[:-1] + ("0" if follow[-1] != "0" else "1")
    assert services.request_find(token=forged, purpose="follow") is None
    assert services.request_find(token=asked.uid.hex, purpose="follow") is None
    assert services.request_find(token="../../etc", purpose="follow") is None


def test_request_accept_makes_a_linked_draft_event_and_tells_the_requester(
    asked, regency_staff, kpu_regency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = _accept(regency_staff, asked, kpu_regency)
    asked.refresh_from_db()
    assert (asked.status, asked.event, asked.answered_by) == (
        RequestStatus.ACCEPTED,
        event,
        regency_staff,
    )
    assert asked.closed_at is not None
    assert (event.status, event.region_id, event.segments, event.organiser) == (
        EventStatus.DRAFT,
        "17.01.01.2001",
        ["pemilih_pemula"],
        kpu_regency,
    )
    assert event.title == "Sosialisasi Pemilih pemula (17-21) di Desa 17.01.01.2001"
    assert event.description == (
        "Atas permintaan masyarakat (Kepala desa / pemerintah desa atau kelurahan), "
        "untuk sekitar 40 peserta."
    )
    # The requester's name and contact never reach the event.
    assert "Pemerintah Desa Uji" not in event.description
    accepted = mail.outbox[-1]
    assert accepted.subject == "Permintaan sosialisasi Anda diterima: Desa 17.01.01.2001"
    day = _on(10, 9).date()
    assert f"{day.day} " in accepted.body and "09.00 WIB" in accepted.body


def test_request_answers_are_for_the_staff_of_its_region(
    asked, regency_staff, province_staff, kpu_regency, bengkulu
):
    other_staff = factories.kpu_staff(Region.objects.get(code="17.02"), email="kab2@uji.test")
    with pytest.raises(PermissionDenied):
        services.request_decline(actor=other_staff, request=asked, reason="Tidak")
    with pytest.raises(PermissionDenied):
        _accept(other_staff, asked, kpu_regency)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN
    assert OutreachEvent.objects.count() == 0
    # The province's staff may answer too.
    services.request_decline(actor=province_staff, request=asked, reason="Jadwal penuh")
    asked.refresh_from_db()
    assert (asked.status, asked.decline_reason) == (RequestStatus.DECLINED, "Jadwal penuh")


def test_request_decline_needs_a_reason_and_closes_once(asked, regency_staff):
    with pytest.raises(ValidationError) as caught:
        services.request_decline(actor=regency_staff, request=asked, reason="  ")
    assert caught.value.message_dict == {"reason": ["Tuliskan alasannya untuk pemohon."]}
    services.request_decline(actor=regency_staff, request=asked, reason="Anggaran habis")
    with pytest.raises(ValidationError):
        services.request_propose(
            actor=regency_staff, request=asked, date=timezone.localdate() + dt.timedelta(days=3)
        )


def test_request_propose_then_agree_puts_the_date_first_and_waits_again(
    asked, regency_staff, django_capture_on_commit_callbacks
):
    proposed = timezone.localdate() + dt.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_propose(actor=regency_staff, request=asked, date=proposed, note="Pagi")
        services.request_propose(
            actor=regency_staff, request=asked, date=proposed + dt.timedelta(days=1)
        )
    asked.refresh_from_db()
    assert (asked.status, asked.proposals) == (RequestStatus.PROPOSED, 2)
    # Each proposal is a message of its own.
    keys = sorted(Delivery.objects.filter(kind=KIND).values_list("key", flat=True))
    prefix = f"request-{asked.pk}:"
    assert keys == [prefix + k for k in ("confirm", "confirmed", "proposed-1", "proposed-2")]
    services.request_agree(request=asked)
    asked.refresh_from_db()
    second = proposed + dt.timedelta(days=1)
    assert asked.status == RequestStatus.OPEN
    assert asked.preferred_dates[0] == second.isoformat()
    with pytest.raises(ValidationError):
        services.request_agree(request=asked)


def test_request_withdraw_closes_a_pending_request_only(asked, regency_staff, kpu_regency):
    services.request_withdraw(request=asked)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.WITHDRAWN
    assert asked.closed_at is not None
    with pytest.raises(ValidationError):
        services.request_withdraw(request=asked)


def test_requests_purge_deletes_expired_unconfirmed_and_erases_closed_contacts(
    bengkulu, regency_staff, kpu_regency, settings, django_capture_on_commit_callbacks
):
    settings.OUTREACH_REQUEST_RETENTION_DAYS = 90
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        stale = factories.outreach_request(status="unconfirmed", email="lama@uji.test")
        factories.outreach_request(status="unconfirmed", email="baru@uji.test")
        declined = factories.outreach_request(email="tolak@uji.test", phone="0812 3456")
        services.request_decline(actor=regency_staff, request=declined, reason="Tidak")
        recent = factories.outreach_request(email="kini@uji.test")
        services.request_decline(actor=regency_staff, request=recent, reason="Tidak")
        accepted = factories.outreach_request(email="terima@uji.test")
        event = _accept(regency_staff, accepted, kpu_regency)
        waiting = factories.outreach_request(email="tunggu@uji.test")
    OutreachRequest.objects.filter(pk=stale.pk).update(confirm_before=now - dt.timedelta(days=2))
    OutreachRequest.objects.filter(pk__in=[declined.pk, accepted.pk]).update(
        closed_at=now - dt.timedelta(days=91)
    )
    # The accepted request's event is still ahead: its contact is kept until 90 days after it.
    result = services.requests_purge(now=now)
    assert result == {"deleted": 1, "purged": 1}
    assert not OutreachRequest.objects.filter(pk=stale.pk).exists()
    declined.refresh_from_db()
    assert (declined.requester_name, declined.email, declined.phone, declined.note) == (
        "",
        "",
        "",
        "",
    )
    assert declined.contact_purged_at == now
    # What the coverage report counts stays.
    assert (declined.status, declined.region_id, declined.segment) == (
        RequestStatus.DECLINED,
        "17.01.01.2001",
        "pemilih_pemula",
    )
    kept = set(OutreachRequest.objects.exclude(email="").values_list("email", flat=True))
    assert kept == {"baru@uji.test", "kini@uji.test", "terima@uji.test", "tunggu@uji.test"}
    # The delivery log forgets the erased and deleted addresses too.
    logged = Delivery.objects.filter(kind=KIND).exclude(email="")
    logged = set(logged.values_list("email", flat=True))
    assert logged == kept
    # Once the event is long over, the accepted request's contact goes as well.
    OutreachEvent.objects.filter(pk=event.pk).update(
        starts_at=now - dt.timedelta(days=92), ends_at=now - dt.timedelta(days=91, hours=22)
    )
    assert services.requests_purge(now=now) == {"deleted": 0, "purged": 1}
    accepted.refresh_from_db()
    assert accepted.email == ""
    assert waiting.pk in set(OutreachRequest.objects.exclude(email="").values_list("pk", flat=True))


def test_mail_to_an_erased_contact_is_obsolete(asked, regency_staff, settings):
    settings.OUTREACH_REQUEST_RETENTION_DAYS = 0
    services.request_decline(actor=regency_staff, request=asked, reason="Tidak")
    row = Delivery.objects.get(kind=KIND, key=f"request-{asked.pk}:declined")
    services.requests_purge(now=timezone.now() + dt.timedelta(seconds=1))
    from coordination.notifications.sending import delivery_send

    mail.outbox.clear()
    delivery_send(delivery_id=row.pk)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SKIPPED
    assert mail.outbox == []
