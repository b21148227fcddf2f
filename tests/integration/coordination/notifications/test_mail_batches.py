"""Mail at many messages per second (issue 14): a meeting's content built once and addressed to
each recipient, rows claimed a few at a time, one SMTP connection kept per process. Every
guarantee of the outbox (test_outbox.py, test_outbox_outage.py, test_pipeline.py) still holds;
these tests show what the speed-up itself must not break."""

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from coordination import ics
from coordination.enums import DeliveryKind, DeliveryStatus
from coordination.models import Delivery, MeetingInvitee
from coordination.notifications import meetings as meeting_notifications
from coordination.notifications import outbox, recovery, sending
from coordination.notifications.breaker import OPEN, Breaker
from coordination.notifications.channels import EMAIL, KEPT
from coordination.notifications.meeting_mail import CONTENT, meeting_url, meeting_when
from tests import factories
from tests.integration.coordination.notifications.test_pipeline import (
    _meeting_with,
    _people,
    _recipients,
    _statuses,
    wait_until,
)

NAMES = ["Siti Aminah", "Budi <Santoso> & Rekan", "Ñoño Wijayakusuma", ""]


@pytest.fixture
def people(db):
    return [
        factories.PersonFactory(email=f"orang{n}@uji.test", full_name=name)
        for n, name in enumerate(NAMES)
    ]


@pytest.fixture
def future_meeting(bengkulu):
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    return factories.MeetingFactory(
        region=bengkulu,
        title="Rakor Logistik",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location="Aula KPU",
        agenda="1. Distribusi\n2. Gudang",
    )


def _rows(meeting, people, kind=DeliveryKind.INVITATION, key="s0"):
    ids = outbox.deliveries_create(meeting=meeting, people=people, kind=kind, key=key)
    return list(Delivery.objects.filter(pk__in=ids).order_by("pk"))


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    parsed = message_from_bytes(data, policy=policy.default)
    return [(part.get_content_type(), part.get_payload(decode=True)) for part in parsed.walk()]


def _without_dtstamp(data: bytes) -> bytes:
    return b"\r\n".join(line for line in data.split(b"\r\n") if not line.startswith(b"DTSTAMP"))


# --- the content, built once -------------------------------------------------------------------


def test_attendee_template_gives_exactly_the_recipients_calendar(future_meeting, people):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    template = ics.attendee_template(
        ics.meeting_calendar(
            meeting=future_meeting, method=ics.METHOD_REQUEST, attendee=ics.STAND_IN, now=now
        )
    )
    for person in [*people, None]:
        alone = ics.meeting_calendar(
            meeting=future_meeting, method=ics.METHOD_REQUEST, attendee=person, now=now
        )
        assert ics.with_attendee(template, person) == alone


def test_vtimezone_made_once_is_what_the_library_adds(future_meeting):
    from icalendar import Calendar

    data = ics.meeting_calendar(meeting=future_meeting, method=ics.METHOD_REQUEST)
    calendar = Calendar.from_ical(data)
    for zone in calendar.walk("VTIMEZONE"):
        calendar.subcomponents.remove(zone)
    calendar.add_missing_timezones()
    assert calendar.to_ical() == data


def test_each_recipient_gets_what_a_message_built_for_them_alone_says(
    future_meeting, people, django_capture_on_commit_callbacks
):
    CONTENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rows = _rows(future_meeting, people)
    assert [r.status for r in Delivery.objects.order_by("pk")] == ["sent"] * 4
    assert (CONTENT.misses, CONTENT.hits) == (1, 3)  # built once, addressed four times
    by_address = {message.to[0]: message for message in mail.outbox}
    url = meeting_url(future_meeting)
    for row, person in zip(rows, people, strict=True):
        message = by_address[person.email]
        with translation.override("id"):
            context = {
                "person": person,
                "meeting": future_meeting,
                "kind": "invitation",
                "when": meeting_when(future_meeting),
                "url": url,
                "lead": "",
                "reason": "",
                "series": None,
                "language": "id",
            }
            text = render_to_string("coordination/mail/meeting.txt", context)
            html = render_to_string("coordination/mail/meeting.html", context)
        assert message.body == text
        assert message.alternatives[0][0] == html
        calendar = message.alternatives[1][0].encode()
        alone = ics.meeting_calendar(
            meeting=future_meeting, method=ics.METHOD_REQUEST, attendee=person, url=url
        )
        assert _without_dtstamp(calendar) == _without_dtstamp(alone)
        # The bytes sent over SMTP are those the email package makes of the same message.
        assert message.wire is not None
        assert _parts(message.wire) == _parts(message.message().as_bytes(linesep="\r\n"))
        wire = message_from_bytes(message.wire, policy=policy.default)
        generated = message_from_bytes(message.message().as_bytes(), policy=policy.default)
        for header in ("Subject", "From", "To", "Message-ID", "Content-Language"):
            assert wire[header] == generated[header]
        row.refresh_from_db()
        assert wire["Message-ID"] == row.message_id == f"<delivery-{row.pk}@127.0.0.1>"


def test_a_changed_meeting_is_never_sent_from_the_old_content(
    future_meeting, people, django_capture_on_commit_callbacks
):
    CONTENT.clear()
    first, second, third, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        _rows(future_meeting, [first])
    future_meeting.title = "Rakor Logistik (pindah ruang)"
    future_meeting.location = "Ruang Rapat 2"
    future_meeting.save()
    with django_capture_on_commit_callbacks(execute=True):
        _rows(future_meeting, [second])
    # Renaming the organiser changes no meeting field; its mail still says the new name.
    future_meeting.organiser.name = "KPU Provinsi Bengkulu (baru)"
    future_meeting.organiser.save()
    with django_capture_on_commit_callbacks(execute=True):
        _rows(future_meeting, [third])
    assert CONTENT.misses == 3
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "Aula KPU" in by_address[first.email].body
    assert "Ruang Rapat 2" not in by_address[first.email].body
    for person in (second, third):
        message = by_address[person.email]
        assert message.subject.startswith("Undangan rapat: Rakor Logistik (pindah ruang), ")
        assert "Tempat: Ruang Rapat 2" in message.body
        assert "Aula KPU" not in message.body
        assert "Ruang Rapat 2" in message.alternatives[1][0]
    assert "KPU Provinsi Bengkulu (baru)" in by_address[third.email].body
    assert "KPU Provinsi Bengkulu (baru)" not in by_address[second.email].body


def test_content_is_per_language(future_meeting, people, django_capture_on_commit_callbacks):
    CONTENT.clear()
    english = factories.PersonFactory(email="en@uji.test", full_name="Jane", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        _rows(future_meeting, [people[0], english])
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[people[0].email].subject.startswith("Undangan rapat: ")
    assert by_address[english.email].subject.startswith("Meeting invitation: ")
    assert by_address[english.email].body.startswith("Dear Jane,")
    assert CONTENT.misses == 2


# --- claims -----------------------------------------------------------------------------------


def test_two_senders_claiming_the_same_rows_at_once_send_each_row_once(
    transactional_db, bengkulu, smtp_server, smtp_settings
):
    people = _people(60, "rebut")
    meeting = _meeting_with(people, bengkulu)
    # Recorded without the enqueue (which would send them at once in this process).
    rows = Delivery.objects.bulk_create(
        [
            Delivery(
                meeting=meeting,
                person=person,
                kind=DeliveryKind.INVITATION,
                key="s0",
                email=person.email,
                next_attempt_at=timezone.now(),
            )
            for person in people
        ]
    )
    ids = [row.pk for row in rows]
    barrier = threading.Barrier(2)
    results: list[dict] = []
    errors: list[BaseException] = []

    def sender():
        try:
            barrier.wait(timeout=10)
            results.append(sending.deliveries_send(delivery_ids=ids))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    sent_by = [{pk for pk, r in result.items() if r.outcome == "sent"} for result in results]
    # Both took part, neither sent a row the other sent, and together they sent every row.
    assert sent_by[0] and sent_by[1]
    assert not sent_by[0] & sent_by[1]
    assert sent_by[0] | sent_by[1] == set(ids)
    assert _recipients(smtp_server) == {person.email: 1 for person in people}
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_claim_takes_only_queued_rows_and_returns_what_it_won(future_meeting, people):
    rows = _rows(future_meeting, people)
    Delivery.objects.filter(pk=rows[1].pk).update(status=DeliveryStatus.SENT)
    Delivery.objects.filter(pk=rows[2].pk).update(status=DeliveryStatus.SENDING)
    won = sending._claim([row.pk for row in rows])
    assert won == [rows[0].pk, rows[3].pk]
    assert sending._claim([row.pk for row in rows]) == []
    assert dict(Delivery.objects.values_list("pk", "attempts")) == {
        rows[0].pk: 1,
        rows[1].pk: 0,
        rows[2].pk: 0,
        rows[3].pk: 1,
    }


def test_a_batch_against_a_server_that_is_down_spends_only_the_attempts_that_open_the_breaker(
    future_meeting, smtp_server, smtp_settings, settings
):
    settings.PILKADA_BREAKER_FAILURES = 3
    settings.PILKADA_BREAKER_COOLDOWN_SECONDS = 30
    Breaker(EMAIL).reset()
    people = [factories.PersonFactory(email=f"mati{n:02d}@uji.test") for n in range(25)]
    rows = _rows(future_meeting, people)
    smtp_server.down()
    results = sending.deliveries_send(delivery_ids=[row.pk for row in rows])
    outcomes = [results[row.pk].outcome for row in rows]
    assert outcomes == ["retry", "retry"] + ["waiting"] * 23
    assert Breaker(EMAIL).allow() == OPEN
    attempts = dict(Delivery.objects.values_list("pk", "attempts"))
    # Claimed with the first ten but never tried: given back without the attempt.
    assert [attempts[row.pk] for row in rows] == [1, 1, 1] + [0] * 22
    assert Counter(Delivery.objects.values_list("status", flat=True)) == {
        DeliveryStatus.WAITING: 23,
        DeliveryStatus.QUEUED: 2,
    }


# --- the kept connection ----------------------------------------------------------------------


def test_one_connection_carries_a_whole_batch(future_meeting, smtp_server, smtp_settings):
    people = [factories.PersonFactory(email=f"satu{n:02d}@uji.test") for n in range(25)]
    rows = _rows(future_meeting, people)
    KEPT.close()
    before = (KEPT.connects, KEPT.sends)
    results = sending.deliveries_send(delivery_ids=[row.pk for row in rows])
    assert {r.outcome for r in results.values()} == {"sent"}
    assert (KEPT.connects - before[0], KEPT.sends - before[1]) == (1, 25)
    assert _recipients(smtp_server) == {person.email: 1 for person in people}


def test_a_kept_connection_the_server_dropped_is_opened_again_without_losing_the_message(
    future_meeting, people, smtp_server, smtp_settings
):
    first, second, third, _ = people
    KEPT.close()
    (row,) = _rows(future_meeting, [first])
    assert sending.delivery_send(delivery_id=row.pk).outcome == "sent"
    connects = KEPT.connects
    # The server restarts: the connection this process keeps is closed under it.
    smtp_server.down()
    smtp_server.up()
    (row,) = _rows(future_meeting, [second], key="s0-b")
    assert sending.delivery_send(delivery_id=row.pk).outcome == "sent"
    row.refresh_from_db()
    # Sent on the first attempt: the dead connection showed before any of the message went.
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert KEPT.connects == connects + 1
    (row,) = _rows(future_meeting, [third], key="s0-c")
    assert sending.delivery_send(delivery_id=row.pk).outcome == "sent"
    assert KEPT.connects == connects + 1  # and kept again
    assert _recipients(smtp_server) == {first.email: 1, second.email: 1, third.email: 1}


def test_a_refusal_keeps_the_connection_in_step(future_meeting, people, smtp_server, smtp_settings):
    first, second, *_ = people
    smtp_server.refuse_once.add(first.email)
    KEPT.close()
    rows = _rows(future_meeting, [first, second])
    results = sending.deliveries_send(delivery_ids=[row.pk for row in rows])
    assert [results[row.pk].outcome for row in rows] == ["retry", "sent"]
    assert KEPT.connects >= 1
    assert sending.delivery_send(delivery_id=rows[0].pk).outcome == "sent"
    assert _recipients(smtp_server) == {first.email: 1, second.email: 1}


# --- a worker killed with rows claimed ----------------------------------------------------------


def test_whole_worker_killed_with_rows_claimed_each_recipient_gets_one_copy(
    bengkulu, smtp_server, celery_worker_process, settings
):
    """The worker and its pool die at once (a machine losing power) while both senders wait at
    RCPT, each with the rest of its claim not yet sent: those rows are "sending" and nothing of
    them left; the stale sweep sends them, once."""
    settings.PILKADA_DELIVERY_STALE_SECONDS = 20
    settings.PILKADA_DELIVERY_REQUEUE_SECONDS = 5
    people = _people(120, "padam")
    meeting = _meeting_with(people, bengkulu)
    smtp_server.hold_after = 30
    meeting_notifications.meeting_created(meeting=meeting)
    wait_until(
        lambda: smtp_server.held >= 2, 60,
        lambda: f"senders not held: {smtp_server.count()} in\n{celery_worker_process.tail()}",
    )  # fmt: skip
    celery_worker_process.kill_all()
    smtp_server.hold_after = None
    at_kill = smtp_server.count()
    claimed = Delivery.objects.filter(meeting=meeting, status=DeliveryStatus.SENDING).count()
    assert 30 <= at_kill < 120
    assert claimed >= 2  # at least the two held rows, and what was claimed with them

    celery_worker_process.start()
    last_sweep = [0.0]

    def sweep():
        if time.monotonic() - last_sweep[0] > 2:
            last_sweep[0] = time.monotonic()
            recovery.deliveries_recover()

    wait_until(
        lambda: _statuses(meeting) == Counter({DeliveryStatus.SENT: 120}), 120,
        lambda: f"not all sent: {_statuses(meeting)}\n{celery_worker_process.tail()}",
        poll=sweep,
    )  # fmt: skip
    time.sleep(12)  # past the visibility timeout: redelivered tasks must find "sent" and stop
    counts = _recipients(smtp_server)
    assert counts == {person.email: 1 for person in people}
    assert MeetingInvitee.objects.filter(meeting=meeting).count() == 120


def test_a_task_stopped_mid_batch_gives_back_what_it_had_not_sent(future_meeting, monkeypatch):
    """The soft time limit strikes while the third row is being sent: that row counts as a
    failed attempt (it may or may not have gone), the rest of its claim goes back untouched."""
    from celery.exceptions import SoftTimeLimitExceeded

    from coordination.notifications import channels
    from coordination.notifications.tasks import send_deliveries

    people = [factories.PersonFactory(email=f"waktu{n:02d}@uji.test") for n in range(15)]
    rows = _rows(future_meeting, people)
    calls = []

    def send(self, delivery, message, *, accepted):
        calls.append(delivery.pk)
        if len(calls) == 3:
            raise SoftTimeLimitExceeded()
        accepted()

    monkeypatch.setattr(channels.EmailChannel, "send", send)
    send_deliveries.apply(kwargs={"delivery_ids": [row.pk for row in rows]})
    states = {
        pk: (status, attempts, error)
        for pk, status, attempts, error in Delivery.objects.values_list(
            "pk", "status", "attempts", "last_error"
        )
    }
    assert [states[row.pk][:2] for row in rows] == (
        [("sent", 1)] * 2 + [("queued", 1)] + [("queued", 0)] * 12
    )
    assert states[rows[2].pk][2] == "TimeoutError: time limit exceeded while sending"
