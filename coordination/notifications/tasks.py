"""The send tasks of the outbox. They live beside `sending.py` because the two call each other:
it enqueues them after a commit, and they ask it to claim and send the rows (the one import
cycle the architecture allows). `coordination.tasks` imports them, so the worker
knows them.

`send_deliveries` carries a batch of row ids (what the outbox enqueues); `send_delivery` one id
(what earlier versions enqueued: a message still in the broker from before an upgrade is sent
the same way).
"""

import logging
from collections import defaultdict

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from coordination.notifications import attempts, sending

logger = logging.getLogger(__name__)

# Far below PILKADA_DELIVERY_STALE_SECONDS: a "sending" row older than that has no living task.
SEND_SOFT_TIME_LIMIT = 60
SEND_TIME_LIMIT = 90
# A database restart or failover: the send is tried again on a fresh connection after this long.
DATABASE_RETRY_SECONDS = 10


@shared_task(
    name="coordination.send_delivery",
    bind=True,
    acks_late=True,
    max_retries=None,  # the outbox decides: retried while the message is useful (its kind says)
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    time_limit=SEND_TIME_LIMIT,
)
def send_delivery(self, *, delivery_id: int) -> str:
    try:
        result = sending.delivery_send(delivery_id=delivery_id)
    except SoftTimeLimitExceeded:
        result = attempts.delivery_abandon_attempt(
            delivery_id=delivery_id, error="time limit exceeded while sending"
        )
    except (OperationalError, InterfaceError) as exc:
        # The row is as it was (queued), or claimed by this attempt and left for the stale sweep:
        # nothing was sent either way, so trying again later can only send it once.
        logger.warning("delivery %s: database unreachable (%s), retrying", delivery_id, exc)
        raise self.retry(countdown=DATABASE_RETRY_SECONDS, exc=exc) from exc
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in)
    if result.outcome.startswith("not claimed"):
        logger.info("delivery %s: %s", delivery_id, result.outcome)
    return str(result.outcome)


@shared_task(
    name="coordination.send_deliveries",
    bind=True,
    acks_late=True,
    max_retries=None,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    time_limit=SEND_TIME_LIMIT,
)
def send_deliveries(self, *, delivery_ids: list[int]) -> dict[str, int]:
    try:
        results = sending.deliveries_send(delivery_ids=delivery_ids)
    except SoftTimeLimitExceeded:
        # The row in flight counts as a failed attempt; the rows claimed after it go back to
        # the queue; the recovery job sends them (PILKADA_DELIVERY_REQUEUE_SECONDS).
        sending.deliveries_abandon(error="time limit exceeded while sending")
        return {"abandoned": 1}
    except (OperationalError, InterfaceError) as exc:
        # Rows still queued are tried again; rows this attempt claimed are left for the stale
        # sweep: nothing was sent that is not recorded, so trying again can only send it once.
        logger.warning("deliveries %s..: database unreachable (%s), retrying", delivery_ids[0], exc)
        raise self.retry(countdown=DATABASE_RETRY_SECONDS, exc=exc) from exc
    retries: dict[int, list[int]] = defaultdict(list)
    outcomes: dict[str, int] = defaultdict(int)
    for delivery_id, result in results.items():
        outcomes[result.outcome] += 1
        if result.retry_in is not None:
            retries[result.retry_in].append(delivery_id)
    if self.request.is_eager:
        # Run in-process (tests, tools), a countdown cannot wait: the rows stay queued with their
        # next_attempt_at and the recovery job sends them once it has passed.
        return dict(outcomes)
    for countdown, ids in sorted(retries.items()):
        sending.deliveries_enqueue(delivery_ids=sorted(ids), countdown=countdown)
    return dict(outcomes)
