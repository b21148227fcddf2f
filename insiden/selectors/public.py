"""Reads for public reports: the triage queue and its merge suggestions, and the counts the
public summary may show."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import QuerySet, Sum

from coordination import permissions as core
from insiden.enums import VERIFIED, Status, Visibility
from insiden.models import Incident, IncidentCounter
from insiden.selectors.incidents import incidents_visible_to

# A report and an incident this close in time, at the same desa (and TPS) and of the same
# category, are likely the same event.
SUGGESTION_HOURS = 6
MAX_SUGGESTIONS = 5


def triage_queue(*, user) -> QuerySet[Incident]:
    """Public reports awaiting verification that the person's agencies must look at (all of
    them for a superuser), oldest first: the longest wait is answered first."""
    access = core.access_for(user)
    qs = Incident.objects.filter(status=Status.AWAITING)
    if not access.is_superuser:
        qs = qs.filter(agency_id__in=sorted(access.agency_ids))
    return qs.select_related("region__parent", "regency", "agency").order_by("created_at", "id")


def merge_suggestions(*, user, reports) -> dict[int, list[Incident]]:
    """For each report, incidents the person may read that are likely the same event; one query
    for the whole page."""
    reports = list(reports)
    if not reports:
        return {}
    window = timedelta(hours=SUGGESTION_HOURS)
    times = [r.occurred_at for r in reports]
    candidates = (
        incidents_visible_to(user)
        .filter(
            region_id__in={r.region_id for r in reports},
            category__in={r.category for r in reports},
            occurred_at__gte=min(times) - window,
            occurred_at__lte=max(times) + window,
        )
        .exclude(status__in=[Status.AWAITING, Status.DUPLICATE, Status.UNVERIFIED])
        .only("id", "title", "region_id", "category", "tps_number", "occurred_at", "status")
        .order_by("occurred_at", "id")
    )
    by_place = defaultdict(list)
    for candidate in candidates:
        by_place[(candidate.region_id, candidate.category)].append(candidate)
    found = {}
    for report in reports:
        found[report.pk] = [
            c
            for c in by_place[(report.region_id, report.category)]
            if abs(c.occurred_at - report.occurred_at) <= window
            and (not report.tps_number or not c.tps_number or c.tps_number == report.tps_number)
        ][:MAX_SUGGESTIONS]
    return found


def public_summary_counts() -> list[dict]:
    """Incidents that stand (verified; not rahasia) per kabupaten/kota, category and status,
    from the situation room's counters: one query, nothing below the regency, no text."""
    return list(
        IncidentCounter.objects.filter(status__in=list(VERIFIED), count__gt=0)
        .exclude(visibility=Visibility.SECRET)
        .values("regency_id", "regency__name", "regency__parent__name", "category", "status")
        .annotate(total=Sum("count"))
        .order_by("regency_id", "category", "status")
    )
