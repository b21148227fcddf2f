"""Feed bodies: iCalendar (RFC 5545, built with the icalendar library), JSON and CSV.

Bodies depend only on the events (no "generated at" stamp), so the same data gives the same
bytes, the same ETag and a 304 for a client that already has them.
"""

import io
import json
import zlib
from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import get_language
from icalendar import Calendar, Event, Timezone, vDuration, vUri

from outreach import conf
from outreach.display import absolute, event_path, place_text, public_report, region_chain
from outreach.enums import AudienceSegment, EventStatus
from outreach.models import EventText, OutreachEvent
from pilkada.common.csvio import SafeWriter

PRODID = "-//Portal Pilkada//Jadwal Sosialisasi//ID"


def uid_of(event) -> str:
    """Stable for the life of the event: a UUID set at creation plus the portal's host."""
    host = urlsplit(settings.SITE_URL).hostname or "pilkada.local"
    return f"{event.uid}@{host}"


def ics_body(events, *, name: str, description: str = "") -> bytes:
    """The feed: a calendar header, one VEVENT per event, the VTIMEZONE of each zone used.

    Each VEVENT is stored text (`EventText`, built when its event was written), so a feed is
    one read of those texts and a concatenation; `events` need only what `text_stamp` and the
    zones read (`selectors.events.calendar_feed_events`).
    """
    events = list(events)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if description:
        cal.add("x-wr-caldesc", description)
    # Both refresh hints (the older X-PUBLISHED-TTL and RFC 7986's REFRESH-INTERVAL) equal the
    # HTTP max-age, so a cancellation reaches a subscriber within the time the proxy may keep it.
    refresh = timedelta(seconds=conf.get("OUTREACH_FEED_MAX_AGE"))
    cal.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh).to_ical().decode())
    # RFC 5545 wants at least one component in a calendar: an empty feed carries the portal's zone.
    zones = sorted({event.region.timezone for event in events}) or [settings.TIME_ZONE]
    for zone in zones:
        cal.add_component(Timezone.from_tzid(zone))
    head = cal.to_ical()
    closing = b"END:VCALENDAR\r\n"
    return head[: -len(closing)] + b"".join(_vevents(events)) + closing


# Bumped when the VEVENT layout below changes: every stored text is then out of date, rebuilt by
# the next feed that shows it, or at once by `manage.py calendar_texts`.
TEXT_VERSION = 1
# What building a text reads besides the event (its place's chain and the organiser).
TEXT_RELATED = ("region__parent__parent", "organiser")


def text_stamp(event) -> str:
    """What an event's stored VEVENT was built from: the layout, the event's UID and version,
    and the names it shows from other rows (the organiser's, the place's). The UID is there
    because it is set once without a new version (the demo's stable UIDs)."""
    names = zlib.crc32(f"{event.organiser.name}\x1f{event.region.name}".encode())
    updated = int(event.updated_at.timestamp() * 1_000_000)
    return f"{TEXT_VERSION}:{event.uid}:{event.sequence}:{updated}:{names:08x}"


def texts_store(*, ids, languages=None) -> dict[tuple[int, str], str]:
    """Build the VEVENT texts of the events `ids` in `languages` (every language of the portal
    by default) and store them; returns {(event id, language): text}. The services call it when
    they write an event, in the same transaction; a feed calls it for a text it finds stale."""
    events = sorted(
        OutreachEvent.objects.filter(pk__in=list(ids)).select_related(*TEXT_RELATED),
        key=lambda event: event.pk,
    )
    languages = languages or [code for code, _name in settings.LANGUAGES]
    rows = []
    for language in languages:
        with translation.override(language):
            labels: dict = {}  # method and segment labels, translated once per language
            rows += [
                EventText(
                    event=event,
                    language=language,
                    stamp=text_stamp(event),
                    text=_vevent(event, labels).to_ical().decode(),
                )
                for event in events
            ]
    EventText.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["event", "language"],
        update_fields=["stamp", "text"],
    )
    return {(row.event_id, row.language): row.text for row in rows}


def _vevents(events) -> list[bytes]:
    """The stored texts of `events` in the active language; the few that are missing or stale
    (written by a path that did not store them, or the layout changed) are built and stored."""
    language = get_language() or settings.LANGUAGE_CODE
    stamps = {event.pk: text_stamp(event) for event in events}
    stored = {
        pk: (stamp, text)
        for pk, stamp, text in EventText.objects.filter(
            event_id__in=list(stamps), language=language
        ).values_list("event_id", "stamp", "text")
    }
    texts = {pk: stored[pk][1] for pk, stamp in stamps.items() if stored.get(pk, ("",))[0] == stamp}
    stale = [pk for pk in stamps if pk not in texts]
    if stale:
        built = texts_store(ids=stale, languages=[language])
        texts.update({pk: built[(pk, language)] for pk in stale if (pk, language) in built})
    return [texts[event.pk].encode() for event in events if event.pk in texts]


def _label(labels: dict, kind: str, value: str, make) -> str:
    key = (kind, value)
    if key not in labels:
        labels[key] = str(make())
    return labels[key]


def _vevent(event, labels: dict) -> Event:
    zone = ZoneInfo(event.region.timezone)
    method = _label(labels, "method", event.method, event.get_method_display)
    segments = [
        _label(labels, "segment", s, lambda s=s: AudienceSegment(s).label) for s in event.segments
    ]
    item = Event()
    item.add("uid", uid_of(event))
    item.add("dtstamp", event.updated_at.astimezone(ZoneInfo("UTC")))
    item.add("created", event.created_at.astimezone(ZoneInfo("UTC")))
    item.add("last-modified", event.updated_at.astimezone(ZoneInfo("UTC")))
    item.add("sequence", event.sequence)
    item.add("dtstart", timezone.localtime(event.starts_at, zone))
    item.add("dtend", timezone.localtime(event.ends_at, zone))
    item.add("summary", event.title)
    url = absolute(event_path(event))
    lines = [event.description] if event.description else []
    lines.append(f"{method} · {', '.join(segments)}")
    lines.append(event.organiser.name)
    if event.online_url:
        lines.append(event.online_url)
    lines.append(url)
    item.add("description", "\n\n".join(lines))
    item.add("location", place_text(event))
    item.add("url", url)
    if event.online_url:
        # RFC 7986: clients that know CONFERENCE show a "join" button.
        item.add(
            "conference",
            vUri(event.online_url),
            parameters={"VALUE": "URI", "LABEL": event.channel or method},
        )
    item.add("categories", [method])
    item.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    item.add("transp", "TRANSPARENT")
    return item


def event_record(event) -> dict:
    """One event as open data; the JSON and CSV feeds share these fields."""
    zone = ZoneInfo(event.region.timezone)
    chain = region_chain(event)
    report = public_report(event)
    return {
        "id": event.pk,
        "uid": uid_of(event),
        "url": absolute(event_path(event)),
        "title": event.title,
        "description": event.description,
        "status": event.status,
        "method": event.method,
        "method_label": str(event.get_method_display()),
        "face_to_face": event.is_face_to_face,
        "segments": list(event.segments),
        "region_code": event.region_id,
        "region_name": event.region.name,
        "regency": chain["regency"].name if chain["regency"] else "",
        "district": chain["district"].name if chain["district"] else "",
        "village": chain["village"].name if chain["village"] else "",
        "venue": event.venue,
        "channel": event.channel,
        "online_url": event.online_url,
        "starts_at": timezone.localtime(event.starts_at, zone).isoformat(),
        "ends_at": timezone.localtime(event.ends_at, zone).isoformat(),
        "timezone": event.region.timezone,
        "organiser": event.organiser.name,
        "partners": [p.name for p in event.partners.all()],
        "participants": report.participants if report else None,
        "women": report.women if report else None,
        "people_with_disabilities": report.people_with_disabilities if report else None,
        "first_time_voters": report.first_time_voters if report else None,
        "sequence": event.sequence,
        "updated_at": event.updated_at.astimezone(ZoneInfo("UTC")).isoformat(),
    }


def json_body(events, *, name: str, feed_url: str) -> bytes:
    data = {
        "title": name,
        "url": feed_url,
        "license": conf.get("OUTREACH_OPEN_DATA_LICENSE"),
        "count": len(events),
        "events": [event_record(e) for e in events],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


CSV_FIELDS = [
    "id", "uid", "url", "title", "status", "method", "method_label", "face_to_face", "segments",
    "region_code", "region_name", "regency", "district", "village", "venue", "channel",
    "online_url", "starts_at", "ends_at", "timezone", "organiser", "partners", "participants",
    "women", "people_with_disabilities", "first_time_voters", "sequence", "updated_at",
]  # fmt: skip


def csv_body(events) -> bytes:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_FIELDS)
    for event in events:
        record = event_record(event)
        record["segments"] = ";".join(record["segments"])
        record["partners"] = ";".join(record["partners"])
        record["face_to_face"] = "1" if record["face_to_face"] else "0"
        writer.writerow([record[f] for f in CSV_FIELDS])
    # A byte-order mark lets spreadsheet programs open the UTF-8 file with the right letters.
    return ("\ufeff" + out.getvalue()).encode()
