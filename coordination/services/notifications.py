"""Exactly-once mail: every message is a `Delivery` row before it is a task.

How a message travels
1. A service (meeting created/changed/cancelled, a due reminder slot, a digest) inserts one row
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
  nothing sent, and the task tries again (coordination/tasks.py).
- With the prefork pool, killing the worker's main process leaves the child running its current
  task to the end (it commits ``sent``); only the acknowledgement is lost, so redelivery skips.
"""

import logging
import smtplib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.db import InterfaceError, OperationalError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from coordination.enums import DeliveryKind, DeliveryStatus, MeetingStatus
from coordination.models import Delivery, Meeting, Person

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
    rows = [
        Delivery(
            meeting=meeting,
            person=person,
            kind=kind,
            key=keys[person.pk],
            email=person.email,
            next_attempt_at=now,
        )
        for person in people
    ]
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        # bulk_create(ignore_conflicts=True) does not report ids; read back what is queued.
        ids = list(
            Delivery.objects.filter(
                meeting=meeting,
                kind=kind,
                key__in=set(keys.values()),
                person_id__in=list(keys),
                status=DeliveryStatus.QUEUED,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        enqueue_after_commit(ids)
    return ids


def enqueue_after_commit(delivery_ids: list[int]) -> None:
    if delivery_ids:
        transaction.on_commit(partial(deliveries_enqueue, delivery_ids=list(delivery_ids)))


def deliveries_enqueue(*, delivery_ids: list[int]) -> None:
    """One task per delivery. A broker outage is logged, not raised: the rows are committed and
    `deliveries_recover` enqueues them again later."""
    from coordination.tasks import send_delivery

    for delivery_id in delivery_ids:
        try:
            send_delivery.apply_async(kwargs={"delivery_id": delivery_id})
        except Exception:
            logger.exception("could not enqueue deliveries from %s on; recovery will", delivery_id)
            return


# --- sending ------------------------------------------------------------------------------------


def delivery_send(*, delivery_id: int) -> SendResult:
    """Claim, send and record one delivery (see the module docstring for the guarantees)."""
    from coordination.services.notifications_mail import build_message

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
    delivery = Delivery.objects.select_related(
        "person", "meeting", "meeting__region", "meeting__organiser"
    ).get(pk=delivery_id)
    reason = obsolete_reason(delivery, now)
    if reason:
        _finish(delivery, DeliveryStatus.SKIPPED, last_error=reason)
        return SendResult(outcome=DeliveryStatus.SKIPPED)
    try:
        message = build_message(delivery)
    except Exception as exc:  # a broken template must show in the log, not stall the queue
        logger.exception("could not build delivery %s", delivery_id)
        return _attempt_failed(delivery, exc, permanent=False)
    connection = get_connection()
    try:
        connection.open()
        connection.send_messages([message])
        # Accepted by the server: record it now, before QUIT, to keep the window small.
        _record_sent(delivery)
    except (smtplib.SMTPException, OSError) as exc:
        return _attempt_failed(delivery, exc, permanent=_is_permanent(exc))
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.debug("closing the mail connection failed", exc_info=True)
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


def obsolete_reason(delivery: Delivery, now: datetime) -> str:
    """Why a queued message must no longer go out ("" when it should)."""
    meeting = delivery.meeting
    if meeting is None:
        from coordination.services.notifications_digests import digest_context

        if not delivery.person.receives_digests:
            return "digests turned off"
        return "" if digest_context(delivery, now) else "nothing to report"
    kind = delivery.kind
    if kind == DeliveryKind.REMINDER:
        if meeting.status == MeetingStatus.CANCELLED:
            return "meeting cancelled"
        if meeting.starts_at <= now:
            return "meeting already started"
        if not delivery.key.endswith("@" + start_stamp(meeting.starts_at)):
            return "meeting rescheduled"
    if kind in (DeliveryKind.INVITATION, DeliveryKind.UPDATE):
        if meeting.status == MeetingStatus.CANCELLED:
            return "meeting cancelled"
        if meeting.ends_at <= now:
            return "meeting already over"
    if kind == DeliveryKind.UPDATE and delivery.key.split("-")[0] != f"s{meeting.sequence}":
        return "superseded by a later change"
    return ""


def start_stamp(starts_at: datetime) -> str:
    return starts_at.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def _attempt_failed(delivery: Delivery, exc: Exception, *, permanent: bool) -> SendResult:
    error = f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]
    if permanent or delivery.attempts >= settings.PILKADA_DELIVERY_MAX_ATTEMPTS:
        _finish(delivery, DeliveryStatus.FAILED, last_error=error)
        logger.warning("delivery %s failed for good: %s", delivery.pk, error)
        return SendResult(outcome=DeliveryStatus.FAILED)
    wait = retry_delay(delivery.attempts)
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


def person_digests_set(*, person: Person, receives_digests: bool) -> None:
    """A person's own choice about readiness digests; invitations and reminders for meetings
    they are invited to are not covered by it and always go out."""
    person.receives_digests = receives_digests
    person.save(update_fields=["receives_digests"])
