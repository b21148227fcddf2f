"""Template helpers for outreach pages: times in the event's own zone, places and links."""

from django import template

from outreach import display
from outreach.enums import AudienceSegment

register = template.Library()


@register.filter
def local_start(event):
    """Wall-clock start in the event's region (naive, so the date filter does not shift it)."""
    return display.local_start(event).replace(tzinfo=None)


@register.filter
def local_end(event):
    return display.local_end(event).replace(tzinfo=None)


@register.filter
def iso_start(event) -> str:
    return display.local_start(event).isoformat(timespec="minutes")


@register.filter
def iso_end(event) -> str:
    return display.local_end(event).isoformat(timespec="minutes")


@register.filter
def same_day(event) -> bool:
    return display.local_start(event).date() == display.local_end(event).date()


@register.filter
def event_url(event) -> str:
    return display.event_path(event)


@register.filter
def place(event) -> str:
    return display.place_text(event)


@register.filter
def segment_label(code: str) -> str:
    try:
        return AudienceSegment(code).label
    except ValueError:
        return code


@register.simple_tag
def query_with(filters, **overrides) -> str:
    """ "?kab=17.02&metode=radio" with some filters replaced; empty when none remain."""
    query = filters.query(**overrides)
    return "?" + query if query else ""
