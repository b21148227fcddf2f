"""The readiness dashboard: regions x categories, agency scorecards, overdue list, CSV export."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from coordination import permissions
from coordination.enums import AgencyKind, RegionLevel, TaskCategory
from coordination.extensions import DASHBOARD_REGION_COLUMNS, contributions
from coordination.models import ElectionStage, Region
from coordination.selectors.dashboard import (
    Cell,
    agency_scorecards,
    dashboard,
    dashboard_scope_roots,
    dashboard_tasks,
    days_until,
)
from coordination.selectors.national import national_summary
from coordination.selectors.readiness import active_election
from coordination.views.tasks import filters_from
from pilkada.common.decorators import predicate_required
from pilkada.common.params import query_text
from pilkada.common.xlsx import export_format, table_response

SCORECARDS_SHOWN = 10
SCORECARDS_PAGE = 50


def _root(request, code: str) -> tuple[Region, list[Region]]:
    """The region whose dashboard is asked for (default: the person's first) and the choices."""
    roots = list(dashboard_scope_roots(user=request.user))
    if not roots:
        raise Http404
    root = roots[0]
    if code:
        # Any province or regency inside the person's scope; anything else is not theirs.
        root = Region.objects.filter(code=code, level__lte=RegionLevel.REGENCY).first()
        if root is None or not permissions.can_manage_region(request.user, root):
            raise Http404
    return root, roots


@predicate_required(permissions.can_view_dashboard)
@require_safe
def dashboard_view(request):
    code = query_text(request.GET.get("root"), max_length=13)
    if not code and permissions.can_view_national_summary(request.user):
        return _national(request)
    root, roots = _root(request, code)
    filters = filters_from(request)
    filters.region = ""
    election = active_election()
    data = dashboard(root=root, filters=filters, election=election)
    fmt = export_format(request)
    if fmt:
        return table_response(
            fmt,
            f"dasbor-kesiapan-{data.root.code}-{timezone.localdate().isoformat()}",
            _rows(data),
            sheet_title=_("Kesiapan"),
        )
    # Other apps' figures per row region (the kerawanan register, ...): see coordination.extensions.
    extra_columns = contributions(
        DASHBOARD_REGION_COLUMNS, user=request.user, region_codes=[row.code for row in data.rows]
    )
    return render(
        request,
        "coordination/dashboard/index.html",
        {
            "data": data,
            "extra_columns": extra_columns,
            "roots": roots,
            "filters": filters,
            "categories_all": TaskCategory.choices,
            "agency_kinds": AgencyKind.choices,
            "stages": _stages(election),
            "national": permissions.can_view_national_summary(request.user),
            "scorecards": data.scorecards[:SCORECARDS_SHOWN],
            "agencies_query": _without(request, "format"),
            **_download_queries(request),
        },
    )


@predicate_required(permissions.can_view_dashboard)
@require_safe
def dashboard_agencies(request):
    """Every agency's scorecard, worst first, a page at a time (the dashboard shows the worst)."""
    root, _roots = _root(request, query_text(request.GET.get("root"), max_length=13))
    filters = filters_from(request)
    filters.region = ""
    election = active_election()
    if election is not None and not filters.election:
        filters.election = election.pk
    cards = agency_scorecards(
        tasks=dashboard_tasks(root=root, filters=filters), root=root, filters=filters
    )
    page = Paginator(cards, SCORECARDS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "coordination/dashboard/agencies.html",
        {
            "root": root,
            "page": page,
            "scorecards": page.object_list,
            "dashboard_query": _without(request, "page"),
        },
    )


def _without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _national(request):
    """Superusers start from the whole country: one row per province, each a drill-down."""
    filters = filters_from(request)
    filters.region = ""
    election = active_election()
    rows = national_summary(filters=filters, election=election)
    total = Cell()
    for row in rows:
        total.add(row.cell)
    fmt = export_format(request)
    if fmt:
        return table_response(
            fmt,
            f"dasbor-kesiapan-nasional-{timezone.localdate().isoformat()}",
            _national_rows(rows),
            sheet_title=_("Kesiapan"),
        )
    drill = request.GET.copy()
    drill.pop("format", None)
    drill.pop("root", None)
    return render(
        request,
        "coordination/dashboard/national.html",
        {
            "rows": rows,
            "roots": rows,  # the province choice of the filter form
            "total": total,
            "election": election,
            "days_to_voting": days_until(election.voting_day) if election else None,
            "filters": filters,
            "categories_all": TaskCategory.choices,
            "agency_kinds": AgencyKind.choices,
            "stages": _stages(election),
            **_download_queries(request),
            "drill_query": drill.urlencode(),
            "national": True,
        },
    )


def _stages(election):
    if election is None:
        return []
    return ElectionStage.objects.filter(election=election).order_by("order")


def _download_queries(request) -> dict:
    """The page's own query with format=csv and format=xlsx, for the download links."""
    query = request.GET.copy()
    links = {}
    for fmt in ("csv", "xlsx"):
        query["format"] = fmt
        links[f"{fmt}_query"] = query.urlencode()
    return links


def _national_rows(rows):
    yield ["kode", "provinsi", "selesai", "total", "berisiko", "terhambat", "terlambat"]
    for row in rows:
        cell = row.cell
        yield [row.code, row.name, cell.done, cell.total, cell.at_risk, cell.blocked, cell.overdue]


def _rows(data):
    yield ["kode", "wilayah", "kategori", "selesai", "total", "berisiko", "terhambat", "terlambat"]
    for row in data.rows:
        for (value, _label), cell in zip(data.categories, row.cells, strict=True):
            yield [
                row.code,
                row.name,
                value,
                cell.done,
                cell.total,
                cell.at_risk,
                cell.blocked,
                cell.overdue,
            ]
