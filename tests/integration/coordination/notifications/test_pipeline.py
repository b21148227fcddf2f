"""The mail pipeline end to end: PostgreSQL, Redis, a real `celery worker` process and an SMTP
server on loopback. Each recipient must receive each message exactly once."""

import threading
import time
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone, translation
from icalendar import Calendar

from coordination.enums import AgencyKind, DeliveryStatus, MeetingKind
from coordination.models import Delivery, MeetingInvitee, Person
from coordination.notifications import meetings as meeting_notifications
from coordination.notifications import recovery, reminders
from coordination.services.meetings import meeting_cancel, meeting_create
from pilkada.common.localtime import datetime_text
from tests import factories


def wait_until(predicate, timeout: float, message, poll=None) -> None:
    """Poll until `predicate()`; `message` (a string or a callable, read at failure) explains."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if poll:
            poll()
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(message() if callable(message) else message)


def _statuses(meeting) -> Counter:
    return Counter(Delivery.objects.filter(meeting=meeting).values_list("status", flat=True))


def _all_sent(meeting, expected: int):
    return lambda: _statuses(meeting) == Counter({DeliveryStatus.SENT: expected})


def _people(count: int, prefix: str) -> list[Person]:
    # Without password hashing: 200 factory-made accounts would take seconds.
    Person.objects.bulk_create(
        [
            Person(email=f"{prefix}{n:03d}@uji.test", full_name=f"Peserta {n:03d}", password="!")
            for n in range(count)
        ]
    )
    return list(Person.objects.filter(email__startswith=prefix).order_by("email"))


def _meeting_with(people, region, **fields):
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    meeting = factories.MeetingFactory(
        region=region, starts_at=start, ends_at=start + timedelta(hours=2), **fields
    )
    MeetingInvitee.objects.bulk_create(
        [MeetingInvitee(meeting=meeting, person=person) for person in people]
    )
    return meeting


def _calendar(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0].get_param("method"), Calendar.from_ical(parts[0].get_payload(decode=True))


def _recipients(inbox) -> Counter:
    return Counter(rcpt for rcpts, _m in inbox.snapshot() for rcpt in rcpts)


def test_meeting_created_sends_invitation_then_reminders(
    bengkulu, smtp_server, celery_worker_process
):
    people = _people(3, "undangan")
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    smtp_server.refuse_once.add(people[0].email)  # first attempt refused, retried after 1 s

    # Through the meeting service: the hook runs after its commit and enqueues to Redis.
    kpu = factories.AgencyFactory(kind=AgencyKind.KPU, region=bengkulu)
    meeting = meeting_create(
        actor=None, kind=MeetingKind.RAKOR, title="Rakor Pleno", region=bengkulu,
        organiser=kpu, starts_at=start, ends_at=start + timedelta(hours=2), invited_agencies=[kpu],
        invited_people=people, location="Aula KPU", reminder_offsets=[1440, 60],
    )  # fmt: skip
    wait_until(
        _all_sent(meeting, 3), 60, lambda: f"invitations not sent:\n{celery_worker_process.tail()}"
    )

    invitations = smtp_server.snapshot()
    assert sorted(r for rcpts, _m in invitations for r in rcpts) == [p.email for p in people]
    zone = ZoneInfo("Asia/Jakarta")
    with translation.override("id"):
        subject = f"Undangan rapat: Rakor Pleno, {datetime_text(meeting.starts_at, meeting.region)}"
    for rcpts, message in invitations:
        assert str(message["Subject"]).strip() == subject
        method, calendar = _calendar(message)
        (event,) = calendar.walk("VEVENT")
        assert method == "REQUEST"
        assert str(calendar["method"]) == "REQUEST"
        assert str(event["uid"]) == str(meeting.uid)
        assert event.decoded("sequence") == 0
        assert event.decoded("dtstart") == meeting.starts_at.astimezone(zone)
        assert event["dtstart"].params["TZID"] == "Asia/Jakarta"
        assert str(event["attendee"]) == f"mailto:{rcpts[0]}"
    retried = Delivery.objects.get(meeting=meeting, person=people[0])
    assert (retried.attempts, retried.last_error) == (2, "")

    reminders.reminders_dispatch_due(now=meeting.starts_at - timedelta(minutes=1440))
    wait_until(_all_sent(meeting, 6), 60, "24-hour reminders not sent")
    reminders.reminders_dispatch_due(now=meeting.starts_at - timedelta(minutes=60))
    wait_until(_all_sent(meeting, 9), 60, "1-hour reminders not sent")

    inbox = smtp_server.snapshot()
    assert len(inbox) == 9
    assert _recipients(smtp_server) == {p.email: 3 for p in people}
    reminder_subjects = sorted(str(m["Subject"]).strip().split(":")[0] for _r, m in inbox[3:])
    assert reminder_subjects == ["Pengingat rapat"] * 6
    assert all(_calendar(m)[0] == "REQUEST" for _r, m in inbox[3:])
    assert len({m["Message-ID"] for _r, m in inbox}) == 9


def test_worker_killed_mid_batch_each_recipient_gets_one_copy(
    bengkulu, smtp_server, celery_worker_process, settings
):
    # Far above one send (milliseconds), so a slow but living task on a loaded machine is
    # never taken for a dead one; far below the production 300 s to keep the test short.
    settings.PILKADA_DELIVERY_STALE_SECONDS = 20
    settings.PILKADA_DELIVERY_REQUEUE_SECONDS = 5
    people = _people(200, "massal")
    meeting = _meeting_with(people, bengkulu)

    # The kill lands while both pool processes wait at RCPT for their next message, outside the
    # window for a duplicate: every message the server has was answered and recorded as sent.
    # That window runs from the moment the server has a whole message (the end of DATA) until
    # the "sent" commit, the server's own reply time included (milliseconds here, up to hundreds
    # of milliseconds on a remote relay); a death inside it resends the message after the stale
    # timeout, with the same Message-ID. test_a_death_inside_the_window_... below shows exactly
    # that; this test shows that nothing else is ever doubled.
    smtp_server.hold_after = 40
    started = time.monotonic()
    meeting_notifications.meeting_created(meeting=meeting)
    wait_until(
        lambda: smtp_server.held >= 2, 60,
        lambda: f"senders not held: {smtp_server.count()} in\n{celery_worker_process.tail()}",
    )  # fmt: skip
    celery_worker_process.kill_main()
    smtp_server.hold_after = None
    at_kill = smtp_server.count()
    assert 40 <= at_kill < 200, f"the kill did not land mid-batch ({at_kill} delivered)"

    time.sleep(1)
    celery_worker_process.start()
    last_sweep = [0.0]

    def sweep():
        # What the every-5-minutes beat job does, on a test-sized clock.
        if time.monotonic() - last_sweep[0] > 2:
            last_sweep[0] = time.monotonic()
            recovery.deliveries_recover()

    wait_until(
        _all_sent(meeting, 200), 120,
        lambda: f"not all sent: {_statuses(meeting)}\n{celery_worker_process.tail()}",
        poll=sweep,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    time.sleep(12)  # past the visibility timeout: redelivered tasks must find "sent" and stop
    counts = _recipients(smtp_server)
    assert len(counts) == 200
    assert sorted(set(counts.values())) == [1], [e for e, n in counts.items() if n != 1]
    assert smtp_server.count() == 200
    print(f"\n200 invitations with a worker kill after {at_kill}: {elapsed:.1f}s")


def test_two_beat_runs_at_once_send_one_copy(bengkulu, smtp_server, celery_worker_process):
    meetings = []
    for n in range(10):
        meeting = _meeting_with(_people(10, f"beat{n}-"), bengkulu, reminder_offsets=[60])
        reminders.meeting_reminders_sync(meeting=meeting)
        meetings.append(meeting)
    due = meetings[0].starts_at - timedelta(minutes=60)
    barrier = threading.Barrier(2)
    queued: list[int] = []
    errors: list[BaseException] = []

    def beat():
        try:
            barrier.wait(timeout=10)
            # Small batches, so both runs really interleave over the ten meetings.
            queued.append(reminders.reminders_dispatch_due(now=due, batch_size=2))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(queued) == 100

    wait_until(
        lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 100, 60,
        lambda: f"reminders not sent:\n{celery_worker_process.tail()}",
    )  # fmt: skip
    time.sleep(1)
    counts = _recipients(smtp_server)
    assert len(counts) == 100
    assert set(counts.values()) == {1}


def test_cancelled_meeting_sends_no_reminders(bengkulu, smtp_server, celery_worker_process):
    people = _people(4, "batal")
    meeting = _meeting_with(people, bengkulu, reminder_offsets=[1440, 60])
    meeting_notifications.meeting_created(meeting=meeting)
    wait_until(_all_sent(meeting, 4), 60, "invitations not sent")

    meeting_cancel(actor=None, meeting=meeting, reason="Bentrok dengan pleno")
    for minutes in (1440, 60):
        reminders.reminders_dispatch_due(now=meeting.starts_at - timedelta(minutes=minutes))
    wait_until(_all_sent(meeting, 8), 60, "cancellations not sent")
    time.sleep(1)

    kinds = Counter(Delivery.objects.filter(meeting=meeting).values_list("kind", flat=True))
    assert kinds == {"invitation": 4, "cancellation": 4}
    inbox = smtp_server.snapshot()
    assert len(inbox) == 8
    cancels = [m for _r, m in inbox if str(m["Subject"]).strip().startswith("Rapat dibatalkan: ")]
    assert len(cancels) == 4
    for message in cancels:
        method, calendar = _calendar(message)
        (event,) = calendar.walk("VEVENT")
        assert (method, str(event["status"]), event.decoded("sequence")) == (
            "CANCEL",
            "CANCELLED",
            1,
        )


def test_a_death_inside_the_window_resends_once_with_the_same_message_id(
    bengkulu, smtp_server, celery_worker_process, settings
):
    """The documented window, made wide: the server stores the message, then takes three
    seconds to answer "250" (a slow remote relay), and the whole worker dies meanwhile (the
    machine loses power). The row stays "sending"; after the stale timeout it is sent again.
    The recipient has two copies under one Message-ID, which mail systems show as one."""
    settings.PILKADA_DELIVERY_STALE_SECONDS = 5
    (person,) = _people(1, "jendela")
    meeting = _meeting_with([person], bengkulu)
    smtp_server.reply_delay = 3.0
    meeting_notifications.meeting_created(meeting=meeting)
    wait_until(lambda: smtp_server.count() == 1, 60, celery_worker_process.tail)
    celery_worker_process.kill_all()  # inside the window: the server has it, the row does not
    smtp_server.reply_delay = 0.0
    row = Delivery.objects.get(meeting=meeting)
    assert row.status == DeliveryStatus.SENDING

    celery_worker_process.start()
    wait_until(
        lambda: _statuses(meeting) == Counter({DeliveryStatus.SENT: 1}), 60,
        lambda: f"not resent: {_statuses(meeting)}\n{celery_worker_process.tail()}",
        poll=lambda: recovery.deliveries_recover(),
    )  # fmt: skip
    copies = [message for _r, message in smtp_server.snapshot()]
    assert len(copies) == 2
    row.refresh_from_db()
    assert {message["Message-ID"] for message in copies} == {row.message_id}
