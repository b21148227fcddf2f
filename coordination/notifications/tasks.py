"""The send task of the outbox. It lives beside the outbox because the two call each other: the
outbox enqueues it after a commit, and it asks the outbox to claim and send the row (the one
import cycle the architecture allows). `coordination.tasks` imports it, so the worker knows it.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from coordination.notifications import outbox

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
        result = outbox.delivery_send(delivery_id=delivery_id)
    except SoftTimeLimitExceeded:
        result = outbox.delivery_abandon_attempt(
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
