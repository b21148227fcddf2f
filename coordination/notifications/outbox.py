"""The outbox: every message is a `Delivery` row before it is a task, and is sent exactly once.

The outbox knows nothing about meetings or digests: what a row says and when it has become
obsolete is asked of its registered kind (`registry.py`). Producers only create rows
(`deliveries_create`), in the transaction of the change that causes them.

How a message travels
1. A producer (meeting created/changed/cancelled, a due reminder slot, a digest) inserts one row
   per recipient in its own transaction, status ``queued``. The unique constraint on
   (meeting, person, kind, key) makes a second insert of the same message (two beat processes, a
   hook run twice) a no-op.
2. After the commit (`transaction.on_commit`) one Celery task per row is enqueued; the task only
   carries the row's id. Enqueueing twice is harmless, see 3.
3. The task *claims* the row with one conditional UPDATE (``queued`` -> ``sending``, attempts+1).
   Only one claimer can win; every other copy of the task (a redelivered message, a second
   enqueue, the sweeper's re-enqueue) sees ``sending``/``sent`` and returns without sending.
4. It sends over SMTP and, as soon as the server has accepted the DATA and *before* QUIT, marks
   the row ``sent`` (a single autocommit UPDATE). An SMTP error puts the row back to ``queued``
   with a doubled wait (retried by the task), and after PILKADA_DELIVERY_MAX_ATTEMPTS, or at once
   on a permanent 5xx refusal, ``failed`` with the error, visible in the delivery log.

Worker death and the residual window
- Killed before the claim: the row stays ``queued``; the broker redelivers the unacknowledged
  task (acks_late) or `deliveries_recover` re-enqueues it after PILKADA_DELIVERY_REQUEUE_SECONDS.
- Killed after the ``sent`` commit: redelivery finds ``sent`` and skips. Nothing is doubled.
- Killed while ``sending``: the outcome is unknown to us. `deliveries_recover` waits
  PILKADA_DELIVERY_STALE_SECONDS (longer than the send task's hard time limit, so the task is
  certainly dead) and sends again: at-least-once for this case, because a lost invitation or
  reminder is worse than a doubled one. A duplicate can only arise if the process died in the
  window between the SMTP server's "250 accepted" reply to DATA and the commit of the ``sent``
  UPDATE: one loopback round trip to the database, about a millisecond, with no other work in
  between. Every copy of a delivery carries the same Message-ID, so mail systems that
  deduplicate by Message-ID (Gmail does) still show one message.
- The database unreachable right after the server accepted (a restart, a failover): the ``sent``
  mark is retried on a fresh connection for up to SENT_RECORD_SECONDS (below the send task's soft
  time limit), so an outage shorter than that doubles nothing; a longer one leaves the row
  ``sending`` for the sweep above. A database lost before the claim or before the send leaves
  nothing sent, and the task tries again (coordination/notifications/tasks.py).
- With the prefork pool, killing the worker's main process leaves the child running its current
  task to the end (it commits ``sent``); only the acknowledgement is lost, so redelivery skips.
"""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone, translation

from coordination.enums import DeliveryStatus
from coordination.models import Delivery, Meeting, Person
from coordination.notifications.channels import EMAIL, DeliveryError, channel_for
from coordination.notifications.registry import builder_for, kind_for

logger = logging.getLogger(__name__)

ERROR_LIMIT = 2000
# How long an accepted message's "sent" mark waits for an unreachable database.
SENT_RECORD_SECONDS = 40


@dataclass(frozen=True)
class SendResult:
    """What one send attempt did; `retry_in` (seconds) asks the task to try again later."""

    outcome: str
    retry_in: int | None = None


# --- recording and enqueueing -------------------------------------------------------------------


def deliveries_create(
    *,
    people: Iterable[Person],
    kind: str,
    key: str | dict[int, str],
    meeting: Meeting | None = None,
    channel: str = EMAIL,
    now: datetime | None = None,
) -> list[int]:
    """Record one queued delivery per person and enqueue them after the commit.

    `key` is one key for all, or a key per person id. Rows that already exist are left alone
    (and not enqueued again unless still queued). Returns the ids of the queued rows.
    """
    now = now or timezone.now()
    people = list(people)
    if not people:
        return []
    keys = key if isinstance(key, dict) else {person.pk: key for person in people}
    return rows_create(
        [
            Delivery(
                meeting=meeting,
                person=person,
                channel=channel,
                kind=kind,
                key=keys[person.pk],
                email=person.email if channel == EMAIL else "",
                next_attempt_at=now,
            )
            for person in people
        ]
    )


def rows_create(rows: list[Delivery]) -> list[int]:
    """Insert delivery rows (all of one kind and channel), skipping those already recorded, and
    enqueue the queued ones after the commit; returns their ids. For producers whose rows are not
    one per person (a webhook per subscription: `person` None, the key names the target)."""
    if not rows:
        return []
    kinds = {(row.kind, row.channel) for row in rows}
    if len(kinds) != 1:
        raise ValueError("rows_create takes rows of one kind and channel")
    (kind, channel) = kinds.pop()
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        # bulk_create(ignore_conflicts=True) does not report ids; read back what is queued.
        wanted = {(row.meeting_id, row.person_id, row.key) for row in rows}
        candidates = Delivery.objects.filter(
            kind=kind,
            channel=channel,
            key__in={row.key for row in rows},
            status=DeliveryStatus.QUEUED,
        ).values_list("pk", "meeting_id", "person_id", "key")
        ids = sorted(pk for pk, *identity in candidates if tuple(identity) in wanted)
        enqueue_after_commit(ids)
    return ids


def enqueue_after_commit(delivery_ids: list[int]) -> None:
    if delivery_ids:
        transaction.on_commit(partial(deliveries_enqueue, delivery_ids=list(delivery_ids)))


def deliveries_enqueue(*, delivery_ids: list[int]) -> None:
    """One task per delivery. A broker outage is logged, not raised: the rows are committed and
    `deliveries_recover` enqueues them again later."""
    from coordination.notifications.tasks import send_delivery

    for delivery_id in delivery_ids:
        try:
            send_delivery.apply_async(kwargs={"delivery_id": delivery_id})
        except Exception:
            logger.exception("could not enqueue deliveries from %s on; recovery will", delivery_id)
            return


# --- sending ------------------------------------------------------------------------------------


def delivery_send(*, delivery_id: int) -> SendResult:
    """Claim, send and record one delivery (see the module docstring for the guarantees)."""
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=now,
        updated_at=now,
    )
    if not claimed:
        status = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return SendResult(outcome=f"not claimed ({status or 'gone'})")
    kind = kind_for(Delivery.objects.values_list("kind", flat=True).get(pk=delivery_id))
    delivery = Delivery.objects.select_related("person", *kind.related).get(pk=delivery_id)
    reason = kind.obsolete(delivery, now)
    if reason:
        _finish(delivery, DeliveryStatus.SKIPPED, last_error=reason)
        return SendResult(outcome=DeliveryStatus.SKIPPED)
    try:
        channel = channel_for(delivery.channel)
        language = delivery.person.language if delivery.person else ""
        with translation.override(language or settings.LANGUAGE_CODE):
            message = builder_for(kind, delivery.channel)(delivery)
    except Exception as exc:  # a broken template must show in the log, not stall the queue
        logger.exception("could not build delivery %s", delivery_id)
        return _attempt_failed(delivery, exc, permanent=False)
    try:
        # Recorded as sent the moment the far end accepted it, before the channel's clean-up
        # (QUIT), to keep the window for a duplicate small.
        channel.send(delivery, message, accepted=lambda: _record_sent(delivery))
    except DeliveryError as exc:
        return _attempt_failed(delivery, exc, permanent=exc.permanent)
    return SendResult(outcome=DeliveryStatus.SENT)


def _record_sent(delivery: Delivery) -> None:
    """Mark an accepted message sent, riding out a short database outage (module docstring)."""
    sent_at = timezone.now()
    deadline = time.monotonic() + SENT_RECORD_SECONDS
    wait = 0.5
    while True:
        try:
            _finish(delivery, DeliveryStatus.SENT, sent_at=sent_at, last_error="")
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() + wait > deadline:
                raise
            logger.warning("delivery %s accepted; database unreachable, retrying", delivery.pk)
            close_old_connections()  # a broken connection is dropped; the next query reconnects
            time.sleep(wait)
            wait = min(wait * 2, 4.0)


def delivery_abandon_attempt(*, delivery_id: int, error: str) -> SendResult:
    """The task ran out of time while sending: count it as a failed attempt (the row is ours)."""
    delivery = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).first()
    if delivery is None:
        return SendResult(outcome="not sending")
    return _attempt_failed(delivery, TimeoutError(error), permanent=False)


def _attempt_failed(delivery: Delivery, exc: Exception, *, permanent: bool) -> SendResult:
    error = (str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}")[
        :ERROR_LIMIT
    ]
    if permanent or delivery.attempts >= settings.PILKADA_DELIVERY_MAX_ATTEMPTS:
        _finish(delivery, DeliveryStatus.FAILED, last_error=error)
        logger.warning("delivery %s failed for good: %s", delivery.pk, error)
        return SendResult(outcome=DeliveryStatus.FAILED)
    wait = retry_delay(delivery.attempts)
    if isinstance(exc, DeliveryError) and exc.retry_after is not None:
        wait = max(1, exc.retry_after)  # the far end said how long to wait
    _finish(
        delivery,
        DeliveryStatus.QUEUED,
        last_error=error,
        next_attempt_at=timezone.now() + timedelta(seconds=wait),
    )
    logger.info("delivery %s attempt %s failed, retry in %ss", delivery.pk, delivery.attempts, wait)
    return SendResult(outcome="retry", retry_in=wait)


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the n-th failed attempt: base, 2 x base, 4 x base, ..."""
    return settings.PILKADA_DELIVERY_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)


def _finish(delivery: Delivery, status: str, **fields) -> None:
    # Conditional on "sending": a row that someone else already resolved is never overwritten.
    fields["updated_at"] = timezone.now()
    if delivery.subject and "subject" not in fields:
        fields["subject"] = delivery.subject
    if delivery.message_id and "message_id" not in fields:
        fields["message_id"] = delivery.message_id
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status, **fields
    )


# --- recovery and manual retry ------------------------------------------------------------------


def deliveries_recover(*, now: datetime | None = None, limit: int = 5000) -> dict[str, int]:
    """Give lost deliveries another task.

    - ``sending`` for longer than PILKADA_DELIVERY_STALE_SECONDS: the worker died mid-send (the
      send task's hard time limit is far shorter). Back to ``queued`` and sent again, see the
      module docstring for the window this accepts; failed once the attempts are used up.
    - ``queued`` and not picked up PILKADA_DELIVERY_REQUEUE_SECONDS after it was due: its
      message was lost (enqueue failed after the commit, the broker lost it). Enqueued again;
      the claim makes a still-existing older message harmless.
    Rows are locked with SKIP LOCKED so two sweepers share the work instead of doubling it.
    """
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.PILKADA_DELIVERY_STALE_SECONDS)
    lost_before = now - timedelta(seconds=settings.PILKADA_DELIVERY_REQUEUE_SECONDS)
    with transaction.atomic():
        stale = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.SENDING, claimed_at__lt=stale_before)
            .order_by("pk")
            .values_list("pk", "attempts")[:limit]
        )
        spent = [pk for pk, attempts in stale if attempts >= settings.PILKADA_DELIVERY_MAX_ATTEMPTS]
        retry = [pk for pk, attempts in stale if attempts < settings.PILKADA_DELIVERY_MAX_ATTEMPTS]
        lost_message = "worker lost while sending; outcome unknown"
        Delivery.objects.filter(pk__in=spent).update(
            status=DeliveryStatus.FAILED, last_error=lost_message, updated_at=now
        )
        Delivery.objects.filter(pk__in=retry).update(
            status=DeliveryStatus.QUEUED,
            last_error=lost_message,
            next_attempt_at=now,
            updated_at=now,
        )
        lost = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.QUEUED, next_attempt_at__lt=lost_before)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        # Moving the mark forward means the next sweep waits a full period again.
        Delivery.objects.filter(pk__in=lost).update(next_attempt_at=now, updated_at=now)
        enqueue_after_commit(retry + lost)
    if stale or lost:
        logger.warning(
            "recovered deliveries: %s stale sending (%s given up), %s lost in the queue",
            len(stale),
            len(spent),
            len(lost),
        )
    return {"stale": len(stale), "failed": len(spent), "requeued": len(retry) + len(lost)}


@transaction.atomic
def delivery_retry(*, delivery: Delivery) -> bool:
    """KPU staff ask a failed delivery to be tried again (fresh attempts). False if not failed."""
    now = timezone.now()
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=now, updated_at=now
    )
    if updated:
        enqueue_after_commit([delivery.pk])
    return bool(updated)
