"""The mail about a meeting (invitation, update, cancellation, withdrawal, reminder) and about a
whole series (its one invitation): one text in the recipient's language with the times in the
meeting region's zone, and the calendar entry."""

from email import encoders
from email.mime.base import MIMEBase

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from coordination import ics
from coordination.enums import DeliveryKind, MeetingStatus
from coordination.models import Meeting
from coordination.notifications.mail import email_message
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


def meeting_message(delivery, *, lead: str = ""):
    """The message of a meeting delivery; `lead` ('1 jam') only for reminders."""
    meeting = delivery.meeting
    url = meeting_url(meeting)
    context = {
        "person": delivery.person,
        "meeting": meeting,
        "kind": delivery.kind,
        "when": meeting_when(meeting),
        "url": url,
        "zone": meeting.region.get_timezone_display(),
        "lead": lead,
        "reason": meeting.cancel_reason,
        # One occurrence of a recurring series: the mail says the others stay as they are.
        "series": meeting.series if ics.in_recurring_series(meeting) else None,
        "language": translation.get_language(),
    }
    subject = str(_SUBJECTS[delivery.kind]) % {
        "title": meeting.title,
        "when": localtime.datetime_text(meeting.starts_at, meeting.region),
    }
    message = email_message(
        delivery,
        subject=subject,
        text=render_to_string("coordination/mail/meeting.txt", context),
        html=render_to_string("coordination/mail/meeting.html", context),
    )
    method = ics.METHOD_CANCEL if delivery.kind in CANCEL_KINDS else ics.METHOD_REQUEST
    calendar = ics.meeting_calendar(
        meeting=meeting, method=method, attendee=delivery.person, url=url
    )
    calendar_attach(message, calendar, method=method)
    return message


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
    ahead = [m for m in meetings if m.status != MeetingStatus.CANCELLED]
    first = ahead[0] if ahead else anchor
    context = {
        "person": delivery.person,
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
    message = email_message(
        delivery,
        subject=subject,
        text=render_to_string("coordination/mail/series.txt", context),
        html=render_to_string("coordination/mail/series.html", context),
    )
    calendar = ics.series_calendar(
        series=series,
        occurrences=ahead,
        cancelled=[m for m in meetings if m.status == MeetingStatus.CANCELLED],
        attendee=delivery.person,
        url_for=meeting_url,
    )
    calendar_attach(message, calendar, method=ics.METHOD_REQUEST)
    return message


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
