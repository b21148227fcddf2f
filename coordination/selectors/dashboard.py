"""Reads of the readiness dashboard: the region x category matrix, the agency scorecards and
the national summary, from the readiness counters where they can answer (the counters are kept
by the database, `coordination/models/readiness_counts.py`) and from the tasks where they cannot.

Every aggregation runs in the database (one grouped query per table on the dashboard), so the
number of queries stays the same from one regency to the whole country.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from coordination import permissions
from coordination.enums import AgencyKind, RegionLevel, TaskCategory, TaskStatus
from coordination.models import (
    Agency,
    Election,
    ReadinessCount,
    ReadinessCountState,
    ReadinessTask,
    Region,
)
from coordination.selectors.readiness import (
    ATTENTION_STATUSES,
    TaskFilters,
    apply_task_filters,
)


@dataclass
class Cell:
    total: int = 0
    done: int = 0
    at_risk: int = 0
    blocked: int = 0
    overdue: int = 0

    @property
    def level(self) -> str:
        """ok / bad / warn / info / empty: the colour, always shown together with words."""
        if not self.total:
            return "empty"
        if self.done == self.total:
            return "ok"
        if self.blocked or self.overdue:
            return "bad"
        if self.at_risk:
            return "warn"
        return "info"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def add(self, other: "Cell") -> None:
        self.total += other.total
        self.done += other.done
        self.at_risk += other.at_risk
        self.blocked += other.blocked
        self.overdue += other.overdue


@dataclass
class MatrixRow:
    code: str
    name: str
    cells: list[Cell]
    total: Cell = field(default_factory=Cell)


@dataclass
class Dashboard:
    root: Region
    election: Election | None
    days_to_voting: int | None
    categories: list[tuple[str, str]]
    rows: list[MatrixRow]
    totals: list[Cell]
    grand_total: Cell
    scorecards: list[dict]
    overdue: list[ReadinessTask]

    @property
    def days_since_voting(self) -> int | None:
        return -self.days_to_voting if self.days_to_voting is not None else None


def task_counts() -> dict:
    today = timezone.localdate()
    not_done = ~Q(status=TaskStatus.DONE)
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(status=TaskStatus.DONE)),
        "at_risk": Count("pk", filter=Q(status=TaskStatus.AT_RISK)),
        "blocked": Count("pk", filter=Q(status=TaskStatus.BLOCKED)),
        "overdue": Count("pk", filter=Q(due_on__lt=today) & not_done),
    }


# --- counters (coordination/models/readiness_counts.py) ----------------------------------------


def counters_answer(filters: TaskFilters) -> bool:
    """Whether the counter tables can answer these filters. A stage or a title search is not in
    their key: those (rarer) views count the tasks. SQLite has no counters."""
    return connection.vendor == "postgresql" and not filters.stage and not filters.q


def counter_sums() -> dict:
    """The cell's figures summed from counter rows, and the day their overdue flags are for (the
    same in every row: read in the same query, so no extra round trip)."""
    return {
        "total": Coalesce(Sum("tasks"), 0),
        "done": Coalesce(Sum("tasks", filter=Q(status=TaskStatus.DONE)), 0),
        "at_risk": Coalesce(Sum("tasks", filter=Q(status=TaskStatus.AT_RISK)), 0),
        "blocked": Coalesce(Sum("tasks", filter=Q(status=TaskStatus.BLOCKED)), 0),
        "overdue": Coalesce(Sum("tasks", filter=Q(past_due=True)), 0),
        "as_of": Max(Subquery(ReadinessCountState.objects.order_by("pk").values("as_of")[:1])),
    }


def counter_filters(qs: QuerySet, filters: TaskFilters) -> QuerySet:
    if filters.election:
        qs = qs.filter(election_id=filters.election)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    if filters.agency_kind:
        qs = qs.filter(agency__kind=filters.agency_kind)
    if filters.overdue:
        qs = qs.filter(past_due=True)
    if filters.attention:
        qs = qs.filter(Q(status__in=ATTENTION_STATUSES) | Q(past_due=True))
    return qs.exclude(tasks=0)


def counted(entries: list[dict], filters: TaskFilters) -> list[dict] | None:
    """The grouped counter rows, or None when their overdue flags are not for today (the daily
    roll-over has not run yet): then the caller counts the tasks."""
    today = timezone.localdate()
    for entry in entries:
        if entry["as_of"] != today:
            return None
    if not entries and (filters.overdue or filters.attention):
        # No row says which day they are for, and these filters depend on it.
        day = ReadinessCountState.objects.order_by("pk").values_list("as_of", flat=True).first()
        if day != today:
            return None
    return entries


def dashboard_scope_roots(*, user) -> QuerySet[Region]:
    """The provinces and regencies whose dashboard the person may open."""
    access = permissions.access_for(user)
    if access.is_superuser:
        return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")
    return Region.objects.filter(code__in=access.staff_region_codes).order_by("code")


def dashboard_tasks(*, root: Region, filters: TaskFilters) -> QuerySet[ReadinessTask]:
    qs = ReadinessTask.objects.filter(permissions.subtree_q([root.code]))
    return apply_task_filters(qs, filters)


def dashboard(
    *, root: Region, filters: TaskFilters, election: Election | None, overdue_limit: int = 20
) -> Dashboard:
    """Regions x categories with done/total, at-risk, blocked and overdue counts.

    Rows are the kabupaten/kota of a province (or the one regency); tasks in a district or a
    village count for their regency, and province-level tasks get their own row. Five queries
    whatever the size: regions, the grouped matrix, the grouped scorecards, the overdue list and
    nothing else.
    """
    if election is not None and not filters.election:
        filters.election = election.pk
    tasks = dashboard_tasks(root=root, filters=filters)
    categories = [(v, str(label)) for v, label in TaskCategory.choices]
    if filters.category:
        categories = [(v, label) for v, label in categories if v == filters.category]
    if root.level == RegionLevel.PROVINCE:
        regions = [root, *Region.objects.filter(parent=root).order_by("code")]
    else:
        regions = [root]
    index = {code: i for i, (code, _label) in enumerate(categories)}
    rows = {
        r.code: MatrixRow(code=r.code, name=r.name, cells=[Cell() for _c in categories])
        for r in regions
    }
    grouped = _matrix_counted(root=root, filters=filters) if counters_answer(filters) else None
    if grouped is None:
        if root.level == RegionLevel.PROVINCE:
            group = Case(
                When(region_id=root.code, then=Value(root.code)),
                default=Substr("region_id", 1, 5),
            )
        else:
            group = Value(root.code)
        grouped = (
            tasks.annotate(group=group)
            .values("group", "category")
            .annotate(**task_counts())
            .order_by()
        )
    for entry in grouped:
        row = rows.get(entry["group"])
        column = index.get(entry["category"])
        if row is None or column is None:
            continue
        cell = Cell(**{k: entry[k] for k in ("total", "done", "at_risk", "blocked", "overdue")})
        row.cells[column].add(cell)
        row.total.add(cell)
    matrix = [row for row in rows.values() if row.total.total or row.code != root.code]
    totals = [Cell() for _c in categories]
    grand = Cell()
    for row in matrix:
        for i, cell in enumerate(row.cells):
            totals[i].add(cell)
        grand.add(row.total)
    scorecards = agency_scorecards(tasks=tasks, root=root, filters=filters)
    # The ids first, from the covering index alone (no table visit for the thousands of
    # candidates of a province), then the few rows shown, with their region and agency.
    overdue_ids = (
        tasks.filter(due_on__lt=timezone.localdate())
        .exclude(status=TaskStatus.DONE)
        .order_by("due_on", "pk")
        .values("pk")[:overdue_limit]
    )
    overdue = list(
        ReadinessTask.objects.filter(pk__in=overdue_ids)
        .select_related("region", "agency")
        .order_by("due_on", "pk")
    )
    days = (election.voting_day - timezone.localdate()).days if election else None
    return Dashboard(
        root=root,
        election=election,
        days_to_voting=days,
        categories=categories,
        rows=matrix,
        totals=totals,
        grand_total=grand,
        scorecards=scorecards,
        overdue=overdue,
    )


def _matrix_counted(*, root: Region, filters: TaskFilters) -> list[dict] | None:
    """The dashboard's regions x categories from the counters: their region code is already the
    row (the regency, or the province for province-level tasks)."""
    rows = counter_filters(
        ReadinessCount.objects.filter(region_code__startswith=root.code), filters
    )
    entries = list(
        rows.annotate(group=F("region_code"))
        .values("group", "category")
        .annotate(**counter_sums())
        .order_by()
    )
    return counted(entries, filters)


SCORECARD_FIELDS = ("agency_id", "agency__name", "agency__kind", "agency__region__name")
SCORECARD_ORDER = ("-overdue", "-blocked", "-at_risk", "done_share", "agency__name")


def _done_share() -> ExpressionWrapper:
    return ExpressionWrapper(F("done") * 1.0 / F("total"), output_field=FloatField())


def _scorecards_counted(*, root: Region, filters: TaskFilters) -> list[dict] | None:
    """Two queries: the counter rows of the root's regions summed per agency (thousands of rows
    become a few hundred before anything is joined), then those agencies' names."""
    rows = counter_filters(
        ReadinessCount.objects.filter(region_code__startswith=root.code), filters
    )
    entries = counted(list(rows.values("agency_id").annotate(**counter_sums()).order_by()), filters)
    if entries is None:
        return None
    names = {
        agency["pk"]: agency
        for agency in Agency.objects.filter(pk__in=[e["agency_id"] for e in entries]).values(
            "pk", "name", "kind", "region__name"
        )
    }
    for entry in entries:
        agency = names[entry["agency_id"]]
        entry["agency__name"] = agency["name"]
        entry["agency__kind"] = agency["kind"]
        entry["agency__region__name"] = agency["region__name"]
        entry["done_share"] = entry["done"] * 1.0 / entry["total"] if entry["total"] else None
    # The order of SCORECARD_ORDER: most overdue, blocked, at risk first, then the smallest
    # share done, then the name.
    entries.sort(
        key=lambda e: (-e["overdue"], -e["blocked"], -e["at_risk"], e["done_share"] or 0.0,
                       e["agency__name"])
    )  # fmt: skip
    return entries


def agency_scorecards(
    *,
    tasks: QuerySet[ReadinessTask],
    root: Region | None = None,
    filters: TaskFilters | None = None,
) -> list[dict]:
    """One row per responsible agency, worst first: most overdue, then blocked, then at risk,
    then the smallest share done. One query: from the counters when `root` and `filters` say
    what `tasks` are and the counters answer them, else over `tasks`."""
    cards = None
    if root is not None and filters is not None and counters_answer(filters):
        cards = _scorecards_counted(root=root, filters=filters)
    if cards is None:
        cards = list(
            tasks.values(*SCORECARD_FIELDS)
            .annotate(**task_counts())
            .annotate(done_share=_done_share())
            .order_by(*SCORECARD_ORDER)
        )
    for card in cards:
        card["cell"] = Cell(
            **{k: card[k] for k in ("total", "done", "at_risk", "blocked", "overdue")}
        )
        card["kind_label"] = AgencyKind(card["agency__kind"]).label
    return cards


def days_until(day: date) -> int:
    return (day - timezone.localdate()).days
