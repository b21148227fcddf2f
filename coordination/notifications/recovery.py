"""Recovery of deliveries that have no living task, run by the beat job every
PILKADA_DELIVERY_RECOVERY_SECONDS (60 s by default; `pilkada/settings/celery.py`).

- ``sending`` for longer than PILKADA_DELIVERY_STALE_SECONDS: the worker died mid-send (the send
  task's hard time limit is far shorter). Back to ``queued`` and sent again; see the outbox's
  docstring for the window this accepts. Whether the message is still worth sending is decided
  when it is claimed again (the kind's `useful_until`).
- ``queued`` and not picked up PILKADA_DELIVERY_REQUEUE_SECONDS after it was due: its message
  was lost (the worker process died before the commit's enqueue, the broker lost it). Enqueued
  again; the claim makes a still-existing older message harmless. The period is long because a
  queued row may simply be waiting its turn behind a large batch in the broker.
- ``waiting``: no task holds the row, on purpose. Either its enqueue failed (the broker was
  down) or the circuit breaker of its channel is open (the far end is down). Rows whose breaker
  is closed are queued again at once, so mail recorded during a broker outage goes out within
  one recovery period; behind an open breaker whose cooldown is over, the oldest row is queued
  alone as the probe, and when it gets through the outbox queues the rest (`deliveries_resume`).

Rows are locked with SKIP LOCKED so two sweepers share the work instead of doubling it.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coordination.enums import DeliveryStatus
from coordination.models import Delivery
from coordination.notifications.breaker import Breaker
from coordination.notifications.channels import breaker_for, channel_for
from coordination.notifications.sending import enqueue_after_commit

logger = logging.getLogger(__name__)

LOST_WHILE_SENDING = "worker lost while sending; outcome unknown"


def deliveries_recover(*, now: datetime | None = None, limit: int = 5000) -> dict[str, int]:
    """Give every delivery without a living task a new one (see the module docstring)."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.PILKADA_DELIVERY_STALE_SECONDS)
    lost_before = now - timedelta(seconds=settings.PILKADA_DELIVERY_REQUEUE_SECONDS)
    with transaction.atomic():
        stale = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.SENDING, claimed_at__lt=stale_before)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=stale).update(
            status=DeliveryStatus.QUEUED,
            last_error=LOST_WHILE_SENDING,
            next_attempt_at=now,
            updated_at=now,
        )
        lost = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.QUEUED, next_attempt_at__lt=lost_before)
            .exclude(pk__in=stale)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        # Moving the mark forward means the next sweep waits a full period again.
        Delivery.objects.filter(pk__in=lost).update(next_attempt_at=now, updated_at=now)
        resumed, probes = _waiting_requeue(now, limit)
        enqueue_after_commit(sorted(stale + lost + resumed + probes))
    if stale or lost or resumed or probes:
        logger.warning(
            "recovered deliveries: %s stale sending, %s lost in the queue, %s waiting resumed, "
            "%s probes",
            len(stale),
            len(lost),
            len(resumed),
            len(probes),
        )
    return {
        "stale": len(stale),
        "requeued": len(lost),
        "resumed": len(resumed),
        "probes": len(probes),
    }


def _waiting_requeue(now: datetime, limit: int) -> tuple[list[int], list[int]]:
    """Queue the waiting rows whose breaker is closed, and one probe per open breaker whose
    cooldown is over. Returns (resumed ids, probe ids)."""
    resumed: list[int] = []
    probes: list[int] = []
    names = (
        Delivery.objects.filter(status=DeliveryStatus.WAITING)
        .values_list("channel", flat=True)
        .distinct()
    )
    for name in sorted(names):
        try:
            channel = channel_for(name)
        except LookupError:
            logger.error("waiting deliveries for an unregistered channel %r", name)
            continue
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.WAITING, channel=name)
            .order_by("pk")[:limit]
        )
        groups: dict[Breaker, list[int]] = {}
        for row in rows:
            groups.setdefault(breaker_for(channel, row), []).append(row.pk)
        for breaker, ids in groups.items():
            state = breaker.state()
            if not state.open:
                resumed += ids
            elif breaker.probe_due():
                probes.append(ids[0])
    Delivery.objects.filter(pk__in=resumed + probes).update(
        status=DeliveryStatus.QUEUED, next_attempt_at=now, updated_at=now
    )
    return resumed, probes
