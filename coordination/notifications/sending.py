"""Claiming and sending: the send tasks' work (`tasks.py`), and the enqueueing that hands rows
to them. The outbox (`outbox.py`) records the rows and says how a message travels; this module
moves them: the rows' ids go to the broker in batches after the commit, a task claims a few
rows at a time with one conditional UPDATE, asks the circuit breaker of their far end, sends
each and records each (`attempts.py`). This module and the send task call each other (it
enqueues the task, the task calls it back): the one import cycle the architecture allows.
"""

import logging
import math
import threading
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from coordination.enums import DeliveryStatus
from coordination.models import Delivery
from coordination.notifications.attempts import (
    SendResult,
    attempt_failed,
    delivery_abandon_attempt,
    not_to_send,
    record_sent,
)
from coordination.notifications.breaker import OPEN, PROBE, Breaker
from coordination.notifications.channels import DeliveryError, breaker_for, channel_for
from coordination.notifications.registry import Kind, builder_for, kind_for

# Log lines keep the outbox's name: operators follow one logger for a message's whole path.
logger = logging.getLogger("coordination.notifications.outbox")

# Ids per send task, and the fewest tasks a set of rows is spread over (so a meeting's 40
# invitations keep every worker process busy rather than one).
BATCH_SIZE = 50
SPREAD = 8
# Rows one conditional UPDATE claims. A worker killed mid-batch leaves at most this many rows
# ``sending`` for the stale sweep, none of them sent but the one in flight.
CLAIM_SIZE = 10
# A request that records mail must not hang on a broker that is down: one quick second try,
# then the rows wait for the recovery job.
ENQUEUE_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.1,
    "interval_step": 0,
    "interval_max": 0.1,
}


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
            result = attempt_failed(delivery, kind, error, permanent=False, park=opened)
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
    skipped = not_to_send(kind, delivery, now)
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
        return attempt_failed(delivery, kind, exc, permanent=False), "", None
    try:
        # Recorded as sent the moment the far end accepted it, before the channel's clean-up,
        # to keep the window for a duplicate small.
        channel.send(delivery, message, accepted=lambda: record_sent(delivery))
    except DeliveryError as exc:
        if exc.unreachable:
            return None, "unreachable", exc
        return attempt_failed(delivery, kind, exc, permanent=exc.permanent), "reached", None
    return SendResult(outcome=DeliveryStatus.SENT), "reached", None


def deliveries_abandon(*, error: str) -> None:
    """The send task ran out of time mid-batch: the row in flight counts as a failed attempt,
    the rows claimed after it go back to the queue without one."""
    current, claimed = _IN_HAND.current, list(_IN_HAND.claimed)
    _IN_HAND.claimed, _IN_HAND.current = [], None
    if current is not None:
        delivery_abandon_attempt(delivery_id=current, error=error)
    _unclaim(claimed, DeliveryStatus.QUEUED)


def _language(kind: Kind, delivery: Delivery) -> str:
    if delivery.person is not None and delivery.person.language:
        return delivery.person.language
    if kind.language is not None:
        return kind.language(delivery) or settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


def _reached(breaker: Breaker, probe: bool) -> None:
    """The far end answered (accepted or refused): the channel works; if it had been paused,
    the parked rows go back to the queue."""
    if breaker.succeeded(probe=probe):
        deliveries_resume(breaker=breaker)


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
