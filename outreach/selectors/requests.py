"""Reads of public outreach requests: the staff list and page, and the counts beside coverage."""

from django.db.models import Count, Q, QuerySet

from outreach import permissions
from outreach.enums import COUNTED_REQUEST_STATUSES, PENDING_REQUEST_STATUSES, RequestStatus
from outreach.models import OutreachRequest

# The list's filter values besides single statuses: what still waits for KPU's answer.
PENDING = "perlu_tanggapan"
DISPLAY_RELATED = ("region__parent__parent",)


def managed_requests(*, user, status: str = PENDING) -> QuerySet[OutreachRequest]:
    """Confirmed requests in the person's regions, newest first (unconfirmed ones count nowhere
    and are not shown)."""
    qs = OutreachRequest.objects.filter(permissions.managed_requests_q(user))
    if status == PENDING:
        qs = qs.filter(status__in=PENDING_REQUEST_STATUSES)
    elif status in COUNTED_REQUEST_STATUSES:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=COUNTED_REQUEST_STATUSES)
    return qs.select_related(*DISPLAY_RELATED).order_by("-created_at", "-id")


def managed_request_get(*, user, pk: int) -> OutreachRequest | None:
    """One confirmed request the person answers, or None (another region's answers like a
    missing one)."""
    return (
        OutreachRequest.objects.filter(permissions.managed_requests_q(user))
        .filter(status__in=COUNTED_REQUEST_STATUSES)
        .select_related(*DISPLAY_RELATED, "event", "answered_by")
        .filter(pk=pk)
        .first()
    )


def pending_count(*, user) -> int:
    return (
        OutreachRequest.objects.filter(permissions.managed_requests_q(user))
        .filter(status__in=PENDING_REQUEST_STATUSES)
        .count()
    )


def request_counts(*, field: str, **filters) -> dict[str, dict[str, int]]:
    """Confirmed requests grouped by a code column (`district_code`, `regency_code`): received,
    still waiting, accepted."""
    rows = (
        OutreachRequest.objects.filter(status__in=COUNTED_REQUEST_STATUSES, **filters)
        .values(field)
        .annotate(
            received=Count("id"),
            pending=Count("id", filter=Q(status__in=PENDING_REQUEST_STATUSES)),
            accepted=Count("id", filter=Q(status=RequestStatus.ACCEPTED)),
        )
    )
    return {row[field]: row for row in rows}
