"""The "task.due_soon" webhook events: an hourly job records one per open task due within
PILKADA_WEBHOOK_DUE_SOON_DAYS and per due date, addressed to the task's agency (the events' fan
out and delivery are `webhooks.py`'s)."""

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.enums import EventType
from api.models import WebhookEvent, WebhookSubscription
from api.services.webhooks import fan_out_enqueue
from coordination.enums import TaskStatus
from coordination.models import ReadinessTask


def due_soon_record(*, today=None) -> int:
    """Record "task.due_soon" for every open task due within PILKADA_WEBHOOK_DUE_SOON_DAYS, once
    per task and due date (the event's unique key: two beats, or a job run again, add nothing),
    addressed to the task's agency; returns how many fan-outs it enqueued. Runs hourly
    (api.tasks)."""
    today = today or timezone.localdate()
    if not WebhookSubscription.objects.filter(is_active=True).exists():
        return 0
    due = (
        ReadinessTask.objects.filter(
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=settings.PILKADA_WEBHOOK_DUE_SOON_DAYS),
        )
        .exclude(status=TaskStatus.DONE)
        .values_list("pk", "agency_id", "due_on")
    )
    new = 0
    for chunk in _chunks(list(due), DUE_SOON_BATCH):
        keys = {
            f"{EventType.TASK_DUE_SOON}:{pk}:{due_on.isoformat()}": (pk, agency)
            for pk, agency, due_on in chunk
        }
        with transaction.atomic():
            WebhookEvent.objects.bulk_create(
                [
                    WebhookEvent(
                        type=EventType.TASK_DUE_SOON, resource="tasks", object_id=str(pk),
                        agencies=[agency], key=key,
                    )
                    for key, (pk, agency) in keys.items()
                ],
                ignore_conflicts=True,
            )  # fmt: skip
            # Those not fanned out yet, this run's or a concurrent one's: a fan-out enqueued
            # twice makes its messages once (event_fan_out).
            pending = WebhookEvent.objects.filter(key__in=list(keys), fanned_out_at__isnull=True)
            ids = list(pending.values_list("pk", flat=True))
            for event_id in ids:
                transaction.on_commit(partial(fan_out_enqueue, event_id))
        new += len(ids)
    return new


DUE_SOON_BATCH = 1000


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
