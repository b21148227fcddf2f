"""The meeting services and the mail pipeline together: deliveries commit with the meeting change,
and answering with a delegation invites the delegate at once. Celery runs eagerly (conftest)."""

from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core import mail
from django.db import transaction
from icalendar import Calendar

from coordination.enums import RSVP, DeliveryKind, DeliveryStatus
from coordination.models import Delivery, Meeting
from coordination.notifications.reminders import reminders_dispatch_due
from coordination.services.meeting_records import meeting_respond
from coordination.services.meetings import meeting_cancel, meeting_create
from tests import factories


@pytest.fixture
def kapolres(polres):
    return factories.liaison(polres, email="kapolres@uji.test", full_name="Kapolres")


@pytest.fixture
def wakapolres(polres):
    return factories.liaison(polres, email="wakapolres@uji.test", full_name="Wakapolres")


def _calendar_method(message) -> tuple[str, str]:
    parsed = message_from_bytes(message.message().as_bytes())
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    return part.get_param("method"), str(event["uid"])


def _sent(kind: str) -> list[str]:
    return sorted(
        Delivery.objects.filter(kind=kind, status=DeliveryStatus.SENT).values_list(
            "email", flat=True
        )
    )


# --- deliveries commit with the meeting ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_meeting_create_rolled_back_leaves_no_deliveries(regency_staff, kpu_regency, regency):
    with pytest.raises(RuntimeError), transaction.atomic():
        meeting_create(actor=regency_staff, **factories.meeting_fields(regency, kpu_regency))
        # Recorded in the same transaction, not yet sent.
        assert Delivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 1
        raise RuntimeError("crash before the commit")
    assert Meeting.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_meeting_create_committed_records_and_sends_invitations(
    regency_staff, kpu_regency, regency, kapolres
):
    meeting = meeting_create(
        actor=regency_staff,
        **factories.meeting_fields(regency, kpu_regency, invited_people=[kapolres]),
    )
    rows = Delivery.objects.filter(meeting=meeting).order_by("email")
    assert [(r.email, r.kind, r.key, r.status) for r in rows] == [
        ("kapolres@uji.test", DeliveryKind.INVITATION, "s0", DeliveryStatus.SENT),
        (regency_staff.email, DeliveryKind.INVITATION, "s0", DeliveryStatus.SENT),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["kapolres@uji.test", regency_staff.email]


@pytest.mark.django_db(transaction=True)
def test_meeting_cancel_rolled_back_keeps_the_meeting_and_sends_nothing(
    regency_staff, kpu_regency, regency
):
    meeting = meeting_create(actor=regency_staff, **factories.meeting_fields(regency, kpu_regency))
    mail.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        meeting_cancel(actor=regency_staff, meeting=meeting, reason="Bentrok jadwal")
        raise RuntimeError("crash before the commit")
    assert Delivery.objects.filter(kind=DeliveryKind.CANCELLATION).count() == 0
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


# --- delegation ---------------------------------------------------------------------------------


def test_meeting_respond_delegation_invites_the_delegate_at_once(
    regency_staff,
    kpu_regency,
    regency,
    kapolres,
    wakapolres,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_create(
            actor=regency_staff,
            **factories.meeting_fields(regency, kpu_regency, invited_people=[kapolres]),
        )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_respond(
            actor=kapolres, meeting=meeting, response=RSVP.DELEGATED, delegate=wakapolres
        )

    (message,) = mail.outbox
    assert message.to == ["wakapolres@uji.test"]
    assert _calendar_method(message) == ("REQUEST", str(meeting.uid))
    assert _sent(DeliveryKind.INVITATION) == sorted(
        ["kapolres@uji.test", "wakapolres@uji.test", regency_staff.email]
    )

    # The reminder goes to the delegate, not to the person who delegated.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_dispatch_due(now=meeting.starts_at - timedelta(minutes=59))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["wakapolres@uji.test", regency_staff.email]
    )

    # Both hear of the cancellation.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(actor=regency_staff, meeting=meeting, reason="Bentrok jadwal")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["kapolres@uji.test", "wakapolres@uji.test", regency_staff.email]
    )
    assert {_calendar_method(m)[0] for m in mail.outbox} == {"CANCEL"}


def test_meeting_respond_delegation_to_invited_colleague_sends_nothing_again(
    regency_staff,
    kpu_regency,
    regency,
    bawaslu,
    bawaslu_liaison,
    bawaslu_colleague,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_create(
            actor=regency_staff,
            **factories.meeting_fields(regency, kpu_regency, invited_agencies=[bawaslu]),
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_respond(
            actor=bawaslu_liaison,
            meeting=meeting,
            response=RSVP.DELEGATED,
            delegate=bawaslu_colleague,
        )
    assert mail.outbox == []
    assert Delivery.objects.filter(person=bawaslu_colleague).count() == 1


def test_meeting_respond_taking_back_delegation_withdraws_the_delegate(
    regency_staff,
    kpu_regency,
    regency,
    kapolres,
    wakapolres,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_create(
            actor=regency_staff,
            **factories.meeting_fields(regency, kpu_regency, invited_people=[kapolres]),
        )
        meeting_respond(
            actor=kapolres, meeting=meeting, response=RSVP.DELEGATED, delegate=wakapolres
        )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_respond(actor=kapolres, meeting=meeting, response=RSVP.ACCEPTED)

    (message,) = mail.outbox
    assert message.to == ["wakapolres@uji.test"]
    assert _calendar_method(message) == ("CANCEL", str(meeting.uid))
    assert _sent(DeliveryKind.WITHDRAWAL) == ["wakapolres@uji.test"]
