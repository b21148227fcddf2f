"""The outbox: every message is a `Delivery` row before it is a task, and is sent exactly once.

The outbox knows nothing about meetings or digests: what a row says, when it has become
obsolete and until when it is worth retrying is asked of its registered kind (`registry.py`).
Producers only create rows (`deliveries_create`), in the transaction of the change that causes
them.

How a message travels
1. A producer (meeting created/changed/cancelled, a due reminder slot, a digest, account mail)
   inserts one row per recipient in its own transaction, status ``queued``. The unique
   constraint on (meeting, person, kind, key, channel) makes a second insert of the same message
   (two beat processes, a hook run twice) a no-op.
2. After the commit (`transaction.on_commit`) one Celery task per row is enqueued; the task only
   carries the row's id. Enqueueing twice is harmless, see 3. When the broker cannot be reached
   the rows become ``waiting`` and the recovery job (`recovery.py`, every
   PILKADA_DELIVERY_RECOVERY_SECONDS) enqueues them again.
3. The task asks the channel's circuit breaker (`breaker.py`) first: while the far end is known
   to be down the row is parked as ``waiting`` without spending an attempt, and the recovery job
   sends one row at a time as a probe until the far end answers; then every parked row is queued
   again. Otherwise the task *claims* the row with one conditional UPDATE (``queued`` ->
   ``sending``, attempts+1). Only one claimer can win; every other copy of the task (a
   redelivered message, a second enqueue, the sweeper's re-enqueue) sees ``sending``/``sent``
   and returns without sending.
4. It sends over SMTP and, as soon as the server has answered the DATA and *before* QUIT, marks
   the row ``sent`` (a single autocommit UPDATE). A temporary error puts the row back to
   ``queued`` with a doubled wait (60 s, 120 s, ... at most PILKADA_DELIVERY_RETRY_MAX_SECONDS),
   retried by the task for as long as the message is useful: a reminder until its meeting
   starts, an invitation or change until the meeting ends, a digest until its day ends (the
   kind's `useful_until`; PILKADA_DELIVERY_USEFUL_SECONDS after it was made for a kind that does
   not say). Past that it is ``failed``; a permanent 5xx refusal fails it at once. Failures are
   visible in the delivery log and counted by the monitoring endpoint.

Worker death and the residual window
- Killed before the claim: the row stays ``queued``; the broker redelivers the unacknowledged
  task (acks_late) or the recovery job re-enqueues it after PILKADA_DELIVERY_REQUEUE_SECONDS.
- Killed after the ``sent`` commit: redelivery finds ``sent`` and skips. Nothing is doubled.
- Killed while ``sending``: the outcome is unknown to us. The recovery job waits
  PILKADA_DELIVERY_STALE_SECONDS (longer than the send task's hard time limit, so the task is
  certainly dead) and sends again: at-least-once for this case, because a lost invitation or
  reminder is worse than a doubled one. A duplicate arises only if the process died after the
  SMTP server had the whole message and before the ``sent`` UPDATE committed. That window
  includes the server's own reply time: from the last byte of DATA, the server queues the
  message and answers "250" (milliseconds on loopback, tens to hundreds of milliseconds on a
  remote relay), the answer travels back, and the UPDATE commits (one database round trip).
  A process killed inside it (a worker killed by hand or by the OOM killer, a machine that loses
  power) leaves a message the server will deliver and a row that says ``sending``. Every copy
  of a delivery carries the same Message-ID, so mail systems that deduplicate by Message-ID
  (Gmail does) and mail clients that thread by it still show one message.
- The database unreachable right after the server accepted (a restart, a failover): the ``sent``
  mark is retried on a fresh connection for up to SENT_RECORD_SECONDS (below the send task's soft
  time limit), so an outage shorter than that doubles nothing; a longer one leaves the row
  ``sending`` for the stale sweep. A database lost before the claim or before the send leaves
  nothing sent, and the task tries again (coordination/notifications/tasks.py).
- With the prefork pool, killing the worker's main process leaves the child running its current
  task to the end (it commits ``sent``); only the acknowledgement is lost, so redelivery skips.
"""

import logging
import math
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
from coordination.notifications.breaker import OPEN, PROBE, Breaker
from coordination.notifications.channels import EMAIL, DeliveryError, breaker_for, channel_for
from coordination.notifications.registry import Kind, builder_for, kind_for, useful_until

logger = logging.getLogger(__name__)

ERROR_LIMIT = 2000
# How long an accepted message's "sent" mark waits for an unreachable database.
SENT_RECORD_SECONDS = 40
# A request that records mail must not hang on a broker that is down: one quick second try,
# then the rows wait for the recovery job.
ENQUEUE_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.1,
    "interval_step": 0,
    "interval_max": 0.1,
}


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
    """One task per delivery. A broker outage is logged, not raised (the change that made the
    rows is committed, and a request must not fail because of the broker): the rows not enqueued
    become ``waiting``, and the recovery job enqueues them within PILKADA_DELIVERY_RECOVERY_SECONDS.
    """
    from coordination.notifications.tasks import send_delivery

    for index, delivery_id in enumerate(delivery_ids):
        try:
            send_delivery.apply_async(
                kwargs={"delivery_id": delivery_id}, retry_policy=ENQUEUE_RETRY_POLICY
            )
        except Exception:
            logger.exception("could not enqueue deliveries from %s on; recovery will", delivery_id)
            try:
                Delivery.objects.filter(
                    pk__in=delivery_ids[index:], status=DeliveryStatus.QUEUED
                ).update(status=DeliveryStatus.WAITING, updated_at=timezone.now())
            except Exception:  # the database too: the sweep for lost rows finds them later
                logger.exception("could not mark deliveries as waiting")
            return


# --- sending ------------------------------------------------------------------------------------


def delivery_send(*, delivery_id: int) -> SendResult:
    """Claim, send and record one delivery (see the module docstring for the guarantees)."""
    now = timezone.now()
    row = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).first()
    if row is None:
        status = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        return SendResult(outcome=f"not claimed ({status or 'gone'})")
    channel = channel_for(row.channel)
    breaker = breaker_for(channel, row)
    decision = breaker.allow()
    if decision == OPEN:
        # The far end is down: park the row without spending an attempt (see recovery.py).
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.WAITING, updated_at=now
        )
        return SendResult(outcome=DeliveryStatus.WAITING)
    probe = decision == PROBE
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=now,
        updated_at=now,
    )
    if not claimed:
        if probe:
            breaker.release_probe()
        return SendResult(outcome="not claimed (taken)")
    kind = kind_for(row.kind)
    delivery = Delivery.objects.select_related("person", *kind.related).get(pk=delivery_id)
    skipped = _not_to_send(kind, delivery, now)
    if skipped is not None:
        if probe:
            breaker.release_probe()
        return skipped
    try:
        with translation.override(_language(kind, delivery)):
            message = builder_for(kind, delivery.channel)(delivery)
    except Exception as exc:  # a broken template must show in the log, not stall the queue
        logger.exception("could not build delivery %s", delivery_id)
        if probe:
            breaker.release_probe()
        return _attempt_failed(delivery, kind, exc, permanent=False)
    try:
        # Recorded as sent the moment the far end accepted it, before the channel's clean-up
        # (QUIT), to keep the window for a duplicate small.
        channel.send(delivery, message, accepted=lambda: _record_sent(delivery))
    except DeliveryError as exc:
        park = False
        if exc.unreachable:
            park = breaker.failed(probe=probe)
        else:
            _reached(breaker, probe)
        return _attempt_failed(delivery, kind, exc, permanent=exc.permanent, park=park)
    _reached(breaker, probe)
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


def _language(kind: Kind, delivery: Delivery) -> str:
    if delivery.person is not None and delivery.person.language:
        return delivery.person.language
    if kind.language is not None:
        return kind.language(delivery) or settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


def _not_to_send(kind: Kind, delivery: Delivery, now: datetime) -> SendResult | None:
    """Skipped when the kind says the message is obsolete; failed when it is past its use after
    earlier attempts failed (a reminder the outage kept back until the meeting started)."""
    reason = kind.obsolete(delivery, now)
    deadline = useful_until(kind, delivery)
    if reason and not (delivery.last_error and now >= deadline):
        _finish(delivery, DeliveryStatus.SKIPPED, last_error=reason)
        return SendResult(outcome=DeliveryStatus.SKIPPED)
    if now >= deadline:
        error = f"not delivered while useful ({reason or 'past ' + deadline.isoformat()})"
        if delivery.last_error:
            error += f"; last error: {delivery.last_error}"
        _finish(delivery, DeliveryStatus.FAILED, last_error=error[:ERROR_LIMIT])
        logger.warning("delivery %s failed for good: %s", delivery.pk, error)
        return SendResult(outcome=DeliveryStatus.FAILED)
    return None


def _reached(breaker: Breaker, probe: bool) -> None:
    """The far end answered (accepted or refused): the channel works; if it had been paused,
    the parked rows go back to the queue."""
    if breaker.succeeded(probe=probe):
        deliveries_resume(breaker=breaker)


def delivery_abandon_attempt(*, delivery_id: int, error: str) -> SendResult:
    """The task ran out of time while sending: count it as a failed attempt (the row is ours)."""
    delivery = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).first()
    if delivery is None:
        return SendResult(outcome="not sending")
    return _attempt_failed(delivery, kind_for(delivery.kind), TimeoutError(error), permanent=False)


def _attempt_failed(
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
        _finish(delivery, DeliveryStatus.FAILED, last_error=error)
        logger.warning("delivery %s failed for good: %s", delivery.pk, error)
        return SendResult(outcome=DeliveryStatus.FAILED)
    if park:
        # The breaker is open now: wait with the rest of the channel, no retry of our own.
        _finish(delivery, DeliveryStatus.WAITING, last_error=error, next_attempt_at=now)
        return SendResult(outcome=DeliveryStatus.WAITING)
    wait = retry_delay(delivery.attempts)
    if isinstance(exc, DeliveryError) and exc.retry_after is not None:
        wait = max(1, exc.retry_after)  # the far end said how long to wait
    next_attempt = min(now + timedelta(seconds=wait), deadline)
    wait = max(1, math.ceil((next_attempt - now).total_seconds()))
    _finish(delivery, DeliveryStatus.QUEUED, last_error=error, next_attempt_at=next_attempt)
    logger.info("delivery %s attempt %s failed, retry in %ss", delivery.pk, delivery.attempts, wait)
    return SendResult(outcome="retry", retry_in=wait)


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the n-th failed attempt: base, 2 x base, 4 x base, ... up to the
    longest wait (so a long outage is noticed within that much once it is over)."""
    base = settings.PILKADA_DELIVERY_RETRY_BASE_SECONDS
    longest = settings.PILKADA_DELIVERY_RETRY_MAX_SECONDS
    return min(longest, base * 2 ** min(max(0, attempts - 1), 20))


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


def deliveries_resume(*, breaker: Breaker, limit: int = 5000) -> int:
    """Queue the rows parked behind `breaker` again (its far end answers); returns how many.
    More than `limit` are left to the recovery job."""
    with transaction.atomic():
        waiting = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.WAITING)
            .order_by("pk")[:limit]
        )
        ids = [
            row.pk
            for row in waiting
            if _channel_known(row.channel) and breaker_for(channel_for(row.channel), row) == breaker
        ]
        now = timezone.now()
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.QUEUED, next_attempt_at=now, updated_at=now
        )
        enqueue_after_commit(ids)
    return len(ids)


def _channel_known(name: str) -> bool:
    try:
        channel_for(name)
    except LookupError:
        return False
    return True


# --- manual retry ------------------------------------------------------------------------------


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
