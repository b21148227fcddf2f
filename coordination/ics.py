"""iCalendar (RFC 5545/5546) entries for meeting mail.

The UID is the meeting's `uid` and never changes; SEQUENCE is `Meeting.sequence`, which the meeting
services raise on every change invitees must see, so calendar programs replace the old entry
instead of adding a second one. Times carry the region's TZID plus its VTIMEZONE.
"""

from datetime import UTC, datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//KPU//Portal Pilkada//ID"
METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"


def _organiser_address(meeting) -> vCalAddress:
    # Replies from calendar programs go to the reply-to address when one is configured.
    address = parseaddr(settings.PILKADA_REPLY_TO or settings.DEFAULT_FROM_EMAIL)[1]
    organiser = vCalAddress(f"mailto:{address}")
    organiser.params["cn"] = vText(meeting.organiser.name)
    return organiser


def meeting_calendar(
    *, meeting, method: str, attendee=None, url: str = "", now: datetime | None = None
) -> bytes:
    """A calendar with one VEVENT for `meeting`; METHOD:CANCEL marks it cancelled.

    `attendee` (a Person) is named in the entry so calendar programs match it to the mailbox.
    """
    zone = ZoneInfo(meeting.region.timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add("calscale", "GREGORIAN")

    event = Event()
    event.add("uid", str(meeting.uid))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", meeting.title)
    event.add("organizer", _organiser_address(meeting))
    location = ", ".join(part for part in (meeting.location, meeting.online_url) if part)
    if location:
        event.add("location", location)
    description = "\n\n".join(part for part in (meeting.agenda.strip(), url) if part)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    if meeting.updated_at:
        event.add("last-modified", meeting.updated_at.astimezone(UTC))
    if method == METHOD_CANCEL:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
    if attendee is not None:
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = vText(attendee.full_name or attendee.email)
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        # Answers are given in the portal, where delegation and attendance are recorded.
        address.params["rsvp"] = vText("FALSE")
        event.add("attendee", address, encode=0)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
