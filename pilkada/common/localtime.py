"""Times as people in a region read them: in the region's zone, in the active language, with the
zone's abbreviation (WIB, WITA, WIT).

`place` is anything with a `timezone` (an IANA name) and a `zone_abbreviation`: a region, or an
event or meeting that carries its region's. Pages (through the `localtime` template library),
mail and feeds all format here, so a time reads the same wherever it appears.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import formats, timezone


def localize(value: datetime, place) -> datetime:
    """The aware datetime in the place's zone."""
    return timezone.localtime(value, ZoneInfo(place.timezone))


def day_text(value: datetime, place) -> str:
    """'Rabu, 20 November 2024'."""
    return date_text(localize(value, place).date())


def date_text(day: date) -> str:
    """'Senin, 18 November 2024' for a calendar day already taken in a place's zone (the day a
    digest speaks for, a due date)."""
    return formats.date_format(day, "l, j F Y")


def time_text(value: datetime, place) -> str:
    """'09.00 WIB' (09:00 in English: the per-language TIME_FORMAT)."""
    return f"{formats.time_format(localize(value, place), 'TIME_FORMAT')} {place.zone_abbreviation}"


def datetime_text(value: datetime | None, place) -> str:
    """'Rabu, 20 November 2024, 09.00 WIB'."""
    if value is None:
        return ""
    return f"{day_text(value, place)}, {time_text(value, place)}"


def span_text(start: datetime, end: datetime, place) -> str:
    """'Rabu, 20 November 2024, 09.00–11.00 WIB', naming the end's day when it differs."""
    local_start, local_end = localize(start, place), localize(end, place)
    if local_start.date() == local_end.date():
        end_time = formats.time_format(local_end, "TIME_FORMAT")
        return (
            f"{day_text(start, place)}, {formats.time_format(local_start, 'TIME_FORMAT')}"
            f"–{end_time} {place.zone_abbreviation}"
        )
    return f"{datetime_text(start, place)} – {datetime_text(end, place)}"


def iso(value: datetime, place) -> str:
    """Machine-readable local time with its offset, for <time datetime=...> and feeds."""
    return localize(value, place).isoformat()
