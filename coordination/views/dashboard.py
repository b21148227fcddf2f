"""The readiness dashboard: regions x categories, agency scorecards, overdue list, CSV export."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from coordination import permissions
from coordination.csvio import csv_response
from coordination.enums import AgencyKind, RegionLevel, TaskCategory
from coordination.models import ElectionStage, Region
from coordination.params import query_text
from coordination.selectors.readiness import (
    Cell,
    active_election,
    dashboard,
    dashboard_scope_roots,
    days_until,
    national_summary,
)
from coordination.views.decorators import kpu_staff_required
from coordination.views.tasks import filters_from


@kpu_staff_required
@require_safe
def dashboard_view(request):
    code = query_text(request.GET.get("root"), max_length=13)
    if not code and permissions.can_view_national_summary(request.user):
        return _national(request)
    roots = list(dashboard_scope_roots(user=request.user))
    if not roots:
        raise Http404
    root = roots[0]
    if code:
        # Any province or regency inside the person's scope; anything else is not theirs.
        root = Region.objects.filter(code=code, level__lte=RegionLevel.REGENCY).first()
        if root is None or not permissions.can_manage_region(request.user, root):
            raise Http404
    filters = filters_from(request)
    filters.region = ""
    election = active_election()
    data = dashboard(root=root, filters=filters, election=election)
    if request.GET.get("format") == "csv":
        return _csv(data)
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "coordination/dashboard/index.html",
        {
            "data": data,
            "roots": roots,
            "filters": filters,
            "categories_all": TaskCategory.choices,
            "agency_kinds": AgencyKind.choices,
            "stages": _stages(election),
            "national": permissions.can_view_national_summary(request.user),
            "csv_query": query.urlencode(),
        },
    )


def _national(request):
    """Superusers start from the whole country: one row per province, each a drill-down."""
    filters = filters_from(request)
    filters.region = ""
    election = active_election()
    rows = national_summary(filters=filters, election=election)
    total = Cell()
    for row in rows:
        total.add(row.cell)
    if request.GET.get("format") == "csv":
        return _national_csv(rows)
    query = request.GET.copy()
    query["format"] = "csv"
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
            "csv_query": query.urlencode(),
            "drill_query": drill.urlencode(),
            "national": True,
        },
    )


def _stages(election):
    if election is None:
        return []
    return ElectionStage.objects.filter(election=election).order_by("order")


def _national_csv(rows) -> HttpResponse:
    response, writer = csv_response(f"dasbor-kesiapan-nasional-{timezone.localdate().isoformat()}")
    writer.writerow(["kode", "provinsi", "selesai", "total", "berisiko", "terhambat", "terlambat"])
    for row in rows:
        cell = row.cell
        writer.writerow(
            [row.code, row.name, cell.done, cell.total, cell.at_risk, cell.blocked, cell.overdue]
        )
    return response


def _csv(data) -> HttpResponse:
    response, writer = csv_response(
        f"dasbor-kesiapan-{data.root.code}-{timezone.localdate().isoformat()}"
    )
    writer.writerow(
        ["kode", "wilayah", "kategori", "selesai", "total", "berisiko", "terhambat", "terlambat"]
    )
    for row in data.rows:
        for (value, _label), cell in zip(data.categories, row.cells, strict=True):
            writer.writerow(
                [
                    row.code,
                    row.name,
                    value,
                    cell.done,
                    cell.total,
                    cell.at_risk,
                    cell.blocked,
                    cell.overdue,
                ]
            )
    return response
