"""Celery tasks of the incident desk: thin wrappers (the beat job is declared in
pilkada/settings/celery.py, CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from insiden.notifications import escalation


@shared_task(name="insiden.escalate_incidents")
def escalate_incidents() -> dict:
    return escalation.escalations_run()
