"""The situation room's reads: the grid (regions x categories, with severity), the incidents past
their deadline, the latest incidents, today's medians, and the wall view of a province.

Counts come from the counters (insiden.models.IncidentCounter, kept in the transaction of every
incident write) wherever the person's scope is made of whole regencies: a few hundred rows
instead of a million incidents. What a person sees beyond such subtrees (incidents of their own
agency elsewhere, their own reports, a district-level agency's district) is counted from the
incidents themselves, excluding what the counters already hold, so nothing is counted twice.
"""

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Func,
    Min,
    Q,
    Sum,
)
from django.db.models.functions import Substr

from coordination import permissions as core
from coordination.enums import RegionLevel
from coordination.models import Region
from insiden import permissions
from insiden.enums import OPEN, UNACKNOWLEDGED, Category, Severity, Visibility
from insiden.models import Incident, IncidentCounter, IncidentOpenCounter
from insiden.selectors.incidents import IncidentFilters, apply_filters, incidents_visible_to

LIST_LIMIT = 15


class Seconds(Func):
    """Seconds from the first timestamp to the second."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "
    output_field = FloatField()


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class Scope:
    """The person's view split into what counters answer and what must be counted directly."""

    everything: bool = False
    all_codes: tuple[str, ...] = ()  # regency or province codes, every visibility
    restricted_codes: tuple[str, ...] = ()  # regency or province codes, terbatas only
    extra: Q | None = None  # incidents beyond those subtrees (counted directly)


def scope_for(user) -> Scope:
    access = core.access_for(user)
    if access.is_superuser:
        return Scope(everything=True)
    all_codes = tuple(c for c in access.staff_region_codes if len(c) <= 5)
    restricted = tuple(
        c
        for c in access.agency_region_codes
        if len(c) <= 5 and not core.region_code_in_scope(c, all_codes)
    )
    deep = tuple(c for c in access.agency_region_codes if len(c) > 5)
    extra = Q(reporter_id=user.pk)
    if access.agency_ids:
        extra |= permissions.involved_q(access.agency_ids, as_index=True)
    if deep:
        extra |= ~Q(visibility=Visibility.SECRET) & core.subtree_q(deep)
    covered = core.subtree_q(all_codes) | (
        ~Q(visibility=Visibility.SECRET) & core.subtree_q(restricted)
    )
    return Scope(all_codes=all_codes, restricted_codes=restricted, extra=Q(extra) & ~Q(covered))


def _counter_filter(scope: Scope, filters: IncidentFilters) -> Q:
    query = Q()
    if not scope.everything:
        query = core.subtree_q(scope.all_codes, field="regency") | (
            Q(visibility=Visibility.RESTRICTED)
            & core.subtree_q(scope.restricted_codes, field="regency")
        )
    if filters.region:
        query &= Q(regency__pk__startswith=filters.region)
    if filters.category:
        query &= Q(category=filters.category)
    if filters.severity:
        query &= Q(severity=filters.severity)
    if filters.status:
        query &= Q(status=filters.status)
    else:
        query &= Q(status__in=list(OPEN))
    return query


def _open_counter_filter(scope: Scope, filters: IncidentFilters, level: str) -> Q:
    if scope.everything and level == "province":
        query = Q(level=IncidentOpenCounter.Level.PROVINCE)
    else:
        query = Q(level=IncidentOpenCounter.Level.REGENCY)
    if not scope.everything:
        query &= core.subtree_q(scope.all_codes) | (
            Q(visibility=Visibility.RESTRICTED) & core.subtree_q(scope.restricted_codes)
        )
    if filters.region:
        query &= Q(region__pk__startswith=filters.region)
    if filters.category:
        query &= Q(category=filters.category)
    if filters.severity:
        query &= Q(severity=filters.severity)
    return query


def _counter_rows(scope: Scope, filters: IncidentFilters, level: str):
    """The grid's counts per row, category and severity from the counters: the open counter
    unless a status is asked for (its province rows for the whole country)."""
    if filters.status:
        model, column, query = IncidentCounter, "regency_id", _counter_filter(scope, filters)
    else:
        model, column = IncidentOpenCounter, "region_id"
        query = _open_counter_filter(scope, filters, level)
    key = Substr(column, 1, 2) if level == "province" else F(column)
    return (
        model.objects.filter(query)
        .annotate(row=key)
        .values("row", "category", "severity")
        .annotate(n=Sum("count"))
        .filter(n__gt=0)
        .order_by()
    )


def _counters_usable(filters: IncidentFilters) -> bool:
    # Counters are per regency and know no agency: a district filter or an agency filter
    # counts the incidents themselves (an indexed subtree or agency, so still small).
    return len(filters.region) <= 5 and not filters.agency


def _row_key(filters: IncidentFilters, scope: Scope) -> str:
    """Rows of the grid: provinces for the whole country, else regencies."""
    if filters.region:
        return "regency"
    if scope.everything:
        return "province"
    codes = {c[:2] for c in (*scope.all_codes, *scope.restricted_codes)}
    return "regency" if len(codes) <= 1 else "province"


@dataclass
class Cell:
    total: int = 0
    by_severity: dict = field(default_factory=dict)

    @property
    def worst(self) -> int:
        return max((s for s, n in self.by_severity.items() if n), default=0)

    @property
    def critical(self) -> int:
        return self.by_severity.get(Severity.CRITICAL, 0)


@dataclass
class Grid:
    rows: list  # [(code, name, {category: Cell}, total)]
    categories: list
    totals: dict

    @property
    def table(self) -> list:
        """The rows with a cell for every category in column order, as the page draws them
        (hundreds of cells at the whole country's size: no lookups left to the template)."""
        return [
            (code, name, [(cat, cells.get(cat) or Cell()) for cat, _l in self.categories], total)
            for code, name, cells, total in self.rows
        ]


def grid(*, user, filters: IncidentFilters) -> Grid:
    scope = scope_for(user)
    by_row: dict[str, dict[str, Cell]] = {}
    level = _row_key(filters, scope)

    def add(code, category, severity, n):
        cell = by_row.setdefault(code, {}).setdefault(category, Cell())
        cell.total += n
        cell.by_severity[severity] = cell.by_severity.get(severity, 0) + n

    if _counters_usable(filters):
        for row in _counter_rows(scope, filters, level):
            add(row["row"], row["category"], row["severity"], row["n"])
        direct = Incident.objects.filter(scope.extra) if scope.extra is not None else None
    else:
        direct = incidents_visible_to(user)
    if direct is not None:
        if filters.region:
            direct = direct.filter(core.subtree_q([filters.region]))
        direct = apply_filters(direct, _open_unless_status(filters))
        key = Substr("regency_id", 1, 2) if level == "province" else F("regency_id")
        for row in (
            direct.annotate(row=key)
            .values("row", "category", "severity")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            add(row["row"], row["category"], row["severity"], row["n"])
    names = dict(Region.objects.filter(code__in=list(by_row)).values_list("code", "name"))
    categories = [c for c in Category.choices if not filters.category or c[0] == filters.category]
    rows = sorted(
        (
            (code, names.get(code, code), cells, sum(c.total for c in cells.values()))
            for code, cells in by_row.items()
        ),
        key=lambda r: r[0],
    )
    totals = {cat: sum(r[2].get(cat, Cell()).total for r in rows) for cat, _l in categories}
    return Grid(rows=rows, categories=categories, totals=totals)


def _open_unless_status(filters: IncidentFilters) -> IncidentFilters:
    return IncidentFilters(
        category=filters.category,
        severity=filters.severity,
        status=filters.status,
        agency=filters.agency,
        open_only=not filters.status,
    )


def overdue(*, user, filters: IncidentFilters, now: datetime, limit: int = LIST_LIMIT):
    """Unacknowledged incidents past their deadline, the longest overdue first."""
    qs = apply_filters(incidents_visible_to(user, region=filters.region), _no_status(filters))
    ids = qs.filter(status__in=list(UNACKNOWLEDGED), ack_due_at__lt=now).order_by(
        "ack_due_at", "pk"
    )
    return _rows_of(ids[:limit], "ack_due_at", "pk")


def _rows_of(ids, *order):
    """The incidents of an ordered, limited read, in one query: the ids are chosen from a
    covering index alone (an index-only walk that skips what the person may not see without
    visiting the table), then only those rows are read with their regency and agency."""
    return list(
        Incident.objects.filter(pk__in=ids.values("pk"))
        .select_related("regency", "agency")
        .order_by(*order)
    )


def _no_status(filters: IncidentFilters) -> IncidentFilters:
    return IncidentFilters(
        category=filters.category, severity=filters.severity, agency=filters.agency
    )


def latest(*, user, filters: IncidentFilters, limit: int = LIST_LIMIT):
    qs = apply_filters(incidents_visible_to(user, region=filters.region), filters)
    return _rows_of(qs.order_by("-created_at", "-id")[:limit], "-created_at", "-id")


def day_start(now: datetime, zone: str) -> datetime:
    local = now.astimezone(ZoneInfo(zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def medians_today(*, user, filters: IncidentFilters, now: datetime, zone: str) -> dict:
    """Median minutes from report to acknowledgement and to resolution, for incidents reported
    today (in `zone`)."""
    qs = apply_filters(incidents_visible_to(user, region=filters.region), _no_status(filters))
    qs = qs.filter(created_at__gte=day_start(now, zone))
    if connection.vendor != "postgresql":
        return _medians_in_python(qs)
    result = qs.aggregate(
        ack=Median(
            Seconds(F("acknowledged_at"), F("created_at")),
            filter=Q(acknowledged_at__isnull=False),
        ),
        resolve=Median(
            Seconds(F("resolved_at"), F("created_at")), filter=Q(resolved_at__isnull=False)
        ),
        reported=Count("pk"),
    )
    return {
        "ack": _minutes(result["ack"]),
        "resolve": _minutes(result["resolve"]),
        "reported": result["reported"],
    }


def _medians_in_python(qs) -> dict:
    """SQLite (development only) has no PERCENTILE_CONT: the same figures from the rows."""
    rows = list(qs.values_list("created_at", "acknowledged_at", "resolved_at"))

    def median(ends) -> int | None:
        spans = [(end - start).total_seconds() for start, end in ends if end is not None]
        return _minutes(statistics.median(spans)) if spans else None

    return {
        "ack": median((created, acknowledged) for created, acknowledged, _r in rows),
        "resolve": median((created, resolved) for created, _a, resolved in rows),
        "reported": len(rows),
    }


def _minutes(value) -> int | None:
    return None if value is None else round(float(value) / 60)


# --- the wall view of a province ----------------------------------------------------------------


@dataclass
class WallRow:
    code: str
    name: str
    open_by_severity: dict
    open_total: int
    unacked: int
    overdue: int
    oldest: Incident | None


def wall(*, user, province: Region, now: datetime) -> list[WallRow]:
    """Every regency of the province: open incidents by severity, unacknowledged and overdue
    counts, and the oldest unacknowledged incident."""
    regencies = list(
        Region.objects.filter(parent=province, level=RegionLevel.REGENCY)
        .order_by("code")
        .values_list("code", "name")
    )
    filters = IncidentFilters(region=province.pk)
    g = grid(user=user, filters=filters)
    by_code = {code: cells for code, _n, cells, _t in g.rows}
    visible = incidents_visible_to(user, region=province.pk).filter(status__in=list(UNACKNOWLEDGED))
    stats = {
        row["regency_id"]: row
        for row in visible.values("regency_id")
        .annotate(
            unacked=Count("pk"),
            overdue=Count("pk", filter=Q(ack_due_at__lt=now)),
            oldest=Min("created_at"),
        )
        .order_by()
    }
    oldest_ids = {}
    if stats and connection.features.can_distinct_on_fields:
        for row in (
            visible.order_by("regency_id", "created_at", "pk")
            .distinct("regency_id")
            .values("regency_id", "pk")
        ):
            oldest_ids[row["regency_id"]] = row["pk"]
    elif stats:  # SQLite (development only): the first of each regency, read in order
        for row in visible.order_by("created_at", "pk").values("regency_id", "pk"):
            oldest_ids.setdefault(row["regency_id"], row["pk"])
    oldest = Incident.objects.in_bulk(list(oldest_ids.values()))
    rows = []
    for code, name in regencies:
        cells = by_code.get(code, {})
        severity = dict.fromkeys(Severity.values, 0)
        for cell in cells.values():
            for s, n in cell.by_severity.items():
                severity[s] += n
        stat = stats.get(code, {})
        rows.append(
            WallRow(
                code=code,
                name=name,
                open_by_severity=dict(sorted(severity.items(), reverse=True)),
                open_total=sum(severity.values()),
                unacked=stat.get("unacked", 0),
                overdue=stat.get("overdue", 0),
                oldest=oldest.get(oldest_ids.get(code)),
            )
        )
    return rows


def province_zone(code: str) -> str:
    region = Region.objects.filter(code=code[:2]).only("timezone").first()
    return region.timezone if region else "Asia/Jakarta"


__all__ = ["grid", "latest", "medians_today", "overdue", "permissions", "scope_for", "wall"]
