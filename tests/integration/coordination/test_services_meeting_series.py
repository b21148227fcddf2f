"""A meeting series reaches calendars as one recurring event: one invitation per person for the
whole series, then mail about single occurrences as instances of it (RECURRENCE-ID), while
reminders stay per occurrence. Mail is sent eagerly (conftest) after each captured commit."""

from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from django.core import mail
from django.utils import translation
from icalendar import Calendar

from coordination.enums import DeliveryKind, MeetingKind, SeriesFrequency
from coordination.models import Delivery
from coordination.notifications import sending
from coordination.notifications.reminders import reminders_dispatch_due
from coordination.services.meeting_series import meeting_series_create
from coordination.services.meetings import meeting_cancel, meeting_invitee_add, meeting_update

WIB = ZoneInfo("Asia/Jakarta")
FIRST = datetime(2030, 1, 7, 9, 0, tzinfo=WIB)  # a Monday


def _calendar(message) -> tuple[str, Calendar]:
    """The METHOD of the text/calendar part inside the multipart/alternative, and its calendar."""
    parsed = message_from_bytes(message.message().as_bytes())
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), Calendar.from_ical(part.get_payload(decode=True))


def _recipients() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


@pytest.fixture
def series(regency_staff, regency, kpu_regency, bawaslu, bawaslu_liaison, capture):
    with capture(execute=True):
        return meeting_series_create(
            actor=regency_staff,
            frequency=SeriesFrequency.WEEKLY,
            until=date(2030, 1, 28),
            kind=MeetingKind.RAKOR,
            title="Rakor mingguan",
            region=regency,
            organiser=kpu_regency,
            starts_at=FIRST,
            ends_at=FIRST + timedelta(hours=2),
            location="Aula KPU Kabupaten",
            invited_agencies=[kpu_regency, bawaslu],
        )


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def occurrences(series):
    return list(series.meetings.order_by("starts_at"))


def test_series_invites_each_person_once_to_the_recurring_event(
    series, occurrences, regency_staff, bawaslu_liaison, settings
):
    assert _recipients() == sorted([regency_staff.email, bawaslu_liaison.email])
    assert set(Delivery.objects.values_list("kind", "meeting_id")) == {
        (DeliveryKind.SERIES_INVITATION, occurrences[0].pk)
    }
    message = next(m for m in mail.outbox if m.to == [bawaslu_liaison.email])
    assert message.subject == (
        "Undangan seri rapat: Rakor mingguan, setiap minggu mulai Senin, 7 Januari 2030, 09.00 WIB"
    )
    assert "rapat berkala berikut, setiap minggu sampai Senin, 28 Januari 2030." in message.body
    for meeting in occurrences:
        assert f"\n  {settings.SITE_URL}/koordinasi/rapat/{meeting.pk}/\n" in message.body
    method, calendar = _calendar(message)
    (event,) = calendar.walk("VEVENT")
    assert (method, str(calendar["method"])) == ("REQUEST", "REQUEST")
    assert str(event["uid"]) == str(series.uid)
    assert event["rrule"]["FREQ"] == ["WEEKLY"]
    assert str(event["attendee"]) == f"mailto:{bawaslu_liaison.email}"
    expanded = recurring_ical_events.of(calendar).between(
        datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 3, 1, tzinfo=UTC)
    )
    assert [e.decoded("dtstart") for e in expanded] == [m.starts_at for m in occurrences]


def test_series_occurrence_changed_alone_sends_an_update_of_that_instance(
    series, occurrences, regency_staff, bawaslu_liaison, capture
):
    mail.outbox.clear()
    second = occurrences[1]
    with capture(execute=True):
        meeting_update(
            actor=regency_staff,
            meeting=second,
            starts_at=second.starts_at + timedelta(hours=5),
            ends_at=second.ends_at + timedelta(hours=5),
        )
    assert _recipients() == sorted([regency_staff.email, bawaslu_liaison.email])
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Perubahan rapat"}
    message = mail.outbox[0]
    assert 'Ini satu pertemuan dari seri rapat "Rakor mingguan"' in message.body
    method, calendar = _calendar(message)
    (event,) = calendar.walk("VEVENT")
    assert method == "REQUEST"
    assert str(event["uid"]) == str(series.uid)
    assert event.decoded("recurrence-id") == datetime(2030, 1, 14, 9, 0, tzinfo=WIB)
    assert event.decoded("dtstart") == datetime(2030, 1, 14, 14, 0, tzinfo=WIB)
    assert event.decoded("sequence") == 1
    assert "RRULE" not in event
    # Nobody was invited again: the series invitation counts for every occurrence.
    assert Delivery.objects.filter(kind=DeliveryKind.INVITATION).count() == 0


def test_series_occurrence_cancelled_sends_cancel_with_its_recurrence_id(
    series, occurrences, regency_staff, bawaslu_liaison, capture
):
    mail.outbox.clear()
    with capture(execute=True):
        meeting_cancel(actor=regency_staff, meeting=occurrences[2], reason="Libur")
    assert _recipients() == sorted([regency_staff.email, bawaslu_liaison.email])
    method, calendar = _calendar(mail.outbox[0])
    (event,) = calendar.walk("VEVENT")
    assert (method, str(calendar["method"])) == ("CANCEL", "CANCEL")
    assert str(event["uid"]) == str(series.uid)
    assert event.decoded("recurrence-id") == datetime(2030, 1, 21, 9, 0, tzinfo=WIB)
    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("sequence") == 1
    # The other occurrences are untouched.
    assert [m.status for m in series.meetings.order_by("starts_at")] == [
        "scheduled",
        "scheduled",
        "cancelled",
        "scheduled",
    ]


def test_series_person_added_to_one_occurrence_is_invited_to_that_instance(
    series, occurrences, regency_staff, nobody, capture
):
    mail.outbox.clear()
    with capture(execute=True):
        meeting_invitee_add(actor=regency_staff, meeting=occurrences[3], person=nobody)
    (message,) = mail.outbox
    assert message.to == [nobody.email]
    method, calendar = _calendar(message)
    (event,) = calendar.walk("VEVENT")
    assert method == "REQUEST"
    assert str(event["uid"]) == str(series.uid)
    assert event.decoded("recurrence-id") == datetime(2030, 1, 28, 9, 0, tzinfo=WIB)


def test_series_reminders_stay_per_occurrence(
    series, occurrences, regency_staff, bawaslu_liaison, capture
):
    mail.outbox.clear()
    with capture(execute=True):
        reminders_dispatch_due(now=occurrences[0].starts_at - timedelta(minutes=59))
    assert _recipients() == sorted([regency_staff.email, bawaslu_liaison.email])
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Pengingat rapat"}
    _method, calendar = _calendar(mail.outbox[0])
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("recurrence-id") == FIRST
    assert set(
        Delivery.objects.filter(kind=DeliveryKind.REMINDER).values_list("meeting_id", flat=True)
    ) == {occurrences[0].pk}


def test_series_invitation_sent_late_leaves_out_what_was_cancelled(
    regency_staff, regency, kpu_regency, capture
):
    series = meeting_series_create(  # recorded, not yet sent
        actor=regency_staff,
        frequency=SeriesFrequency.BIWEEKLY,
        until=date(2030, 2, 4),
        kind=MeetingKind.RAKOR,
        title="Rakor dua mingguan",
        region=regency,
        organiser=kpu_regency,
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
        location="Aula",
        invited_agencies=[kpu_regency],
    )
    first, second, third = series.meetings.order_by("starts_at")
    meeting_cancel(actor=regency_staff, meeting=second)
    row = Delivery.objects.get(kind=DeliveryKind.SERIES_INVITATION)
    with translation.override("id"):
        assert sending.delivery_send(delivery_id=row.pk).outcome == "sent"
    message = next(m for m in mail.outbox if m.subject.startswith("Undangan seri"))
    assert f"/koordinasi/rapat/{second.pk}/" not in message.body
    assert f"/koordinasi/rapat/{third.pk}/" in message.body
    _method, calendar = _calendar(message)
    (master,) = calendar.walk("VEVENT")
    assert [d.dt for d in master["exdate"].dts] == [datetime(2030, 1, 21, 9, 0, tzinfo=WIB)]
    assert master.decoded("sequence") == 1
    expanded = recurring_ical_events.of(calendar).between(
        datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 3, 1, tzinfo=UTC)
    )
    assert [e.decoded("dtstart") for e in expanded] == [first.starts_at, third.starts_at]


def test_series_invitation_skipped_when_every_occurrence_is_cancelled(
    regency_staff, regency, kpu_regency
):
    series = meeting_series_create(
        actor=regency_staff,
        frequency=SeriesFrequency.MONTHLY,
        until=date(2030, 2, 28),
        kind=MeetingKind.RAKOR,
        title="Rakor bulanan",
        region=regency,
        organiser=kpu_regency,
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
        location="Aula",
        invited_agencies=[kpu_regency],
    )
    for meeting in series.meetings.all():
        meeting_cancel(actor=regency_staff, meeting=meeting)
    row = Delivery.objects.get(kind=DeliveryKind.SERIES_INVITATION)
    assert sending.delivery_send(delivery_id=row.pk).outcome == "skipped"
    row.refresh_from_db()
    assert row.last_error == "series cancelled or over"
