"""Turning a Delivery into a message: language and time zone of the recipient's region, HTML and
plain text, the calendar entry, a stable Message-ID."""

from email.mime.text import MIMEText
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coordination import ics
from coordination.enums import DeliveryKind
from coordination.models import Delivery, Meeting
from pilkada.common import localtime

CANCEL_KINDS = {DeliveryKind.CANCELLATION, DeliveryKind.WITHDRAWAL}


def meeting_url(meeting: Meeting) -> str:
    """Absolute link to the meeting's page."""
    return settings.SITE_URL + reverse("coordination:meeting_detail", args=[meeting.pk])


def message_id(delivery: Delivery) -> str:
    # The same for every attempt, so a resend after a lost worker is recognisably one message.
    domain = urlsplit(settings.SITE_URL).hostname or "pilkada.localhost"
    return f"<delivery-{delivery.pk}@{domain}>"


def meeting_when(meeting: Meeting) -> str:
    """'Rabu, 20 November 2024, 09.00–11.00 WIB' in the active language and the region's zone."""
    return localtime.span_text(meeting.starts_at, meeting.ends_at, meeting.region)


def meeting_start(meeting: Meeting) -> str:
    """'Rabu, 20 November 2024, 09.00 WIB': the start alone, for subject lines."""
    return localtime.datetime_text(meeting.starts_at, meeting.region)


def lead_time(minutes: int) -> str:
    """'24 jam', '1 hari 2 jam', '30 menit'."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days and (hours or mins or days != 1):
        parts.append(ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days})
    elif days:
        hours += 24
    if hours:
        parts.append(ngettext("%(n)d jam", "%(n)d jam", hours) % {"n": hours})
    if mins:
        parts.append(ngettext("%(n)d menit", "%(n)d menit", mins) % {"n": mins})
    return " ".join(parts)


def _subject(kind: str, meeting: Meeting, when: str) -> str:
    values = {"title": meeting.title, "when": when}
    if kind == DeliveryKind.INVITATION:
        return _("Undangan rapat: %(title)s, %(when)s") % values
    if kind == DeliveryKind.UPDATE:
        return _("Perubahan rapat: %(title)s, %(when)s") % values
    if kind == DeliveryKind.CANCELLATION:
        return _("Rapat dibatalkan: %(title)s, %(when)s") % values
    if kind == DeliveryKind.WITHDRAWAL:
        return _("Undangan ditarik: %(title)s, %(when)s") % values
    return _("Pengingat rapat: %(title)s, %(when)s") % values


def _meeting_parts(delivery: Delivery) -> tuple[str, str, str, bytes]:
    meeting = delivery.meeting
    when = meeting_when(meeting)
    url = meeting_url(meeting)
    context = {
        "person": delivery.person,
        "meeting": meeting,
        "kind": delivery.kind,
        "when": when,
        "url": url,
        "zone": meeting.region.get_timezone_display(),
        "lead": (
            lead_time(delivery.reminder_minutes) if delivery.kind == DeliveryKind.REMINDER else ""
        ),
        "reason": meeting.cancel_reason,
        "language": translation.get_language(),
    }
    subject = _subject(delivery.kind, meeting, meeting_start(meeting))
    text = render_to_string("coordination/mail/meeting.txt", context)
    html = render_to_string("coordination/mail/meeting.html", context)
    method = ics.METHOD_CANCEL if delivery.kind in CANCEL_KINDS else ics.METHOD_REQUEST
    calendar = ics.meeting_calendar(
        meeting=meeting, method=method, attendee=delivery.person, url=url
    )
    return subject, text, html, calendar


def build_message(delivery: Delivery) -> EmailMultiAlternatives:
    """The message for one delivery; sets `subject` and `message_id` on it for the log."""
    language = delivery.person.language or settings.LANGUAGE_CODE
    calendar = None
    with translation.override(language):
        if delivery.meeting_id:
            subject, text, html, calendar = _meeting_parts(delivery)
            method = ics.METHOD_CANCEL if delivery.kind in CANCEL_KINDS else ics.METHOD_REQUEST
        else:
            from coordination.services.notifications_digests import digest_parts

            subject, text, html = digest_parts(delivery)
    delivery.subject = subject[:300]
    delivery.message_id = message_id(delivery)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        reply_to=[settings.PILKADA_REPLY_TO] if settings.PILKADA_REPLY_TO else None,
        headers={
            "Message-ID": delivery.message_id,
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
        },
    )
    message.attach_alternative(html, "text/html")
    if calendar is not None:
        # text/calendar with the METHOD parameter is what calendar programs look for.
        part = MIMEText(calendar.decode("utf-8"), "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename="rapat.ics")
        message.attach(part)
    return message
