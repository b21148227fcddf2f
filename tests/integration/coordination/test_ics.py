from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from coordination import ics
from coordination.models import Region
from tests import factories


@pytest.fixture
def meeting(bengkulu):
    return factories.MeetingFactory(
        region=bengkulu,
        title="Rakor Kesiapan Logistik",
        starts_at=datetime(2024, 11, 20, 2, 0, tzinfo=UTC),
        ends_at=datetime(2024, 11, 20, 4, 0, tzinfo=UTC),
        location="Aula KPU Provinsi Bengkulu",
        online_url="https://zoom.example/j/123",
        sequence=3,
    )


def _event(data: bytes):
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_meeting_calendar_request_has_uid_sequence_and_local_times(meeting):
    person = factories.PersonFactory(email="siti@uji.test", full_name="Siti Aminah")
    data = ics.meeting_calendar(
        meeting=meeting, method=ics.METHOD_REQUEST, attendee=person, url="https://p/r/1/"
    )
    calendar, event = _event(data)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == str(meeting.uid)
    assert event.decoded("sequence") == 3
    start = event.decoded("dtstart")
    assert start == datetime(2024, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert start.tzinfo.key == "Asia/Jakarta"
    assert event["dtstart"].params["TZID"] == "Asia/Jakarta"
    assert event.decoded("dtend") == datetime(2024, 11, 20, 11, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert str(event["summary"]) == "Rakor Kesiapan Logistik"
    assert str(event["location"]) == "Aula KPU Provinsi Bengkulu, https://zoom.example/j/123"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["url"]) == "https://p/r/1/"
    assert str(event["attendee"]) == "mailto:siti@uji.test"
    assert event["attendee"].params["CN"] == "Siti Aminah"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Jakarta"


def test_meeting_calendar_cancel_marks_event_cancelled(meeting):
    calendar, event = _event(ics.meeting_calendar(meeting=meeting, method=ics.METHOD_CANCEL))
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(meeting.uid)
    assert event.decoded("sequence") == 3


def test_meeting_calendar_uses_region_zone_wit(db):
    papua = factories.region_tree("91", 1, 1, 1, timezone_name="Asia/Jayapura")
    meeting = factories.MeetingFactory(
        region=Region.objects.get(code="91.01"),
        starts_at=datetime(2024, 11, 20, 2, 0, tzinfo=UTC),
        ends_at=datetime(2024, 11, 20, 3, 0, tzinfo=UTC),
    )
    assert papua.timezone == "Asia/Jayapura"
    _calendar, event = _event(ics.meeting_calendar(meeting=meeting, method=ics.METHOD_REQUEST))
    assert event.decoded("dtstart") == datetime(
        2024, 11, 20, 11, 0, tzinfo=ZoneInfo("Asia/Jayapura")
    )


def test_meeting_calendar_organiser_is_reply_to_when_set(meeting, settings):
    settings.PILKADA_REPLY_TO = "Sekretariat <sekretariat@kpu.test>"
    _calendar, event = _event(ics.meeting_calendar(meeting=meeting, method=ics.METHOD_REQUEST))
    assert str(event["organizer"]) == "mailto:sekretariat@kpu.test"
    assert event["organizer"].params["CN"] == meeting.organiser.name
