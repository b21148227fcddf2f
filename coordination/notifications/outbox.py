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
2. After the commit (`transaction.on_commit`) the rows' ids are enqueued as Celery tasks of up
   to BATCH_SIZE ids each (`send_deliveries`; spread over at least SPREAD tasks, so every worker
   process gets a share of a meeting's invitations). Enqueueing twice is harmless, see 3. When
   the broker cannot be reached the rows become ``waiting`` and the recovery job
   (`recovery.py`, every PILKADA_DELIVERY_RECOVERY_SECONDS) enqueues them again.
3. The task asks the circuit breaker (`breaker.py`) of each row's channel first: while the far
   end is known to be down the rows are parked as ``waiting`` without spending an attempt, and
   the recovery job sends one row at a time as a probe until the far end answers; then every
   parked row is queued again. Otherwise the task *claims* up to CLAIM_SIZE rows with one
   conditional UPDATE (``queued`` -> ``sending``, attempts+1, RETURNING the ids it got). Only
   one claimer can win a row; every other copy of the task (a redelivered message, a second
   enqueue, the sweeper's re-enqueue) sees ``sending``/``sent`` and leaves the row alone. A
   claimed row that was not attempted after all (the breaker opened on the row before it) goes
   back without the attempt.
4. It sends each claimed row in turn (email over the connection the worker process keeps open,
   `channels.KeptSMTP`) and, as soon as the server has answered that row's DATA, marks it
   ``sent`` (a single autocommit UPDATE per row), before the next row is sent. A temporary
   error puts the row back to ``queued`` with a doubled wait (60 s, 120 s, ... at most
   PILKADA_DELIVERY_RETRY_MAX_SECONDS), retried by a later task for as long as the message is
   useful: a reminder until its meeting starts, an invitation or change until the meeting
   ends, a digest until its day ends (the kind's `useful_until`; PILKADA_DELIVERY_USEFUL_SECONDS
   after it was made for a kind that does not say). Past that it is ``failed``; a permanent 5xx
   refusal fails it at once. Failures are visible in the delivery log and counted by the
   monitoring endpoint.

Worker death and the residual window
- Killed before the claim: the row stays ``queued``; the broker redelivers the unacknowledged
  task (acks_late) or the recovery job re-enqueues it after PILKADA_DELIVERY_REQUEUE_SECONDS.
- Killed with rows claimed but not yet sent (at most CLAIM_SIZE - 1 besides the one in
  flight): they are ``sending`` and nothing of them left the portal; the stale sweep below
  queues them again, so they go out once, later.
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
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F
from django.utils import timezone, translation

from coordination.enums import DeliveryStatus
from coordination.models import Delivery, Meeting, Person
from coordination.notifications.breaker import OPEN, PROBE, Breaker
from coordination.notifications.channels import (
    EMAIL,
    DeliveryError,
    breaker_for,
    channel_for,
    route,
)
from coordination.notifications.registry import Kind, builder_for, kind_for, useful_until

logger = logging.getLogger(__name__)

ERROR_LIMIT = 2000
# Ids per send task, and the fewest tasks a set of rows is spread over (so a meeting's 40
# invitations keep every worker process busy rather than one).
BATCH_SIZE = 50
SPREAD = 8
# Rows one conditional UPDATE claims. A worker killed mid-batch leaves at most this many rows
# ``sending`` for the stale sweep, none of them sent but the one in flight.
CLAIM_SIZE = 10
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
    channel: str | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Record one queued delivery per person and chosen channel, and enqueue them after the
    commit.

    The channels are each person's choice for the kind's topic (`rows_create`); `channel` names
    one channel for everybody instead (a chat message that could not be delivered falling back
    to email). `key` is one key for all, or a key per person id. Rows that already exist are
    left alone (and not enqueued again unless still queued). Returns the ids of the queued rows.
    """
    now = now or timezone.now()
    people = list(people)
    if not people:
        return []
    keys = key if isinstance(key, dict) else {person.pk: key for person in people}
    name = channel or EMAIL
    rows = [
        Delivery(
            meeting=meeting,
            person=person,
            channel=name,
            kind=kind,
            key=keys[person.pk],
            email=person.email if name == EMAIL else "",
            next_attempt_at=now,
        )
        for person in people
    ]
    return rows_create(rows, routed=channel is None)


def rows_create(rows: list[Delivery], *, routed: bool = True) -> list[int]:
    """Insert delivery rows (all of one kind), skipping those already recorded, and enqueue the
    queued ones after the commit; returns their ids. For producers whose rows are not one per
    person (a webhook per subscription: `person` None, the key names the target) as well.

    The one place where people's channels are applied: an email row for a person becomes a row
    per channel the person chose for the kind's topic (`channels.route`; email alone unless a
    chat channel is configured, chosen and linked), so every producer, whichever of the two
    functions it calls, sends where people asked. `routed=False` keeps the rows as given."""
    if not rows:
        return []
    if len({row.kind for row in rows}) != 1:
        raise ValueError("rows_create takes rows of one kind")
    if routed:
        rows = _routed(rows)
    groups: dict[str, list[Delivery]] = {}
    for row in rows:
        groups.setdefault(row.channel, []).append(row)
    ids: list[int] = []
    with transaction.atomic():
        for group in groups.values():
            ids += _rows_insert(group)
    return sorted(ids)


def _routed(rows: list[Delivery]) -> list[Delivery]:
    """Each person's email row as one row per channel they chose (see `rows_create`)."""
    person_ids = sorted({row.person_id for row in rows if row.person_id and row.channel == EMAIL})
    if not person_ids:
        return rows
    chosen = route(person_ids, rows[0].kind)
    result = []
    for row in rows:
        names = chosen.get(row.person_id, (EMAIL,)) if row.channel == EMAIL else (row.channel,)
        for name in names:
            if name == row.channel:
                result.append(row)
                continue
            result.append(
                Delivery(
                    meeting_id=row.meeting_id,
                    person_id=row.person_id,
                    channel=name,
                    kind=row.kind,
                    key=row.key,
                    email="",
                    next_attempt_at=row.next_attempt_at,
                )
            )
    return result


def _rows_insert(rows: list[Delivery]) -> list[int]:
    kind, channel = rows[0].kind, rows[0].channel
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


def batches(delivery_ids: list[int]) -> list[list[int]]:
    """The ids cut into send tasks: at most BATCH_SIZE each, over at least SPREAD tasks."""
    size = max(1, min(BATCH_SIZE, math.ceil(len(delivery_ids) / SPREAD)))
    return [delivery_ids[start : start + size] for start in range(0, len(delivery_ids), size)]


def deliveries_enqueue(*, delivery_ids: list[int], countdown: int | None = None) -> None:
    """Enqueue the rows in batches (`batches`). A broker outage is logged, not raised (the change
    that made the rows is committed, and a request must not fail because of the broker): the
    rows not enqueued become ``waiting``, and the recovery job enqueues them within
    PILKADA_DELIVERY_RECOVERY_SECONDS.
    """
    from coordination.notifications.tasks import send_deliveries

    chunks = batches(list(delivery_ids))
    for index, chunk in enumerate(chunks):
        try:
            send_deliveries.apply_async(
                kwargs={"delivery_ids": chunk},
                countdown=countdown,
                retry_policy=ENQUEUE_RETRY_POLICY,
            )
        except Exception:
            logger.exception("could not enqueue deliveries from %s on; recovery will", chunk[0])
            rest = [pk for later in chunks[index:] for pk in later]
            try:
                Delivery.objects.filter(pk__in=rest, status=DeliveryStatus.QUEUED).update(
                    status=DeliveryStatus.WAITING, updated_at=timezone.now()
                )
            except Exception:  # the database too: the sweep for lost rows finds them later
                logger.exception("could not mark deliveries as waiting")
            return


# --- sending ------------------------------------------------------------------------------------


class _InHand(threading.local):
    """The rows this process has claimed and not yet resolved, for a task stopped mid-batch."""

    def __init__(self):
        self.claimed: list[int] = []
        self.current: int | None = None


_IN_HAND = _InHand()


def delivery_send(*, delivery_id: int) -> SendResult:
    """Claim, send and record one delivery (see the module docstring for the guarantees)."""
    return deliveries_send(delivery_ids=[delivery_id])[delivery_id]


def deliveries_send(*, delivery_ids: list[int]) -> dict[int, SendResult]:
    """Claim, send and record the deliveries that are still queued, a few rows per claim;
    returns what happened to each id (module docstring)."""
    results: dict[int, SendResult] = {}
    rows = list(
        Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.QUEUED).order_by("pk")
    )
    found = {row.pk for row in rows}
    missing = [pk for pk in delivery_ids if pk not in found]
    if missing:
        statuses = dict(Delivery.objects.filter(pk__in=missing).values_list("pk", "status"))
        for pk in missing:
            results[pk] = SendResult(outcome=f"not claimed ({statuses.get(pk) or 'gone'})")
    groups: dict[tuple, list[int]] = {}
    for row in rows:
        try:
            channel = channel_for(row.channel)
            kind_for(row.kind)
        except LookupError:
            logger.exception("delivery %s cannot be sent", row.pk)
            results[row.pk] = SendResult(outcome="not claimed (unknown kind or channel)")
            continue
        groups.setdefault((breaker_for(channel, row), row.kind, row.channel), []).append(row.pk)
    for (breaker, kind, channel), ids in groups.items():
        results.update(_send_group(breaker, kind_for(kind), channel_for(channel), ids))
    return results


def _send_group(breaker: Breaker, kind: Kind, channel, ids: list[int]) -> dict[int, SendResult]:
    """Rows of one kind behind one breaker: ask the breaker, claim a few, send them, again."""
    results: dict[int, SendResult] = {}
    pending = list(ids)
    while pending:
        decision = breaker.allow()
        if decision == OPEN:
            # The far end is down: park the rows without spending an attempt (see recovery.py).
            parked = _park(pending)
            for pk in pending:
                results[pk] = SendResult(
                    outcome=DeliveryStatus.WAITING if pk in parked else "not claimed (taken)"
                )
            break
        probe = decision == PROBE
        size = 1 if probe else CLAIM_SIZE
        chunk, pending = pending[:size], pending[size:]
        claimed = _claim(chunk)
        for pk in chunk:
            if pk not in claimed:
                results[pk] = SendResult(outcome="not claimed (taken)")
        if not claimed:
            if probe:
                breaker.release_probe()
            continue
        results.update(_send_claimed(breaker, kind, channel, claimed, probe=probe))
    return results


def _claim(ids: list[int]) -> list[int]:
    """``queued`` -> ``sending`` for those of `ids` still queued, in one conditional UPDATE;
    returns the ids this call won, in order."""
    now = timezone.now()
    table = connection.ops.quote_name(Delivery._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, attempts = attempts + 1, claimed_at = %s, "  # noqa: S608
            f"updated_at = %s WHERE id IN ({marks}) AND status = %s RETURNING id",
            [DeliveryStatus.SENDING, now, now, *ids, DeliveryStatus.QUEUED],
        )
        won = sorted(row[0] for row in cursor.fetchall())
    _IN_HAND.claimed = list(won)
    return won


def _park(ids: list[int]) -> set[int]:
    """``queued`` -> ``waiting`` (the breaker is open); returns the ids parked."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, updated_at = %s "  # noqa: S608
            f"WHERE id IN ({marks}) AND status = %s RETURNING id",
            [DeliveryStatus.WAITING, timezone.now(), *ids, DeliveryStatus.QUEUED],
        )
        return {row[0] for row in cursor.fetchall()}


def _unclaim(ids: list[int], status: str) -> None:
    """Claimed rows that were not attempted after all: back, without the attempt."""
    if ids:
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING).update(
            status=status,
            attempts=F("attempts") - 1,
            next_attempt_at=timezone.now(),
            updated_at=timezone.now(),
        )


def _send_claimed(
    breaker: Breaker, kind: Kind, channel, ids: list[int], *, probe: bool
) -> dict[int, SendResult]:
    """Send the rows this process just claimed, one after the other, recording each."""
    results: dict[int, SendResult] = {}
    deliveries = Delivery.objects.select_related("person", *kind.related).in_bulk(ids)
    # Sends that reached the far end tell the breaker once per claim rather than per message;
    # they are told before a failure is counted, so the order of events is kept.
    reached = False
    # Left as they are when the task is stopped in the middle (`deliveries_abandon`).
    for index, pk in enumerate(ids):
        delivery = deliveries[pk]
        _IN_HAND.claimed, _IN_HAND.current = ids[index + 1 :], pk
        result, verdict, error = _send_one(delivery, kind, channel, breaker, probe=probe)
        _IN_HAND.current = None
        if verdict == "reached":
            if probe:
                _reached(breaker, probe=True)
            else:
                reached = True
        elif verdict == "unreachable":
            if reached:
                _reached(breaker, probe=False)
                reached = False
            opened = breaker.failed(probe=probe)
            result = _attempt_failed(delivery, kind, error, permanent=False, park=opened)
            if opened:
                # The breaker is open now: the rest of the claim waits with the channel.
                rest = ids[index + 1 :]
                _IN_HAND.claimed = []
                _unclaim(rest, DeliveryStatus.WAITING)
                results.update({r: SendResult(outcome=DeliveryStatus.WAITING) for r in rest})
                results[pk] = result
                break
        results[pk] = result
    _IN_HAND.claimed, _IN_HAND.current = [], None
    if reached:
        _reached(breaker, probe=False)
    return results


def _send_one(
    delivery: Delivery, kind: Kind, channel, breaker: Breaker, *, probe: bool
) -> tuple[SendResult | None, str, DeliveryError | None]:
    """Build and send one claimed row: (result, "reached" / "unreachable" / "", error). An
    unreachable far end is resolved by the caller, which asks the breaker first."""
    now = timezone.now()
    skipped = _not_to_send(kind, delivery, now)
    if skipped is not None:
        if probe:
            breaker.release_probe()
        return skipped, "", None
    try:
        with translation.override(_language(kind, delivery)):
            message = builder_for(kind, delivery.channel)(delivery)
    except Exception as exc:  # a broken template must show in the log, not stall the queue
        logger.exception("could not build delivery %s", delivery.pk)
        if probe:
            breaker.release_probe()
        return _attempt_failed(delivery, kind, exc, permanent=False), "", None
    try:
        # Recorded as sent the moment the far end accepted it, before the channel's clean-up,
        # to keep the window for a duplicate small.
        channel.send(delivery, message, accepted=lambda: _record_sent(delivery))
    except DeliveryError as exc:
        if exc.unreachable:
            return None, "unreachable", exc
        return _attempt_failed(delivery, kind, exc, permanent=exc.permanent), "reached", None
    return SendResult(outcome=DeliveryStatus.SENT), "reached", None


def deliveries_abandon(*, error: str) -> None:
    """The send task ran out of time mid-batch: the row in flight counts as a failed attempt,
    the rows claimed after it go back to the queue without one."""
    current, claimed = _IN_HAND.current, list(_IN_HAND.claimed)
    _IN_HAND.claimed, _IN_HAND.current = [], None
    if current is not None:
        delivery_abandon_attempt(delivery_id=current, error=error)
    _unclaim(claimed, DeliveryStatus.QUEUED)


def _record_sent(delivery: Delivery) -> None:
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
    """`_finish(delivery, SENT, ...)` as one prepared statement: it runs once per message."""
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
