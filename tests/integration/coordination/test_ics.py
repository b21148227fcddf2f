from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from dateutil.rrule import rrulestr
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


# --- a series as one recurring event ------------------------------------------------------------


def _series(region, first: datetime, until, frequency, **fields):
    from coordination.enums import MeetingKind
    from coordination.services.meeting_series import meeting_series_create

    organiser = factories.AgencyFactory(kind="kpu", region=region, name=f"KPU {region.name}")
    return meeting_series_create(
        actor=None,
        frequency=frequency,
        until=until,
        kind=MeetingKind.RAKOR,
        title=fields.pop("title", "Rakor berkala"),
        region=region,
        organiser=organiser,
        starts_at=first,
        ends_at=first + timedelta(hours=2),
        location=fields.pop("location", "Aula KPU"),
        invited_agencies=[organiser],
        **fields,
    )


def _series_ics(series) -> bytes:
    from coordination.enums import MeetingStatus

    meetings = list(series.meetings.select_related("region", "organiser", "series"))
    return ics.series_calendar(
        series=series,
        occurrences=[m for m in meetings if m.status != MeetingStatus.CANCELLED],
        cancelled=[m for m in meetings if m.status == MeetingStatus.CANCELLED],
        url_for=lambda m: f"https://p/r/{m.pk}/",
    )


def _expanded(data: bytes) -> list[tuple[datetime, datetime, str]]:
    """What a calendar program shows: every occurrence (start, end, location), expanded by a
    second parser (recurring-ical-events), in time order."""
    events = recurring_ical_events.of(Calendar.from_ical(data)).between(
        datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    )
    return sorted(
        (e.decoded("dtstart"), e.decoded("dtend"), str(e.get("location", ""))) for e in events
    )


WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("frequency", "first", "until"),
    [
        ("weekly", date(2030, 1, 7), date(2030, 3, 31)),
        ("biweekly", date(2030, 1, 7), date(2030, 6, 30)),
        ("monthly", date(2030, 1, 15), date(2030, 12, 31)),
        ("monthly", date(2030, 1, 28), date(2031, 3, 31)),
        ("monthly", date(2030, 1, 29), date(2031, 3, 31)),
        ("monthly", date(2030, 1, 30), date(2031, 3, 31)),
        ("monthly", date(2030, 1, 31), date(2031, 3, 31)),
        ("monthly", date(2031, 12, 31), date(2032, 12, 31)),  # through a leap February
    ],
)
def test_series_rule_gives_exactly_the_series_dates(bengkulu, frequency, first, until):
    start = datetime.combine(first, time(9, 0), tzinfo=WIB)
    series = _series(bengkulu, start, until, frequency)
    data = _series_ics(series)
    calendar = Calendar.from_ical(data)
    (master,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "REQUEST"
    assert str(master["uid"]) == str(series.uid)
    assert "RECURRENCE-ID" not in master
    assert master["dtstart"].params["TZID"] == "Asia/Jakarta"
    # RFC 5545: with a TZID on DTSTART, UNTIL is in UTC.
    until_utc = datetime.combine(until, time(23, 59, 59), tzinfo=WIB).astimezone(UTC)
    assert f"UNTIL={until_utc:%Y%m%dT%H%M%S}Z".encode() in data
    occurrences = series.meetings.order_by("starts_at")
    assert _expanded(data) == [
        (m.starts_at.astimezone(WIB), m.ends_at.astimezone(WIB), "Aula KPU") for m in occurrences
    ]
    # The same with dateutil's reading of the rule that icalendar parsed.
    rule = rrulestr(master["rrule"].to_ical().decode(), dtstart=master.decoded("dtstart"))
    assert list(rule) == [m.starts_at.astimezone(WIB) for m in occurrences]


def test_series_rule_covers_every_frequency():
    from coordination.enums import SeriesFrequency

    assert set(ics.FREQUENCY_RULES) == set(SeriesFrequency.values)


def test_series_calendar_overrides_moved_and_changed_occurrences_and_excludes_cancelled(
    bengkulu,
):
    from coordination.services.meetings import meeting_cancel, meeting_update

    start = datetime(2030, 1, 7, 9, 0, tzinfo=WIB)
    series = _series(bengkulu, start, date(2030, 1, 28), "weekly")
    one, two, three, four = series.meetings.order_by("starts_at")
    meeting_update(
        actor=None,
        meeting=two,
        starts_at=two.starts_at + timedelta(hours=4),
        ends_at=two.ends_at + timedelta(hours=4),
    )
    meeting_update(actor=None, meeting=three, location="Hotel Santika")
    meeting_cancel(actor=None, meeting=four, reason="Libur")
    series.refresh_from_db()
    assert series.sequence == 3

    data = _series_ics(series)
    master, *overrides = Calendar.from_ical(data).walk("VEVENT")
    assert "RECURRENCE-ID" not in master
    assert [d.dt for d in master["exdate"].dts] == [datetime(2030, 1, 28, 9, 0, tzinfo=WIB)]
    assert [(o.decoded("recurrence-id"), o.decoded("dtstart")) for o in overrides] == [
        (datetime(2030, 1, 14, 9, 0, tzinfo=WIB), datetime(2030, 1, 14, 13, 0, tzinfo=WIB)),
        (datetime(2030, 1, 21, 9, 0, tzinfo=WIB), datetime(2030, 1, 21, 9, 0, tzinfo=WIB)),
    ]
    assert {str(c["uid"]) for c in (master, *overrides)} == {str(series.uid)}
    assert {c.decoded("sequence") for c in (master, *overrides)} == {3}
    assert [str(o["url"]) for o in overrides] == [
        f"https://p/r/{two.pk}/",
        f"https://p/r/{three.pk}/",
    ]

    def at(day, hour):
        return datetime(2030, 1, day, hour, 0, tzinfo=WIB)

    assert _expanded(data) == [
        (at(7, 9), at(7, 11), "Aula KPU"),
        (at(14, 13), at(14, 15), "Aula KPU"),
        (at(21, 9), at(21, 11), "Hotel Santika"),
    ]


def test_occurrence_calendar_is_an_instance_of_the_series(bengkulu):
    from coordination.services.meetings import meeting_update

    start = datetime(2030, 1, 7, 9, 0, tzinfo=WIB)
    series = _series(bengkulu, start, date(2030, 1, 21), "weekly")
    second = series.meetings.order_by("starts_at")[1]
    second = meeting_update(actor=None, meeting=second, location="Hotel Santika")
    second = type(second).objects.select_related("series", "region", "organiser").get(pk=second.pk)
    for method in (ics.METHOD_REQUEST, ics.METHOD_CANCEL):
        _calendar, event = _event(ics.meeting_calendar(meeting=second, method=method))
        assert str(event["uid"]) == str(series.uid)
        assert event.decoded("recurrence-id") == datetime(2030, 1, 14, 9, 0, tzinfo=WIB)
        assert event["recurrence-id"].params["TZID"] == "Asia/Jakarta"
        series.refresh_from_db()
        assert event.decoded("sequence") == series.sequence == 1
        assert "RRULE" not in event


def test_occurrence_of_a_series_from_before_recurring_events_keeps_its_own_uid(meeting):
    from coordination.models import MeetingSeries

    meeting.series = MeetingSeries.objects.create(
        title=meeting.title,
        frequency="weekly",
        until=date(2024, 12, 31),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
    )
    meeting.save(update_fields=["series"])
    assert meeting.recurrence_id is None
    _calendar, event = _event(ics.meeting_calendar(meeting=meeting, method=ics.METHOD_REQUEST))
    assert str(event["uid"]) == str(meeting.uid)
    assert "RECURRENCE-ID" not in event
