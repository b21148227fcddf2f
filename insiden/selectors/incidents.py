"""Reads of the incident desk. Every read of incidents starts from `incidents_visible_to`, the one
place the visibility rule (insiden.permissions.visible_q) is applied."""

from dataclasses import dataclass

from django.db.models import QuerySet

from coordination import permissions as core
from insiden import permissions
from insiden.enums import OPEN, UNACKNOWLEDGED
from insiden.models import Incident, IncidentHistory


def incidents_visible_to(user, *, region: str = "", as_index: bool = False) -> QuerySet[Incident]:
    qs = Incident.objects.all()
    if region:
        qs = qs.filter(core.subtree_q([region]))
    rule = permissions.visible_q(user, as_index=as_index)
    return qs if rule is None else qs.filter(rule)


@dataclass
class IncidentFilters:
    region: str = ""
    category: str = ""
    severity: int | None = None
    status: str = ""
    agency: int | None = None
    open_only: bool = False
    overdue: bool = False


def apply_filters(qs: QuerySet[Incident], filters: IncidentFilters, *, now=None) -> QuerySet:
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif filters.open_only:
        qs = qs.filter(status__in=list(OPEN))
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    if filters.overdue and now is not None:
        qs = qs.filter(status__in=list(UNACKNOWLEDGED), ack_due_at__lt=now)
    return qs


def incidents_filtered(*, user, filters: IncidentFilters, now=None) -> QuerySet[Incident]:
    qs = apply_filters(incidents_visible_to(user, region=filters.region), filters, now=now)
    return qs.select_related("region", "regency", "agency").order_by("-created_at", "-id")


def incidents_count(*, user, filters: IncidentFilters, now=None) -> int:
    """How many incidents `incidents_filtered` holds. Counted with the visibility rule in its
    index-driven form: the list's ordered page is best served by the hashed form, but a count
    of everything a person sees through it walked the whole table (docs/benchmarks.md)."""
    qs = incidents_visible_to(user, region=filters.region, as_index=True)
    return apply_filters(qs, filters, now=now).count()


def incident_for_detail(*, user, pk: int) -> Incident | None:
    """The incident, or None when it does not exist or `user` may not read it (both 404)."""
    return (
        incidents_visible_to(user)
        .select_related(
            "region",
            "region__parent",
            "regency",
            "agency",
            "reporter",
            "reporter_agency",
            "acknowledged_by",
            "duplicate_of",
            "risk",
        )
        .prefetch_related("involved_agencies")
        .filter(pk=pk)
        .first()
    )


def incident_history(*, incident: Incident) -> QuerySet[IncidentHistory]:
    return incident.history.select_related("author").order_by("created_at", "pk")


def incident_duplicates(*, user, incident: Incident) -> QuerySet[Incident]:
    return incidents_visible_to(user).filter(duplicate_of=incident).order_by("created_at", "pk")
