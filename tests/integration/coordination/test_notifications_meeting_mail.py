"""The shape of meeting mail as calendar programs read it: the calendar entry inside the
multipart/alternative (as Google Calendar and Outlook send it) and again as an .ics attachment."""

from email import message_from_bytes

import pytest
from django.core import mail
from icalendar import Calendar

from coordination.services.meetings import meeting_cancel
from tests import factories


def _structure(part, depth=0) -> list[tuple[int, str, str, str]]:
    """(depth, content type, METHOD parameter, attachment file name) of every MIME part."""
    rows = [
        (
            depth,
            part.get_content_type(),
            part.get_param("method") or "",
            part.get_filename() or "",
        )
    ]
    if part.is_multipart():
        for child in part.get_payload():
            rows += _structure(child, depth + 1)
    return rows


def _parsed(message):
    return message_from_bytes(message.message().as_bytes())


@pytest.fixture
def meeting(regency, kpu_regency, regency_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = factories.meeting(region=regency, organiser=kpu_regency)
    return meeting


@pytest.mark.parametrize("cancel", [False, True])
def test_meeting_mail_calendar_in_the_alternative_and_attached(
    meeting, regency_staff, cancel, django_capture_on_commit_callbacks
):
    if cancel:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            meeting_cancel(actor=regency_staff, meeting=meeting, reason="Bentrok")
    method = "CANCEL" if cancel else "REQUEST"
    (message,) = mail.outbox
    parsed = _parsed(message)
    assert _structure(parsed) == [
        (0, "multipart/mixed", "", ""),
        (1, "multipart/alternative", "", ""),
        (2, "text/plain", "", ""),
        (2, "text/html", "", ""),
        (2, "text/calendar", method, ""),
        (1, "application/ics", "", "rapat.ics"),
    ]
    alternative, attachment = parsed.get_payload()
    inline = alternative.get_payload()[2]
    assert inline.get_content_charset() == "utf-8"
    assert inline.get("Content-Disposition") is None
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_param("name") == "rapat.ics"
    # The same calendar twice, and it says the same METHOD as the MIME part.
    first = Calendar.from_ical(inline.get_payload(decode=True))
    second = Calendar.from_ical(attachment.get_payload(decode=True))
    assert first.to_ical() == second.to_ical()
    assert str(first["method"]) == method
    (event,) = first.walk("VEVENT")
    assert str(event["uid"]) == str(meeting.uid)
