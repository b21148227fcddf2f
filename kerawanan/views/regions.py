"""The next step of the region picker, for the small script that fills it in place."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from coordination.models import Region
from kerawanan import permissions
from kerawanan.views.register import region_param
from pilkada.common.decorators import predicate_required


@predicate_required(permissions.can_record_risk)
@require_GET
def region_children(request, code: str):
    """The regions directly below `code` (names are public data; an unknown code has none)."""
    code = region_param(code)
    if not code:
        return JsonResponse({"children": []})
    children = Region.objects.filter(parent_id=code).order_by("name").values("code", "name")
    return JsonResponse({"children": list(children[:1000])})
