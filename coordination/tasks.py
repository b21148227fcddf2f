"""Celery tasks of the coordination app: thin wrappers that call the notification package.

Periodic jobs are scheduled in pilkada/settings/celery.py (CELERY_BEAT_SCHEDULE). The send task
of the outbox is defined beside it (`coordination.notifications.tasks`) and imported here so that
the worker, which discovers `<app>.tasks` modules, registers it.
"""

from celery import shared_task

from coordination.notifications import digests, recovery, reminders
from coordination.notifications.tasks import send_deliveries, send_delivery
from coordination.services import readiness_counts

__all__ = [
    "check_readiness_counts",
    "dispatch_due_reminders",
    "recover_deliveries",
    "roll_over_readiness_counts",
    "send_deliveries",
    "send_delivery",
    "send_digests",
]


@shared_task(name="coordination.dispatch_due_reminders")
def dispatch_due_reminders() -> int:
    return reminders.reminders_dispatch_due()


@shared_task(name="coordination.recover_deliveries")
def recover_deliveries() -> dict:
    return recovery.deliveries_recover()


@shared_task(name="coordination.send_digests")
def send_digests() -> dict:
    return digests.digests_send_due()


@shared_task(name="coordination.roll_over_readiness_counts")
def roll_over_readiness_counts() -> int:
    return readiness_counts.counts_roll_over()


@shared_task(name="coordination.check_readiness_counts")
def check_readiness_counts() -> int:
    return len(readiness_counts.counts_check(repair=True))
