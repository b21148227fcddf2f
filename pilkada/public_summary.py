"""The public situation summary ("Ringkasan situasi") and its open data (JSON, CSV).

It joins two apps, the incident desk's counts and outreach's requests, so it lives in the site
shell, which may read every app (no app may import the incident desk: pyproject.toml). Only what
is publicly summarisable: incidents that stand (verified: not awaiting verification, archived
or merged), never rahasia ones, counted per kabupaten/kota, category and status; no text, nothing
below the regency. The figures are computed at most every PILKADA_PUBLIC_SUMMARY_SECONDS (15
minutes) and cached in the shared cache; responses carry the same max-age and an ETag of the
figures, so a client that has them gets a 304.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from coordination.models import Election, Region
from insiden.enums import Category, Status
from insiden.selectors.public import public_summary_counts
from outreach.selectors.requests import request_counts
from pilkada.common.csvio import csv_response

CACHE_KEY = "pilkada:public-summary:v1"
# One table for both: `jenis` says which count a row is ("insiden": verified incidents of a
# category and status; "permintaan_sosialisasi": requests "diterima" (received) or "dijawab"
# (answered), without a category).
CSV_HEADER = [
    "provinsi",
    "kode_kabupaten_kota",
    "kabupaten_kota",
    "jenis",
    "kategori",
    "status",
    "jumlah",
]


def _build() -> dict:
    incidents = [
        {
            "province": row["regency__parent__name"],
            "regency_code": row["regency_id"],
            "regency": row["regency__name"],
            "category": row["category"],
            "status": row["status"],
            "count": row["total"],
        }
        for row in public_summary_counts()
    ]
    requests = request_counts(field="regency_code")
    names = {
        code: (name, province)
        for code, name, province in Region.objects.filter(code__in=sorted(requests)).values_list(
            "code", "name", "parent__name"
        )
    }
    outreach = [
        {
            "province": names.get(code, ("", ""))[1],
            "regency_code": code,
            "regency": names.get(code, (code, ""))[0],
            "received": row["received"],
            "answered": row["received"] - row["pending"],
        }
        for code, row in sorted(requests.items())
    ]
    election = Election.objects.filter(is_active=True).order_by("-voting_day").first()
    return {
        "election": election.name if election else "",
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        "incidents": incidents,
        "outreach_requests": outreach,
        "outreach_totals": {
            "received": sum(r["received"] for r in outreach),
            "answered": sum(r["answered"] for r in outreach),
        },
    }


def summary_data() -> dict:
    """The figures, computed at most every PILKADA_PUBLIC_SUMMARY_SECONDS."""
    return cache.get_or_set(CACHE_KEY, _build, settings.PILKADA_PUBLIC_SUMMARY_SECONDS)


def _cached(request, data: dict, variant: str, build_response):
    """An ETag of the figures (and the variant: format, language), a 304 when it matches, and
    the same max-age as the figures' cache."""
    who = request.user.pk if request.user.is_authenticated else 0
    raw = f"{data['generated_at']}|{variant}|{request.LANGUAGE_CODE}|{who}"
    etag = '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = build_response()
    response["ETag"] = etag
    personal = (
        request.user.is_authenticated
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (not response.streaming and b'name="csrfmiddlewaretoken"' in response.content)
    )
    if variant == "html" and personal:
        # A signed-in person's page (their name in the header) or one with a CSRF token is
        # theirs alone; shared caches must not keep it.
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=settings.PILKADA_PUBLIC_SUMMARY_SECONDS)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


@require_safe
def summary_page(request):
    data = summary_data()
    categories, statuses = dict(Category.choices), dict(Status.choices)
    rows = [
        {
            **row,
            "category_label": categories[row["category"]],
            "status_label": statuses[row["status"]],
        }
        for row in data["incidents"]
    ]

    def build():
        return render(
            request,
            "public_summary.html",
            {"data": data, "rows": rows, "total": sum(r["count"] for r in rows)},
        )

    return _cached(request, data, "html", build)


@require_safe
def summary_json(request):
    data = summary_data()

    def build():
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return _cached(request, data, "json", build)


@require_safe
def summary_csv(request):
    data = summary_data()

    def build():
        response, writer = csv_response("ringkasan-situasi")
        writer.writerow(CSV_HEADER)
        for r in data["incidents"]:
            place = [r["province"], r["regency_code"], r["regency"]]
            writer.writerow([*place, "insiden", r["category"], r["status"], r["count"]])
        for r in data["outreach_requests"]:
            place = [r["province"], r["regency_code"], r["regency"]]
            writer.writerow([*place, "permintaan_sosialisasi", "", "diterima", r["received"]])
            writer.writerow([*place, "permintaan_sosialisasi", "", "dijawab", r["answered"]])
        return response

    return _cached(request, data, "csv", build)
