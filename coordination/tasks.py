"""Celery tasks of the coordination app: thin wrappers that call the notification package.

Periodic jobs are scheduled in pilkada/settings/celery.py (CELERY_BEAT_SCHEDULE).
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from coordination.notifications import digests, outbox, reminders

logger = logging.getLogger(__name__)

# Far below PILKADA_DELIVERY_STALE_SECONDS: a "sending" row older than that has no living task.
SEND_SOFT_TIME_LIMIT = 60
SEND_TIME_LIMIT = 90


@shared_task(
    name="coordination.send_delivery",
    bind=True,
    acks_late=True,
    max_retries=None,  # the delivery row counts attempts (PILKADA_DELIVERY_MAX_ATTEMPTS)
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
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in)
    if result.outcome.startswith("not claimed"):
        logger.info("delivery %s: %s", delivery_id, result.outcome)
    return str(result.outcome)


@shared_task(name="coordination.dispatch_due_reminders")
def dispatch_due_reminders() -> int:
    return reminders.reminders_dispatch_due()


@shared_task(name="coordination.recover_deliveries")
def recover_deliveries() -> dict:
    return outbox.deliveries_recover()


@shared_task(name="coordination.send_digests")
def send_digests() -> dict:
    return digests.digests_send_due()
