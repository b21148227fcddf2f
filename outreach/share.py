"""How an event page is shared and found: schema.org JSON-LD, its card image, the WhatsApp link.

Search engines read the JSON-LD `Event` (schema.org) to list events with their date and place;
messaging apps show the `og:image` card beside a shared link. Both describe the public event only
(what the page itself shows), never drafts.
"""

import json
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, time_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from outreach import display
from outreach.enums import AudienceSegment, EventStatus
from pilkada.common.share_card import share_card_png

SCHEMA = "https://schema.org"
STATUS = {
    EventStatus.CANCELLED: f"{SCHEMA}/EventCancelled",
}
CARD_CACHE_SECONDS = 30 * 24 * 3600


def event_json_ld(event) -> dict:
    """A schema.org Event: times with their offset, status, attendance mode and location."""
    start, end = display.local_start(event), display.local_end(event)
    url = display.absolute(display.event_path(event))
    place = _place(event) if event.venue or event.is_face_to_face else None
    online = _virtual(event)
    if place and online:
        mode = "MixedEventAttendanceMode"
    elif online:
        mode = "OnlineEventAttendanceMode"
    else:
        mode = "OfflineEventAttendanceMode"
    # A media event without venue or channel still happens somewhere: its region.
    locations = [loc for loc in (place, online) if loc] or [_place(event)]
    data = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": event.title,
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "eventStatus": STATUS.get(event.status, f"{SCHEMA}/EventScheduled"),
        "eventAttendanceMode": f"{SCHEMA}/{mode}",
        "location": locations[0] if len(locations) == 1 else locations,
        "organizer": {"@type": "Organization", "name": event.organiser.name},
        "url": url,
        "image": [display.absolute(card_path(event))],
        "isAccessibleForFree": True,
        "inLanguage": "id",
        "audience": [
            {"@type": "Audience", "audienceType": str(AudienceSegment(code).label)}
            for code in event.segments
            if code in AudienceSegment.values
        ],
    }
    if event.description:
        data["description"] = event.description[:500]
    return data


def _place(event) -> dict:
    chain = display.region_chain(event)
    address = {"@type": "PostalAddress", "addressCountry": "ID"}
    if chain["village"] is not None:
        address["addressLocality"] = chain["village"].name
    elif chain["district"] is not None:
        address["addressLocality"] = chain["district"].name
    region = chain["regency"] or chain["province"]
    if region is not None:
        address["addressRegion"] = region.name
    if event.venue:
        address["streetAddress"] = event.venue
    return {"@type": "Place", "name": event.venue or display.place_text(event), "address": address}


def _virtual(event) -> dict | None:
    if event.online_url:
        return {"@type": "VirtualLocation", "url": event.online_url}
    if not event.is_face_to_face and event.channel:
        # Radio, television: no URL, but a virtual place with the channel's name.
        return {"@type": "VirtualLocation", "name": event.channel}
    return None


def json_ld_script(data: dict) -> SafeString:
    """The data as a `<script type="application/ld+json">` block, safe inside HTML.

    A data block is never executed, so the Content-Security-Policy (no inline scripts) does not
    apply to it; `<`, `>` and `&` are escaped so no text can close the element.
    """
    text = (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def when_text(event) -> str:
    """ "Jumat, 15 Januari 2027, 09.00–11.00 WIB" in the active language."""
    start, end = display.local_start(event), display.local_end(event)
    text = f"{date_format(start, 'l, j F Y')}, {time_format(start)}–"
    if start.date() != end.date():
        text += f"{date_format(end, 'j F Y')}, "
    return f"{text}{time_format(end)} {event.zone_abbreviation}"


def whatsapp_url(event) -> str:
    """A plain wa.me link with the title, the date and the page's address (no script)."""
    text = f"{event.title}\n{when_text(event)}\n{display.absolute(display.event_path(event))}"
    return "https://wa.me/?text=" + quote(text, safe="")


def card_path(event) -> str:
    """The card's address carries the event's version, so it can be cached for good."""
    return reverse("outreach:event_card", kwargs={"pk": event.pk, "version": event.sequence})


def event_card(event) -> bytes:
    """The event's share card, rendered once per version (in the site's default language, as
    the crawlers of messaging apps send no language) and kept in the cache."""
    key = f"outreach:card:{event.pk}:{event.sequence}"
    png = cache.get(key)
    if png is None:
        with translation.override(settings.LANGUAGE_CODE):
            badge = gettext("DIBATALKAN") if event.is_cancelled else ""
            png = share_card_png(
                title=event.title,
                lines=[when_text(event), display.place_text(event)],
                footer=event.organiser.name,
                badge=badge,
            )
        cache.set(key, png, CARD_CACHE_SECONDS)
    return png
