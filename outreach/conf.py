"""Outreach settings with their defaults; override any of them in the Django settings."""

from django.conf import settings

DEFAULTS = {
    # Feeds without a date range start this many days ago (older events drop out of calendars).
    "OUTREACH_FEED_PAST_DAYS": 90,
    # Upper bound of events in one feed, so a national feed stays a sane download.
    "OUTREACH_FEED_MAX_EVENTS": 2000,
    # Seconds a rendered public page or feed stays in the cache (changes invalidate it sooner).
    "OUTREACH_CACHE_SECONDS": 3600,
    # max-age of public feeds for shared caches and calendar clients.
    "OUTREACH_FEED_MAX_AGE": 900,
    # s-maxage of anonymous public pages and feeds: how long nginx's microcache keeps them.
    "OUTREACH_PROXY_CACHE_SECONDS": 5,
    # Licence named in the JSON open-data feed; the publishing commission decides it.
    "OUTREACH_OPEN_DATA_LICENSE": "CC BY 4.0",
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
