"""Celery tasks of webhooks: thin, named, ids as arguments."""

import logging

from celery import shared_task

from api.services.due_soon import due_soon_record
from api.services.idempotency import idempotent_responses_expire
from api.services.webhooks import FAN_OUT_TASK, event_fan_out, events_sweep

logger = logging.getLogger(__name__)


@shared_task(name=FAN_OUT_TASK, acks_late=True)
def fan_out_event(*, event_id: int) -> int:
    return event_fan_out(event_id=event_id)


@shared_task(name="api.sweep")
def sweep() -> dict:
    """Every minute (pilkada/settings/celery.py): events whose fan-out task was lost, and the
    first answers of Idempotency-Keys past their time."""
    return {"events": events_sweep(), "idempotency": idempotent_responses_expire()}


@shared_task(name="api.tasks_due_soon")
def tasks_due_soon() -> int:
    """Hourly (pilkada/settings/celery.py): "task.due_soon" for the tasks due within
    PILKADA_WEBHOOK_DUE_SOON_DAYS, once per task and due date."""
    return due_soon_record()
