"""The situation room (/situasi/) and the wall view of a province (/situasi/provinsi/<code>/).

Both answer a conditional GET with 304 while nothing changed: the ETag is made from the
situation version (raised by every incident write), the person, the language, the query and the
current minute (deadlines pass without any write). An unchanged situation costs the session,
one cache lookup and a 304; the page's script asks every 20 seconds.
"""

import hashlib
import time

from django.http import Http404, HttpResponseNotModified
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from coordination import permissions as core
from coordination.enums import RegionLevel
from coordination.models import Agency, Region
from insiden import permissions
from insiden.enums import Category, Severity, Status
from insiden.selectors import situation
from insiden.version import situation_version
from insiden.views.common import filters_from, region_name
from pilkada.common.decorators import predicate_required

REFRESH_SECONDS = 20


def _etag(request, extra: str = "") -> str | None:
    version = situation_version()
    if version is None:
        return None
    minute = int(time.time() // 60)
    raw = "|".join(
        [
            str(version),
            str(request.user.pk),
            translation.get_language() or "",
            request.GET.urlencode(),
            str(minute),
            extra,
        ]
    )
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _not_modified(request, etag: str | None) -> bool:
    if etag is None:
        return False
    wanted = request.headers.get("If-None-Match", "")
    return etag in [tag.strip() for tag in wanted.split(",")]


def _finish(response, etag):
    if etag is not None:
        response["ETag"] = etag
    # Revalidated every time: a cached copy never stands in for a changed situation.
    response["Cache-Control"] = "private, no-cache"
    return response


def _not_modified_response(etag):
    response = HttpResponseNotModified()
    return _finish(response, etag)


@predicate_required(permissions.can_use_desk)
@require_GET
def situation_view(request):
    etag = _etag(request)
    if _not_modified(request, etag):
        return _not_modified_response(etag)
    now = timezone.now()
    filters = filters_from(request)
    zone = situation.province_zone(filters.region) if filters.region else "Asia/Jakarta"
    grid = situation.grid(user=request.user, filters=filters)
    context = {
        "filters": filters,
        "grid": grid,
        "overdue": situation.overdue(user=request.user, filters=filters, now=now),
        "latest": situation.latest(user=request.user, filters=filters),
        "medians": situation.medians_today(user=request.user, filters=filters, now=now, zone=zone),
        "region_label": region_name(filters.region) if filters.region else "",
        "categories": Category.choices,
        "severities": sorted(Severity.choices, reverse=True),
        "statuses": Status.choices,
        "agency_label": Agency.objects.filter(pk=filters.agency)
        .values_list("name", flat=True)
        .first()
        if filters.agency
        else "",
        "refresh": REFRESH_SECONDS,
        "etag": etag or "",
        "now": now,
        "query": request.GET.urlencode(),
        "wall_provinces": _wall_provinces(request.user),
    }
    return _finish(render(request, "insiden/situation.html", context), etag)


def _wall_provinces(user):
    access = core.access_for(user)
    if access.is_superuser:
        return []
    codes = sorted({c[:2] for c in (*access.staff_region_codes, *access.agency_region_codes)})
    return list(Region.objects.filter(code__in=codes).order_by("code").values_list("code", "name"))


@predicate_required(permissions.can_use_desk)
@require_GET
def wall_view(request, code: str):
    province = Region.objects.filter(code=code, level=RegionLevel.PROVINCE).first()
    if province is None:
        raise Http404
    etag = _etag(request, extra=code)
    if _not_modified(request, etag):
        return _not_modified_response(etag)
    now = timezone.now()
    rows = situation.wall(user=request.user, province=province, now=now)
    return _finish(
        render(
            request,
            "insiden/wall.html",
            {
                "province": province,
                "rows": rows,
                "now": now,
                "refresh": REFRESH_SECONDS,
                "etag": etag or "",
                "severities": sorted(Severity.choices, reverse=True),
            },
        ),
        etag,
    )
