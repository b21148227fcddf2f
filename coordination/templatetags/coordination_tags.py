"""Display helpers: times in a region's zone with its abbreviation, task status badges."""

from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone

from coordination.enums import RegionTimeZone, TaskStatus

register = template.Library()

STATUS_BADGES = {
    TaskStatus.NOT_STARTED: ("badge-muted", "○"),
    TaskStatus.IN_PROGRESS: ("badge-info", "◐"),
    TaskStatus.AT_RISK: ("badge-warn", "!"),
    TaskStatus.BLOCKED: ("badge-bad", "✕"),
    TaskStatus.DONE: ("badge-ok", "✓"),
}


@register.filter
def in_zone(value, region):
    """'Rabu, 27 November 2024 09.00 WIB': the time as people in the region read it."""
    if value is None:
        return ""
    zone_name = region.timezone if hasattr(region, "timezone") else str(region)
    local = timezone.localtime(value, ZoneInfo(zone_name))
    abbreviation = RegionTimeZone(zone_name).name
    day = formats.date_format(local, "l, j F Y")
    return f"{day} {formats.time_format(local, 'TIME_FORMAT')} {abbreviation}"


@register.filter
def time_in_zone(value, region):
    if value is None:
        return ""
    local = timezone.localtime(value, ZoneInfo(region.timezone))
    return f"{formats.time_format(local, 'TIME_FORMAT')} {RegionTimeZone(region.timezone).name}"


@register.filter
def zone_iso(value, region):
    """Machine-readable local time for <time datetime=...>."""
    return timezone.localtime(value, ZoneInfo(region.timezone)).isoformat()


@register.inclusion_tag("coordination/partials/status_badge.html")
def status_badge(status, label=None):
    css, symbol = STATUS_BADGES.get(status, ("badge-muted", "?"))
    return {"css": css, "symbol": symbol, "label": label or TaskStatus(status).label}
