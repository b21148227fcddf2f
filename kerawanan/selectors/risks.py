"""Reads of the register. Every read of risks starts from `risks_visible_to`, the one place the
visibility rules (kerawanan.permissions.visible_q) are applied: the lists, exports, counts, heat
cells, dashboard cells, meeting and task sections and digests all go through it."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from coordination import permissions as core
from coordination.enums import MeetingStatus, TaskStatus
from coordination.models import Meeting, ReadinessTask
from coordination.selectors.meetings import meetings_visible_to
from kerawanan import permissions
from kerawanan.enums import RiskLevel, RiskStatus
from kerawanan.models import Mitigation, Risk, RiskChange


def risks_visible_to(user, *, region: str | list[str] = "") -> QuerySet[Risk]:
    """The risks `user` may read (in the subtree of `region`, or of each of several regions)."""
    regions = [region] if isinstance(region, str) else list(region)
    # The outermost codes only: a province already holds its regencies (a shorter filter).
    regions = [c for c in regions if c and not any(c.startswith(o + ".") for o in regions if o)]
    qs = Risk.objects.all()
    if regions:
        qs = qs.filter(core.subtree_q(regions))
    rule = permissions.visible_q(user, within=regions)
    return qs if rule is None else qs.filter(rule)


def open_mitigation_exists() -> Exists:
    """A mitigation task of the risk that is not done yet (someone is working on it)."""
    return Exists(
        Mitigation.objects.filter(risk_id=OuterRef("pk")).exclude(task__status=TaskStatus.DONE)
    )


def unmitigated_q() -> Q:
    """High and very high risks, not closed, without a mitigation task still open: the
    readiness dashboard's column and the list filter `tanpa_mitigasi`."""
    return (
        Q(level__gte=RiskLevel.HIGH) & ~Q(status=RiskStatus.CLOSED) & ~Q(open_mitigation_exists())
    )


def review_overdue_q(today) -> Q:
    return Q(review_on__lt=today) & ~Q(status=RiskStatus.CLOSED)


@dataclass
class RiskFilters:
    region: str = ""
    category: str = ""
    dimension: int | None = None
    levels: list[int] = field(default_factory=list)
    status: str = ""
    open_only: bool = False
    owner: int | None = None
    visibility: str = ""
    review_overdue: bool = False
    unmitigated: bool = False
    tps_only: bool = False
    q: str = ""


def apply_risk_filters(qs: QuerySet[Risk], filters: RiskFilters) -> QuerySet[Risk]:
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.dimension:
        qs = qs.filter(Q(dimension_id=filters.dimension) | Q(subdimension_id=filters.dimension))
    if filters.levels:
        qs = qs.filter(level__in=filters.levels)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.open_only:
        qs = qs.exclude(status=RiskStatus.CLOSED)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.visibility:
        qs = qs.filter(visibility=filters.visibility)
    if filters.review_overdue:
        qs = qs.filter(review_overdue_q(timezone.localdate()))
    if filters.unmitigated:
        qs = qs.filter(unmitigated_q())
    if filters.tps_only:
        qs = qs.exclude(tps_numbers=[])
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    return qs


def risks_filtered(*, user, filters: RiskFilters) -> QuerySet[Risk]:
    """Graver first, then the nearest review date."""
    qs = apply_risk_filters(risks_visible_to(user, region=filters.region), filters)
    return qs.select_related(
        "region", "region__parent", "owner", "dimension", "subdimension"
    ).order_by("-level", "review_on", "id")


@dataclass(frozen=True)
class MitigationCount:
    total: int = 0
    done: int = 0

    @property
    def all_done(self) -> bool:
        return bool(self.total) and self.done == self.total


def mitigation_counts(*, risk_ids) -> dict[int, MitigationCount]:
    """Per risk: how many mitigation tasks, how many done (one query for a page of risks)."""
    rows = (
        Mitigation.objects.filter(risk_id__in=list(risk_ids))
        .values("risk_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(task__status=TaskStatus.DONE)))
        .order_by()
    )
    return {row["risk_id"]: MitigationCount(row["total"], row["done"]) for row in rows}


def risk_for_detail(*, user, pk: int) -> Risk | None:
    """The risk, or None when it does not exist or `user` may not read it (both answer 404)."""
    return (
        risks_visible_to(user)
        .select_related(
            "region", "region__parent", "owner", "dimension", "subdimension", "created_by"
        )
        .prefetch_related("acting_agencies")
        .filter(pk=pk)
        .first()
    )


def risk_history(*, risk: Risk) -> QuerySet[RiskChange]:
    return risk.changes.select_related("author").order_by("-created_at", "-pk")


def risk_mitigation_tasks(*, risk: Risk) -> QuerySet[ReadinessTask]:
    return (
        ReadinessTask.objects.filter(mitigations__risk=risk)
        .select_related("agency", "region")
        .order_by("due_on", "pk")
    )


def risk_meetings(*, user, risk: Risk) -> QuerySet[Meeting]:
    """Meetings that put the risk on their agenda, among those `user` may see."""
    return (
        meetings_visible_to(user=user).filter(risk_agenda__risk=risk).order_by("-starts_at", "pk")
    )


def agenda_meeting_choices(*, user, risk: Risk) -> QuerySet[Meeting]:
    """Upcoming meetings `user` manages, held for the risk's region or one above it (a handful:
    only the regions on the risk's own path count)."""
    parts = risk.region_id.split(".")
    ancestors = [".".join(parts[: i + 1]) for i in range(len(parts))]
    access = core.access_for(user)
    qs = Meeting.objects.filter(
        region_id__in=ancestors, ends_at__gte=timezone.now(), status=MeetingStatus.SCHEDULED
    )
    if not access.is_superuser:
        qs = qs.filter(core.subtree_q(access.staff_region_codes))
    return qs.exclude(risk_agenda__risk=risk).order_by("starts_at", "pk")
