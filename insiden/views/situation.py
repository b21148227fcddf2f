"""The situation room (/situasi/) and the wall view of a province (/situasi/provinsi/<code>/).

Both answer a conditional GET with 304 while nothing changed: the ETag is made from the
situation version (raised by every incident write), the person, the language, the query and the
current minute (deadlines pass without any write). An unchanged situation costs the session,
one cache lookup and a 304; the page's script asks every 20 seconds.

While reports stream in (voting day: many a second) the version moves between any two requests.
A page made less than PILKADA_SITUATION_SETTLE_SECONDS ago is then served again as it was (its
ETag with it), so each screen's view is computed at most once per that interval, not once per
refresh of every screen.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
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


def _now() -> float:
    """The clock of the settle interval (tests move it)."""
    return time.time()


def _identity(request, extra: str) -> str:
    raw = "|".join(
        [str(request.user.pk), translation.get_language() or "", request.GET.urlencode(), extra]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _etag(identity: str, version: int, minute: int) -> str:
    raw = f"{version}|{minute}|{identity}"
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


def _conditional(request, build, extra: str = ""):
    """The page (or a 304) from what was stored for this person and query when it is current
    or younger than the settle interval; otherwise `build(etag)` makes and stores it."""
    version = situation_version()
    if version is None:  # no shared cache: every request computes
        return _finish(build(""), None)
    identity = _identity(request, extra)
    minute = int(_now() // 60)
    settle = settings.PILKADA_SITUATION_SETTLE_SECONDS
    meta_key, body_key = f"insiden:room:{identity}", f"insiden:room:{identity}:body"
    stored = cache.get(meta_key)
    if stored is not None:
        etag, stored_version, stored_minute, made = stored
        current = (stored_version, stored_minute) == (version, minute)
        if current or _now() - made < settle:
            if _not_modified(request, etag):
                return _finish(HttpResponseNotModified(), etag)
            body = cache.get(body_key)
            if body is not None:
                return _finish(HttpResponse(body), etag)
    etag = _etag(identity, version, minute)
    if _not_modified(request, etag):
        return _finish(HttpResponseNotModified(), etag)
    response = build(etag)
    if response.status_code == 200:
        # Kept a little longer than the refresh interval: a screen's next conditional request
        # finds its ETag here while nothing changed.
        keep = max(settle, REFRESH_SECONDS) * 3
        cache.set_many(
            {meta_key: (etag, version, minute, _now()), body_key: response.content}, keep
        )
    return _finish(response, etag)


@predicate_required(permissions.can_use_desk)
@require_GET
def situation_view(request):
    return _conditional(request, lambda etag: _situation_page(request, etag))


def _situation_page(request, etag: str):
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
        "etag": etag,
        "now": now,
        "query": request.GET.urlencode(),
        "wall_provinces": _wall_provinces(request.user),
    }
    return render(request, "insiden/situation.html", context)


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

    def page(etag: str):
        now = timezone.now()
        context = {
            "province": province,
            "rows": situation.wall(user=request.user, province=province, now=now),
            "now": now,
            "refresh": REFRESH_SECONDS,
            "etag": etag,
            "severities": sorted(Severity.choices, reverse=True),
        }
        return render(request, "insiden/wall.html", context)

    return _conditional(request, page, extra=code)
