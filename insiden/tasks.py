"""Celery tasks of the incident desk: thin wrappers (the beat job is declared in
pilkada/settings/celery.py, CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from insiden.notifications import escalation
from insiden.services import public_reports


@shared_task(name="insiden.escalate_incidents")
def escalate_incidents() -> dict:
    return escalation.escalations_run()


@shared_task(name="insiden.purge_public_contacts")
def purge_public_contacts() -> int:
    return public_reports.public_contacts_purge()
