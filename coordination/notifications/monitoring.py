"""The state of the outbox for monitoring (`/healthz/mail`): what waits, since when, what failed
lately, and which circuit breakers are open. One aggregate query over the rows that are not
done, plus one cache read per breaker."""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from coordination.enums import DeliveryStatus
from coordination.models import Delivery
from coordination.notifications.breaker import Breaker
from coordination.notifications.channels import channels

PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.WAITING)


@dataclass(frozen=True)
class QueueState:
    queued: int
    waiting: int
    sending: int
    oldest_pending_seconds: int | None
    failed_last_hour: int
    breakers_open: list[str]
    alarms: list[str]

    def as_dict(self) -> dict:
        return asdict(self)


def mail_queue_state(*, now: datetime | None = None) -> QueueState:
    """Counts of the outbox and the reasons to alarm (empty when all is well):
    a breaker open, a message waiting longer than PILKADA_MAIL_ALARM_AGE_SECONDS, or at least
    PILKADA_MAIL_ALARM_FAILURES failures in the last hour."""
    now = now or timezone.now()
    hour_ago = now - timedelta(hours=1)
    row = Delivery.objects.filter(
        Q(status__in=[*PENDING, DeliveryStatus.SENDING])
        | Q(status=DeliveryStatus.FAILED, updated_at__gte=hour_ago)
    ).aggregate(
        queued=Count("pk", filter=Q(status=DeliveryStatus.QUEUED)),
        waiting=Count("pk", filter=Q(status=DeliveryStatus.WAITING)),
        sending=Count("pk", filter=Q(status=DeliveryStatus.SENDING)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        oldest=Min("created_at", filter=Q(status__in=PENDING)),
    )
    oldest = int((now - row["oldest"]).total_seconds()) if row["oldest"] else None
    waiting_channels = set(
        Delivery.objects.filter(status=DeliveryStatus.WAITING)
        .values_list("channel", flat=True)
        .distinct()
    )
    names = sorted({channel.name for channel in channels()} | waiting_channels)
    open_breakers = [name for name in names if Breaker(name).state().open]
    alarms = []
    if open_breakers:
        alarms.append("breaker open: " + ", ".join(open_breakers))
    if oldest is not None and oldest > settings.PILKADA_MAIL_ALARM_AGE_SECONDS:
        alarms.append(f"oldest pending message waits {oldest} s")
    if row["failed"] >= settings.PILKADA_MAIL_ALARM_FAILURES:
        alarms.append(f"{row['failed']} failed in the last hour")
    return QueueState(
        queued=row["queued"],
        waiting=row["waiting"],
        sending=row["sending"],
        oldest_pending_seconds=oldest,
        failed_last_hour=row["failed"],
        breakers_open=open_breakers,
        alarms=alarms,
    )
