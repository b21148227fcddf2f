"""Pages anyone may open: the home page, the data licence, and the health check."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from coordination.notifications.monitoring import mail_queue_state
from outreach.http import public_resource
from pilkada.health import broker_ok


# Anonymous visitors get these pages whole from the cache, the way the public calendar is served
# (outreach.http.public_resource: the stored response, 304s by ETag, nginx's microcache);
# logged-in people see their own header and are rendered each time.
@require_safe
@public_resource("home")
def home(request):
    return render(request, "home.html")


@require_safe
@public_resource("about-data")
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


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    """Constant text; it touches neither the database nor the cache nor a template."""
    lines = [*ROBOTS_LINES, f"Sitemap: {settings.SITE_URL}/sitemap.xml"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def language_switch(request, code: str):
    """Set the language cookie and go back: a plain link, so public pages need no CSRF token.

    The page the visitor came from is the `next` parameter; anything that is not a path on this
    site (another host, a scheme, `//evil`) sends them to the home page instead.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/"):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@never_cache
@require_safe
def healthz(request):
    """State of the database, the cache and the Celery broker; 503 when any is down."""
    checks = {"database": _database_ok(), "cache": _cache_ok(), "broker": broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error"} | {
        name: ("ok" if ok else "error") for name, ok in checks.items()
    }
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_safe
def healthz_mail(request):
    """The mail queue, for monitoring: 200 while all is well, 503 with the reasons when a
    channel's breaker is open, a message waits too long, or too many failed in the last hour.
    Kept apart from /healthz, whose answer takes a web server out of the load balancer."""
    state = mail_queue_state()
    body = {"status": "alarm" if state.alarms else "ok", **state.as_dict()}
    return JsonResponse(body, status=503 if state.alarms else 200)


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
