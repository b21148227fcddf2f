"""Pages anyone may open: the home page, the data licence, and the health check."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from coordination.health import broker_ok


@require_GET
def home(request):
    return render(request, "home.html")


@require_GET
def about_data(request):
    return render(request, "about_data.html")


# Staff, account and admin pages are of no use to search engines; the public calendar is.
ROBOTS_LINES = [
    "User-agent: *",
    "Disallow: /koordinasi/",
    "Disallow: /akun/",
    "Disallow: /admin/",
    "Disallow: /sosialisasi/kelola/",
    "Allow: /",
]


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    """Constant text; it touches neither the database nor the cache nor a template."""
    return HttpResponse("\n".join(ROBOTS_LINES) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def healthz(request):
    """State of the database, the cache and the Celery broker; 503 when any is down."""
    checks = {"database": _database_ok(), "cache": _cache_ok(), "broker": broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error"} | {
        name: ("ok" if ok else "error") for name, ok in checks.items()
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        return False


def _cache_ok() -> bool:
    try:
        cache.set("healthz", "1", 10)
        return cache.get("healthz") == "1"
    except Exception:  # noqa: BLE001
        return False
