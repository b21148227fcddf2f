"""The outbox against a real SMTP server on loopback that goes down and comes back, in this process
(tasks run eagerly; the breaker lives in the test's own cache). The worker-process versions of
the same stories are in test_mail_outage.py."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from coordination.enums import DeliveryKind, DeliveryStatus
from coordination.models import Delivery
from coordination.notifications import outbox, recovery, sending
from coordination.notifications.breaker import CLOSED, OPEN, PROBE, Breaker
from coordination.notifications.channels import EMAIL
from tests import factories


@pytest.fixture
def meeting(bengkulu):
    start = timezone.now() + timedelta(days=1)
    return factories.MeetingFactory(
        region=bengkulu, starts_at=start, ends_at=start + timedelta(hours=2)
    )


@pytest.fixture
def breaker(settings):
    settings.PILKADA_BREAKER_FAILURES = 3
    settings.PILKADA_BREAKER_COOLDOWN_SECONDS = 30
    settings.PILKADA_DELIVERY_RETRY_BASE_SECONDS = 1
    email = Breaker(EMAIL)
    email.reset()
    return email


def _rows(meeting, count: int, kind=DeliveryKind.INVITATION, key="s0") -> list[Delivery]:
    people = [factories.PersonFactory(email=f"p{n:02d}@uji.test") for n in range(count)]
    ids = outbox.deliveries_create(meeting=meeting, people=people, kind=kind, key=key)
    return list(Delivery.objects.filter(pk__in=ids).order_by("pk"))


def _send_all(rows):
    return [sending.delivery_send(delivery_id=row.pk).outcome for row in rows]


def _statuses():
    return Counter(Delivery.objects.values_list("status", flat=True))


def test_breaker_opens_after_failures_in_a_row_and_lets_one_probe(breaker):
    assert [breaker.failed() for _ in range(3)] == [False, False, True]
    assert breaker.allow() == OPEN
    breaker.retry_now()
    assert [breaker.allow() for _ in range(3)] == [PROBE, OPEN, OPEN]
    assert breaker.failed(probe=True) is True  # open for another cooldown
    assert breaker.allow() == OPEN
    breaker.retry_now()
    assert breaker.allow() == PROBE
    assert breaker.succeeded(probe=True) is True
    assert breaker.allow() == CLOSED
    assert breaker.succeeded() is False


def test_a_send_that_reaches_the_server_resets_the_count(breaker):
    breaker.failed()
    breaker.failed()
    breaker.succeeded()
    assert [breaker.failed(), breaker.failed()] == [False, False]
    assert breaker.allow() == CLOSED


def test_server_down_pauses_the_queue_without_spending_attempts(
    meeting, breaker, smtp_server, smtp_settings, django_capture_on_commit_callbacks
):
    smtp_server.down()
    rows = _rows(meeting, 10)
    # Three rows find the server refusing connections; the breaker opens and the other seven
    # wait without trying.
    assert _send_all(rows) == ["retry"] * 2 + ["waiting"] * 8
    attempts = dict(Delivery.objects.values_list("pk", "attempts"))
    assert [attempts[row.pk] for row in rows] == [1, 1, 1] + [0] * 7
    assert _statuses() == {DeliveryStatus.WAITING: 8, DeliveryStatus.QUEUED: 2}

    # Before the cooldown is over the recovery job leaves them be.
    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.deliveries_recover()["probes"] == 0
    # Still down when the cooldown is over: the recovery job sends one probe, which fails.
    breaker.retry_now()
    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.deliveries_recover()["probes"] == 1
    assert _statuses() == {DeliveryStatus.WAITING: 8, DeliveryStatus.QUEUED: 2}
    assert sum(Delivery.objects.values_list("attempts", flat=True)) == 4

    # Back up: the next probe gets through and the whole queue follows, each message once.
    smtp_server.up()
    breaker.retry_now()
    with django_capture_on_commit_callbacks(execute=True):
        result = recovery.deliveries_recover()
    assert (result["probes"], result["resumed"]) == (1, 0)
    assert breaker.allow() == CLOSED
    assert _statuses() == {DeliveryStatus.SENT: 8, DeliveryStatus.QUEUED: 2}
    _send_all(Delivery.objects.filter(status=DeliveryStatus.QUEUED))  # the two retrying rows
    assert _statuses() == {DeliveryStatus.SENT: 10}
    received = Counter(rcpt for rcpts, _m in smtp_server.snapshot() for rcpt in rcpts)
    assert received == {row.email: 1 for row in rows}


def test_reminders_are_retried_until_the_meeting_starts_not_for_a_count(
    meeting, breaker, smtp_server, smtp_settings, settings
):
    """With the old fixed count (5 attempts) a reminder failed for good after 15 minutes of
    outage; now it is tried until the meeting starts."""
    settings.PILKADA_BREAKER_FAILURES = 1000  # attempts only, no breaker, for this story
    smtp_server.down()
    (row,) = _rows(meeting, 1, kind=DeliveryKind.REMINDER, key=_reminder_key(meeting))
    outcomes = [sending.delivery_send(delivery_id=row.pk).outcome for _ in range(12)]
    assert outcomes == ["retry"] * 12
    smtp_server.up()
    assert sending.delivery_send(delivery_id=row.pk).outcome == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 13)
    assert len(smtp_server.snapshot()) == 1


def test_a_reminder_still_undelivered_when_the_meeting_starts_is_failed(
    meeting, breaker, smtp_server, smtp_settings, settings
):
    settings.PILKADA_BREAKER_FAILURES = 1000
    smtp_server.down()
    (row,) = _rows(meeting, 1, kind=DeliveryKind.REMINDER, key=_reminder_key(meeting))
    result = sending.delivery_send(delivery_id=row.pk)
    # The wait is cut at the meeting's start, never beyond it.
    assert result.outcome == "retry"
    row.refresh_from_db()
    assert row.next_attempt_at <= meeting.starts_at
    meeting.starts_at = timezone.now() - timedelta(seconds=1)
    meeting.save(update_fields=["starts_at"])
    Delivery.objects.filter(pk=row.pk).update(key=_reminder_key(meeting))
    assert sending.delivery_send(delivery_id=row.pk).outcome == "failed"
    row.refresh_from_db()
    assert row.last_error.startswith("not delivered while useful (meeting already started); ")


def test_a_broker_outage_leaves_rows_waiting_and_recovery_enqueues_them(
    meeting, breaker, smtp_server, smtp_settings, broken_broker, django_capture_on_commit_callbacks
):
    people = [factories.PersonFactory(email=f"b{n}@uji.test") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        ids = outbox.deliveries_create(
            meeting=meeting, people=people, kind=DeliveryKind.INVITATION, key="s0"
        )
    assert set(Delivery.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        DeliveryStatus.WAITING
    }
    broken_broker.repair()
    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.deliveries_recover()["resumed"] == 3
    assert _statuses() == {DeliveryStatus.SENT: 3}


def _reminder_key(meeting) -> str:
    from coordination.notifications.reminders import reminder_key

    return reminder_key(60, meeting.starts_at)
