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
    children = Region.objects.filter(parent_id=region_param(code) or None).order_by("name")
    return JsonResponse({"children": list(children.values("code", "name")[:1000])})
