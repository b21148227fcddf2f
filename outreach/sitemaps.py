"""What the public calendar offers search engines: its views, every public event, the region feeds.

Addresses are absolute on SITE_URL (not the Host of the request), like the feeds' links.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from outreach.selectors.events import public_events


class SiteUrlSitemap(Sitemap):
    """A sitemap whose addresses start with SITE_URL."""

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"


class CalendarSitemap(SiteUrlSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "outreach:calendar",
            "outreach:calendar_month_current",
            "outreach:calendar_week_current",
        ]

    def location(self, item):
        return reverse(item)


class EventSitemap(SiteUrlSitemap):
    """Every public event (published, held, and cancelled ones, which say so), newest first."""

    changefreq = "weekly"
    limit = 10_000

    def items(self):
        return public_events().only("pk", "slug", "updated_at").order_by("-pk")

    def location(self, item):
        return reverse("outreach:event_detail", kwargs={"pk": item.pk, "slug": item.slug})

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default takes the maximum over every item in Python; one aggregate instead.
        return public_events().aggregate(latest=Max("updated_at"))["latest"]


class RegionFeedSitemap(SiteUrlSitemap):
    """The iCalendar feed of each kabupaten/kota that has public events."""

    changefreq = "daily"
    priority = 0.3

    def items(self):
        return list(
            public_events()
            .exclude(regency_code="")
            .order_by("regency_code")
            .values_list("regency_code", flat=True)
            .distinct()
        )

    def location(self, item):
        return reverse("outreach:region_feed_ics", kwargs={"code": item})


SITEMAPS = {"kalender": CalendarSitemap, "acara": EventSitemap, "wilayah": RegionFeedSitemap}
