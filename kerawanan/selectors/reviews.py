"""Reads behind what the register adds to coordination's pages and mail: the dashboard column,
the meeting and task sections, and overdue reviews in the digests."""

from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from coordination.enums import Role
from coordination.models import Meeting, Membership, ReadinessTask
from kerawanan.models import Risk
from kerawanan.selectors.risks import review_overdue_q, risks_visible_to, unmitigated_q

DIGEST_LIMIT = 15


def unmitigated_counts(*, user, region_codes: list[str]) -> dict[str, int]:
    """Per region code (all of one level): the high and very high risks `user` may see there
    that have no mitigation task still open. One query (two for a person whose KPU regions do
    not hold the rows: the ids of the risks their agencies act on come first)."""
    if not region_codes:
        return {}
    length = max(len(code) for code in region_codes)
    rows = (
        risks_visible_to(user, region=region_codes)
        .filter(unmitigated_q())
        .annotate(child=Substr("region_id", 1, length))
        .values("child")
        .annotate(n=Count("*"))  # COUNT(*), not of the id: the covering index answers it
        .order_by()
    )
    counts = {row["child"]: row["n"] for row in rows}
    return {code: counts.get(code, 0) for code in region_codes}


def meeting_agenda_risks(*, user, meeting: Meeting) -> QuerySet[Risk]:
    return (
        risks_visible_to(user)
        .filter(agenda_items__meeting=meeting)
        .select_related("region", "owner")
        .order_by("-level", "review_on", "pk")
    )


def task_mitigated_risks(*, user, task: ReadinessTask) -> QuerySet[Risk]:
    return (
        risks_visible_to(user)
        .filter(mitigations__task=task)
        .select_related("region")
        .order_by("-level", "pk")
    )


def overdue_review_owner_liaisons(*, zone: str, today: date) -> list[int]:
    """Liaisons of agencies (in time zone `zone`) owning risks whose review date has passed."""
    owners = Risk.objects.filter(review_overdue_q(today)).values("owner_id")
    return list(
        Membership.objects.filter(
            agency_id__in=owners,
            agency__region__timezone=zone,
            agency__is_active=True,
            role=Role.LIAISON,
            is_active=True,
        )
        .values_list("person_id", flat=True)
        .distinct()
    )


def overdue_reviews_owned(*, person, today: date) -> QuerySet[Risk]:
    """Overdue reviews of risks owned by the agencies where `person` is a liaison."""
    agencies = Membership.objects.filter(
        person=person, role=Role.LIAISON, is_active=True, agency__is_active=True
    ).values("agency_id")
    return _overdue(Risk.objects.filter(owner_id__in=agencies), today)


def overdue_reviews_visible(*, person, today: date) -> QuerySet[Risk]:
    """Overdue reviews of every risk `person` may see (the KPU staff's weekly summary)."""
    return _overdue(risks_visible_to(person), today)


def _overdue(qs: QuerySet[Risk], today: date) -> QuerySet[Risk]:
    return (
        qs.filter(review_overdue_q(today))
        .select_related("region", "owner")
        .order_by("review_on", "-level", "pk")
    )
