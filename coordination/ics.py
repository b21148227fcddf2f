"""iCalendar (RFC 5545/5546) entries for meeting mail.

A meeting is one VEVENT. Its UID is the meeting's `uid` and never changes; SEQUENCE is
`Meeting.sequence`, which the meeting services raise on every change invitees must see, so
calendar programs replace the old entry instead of adding a second one. Times carry the region's
TZID plus its VTIMEZONE.

A meeting series is one recurring event, so a person accepts the whole series once:
- the series invitation (`series_calendar`) carries the master VEVENT (UID `MeetingSeries.uid`,
  an RRULE made from the series' frequency and end date, EXDATE for each cancelled occurrence)
  and an override VEVENT (the same UID, RECURRENCE-ID = the start the rule gave the occurrence)
  for each occurrence that no longer matches the series' pattern;
- mail about one occurrence (a change, a cancellation, an invitee added or withdrawn, a
  reminder) carries that occurrence alone, as an instance of the series: the same UID and its
  RECURRENCE-ID (`meeting_calendar`);
- a cancelled occurrence goes out as METHOD:CANCEL with its RECURRENCE-ID, which is how RFC 5546
  (section 3.2.5) cancels one instance; a series invitation made later lists it in EXDATE;
- SEQUENCE of every component is `MeetingSeries.sequence`, which rises with every change to the
  series or to any occurrence, so each component sent is newer than anything sent before under
  that UID, master or instance.
Occurrences of series made before this (no `recurrence_id`) keep their own UID.

Mail to many people about one meeting builds the calendar once and names each recipient in it:
`attendee_template` builds the entry with a stand-in attendee and cuts it at every ATTENDEE
line; `with_attendee` puts the recipient's line (made by the library, as in `meeting_calendar`)
into those places. The result is byte for byte what `meeting_calendar(attendee=person)` gives.
"""

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, time
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vCalAddress, vText
from icalendar.cal import Component

PRODID = "-//KPU//Portal Pilkada//ID"
METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"
# The rule of each `SeriesFrequency` value (this module sits beside the enums, not above them).
FREQUENCY_RULES = {
    "weekly": {"FREQ": "WEEKLY"},
    "biweekly": {"FREQ": "WEEKLY", "INTERVAL": 2},
    "monthly": {"FREQ": "MONTHLY"},
}


@dataclass(frozen=True)
class _Entry:
    """What one VEVENT says, from a meeting or from a series' pattern."""

    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    online_url: str
    agenda: str
    zone: ZoneInfo
    organiser: str
    updated_at: datetime | None
    url: str


def _entry(meeting, url: str) -> _Entry:
    return _Entry(
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.location,
        online_url=meeting.online_url,
        agenda=meeting.agenda,
        zone=ZoneInfo(meeting.region.timezone),
        organiser=meeting.organiser.name,
        updated_at=meeting.updated_at,
        url=url,
    )


@functools.lru_cache(maxsize=32)
def _timezone(tzid: str) -> Timezone | None:
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:
        return None


def add_timezones(calendar: Calendar) -> None:
    """What `Calendar.add_missing_timezones` does, with each zone's VTIMEZONE made once per
    process: making one walks decades of the zone's offsets (about 35 ms), and Indonesia has
    three zones."""
    for tzid in sorted(calendar.get_missing_tzids()):
        timezone = _timezone(tzid)
        if timezone is not None:
            calendar.add_component(timezone)


def in_recurring_series(meeting) -> bool:
    """An occurrence sent as an instance of its series' recurring event."""
    return meeting.series_id is not None and meeting.recurrence_id is not None


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add("calscale", "GREGORIAN")
    return calendar


def _organiser_address(name: str) -> vCalAddress:
    # Replies from calendar programs go to the reply-to address when one is configured.
    address = parseaddr(settings.PILKADA_REPLY_TO or settings.DEFAULT_FROM_EMAIL)[1]
    organiser = vCalAddress(f"mailto:{address}")
    organiser.params["cn"] = vText(name)
    return organiser


def _attendee_address(person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.full_name or person.email)
    address.params["role"] = vText("REQ-PARTICIPANT")
    address.params["partstat"] = vText("NEEDS-ACTION")
    # Answers are given in the portal, where delegation and attendance are recorded.
    address.params["rsvp"] = vText("FALSE")
    return address


def attendee_line(person) -> bytes:
    """The ATTENDEE content line (folded, with its CRLF) that names `person` in an entry."""
    return Component().content_line("ATTENDEE", _attendee_address(person)).to_ical() + b"\r\n"


@dataclass(frozen=True)
class _StandIn:
    """Marks the place of the attendee in a calendar built once for many recipients."""

    email: str = "attendee@attendee.invalid"
    # Not ASCII, so the calendar part is sent as 8bit whatever the recipient's name.
    full_name: str = "\ue002"


STAND_IN = _StandIn()


def attendee_template(calendar: bytes) -> tuple[bytes, ...]:
    """`calendar` (built with `attendee=STAND_IN`) cut at its ATTENDEE lines: the pieces around
    them, for `with_attendee`."""
    pieces: list[bytes] = []
    current: list[bytes] = []
    in_attendee = False
    for line in calendar.split(b"\r\n"):
        if in_attendee and line.startswith(b" "):
            continue  # a folded continuation of the attendee line
        in_attendee = line.startswith((b"ATTENDEE;", b"ATTENDEE:"))
        if in_attendee:
            pieces.append(b"".join(part + b"\r\n" for part in current))
            current = []
        else:
            current.append(line)
    pieces.append(b"\r\n".join(current))
    return tuple(pieces)


def with_attendee(template: tuple[bytes, ...], person) -> bytes:
    """The calendar of `attendee_template` naming `person` (None: no attendee line)."""
    line = attendee_line(person) if person is not None else b""
    return line.join(template)


def _event(
    entry: _Entry,
    *,
    uid: str,
    sequence: int,
    method: str,
    attendee,
    now: datetime,
    recurrence_id: datetime | None = None,
) -> Event:
    """One VEVENT; `recurrence_id` (aware, in the master's zone) makes it an instance."""
    event = Event()
    event.add("uid", uid)
    if recurrence_id is not None:
        event.add("recurrence-id", recurrence_id)
    event.add("sequence", sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", entry.starts_at.astimezone(entry.zone))
    event.add("dtend", entry.ends_at.astimezone(entry.zone))
    event.add("summary", entry.title)
    event.add("organizer", _organiser_address(entry.organiser))
    location = ", ".join(part for part in (entry.location, entry.online_url) if part)
    if location:
        event.add("location", location)
    description = "\n\n".join(part for part in (entry.agenda.strip(), entry.url) if part)
    if description:
        event.add("description", description)
    if entry.url:
        event.add("url", entry.url)
    if entry.updated_at:
        event.add("last-modified", entry.updated_at.astimezone(UTC))
    if method == METHOD_CANCEL:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
    if attendee is not None:
        event.add("attendee", _attendee_address(attendee), encode=0)
    return event


def meeting_calendar(
    *, meeting, method: str, attendee=None, url: str = "", now: datetime | None = None
) -> bytes:
    """A calendar with one VEVENT for `meeting` (for an occurrence of a recurring series: that
    instance of the series' event); METHOD:CANCEL marks it cancelled.

    `attendee` (a Person) is named in the entry so calendar programs match it to the mailbox.
    """
    calendar = _calendar(method)
    if in_recurring_series(meeting):
        identity = {
            "uid": str(meeting.series.uid),
            "sequence": meeting.series.sequence,
            "recurrence_id": meeting.recurrence_id.astimezone(ZoneInfo(meeting.region.timezone)),
        }
    else:
        identity = {"uid": str(meeting.uid), "sequence": meeting.sequence}
    calendar.add_component(
        _event(
            _entry(meeting, url),
            method=method,
            attendee=attendee,
            now=now or datetime.now(UTC),
            **identity,
        )
    )
    add_timezones(calendar)
    return calendar.to_ical()


# --- a series as one recurring event ------------------------------------------------------------


def series_rule(series, zone: ZoneInfo) -> dict:
    """The RRULE that gives the series' dates (`meeting_series.series_dates`).

    Monthly keeps the day of the month, or the month's last day when the month is shorter: from
    the 31st that is BYMONTHDAY=-1; from the 29th or 30th, the last of the days 28 to that day
    the month has (BYMONTHDAY=28,29,30;BYSETPOS=-1). UNTIL is the end of the last day in UTC, as
    RFC 5545 requires with a DTSTART that carries a TZID.
    """
    first = series.starts_at.astimezone(zone)
    rule = dict(FREQUENCY_RULES[series.frequency])
    if rule["FREQ"] == "MONTHLY" and first.day == 31:
        rule["BYMONTHDAY"] = -1
    elif rule["FREQ"] == "MONTHLY" and first.day > 28:
        rule["BYMONTHDAY"] = list(range(28, first.day + 1))
        rule["BYSETPOS"] = -1
    last_moment = datetime.combine(series.until, time(23, 59, 59), tzinfo=zone)
    rule["UNTIL"] = last_moment.astimezone(UTC)
    return rule


def _pattern(series, anchor, url: str, occurrences) -> _Entry:
    """The master's entry: the series as created, in the zone of its first occurrence."""
    updated = [m.updated_at for m in occurrences if m.updated_at]
    return _Entry(
        title=series.title,
        starts_at=series.starts_at,
        ends_at=series.ends_at,
        location=series.location,
        online_url=series.online_url,
        agenda=series.agenda,
        zone=ZoneInfo(anchor.region.timezone),
        organiser=anchor.organiser.name,
        updated_at=max(updated) if updated else None,
        url=url,
    )


def occurrence_overridden(meeting, series) -> bool:
    """Whether an occurrence no longer says what the series' pattern gives for its date."""
    return (
        meeting.starts_at != meeting.recurrence_id
        or meeting.ends_at - meeting.starts_at != series.ends_at - series.starts_at
        or (meeting.title, meeting.location, meeting.online_url, meeting.agenda)
        != (series.title, series.location, series.online_url, series.agenda)
    )


def series_calendar(
    *,
    series,
    occurrences,
    cancelled=(),
    attendee=None,
    url_for=lambda meeting: "",
    now: datetime | None = None,
) -> bytes:
    """The whole series as one recurring event (METHOD:REQUEST): the master with its RRULE and
    an EXDATE per cancelled occurrence, and an override per occurrence changed on its own.

    `occurrences` are the series' meetings that still take place and `cancelled` those that do
    not, each with region and organiser; `url_for(meeting)` gives a meeting's page.
    """
    occurrences = sorted(
        (m for m in occurrences if m.recurrence_id is not None), key=lambda m: m.recurrence_id
    )
    cancelled = [m for m in cancelled if m.recurrence_id is not None]
    anchor = min([*occurrences, *cancelled], key=lambda m: m.recurrence_id)
    now = now or datetime.now(UTC)
    pattern = _pattern(series, anchor, url_for(anchor), [*occurrences, *cancelled])
    identity = {"uid": str(series.uid), "sequence": series.sequence}
    calendar = _calendar(METHOD_REQUEST)
    master = _event(pattern, method=METHOD_REQUEST, attendee=attendee, now=now, **identity)
    master.add("rrule", series_rule(series, pattern.zone))
    if cancelled:
        master.add("exdate", sorted(m.recurrence_id.astimezone(pattern.zone) for m in cancelled))
    calendar.add_component(master)
    for meeting in occurrences:
        if not occurrence_overridden(meeting, series):
            continue
        calendar.add_component(
            _event(
                _entry(meeting, url_for(meeting)),
                method=METHOD_REQUEST,
                attendee=attendee,
                now=now,
                recurrence_id=meeting.recurrence_id.astimezone(pattern.zone),
                **identity,
            )
        )
    add_timezones(calendar)
    return calendar.to_ical()
