"""Display helpers: times in a region's zone with its abbreviation, task status badges, the
countdown to voting day, icons."""

from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


@register.inclusion_tag("coordination/partials/countdown.html")
def voting_countdown(election):
    """The one countdown to voting day, wherever a page shows it."""
    days = (election.voting_day - timezone.localdate()).days if election else None
    return {
        "election": election,
        "days": days,
        "days_ago": -days if days is not None else None,
        "iso": election.voting_day.isoformat() if election else "",
    }


# Symbols that carry meaning are drawn, not typed: emoji show as empty boxes where no emoji font
# is installed. Each icon is a 24x24 stroke drawing in the text's colour, hidden from screen
# readers (the words beside it say the same).
ICONS = {
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "clip": (
        '<path d="M20 11.5l-7.8 7.8a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5'
        'a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8"/>'
    ),
    "link": (
        '<path d="M10 14a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1"/>'
        '<path d="M14 10a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1"/>'
    ),
}


@register.simple_tag
def icon(name: str) -> str:
    return format_html(
        '<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" '
        'focusable="false" fill="none" stroke="currentColor" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round">{}</svg>',
        mark_safe(ICONS[name]),  # noqa: S308 - constant markup above
    )
