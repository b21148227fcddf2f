"""Celery tasks of the outreach app (scheduled in pilkada/settings/celery.py)."""

from celery import shared_task

from outreach.services.requests import PURGE_BATCH, requests_purge

# Batches per run: the daily job catches up with a backlog without one endless transaction.
MAX_BATCHES = 50


@shared_task(name="outreach.purge_request_contacts")
def purge_request_contacts() -> dict:
    total = {"deleted": 0, "purged": 0}
    for _batch in range(MAX_BATCHES):
        done = requests_purge()
        total = {name: total[name] + done[name] for name in total}
        if done["deleted"] < PURGE_BATCH and done["purged"] < PURGE_BATCH:
            break
    return total
