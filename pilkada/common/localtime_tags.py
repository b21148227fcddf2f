"""The `localtime` template library (registered in settings.TEMPLATES): the filters pages use to
show a time in its region's zone; the formatting itself is in `pilkada.common.localtime`."""

from django import template

from pilkada.common import localtime

register = template.Library()


@register.filter
def in_zone(value, place) -> str:
    """{{ meeting.starts_at|in_zone:meeting.region }} -> 'Rabu, 27 November 2024, 09.00 WIB'."""
    return localtime.datetime_text(value, place)


@register.filter
def time_in_zone(value, place) -> str:
    return "" if value is None else localtime.time_text(value, place)


@register.filter
def zone_iso(value, place) -> str:
    return "" if value is None else localtime.iso(value, place)
