"""How browsers, phones, search engines and security researchers find their way around the site:
the sitemap, the icons at the addresses browsers ask for, the web manifest, security.txt.

None of these touch a template; the icons are the files in static/img, read once per process.
"""

import datetime as dt
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from outreach.sitemaps import SITEMAPS, SiteUrlSitemap

DAY = 24 * 3600


class PortalSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return ["home", "about_data"]

    def location(self, item):
        return reverse(item)


SECTIONS = {"portal": PortalSitemap, **SITEMAPS}


@require_safe
@cache_control(public=True, max_age=3600)
def sitemap_index(request):
    """The index of the sections; each section is paged at its sitemap's limit."""
    response = sitemap_views.index(
        request, SECTIONS, sitemap_url_name="sitemap_section", template_name="sitemap_index.xml"
    )
    # The index links its sections on the request's host; make them canonical like the rest.
    response.context_data["sitemaps"] = [
        _canonical(request, entry) for entry in response.context_data["sitemaps"]
    ]
    return response


def _canonical(request, entry):
    base = request.build_absolute_uri("/").rstrip("/")
    entry.location = settings.SITE_URL + entry.location.removeprefix(base)
    return entry


@require_safe
@cache_control(public=True, max_age=3600)
def sitemap_section(request, section: str):
    return sitemap_views.sitemap(request, SECTIONS, section=section)


@lru_cache(maxsize=8)
def _static_bytes(name: str) -> bytes:
    path = finders.find(name)
    if path is None:
        raise Http404
    return Path(path).read_bytes()


def _static_file(name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(_static_bytes(name), content_type=content_type)
    patch_cache_control(response, public=True, max_age=7 * DAY)
    return response


@require_safe
def favicon_ico(request):
    """Browsers and crawlers ask /favicon.ico whatever the page links to."""
    return _static_file("img/favicon.ico", "image/x-icon")


@require_safe
def apple_touch_icon(request):
    """iOS asks /apple-touch-icon.png when a page is added to the home screen."""
    return _static_file("img/apple-touch-icon.png", "image/png")


@require_safe
@cache_control(public=True, max_age=DAY)
def web_manifest(request):
    """A small manifest: the name, colours and icons a phone uses for a home-screen link."""
    data = {
        "name": _("Portal Pilkada"),
        "short_name": _("Pilkada"),
        "description": _("Koordinasi penyelenggaraan dan jadwal sosialisasi Pilkada."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("outreach:calendar"),
        "scope": "/",
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": "#8a1c1c",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


SECURITY_TXT_DAYS = 180


@require_safe
@cache_control(public=True, max_age=DAY)
def security_txt(request):
    """RFC 9116: whom to tell about a vulnerability. Without PILKADA_SECURITY_CONTACT there is
    nobody to name, and the file does not exist (404) rather than point at a dead address."""
    contacts = settings.PILKADA_SECURITY_CONTACT
    if not contacts:
        raise Http404
    # Expires is required and must be less than a year ahead; the file is generated, so it
    # always lies SECURITY_TXT_DAYS ahead (midnight UTC, stable for a day of caching).
    expires = dt.datetime.combine(
        timezone.now().date() + dt.timedelta(days=SECURITY_TXT_DAYS), dt.time.min, tzinfo=dt.UTC
    )
    lines = [f"Contact: {_contact_uri(contact)}" for contact in contacts]
    lines += [
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: id, en",
        f"Canonical: {settings.SITE_URL}{reverse('security_txt')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _contact_uri(contact: str) -> str:
    """An address becomes a mailto: URI; a URI (https:, mailto:, tel:) stays as it is."""
    return contact if ":" in contact else f"mailto:{contact}"
