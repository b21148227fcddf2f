"""What the desk's views share: loading an incident the person may read (404 otherwise) and the
query-string filters."""

import re

from django.http import Http404

from coordination.models import Region
from insiden.enums import Category, Severity, Status
from insiden.selectors.incidents import IncidentFilters, incident_for_detail
from pilkada.common.params import query_id, query_text

REGION_CODE = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")


def region_param(value) -> str:
    code = query_text(value, max_length=13)
    return code if REGION_CODE.fullmatch(code) else ""


def incident_or_404(request, pk: int):
    incident = incident_for_detail(user=request.user, pk=pk)
    if incident is None:
        raise Http404
    return incident


def filters_from(request) -> IncidentFilters:
    """Filters from the query string; unknown values are ignored rather than refused."""
    get = request.GET
    severity = get.get("keparahan", "")
    category = get.get("kategori", "")
    status = get.get("status", "")
    return IncidentFilters(
        region=region_param(get.get("wilayah")),
        category=category if category in Category.values else "",
        severity=int(severity) if severity in {str(v) for v in Severity.values} else None,
        status=status if status in Status.values else "",
        agency=query_id(get.get("lembaga")),
        open_only=get.get("terbuka") == "1",
        overdue=get.get("lewat") == "1",
    )


def region_name(code: str) -> str:
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code
