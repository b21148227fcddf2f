"""The readiness dashboard: regions x categories, agency scorecards, overdue list, CSV export."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from coordination import permissions
from coordination.enums import AgencyKind, RegionLevel, TaskCategory
from coordination.models import ElectionStage, Region
from coordination.selectors.readiness import active_election, dashboard, dashboard_scope_roots
from coordination.views.decorators import kpu_staff_required
from coordination.views.tasks import filters_from


@kpu_staff_required
@require_GET
def dashboard_view(request):
    roots = list(dashboard_scope_roots(user=request.user))
    if not roots:
        raise Http404
    code = request.GET.get("root", "").strip()
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
            "stages": ElectionStage.objects.filter(election=election).order_by("order")
            if election
            else [],
            "csv_query": query.urlencode(),
        },
    )


def _csv(data) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dasbor-kesiapan-{data.root.code}-'
        f'{timezone.localdate().isoformat()}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
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
