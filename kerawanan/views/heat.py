"""Heat tables for staff (what each person may see) and the public summary (counts only)."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coordination.enums import RegionLevel
from coordination.models import Region
from kerawanan import permissions
from kerawanan.enums import RiskLevel
from kerawanan.selectors.heat import AXES, heat_for, public_summary
from kerawanan.views.register import region_param
from pilkada.common.decorators import predicate_required


def _root(code: str, levels) -> Region:
    root = Region.objects.filter(code=region_param(code), level__in=levels).first()
    if root is None:
        raise Http404
    return root


@predicate_required(permissions.can_use_register)
@require_GET
def heat_view(request, code: str = ""):
    """The whole country by province, a province by kabupaten/kota, a regency by kecamatan;
    columns are the categories or (`?sumbu=dimensi`) the IKP dimensions."""
    root = _root(code, (RegionLevel.PROVINCE, RegionLevel.REGENCY)) if code else None
    axis = request.GET.get("sumbu") if request.GET.get("sumbu") in AXES else "kategori"
    table = heat_for(user=request.user, root=root, axis=axis)
    return render(
        request,
        "kerawanan/heat.html",
        {
            "table": table,
            "root": root,
            "axis": axis,
            "column_filter": "dimensi" if axis == "dimensi" else "kategori",
            "drill_rows": root is None or root.level == RegionLevel.PROVINCE,
            "levels": RiskLevel.choices,
        },
    )


@require_GET
def public_summary_view(request, code: str = ""):
    """For everyone, no login: how many open risks per region and category are marked
    "dapat diringkas publik". Never a title, a place below the rows, or a level."""
    root = _root(code, (RegionLevel.PROVINCE,)) if code else None
    return render(
        request, "kerawanan/public_summary.html", {"table": public_summary(root=root), "root": root}
    )
