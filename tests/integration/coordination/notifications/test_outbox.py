"""The outbox (notifications/outbox.py): a delivery is claimed once, retried with backoff on
temporary SMTP errors, failed at once on permanent ones, recovered when stuck, sent again on
request."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coordination.enums import DeliveryKind, DeliveryStatus
from coordination.models import Delivery
from coordination.notifications import outbox, recovery, sending
from tests import factories


def _queued(meeting, **fields):
    person = fields.pop("person", None) or factories.PersonFactory()
    return Delivery.objects.create(
        meeting=meeting,
        person=person,
        kind=DeliveryKind.INVITATION,
        key="s0",
        email=person.email,
        next_attempt_at=timezone.now(),
        **fields,
    )


def test_delivery_send_is_claimed_once(meeting):
    delivery = _queued(meeting)
    assert sending.delivery_send(delivery_id=delivery.pk).outcome == "sent"
    assert sending.delivery_send(delivery_id=delivery.pk).outcome == "not claimed (sent)"
    assert len(mail.outbox) == 1


def test_delivery_send_of_missing_row_reports_gone(db):
    assert sending.delivery_send(delivery_id=424242).outcome == "not claimed (gone)"


class _FlakyBackend:
    """A mail backend whose server refuses with the given SMTP code."""

    code = 451

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(self.code, b"try again later")


@pytest.fixture
def flaky_smtp(settings, monkeypatch):
    monkeypatch.setattr(
        "coordination.notifications.channels.get_connection", lambda: _FlakyBackend()
    )
    settings.PILKADA_DELIVERY_RETRY_BASE_SECONDS = 30
    settings.PILKADA_DELIVERY_RETRY_MAX_SECONDS = 100
    return _FlakyBackend


def test_delivery_send_temporary_error_retries_with_backoff_while_useful(meeting, flaky_smtp):
    delivery = _queued(meeting)
    waits = [sending.delivery_send(delivery_id=delivery.pk).retry_in for _ in range(8)]
    # Doubling up to the longest wait, and no count of attempts ends it: the meeting is ahead.
    assert waits == [30, 60, 100, 100, 100, 100, 100, 100]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("queued", 8)
    assert delivery.last_error == "SMTPDataError: (451, b'try again later')"

    # Once the meeting is over, the invitation is of no use: failed, with the last error.
    meeting.starts_at = timezone.now() - timedelta(hours=3)
    meeting.ends_at = timezone.now() - timedelta(hours=1)
    meeting.save(update_fields=["starts_at", "ends_at"])
    assert sending.delivery_send(delivery_id=delivery.pk).outcome == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 9)
    assert delivery.last_error == (
        "not delivered while useful (meeting already over); "
        "last error: SMTPDataError: (451, b'try again later')"
    )


def test_delivery_send_permanent_refusal_fails_at_once(meeting, flaky_smtp):
    flaky_smtp.code = 550
    try:
        delivery = _queued(meeting)
        assert sending.delivery_send(delivery_id=delivery.pk).outcome == "failed"
    finally:
        flaky_smtp.code = 451
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)


def test_send_task_retries_through_celery_until_no_longer_useful(
    meeting, flaky_smtp, settings, monkeypatch
):
    from coordination.tasks import send_delivery
    from pilkada.celery import app

    # The meeting ends in half a second: the retries (eagerly re-applied at once) stop there.
    meeting.starts_at = timezone.now() - timedelta(hours=1)
    meeting.ends_at = timezone.now() + timedelta(milliseconds=500)
    meeting.save(update_fields=["starts_at", "ends_at"])
    settings.PILKADA_DELIVERY_RETRY_BASE_SECONDS = 1
    settings.PILKADA_DELIVERY_RETRY_MAX_SECONDS = 1
    # Eager retries re-apply the task; propagating would stop at the first Retry.
    monkeypatch.setattr(app.conf, "task_eager_propagates", False)
    delivery = _queued(meeting)
    send_delivery.apply(kwargs={"delivery_id": delivery.pk})
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error.startswith("not delivered while useful (")
    assert delivery.last_error.endswith("last error: SMTPDataError: (451, b'try again later')")


def test_recover_requeues_stale_sending_and_lost_queued(meeting, settings):
    settings.PILKADA_DELIVERY_STALE_SECONDS = 300
    settings.PILKADA_DELIVERY_REQUEUE_SECONDS = 900
    now = timezone.now()
    stale = _queued(meeting, status="sending", attempts=1, claimed_at=now - timedelta(minutes=6))
    busy = _queued(meeting, status="sending", attempts=1, claimed_at=now - timedelta(minutes=1))
    many = _queued(meeting, status="sending", attempts=9, claimed_at=now - timedelta(minutes=6))
    lost = _queued(meeting)
    Delivery.objects.filter(pk=lost.pk).update(next_attempt_at=now - timedelta(minutes=16))
    waiting = _queued(meeting)

    result = recovery.deliveries_recover(now=now)

    assert result == {"stale": 2, "requeued": 1, "resumed": 0, "probes": 0}
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses == {
        stale.pk: "queued",
        busy.pk: "sending",
        many.pk: "queued",  # whether it is still worth sending is decided when it is claimed
        lost.pk: "queued",
        waiting.pk: "queued",
    }
    # A second sweep right away finds nothing: the lost row waits a full period again.
    assert recovery.deliveries_recover(now=now) == {
        "stale": 0,
        "requeued": 0,
        "resumed": 0,
        "probes": 0,
    }


def test_recover_sends_requeued_rows_after_commit(meeting, django_capture_on_commit_callbacks):
    delivery = _queued(meeting, status="sending", attempts=1)
    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        recovery.deliveries_recover()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_delivery_retry_only_from_failed(meeting, django_capture_on_commit_callbacks):
    failed = _queued(meeting, status=DeliveryStatus.FAILED, attempts=5, last_error="boom")
    sent = _queued(meeting, status=DeliveryStatus.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.delivery_retry(delivery=failed) is True
        assert outbox.delivery_retry(delivery=sent) is False
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 1)
