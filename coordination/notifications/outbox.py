"""The outbox: every message is a `Delivery` row before it is a task, and is sent exactly once.

The outbox knows nothing about meetings or digests: what a row says, when it has become
obsolete and until when it is worth retrying is asked of its registered kind (`registry.py`).
Producers only create rows (`deliveries_create`, `rows_create`, here), in the transaction of the
change that causes them; `sending.py` enqueues, claims and sends them, `attempts.py` records
what each attempt did.

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

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from coordination.enums import DeliveryStatus
from coordination.models import Delivery, Meeting, Person
from coordination.notifications.channels import EMAIL, route
from coordination.notifications.sending import enqueue_after_commit

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
    # No savepoint: nothing here is retried after an error, and a producer's transaction (an
    # incident report, hundreds a second on voting day) would pay two round trips for it.
    with transaction.atomic(savepoint=False):
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
    with transaction.atomic(savepoint=False):
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
