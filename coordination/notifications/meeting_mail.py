"""The mail about a meeting (invitation, update, cancellation, withdrawal, reminder) and about a
whole series (its one invitation): one text in the recipient's language with the times in the
meeting region's zone, and the calendar entry.

The content is the same for every recipient but for the greeting, the address and the
calendar's ATTENDEE line, so it is built once per meeting version, kind (and reminder lead) and
language, and kept in a small per-process cache (`mail.ContentCache`). The key is every value
the content is made of (the meeting's fields, its region's zone, its organiser's name, its
series' identity, the site's address), so a change of any of them is a new key: a changed
meeting is never sent from an old entry. Entries live at most CONTENT_SECONDS, which bounds how
old the calendar's DTSTAMP can be. Each recipient's message is then filled in
(`mail.shared_wire`).
"""

from dataclasses import dataclass
from email import encoders
from email.mime.base import MIMEBase

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from coordination import ics
from coordination.enums import DeliveryKind, MeetingStatus
from coordination.models import Meeting
from coordination.notifications.chat import ChatMessage
from coordination.notifications.mail import (
    NAME_HTML,
    NAME_TEXT,
    ContentCache,
    SharedMail,
    email_message,
    shared_mail,
    shared_wire,
)
from pilkada.common import localtime

CANCEL_KINDS = {DeliveryKind.CANCELLATION, DeliveryKind.WITHDRAWAL}
# What a meeting delivery needs fetched with it (the series: its UID and sequence; a series
# invitation is recorded on the series' first occurrence).
RELATED = ("meeting", "meeting__region", "meeting__organiser", "meeting__series")

_SUBJECTS = {
    DeliveryKind.INVITATION: _("Undangan rapat: %(title)s, %(when)s"),
    DeliveryKind.SERIES_INVITATION: _(
        "Undangan seri rapat: %(title)s, %(frequency)s mulai %(when)s"
    ),
    DeliveryKind.UPDATE: _("Perubahan rapat: %(title)s, %(when)s"),
    DeliveryKind.CANCELLATION: _("Rapat dibatalkan: %(title)s, %(when)s"),
    DeliveryKind.WITHDRAWAL: _("Undangan ditarik: %(title)s, %(when)s"),
    DeliveryKind.REMINDER: _("Pengingat rapat: %(title)s, %(when)s"),
}


def meeting_url(meeting: Meeting) -> str:
    """Absolute link to the meeting's page."""
    return settings.SITE_URL + reverse("coordination:meeting_detail", args=[meeting.pk])


def meeting_when(meeting: Meeting) -> str:
    """'Rabu, 20 November 2024, 09.00–11.00 WIB' in the active language and the region's zone."""
    return localtime.span_text(meeting.starts_at, meeting.ends_at, meeting.region)


# Long enough for a whole batch of invitations or reminders, short enough that the calendar's
# DTSTAMP (when the entry was made) stays recent.
CONTENT_SECONDS = 300
CONTENT_ENTRIES = 256
CONTENT = ContentCache(size=CONTENT_ENTRIES, seconds=CONTENT_SECONDS)


@dataclass(frozen=True)
class _Named:
    """The recipient as the templates see them while the content is built for everyone."""

    full_name: str


def meeting_message(delivery, *, lead: str = ""):
    """The message of a meeting delivery; `lead` ('1 jam') only for reminders."""
    meeting = delivery.meeting
    key = (
        "meeting",
        _meeting_version(meeting),
        delivery.kind,
        lead,
        translation.get_language(),
        _site_version(),
    )
    shared = CONTENT.get(key, lambda: _meeting_content(meeting, delivery.kind, lead))
    return personal_message(delivery, shared)


def _site_version() -> tuple:
    return (
        settings.SITE_URL,
        settings.DEFAULT_FROM_EMAIL,
        settings.PILKADA_REPLY_TO,
        settings.EMAIL_USE_LOCALTIME,
    )


def _meeting_version(meeting: Meeting) -> tuple:
    """Every value of the meeting that its mail and calendar entry are made of."""
    series = meeting.series if meeting.series_id is not None else None
    return (
        meeting.pk,
        meeting.uid,
        meeting.sequence,
        meeting.updated_at,
        meeting.status,
        meeting.title,
        meeting.starts_at,
        meeting.ends_at,
        meeting.location,
        meeting.online_url,
        meeting.agenda,
        meeting.cancel_reason,
        meeting.recurrence_id,
        meeting.region_id,
        meeting.region.timezone,
        meeting.organiser_id,
        meeting.organiser.name,
        (series.pk, series.uid, series.sequence, series.title) if series is not None else None,
    )


def personal_message(delivery, shared: SharedMail):
    """The shared content addressed to the delivery's recipient."""
    person = delivery.person
    name = (person.full_name if person is not None else "") or ""
    message = email_message(
        delivery,
        subject=shared.subject,
        text=shared.text.replace(NAME_TEXT, name),
        html=shared.html.replace(NAME_HTML, str(escape(name))),
    )
    calendar = None
    attendee = b""
    if shared.calendar is not None:
        attendee = ics.attendee_line(person) if person is not None else b""
        calendar = attendee.join(shared.calendar)
        calendar_attach(message, calendar, method=shared.method)
    message.wire = shared_wire(
        shared, delivery=delivery, name=name, attendee=attendee, calendar=calendar
    )
    return message


def _shared(
    *, subject: str, text_context: dict, html_context: dict, template: str, calendar, method
):
    return shared_mail(
        subject=subject,
        text=render_to_string(f"{template}.txt", text_context),
        html=render_to_string(f"{template}.html", html_context),
        calendar=ics.attendee_template(calendar),
        method=method,
        stand_in_attendee=ics.attendee_line(ics.STAND_IN),
        attach=lambda message, data: calendar_attach(message, data, method=method),
    )


def _meeting_content(meeting: Meeting, kind: str, lead: str) -> SharedMail:
    url = meeting_url(meeting)
    context = {
        "person": _Named(NAME_TEXT),
        "meeting": meeting,
        "kind": kind,
        "when": meeting_when(meeting),
        "url": url,
        "zone": meeting.region.get_timezone_display(),
        "lead": lead,
        "reason": meeting.cancel_reason,
        # One occurrence of a recurring series: the mail says the others stay as they are.
        "series": meeting.series if ics.in_recurring_series(meeting) else None,
        "language": translation.get_language(),
    }
    subject = str(_SUBJECTS[kind]) % {
        "title": meeting.title,
        "when": localtime.datetime_text(meeting.starts_at, meeting.region),
    }
    method = ics.METHOD_CANCEL if kind in CANCEL_KINDS else ics.METHOD_REQUEST
    calendar = ics.meeting_calendar(meeting=meeting, method=method, attendee=ics.STAND_IN, url=url)
    return _shared(
        subject=subject,
        text_context=context,
        html_context={**context, "person": _Named(NAME_HTML)},
        template="coordination/mail/meeting",
        calendar=calendar,
        method=method,
    )


def series_message(delivery):
    """The one invitation to a whole series (recorded on its first occurrence): every date that
    still takes place, each with its page (answers are given per occurrence), and the series as
    one recurring calendar event."""
    anchor = delivery.meeting
    series = anchor.series
    meetings = list(
        series.meetings.filter(recurrence_id__isnull=False)
        .select_related("region", "organiser")
        .order_by("recurrence_id")
    )
    key = (
        "series",
        (series.pk, series.uid, series.sequence, series.title, series.frequency, series.until),
        (series.starts_at, series.ends_at, series.location, series.online_url, series.agenda),
        _meeting_version(anchor),
        tuple(_meeting_version(m) for m in meetings),
        translation.get_language(),
        _site_version(),
    )
    shared = CONTENT.get(key, lambda: _series_content(anchor, series, meetings))
    return personal_message(delivery, shared)


def _series_content(anchor: Meeting, series, meetings: list[Meeting]) -> SharedMail:
    ahead = [m for m in meetings if m.status != MeetingStatus.CANCELLED]
    first = ahead[0] if ahead else anchor
    context = {
        "person": _Named(NAME_TEXT),
        "series": series,
        "organiser": anchor.organiser.name,
        "frequency": series.get_frequency_display().lower(),
        "until": localtime.date_text(series.until),
        "occurrences": [
            {
                "when": meeting_when(m),
                "url": meeting_url(m),
                # Told apart only where an occurrence no longer matches the series.
                "title": m.title if m.title != series.title else "",
                "location": m.location if m.location != series.location else "",
            }
            for m in ahead
        ],
        "url": meeting_url(first),
        "language": translation.get_language(),
    }
    subject = str(_SUBJECTS[DeliveryKind.SERIES_INVITATION]) % {
        "title": series.title,
        "frequency": context["frequency"],
        "when": localtime.datetime_text(first.starts_at, first.region),
    }
    calendar = ics.series_calendar(
        series=series,
        occurrences=ahead,
        cancelled=[m for m in meetings if m.status == MeetingStatus.CANCELLED],
        attendee=ics.STAND_IN,
        url_for=meeting_url,
    )
    return _shared(
        subject=subject,
        text_context=context,
        html_context={**context, "person": _Named(NAME_HTML)},
        template="coordination/mail/series",
        calendar=calendar,
        method=ics.METHOD_REQUEST,
    )


def calendar_attach(message, calendar: bytes, *, method: str) -> None:
    """Put the calendar entry in the message the way Google Calendar and Outlook send theirs:
    as the last part of the multipart/alternative (text, HTML, then text/calendar with its
    METHOD), which is where Outlook looks for a meeting request, and once more as a `.ics`
    attachment for programs that only offer attachments."""
    message.attach_alternative(calendar.decode("utf-8"), f"text/calendar; method={method}")
    attachment = MIMEBase("application", "ics", name="rapat.ics")
    attachment.set_payload(calendar)
    encoders.encode_base64(attachment)
    attachment.add_header("Content-Disposition", "attachment", filename="rapat.ics")
    message.attach(attachment)


def meeting_chat(delivery, *, lead: str = "") -> ChatMessage:
    """The short message for a chat app: what happened, when (in the region's zone), where."""
    meeting = delivery.meeting
    subject = str(_SUBJECTS[delivery.kind]) % {
        "title": meeting.title,
        "when": localtime.datetime_text(meeting.starts_at, meeting.region),
    }
    lines = [meeting_when(meeting)]
    if lead:
        lines.insert(0, str(_("Dimulai %(lead)s lagi.") % {"lead": lead}))
    if delivery.kind == DeliveryKind.CANCELLATION and meeting.cancel_reason:
        lines.append(str(_("Alasan: %(reason)s") % {"reason": meeting.cancel_reason}))
    if meeting.location and delivery.kind not in CANCEL_KINDS:
        lines.append(meeting.location)
    return ChatMessage(
        title=subject.split(":")[0] + ": " + meeting.title,
        lines=tuple(lines),
        url=meeting_url(meeting),
        subject=subject,
    )


def series_chat(delivery) -> ChatMessage:
    """A series invitation for a chat app: the series, its rhythm and the first date ahead."""
    anchor = delivery.meeting
    series = anchor.series
    first = (
        series.meetings.filter(recurrence_id__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("region")
        .order_by("recurrence_id")
        .first()
    ) or anchor
    frequency = series.get_frequency_display().lower()
    subject = str(_SUBJECTS[DeliveryKind.SERIES_INVITATION]) % {
        "title": series.title,
        "frequency": frequency,
        "when": localtime.datetime_text(first.starts_at, first.region),
    }
    return ChatMessage(
        title=str(_("Undangan seri rapat: %(title)s") % {"title": series.title}),
        lines=(
            str(
                _("%(frequency)s, sampai %(until)s")
                % {
                    "frequency": frequency.capitalize(),
                    "until": localtime.date_text(series.until),
                }
            ),
            meeting_when(first),
        ),
        url=meeting_url(first),
        subject=subject,
    )
