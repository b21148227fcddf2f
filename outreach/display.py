"""Small display helpers shared by pages and feeds: where an event is, in words and links."""

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coordination.enums import RegionLevel
from outreach.enums import (
    METHOD_GROUP_FACE,
    METHOD_GROUP_MEDIA,
    AudienceSegment,
    EventStatus,
    OutreachMethod,
)
from pilkada.common import localtime


def region_chain(event) -> dict:
    """Names of the event's region and its ancestors up to the regency, by level (uses the
    select_related chain region__parent__parent, no query)."""
    names = {}
    region, steps = event.region, 0
    while region is not None and steps < 3:
        names[region.level] = region
        region = region.parent if region.level > RegionLevel.REGENCY else None
        steps += 1
    return {
        "village": names.get(RegionLevel.VILLAGE),
        "district": names.get(RegionLevel.DISTRICT),
        "regency": names.get(RegionLevel.REGENCY),
        "province": names.get(RegionLevel.PROVINCE),
    }


def place_text(event) -> str:
    """ "Balai Desa X, Desa Y, Kec. Z, Kabupaten W" (or the channel for media events)."""
    chain = region_chain(event)
    parts = [event.venue] if event.venue else []
    if not event.venue and event.channel:
        parts.append(event.channel)
    for level in ("village", "district", "regency", "province"):
        if chain[level] is not None:
            parts.append(chain[level].name)
    return ", ".join(p for p in parts if p)


def public_report(event):
    """The attendance the public sees: only of an event marked as held. A report stays on the
    row when staff move the event back to "published", but it no longer describes it then."""
    if event.status != EventStatus.DONE:
        return None
    return getattr(event, "report", None)


def map_url(event) -> str:
    """An OpenStreetMap search for the venue and its region (no API key, no script)."""
    if not event.is_face_to_face and not event.venue:
        return ""
    return "https://www.openstreetmap.org/search?" + urlencode({"query": place_text(event)})


def local_start(event):
    return localtime.localize(event.starts_at, event.region)


def local_end(event):
    return localtime.localize(event.ends_at, event.region)


def event_path(event) -> str:
    return reverse("outreach:event_detail", kwargs={"pk": event.pk, "slug": event.slug})


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def google_calendar_url(event) -> str:
    fmt = "%Y%m%dT%H%M%SZ"
    start = event.starts_at.astimezone(ZoneInfo("UTC")).strftime(fmt)
    end = event.ends_at.astimezone(ZoneInfo("UTC")).strftime(fmt)
    details = (event.description[:800] + "\n\n" if event.description else "") + absolute(
        event_path(event)
    )
    return "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{start}/{end}",
            "details": details,
            "location": place_text(event),
            "ctz": event.region.timezone,
        }
    )


def filter_summary(filters, regions: dict) -> list[str]:
    """The active filters in words, for the one-line summary above the folded filter form."""
    words = []
    for code, options in (
        (filters.kec, regions["districts"]),
        (filters.kab, regions["regencies"]),
        (filters.prov, regions["provinces"]),
    ):
        if code:
            words.append(dict(options).get(code, code))
            break
    if filters.metode == METHOD_GROUP_FACE:
        words.append(str(_("Semua tatap muka")))
    elif filters.metode == METHOD_GROUP_MEDIA:
        words.append(str(_("Semua media")))
    elif filters.metode:
        words.append(str(OutreachMethod(filters.metode).label))
    if filters.segmen:
        words.append(str(AudienceSegment(filters.segmen).label))
    if filters.dari:
        words.append(_("dari %(date)s") % {"date": date_format(filters.dari, "j M Y")})
    if filters.sampai:
        words.append(_("sampai %(date)s") % {"date": date_format(filters.sampai, "j M Y")})
    if filters.q:
        words.append(f"“{filters.q}”")
    return words
