"""What one send attempt leaves on its row: sent, skipped, failed for good, or queued again
for a later attempt while the message is still useful (the outbox's module docstring says how a
message travels). Every write here is conditional on the row being ``sending``: a row someone
else already resolved is never overwritten."""

import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone

from coordination.enums import DeliveryStatus
from coordination.models import Delivery
from coordination.notifications.channels import DeliveryError
from coordination.notifications.registry import Kind, kind_for, useful_until

logger = logging.getLogger("coordination.notifications.outbox")

ERROR_LIMIT = 2000
# How long an accepted message's "sent" mark waits for an unreachable database.
SENT_RECORD_SECONDS = 40


@dataclass(frozen=True)
class SendResult:
    """What one send attempt did; `retry_in` (seconds) asks the task to try again later."""

    outcome: str
    retry_in: int | None = None


def record_sent(delivery: Delivery) -> None:
    """Mark an accepted message sent, riding out a short database outage (module docstring)."""
    sent_at = timezone.now()
    deadline = time.monotonic() + SENT_RECORD_SECONDS
    wait = 0.5
    while True:
        try:
            _mark_sent(delivery, sent_at)
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() + wait > deadline:
                raise
            logger.warning("delivery %s accepted; database unreachable, retrying", delivery.pk)
            close_old_connections()  # a broken connection is dropped; the next query reconnects
            time.sleep(wait)
            wait = min(wait * 2, 4.0)


def _mark_sent(delivery: Delivery, sent_at: datetime) -> None:
    """`finish(delivery, SENT, ...)` as one prepared statement: it runs once per message."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, last_error = '', "  # noqa: S608
            "subject = %s, message_id = %s, updated_at = %s WHERE id = %s AND status = %s",
            [
                DeliveryStatus.SENT,
                sent_at,
                delivery.subject,
                delivery.message_id,
                sent_at,
                delivery.pk,
                DeliveryStatus.SENDING,
            ],
        )


def not_to_send(kind: Kind, delivery: Delivery, now: datetime) -> SendResult | None:
    """Skipped when the kind says the message is obsolete; failed when it is past its use after
    earlier attempts failed (a reminder the outage kept back until the meeting started)."""
    reason = kind.obsolete(delivery, now)
    deadline = useful_until(kind, delivery)
    if reason and not (delivery.last_error and now >= deadline):
        finish(delivery, DeliveryStatus.SKIPPED, last_error=reason)
        return SendResult(outcome=DeliveryStatus.SKIPPED)
    if now >= deadline:
        error = f"not delivered while useful ({reason or 'past ' + deadline.isoformat()})"
        if delivery.last_error:
            error += f"; last error: {delivery.last_error}"
        finish(delivery, DeliveryStatus.FAILED, last_error=error[:ERROR_LIMIT])
        logger.warning("delivery %s failed for good: %s", delivery.pk, error)
        return SendResult(outcome=DeliveryStatus.FAILED)
    return None


def delivery_abandon_attempt(*, delivery_id: int, error: str) -> SendResult:
    """The task ran out of time while sending: count it as a failed attempt (the row is ours)."""
    delivery = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).first()
    if delivery is None:
        return SendResult(outcome="not sending")
    return attempt_failed(delivery, kind_for(delivery.kind), TimeoutError(error), permanent=False)


def attempt_failed(
    delivery: Delivery, kind: Kind, exc: Exception, *, permanent: bool, park: bool = False
) -> SendResult:
    error = (str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}")[
        :ERROR_LIMIT
    ]
    now = timezone.now()
    deadline = useful_until(kind, delivery)
    if not permanent and now >= deadline:
        error = f"not delivered while useful (until {deadline.isoformat()}); last error: {error}"
    if permanent or now >= deadline:
        error = error[:ERROR_LIMIT]
        finish(delivery, DeliveryStatus.FAILED, last_error=error)
        logger.warning("delivery %s failed for good: %s", delivery.pk, error)
        return SendResult(outcome=DeliveryStatus.FAILED)
    if park:
        # The breaker is open now: wait with the rest of the channel, no retry of our own.
        finish(delivery, DeliveryStatus.WAITING, last_error=error, next_attempt_at=now)
        return SendResult(outcome=DeliveryStatus.WAITING)
    wait = retry_delay(delivery.attempts)
    if isinstance(exc, DeliveryError) and exc.retry_after is not None:
        wait = max(1, exc.retry_after)  # the far end said how long to wait
    next_attempt = min(now + timedelta(seconds=wait), deadline)
    wait = max(1, math.ceil((next_attempt - now).total_seconds()))
    finish(delivery, DeliveryStatus.QUEUED, last_error=error, next_attempt_at=next_attempt)
    logger.info("delivery %s attempt %s failed, retry in %ss", delivery.pk, delivery.attempts, wait)
    return SendResult(outcome="retry", retry_in=wait)


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the n-th failed attempt: base, 2 x base, 4 x base, ... up to the
    longest wait (so a long outage is noticed within that much once it is over)."""
    base = settings.PILKADA_DELIVERY_RETRY_BASE_SECONDS
    longest = settings.PILKADA_DELIVERY_RETRY_MAX_SECONDS
    return min(longest, base * 2 ** min(max(0, attempts - 1), 20))


def finish(delivery: Delivery, status: str, **fields) -> None:
    # Conditional on "sending": a row that someone else already resolved is never overwritten.
    fields["updated_at"] = timezone.now()
    if delivery.subject and "subject" not in fields:
        fields["subject"] = delivery.subject
    if delivery.message_id and "message_id" not in fields:
        fields["message_id"] = delivery.message_id
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status, **fields
    )
