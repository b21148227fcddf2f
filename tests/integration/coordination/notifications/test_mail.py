from datetime import UTC, datetime

import pytest
from django.utils import translation

from coordination.models import Region
from coordination.notifications.meeting_mail import meeting_url, meeting_when
from tests import factories


@pytest.mark.parametrize(
    ("zone", "province", "expected"),
    [
        ("Asia/Jakarta", "17", "Rabu, 20 November 2024, 09.00–11.00 WIB"),
        ("Asia/Makassar", "73", "Rabu, 20 November 2024, 10.00–12.00 WITA"),
        ("Asia/Jayapura", "91", "Rabu, 20 November 2024, 11.00–13.00 WIT"),
    ],
)
def test_meeting_when_in_region_zone(db, zone, province, expected):
    factories.region_tree(province, 1, 1, 1, timezone_name=zone)
    meeting = factories.MeetingFactory(
        region=Region.objects.get(code=f"{province}.01"),
        starts_at=datetime(2024, 11, 20, 2, 0, tzinfo=UTC),
        ends_at=datetime(2024, 11, 20, 4, 0, tzinfo=UTC),
    )
    with translation.override("id"):
        assert meeting_when(meeting) == expected


def test_meeting_when_spanning_days_names_both(bengkulu):
    meeting = factories.MeetingFactory(
        region=bengkulu,
        starts_at=datetime(2024, 11, 20, 2, 0, tzinfo=UTC),
        ends_at=datetime(2024, 11, 21, 9, 0, tzinfo=UTC),
    )
    with translation.override("en"):
        assert meeting_when(meeting) == (
            "Wednesday, 20 November 2024, 09:00 WIB – Thursday, 21 November 2024, 16:00 WIB"
        )


def test_meeting_url_is_absolute(bengkulu, settings):
    settings.SITE_URL = "https://portal.kpu.test"
    meeting = factories.MeetingFactory(region=bengkulu)
    assert meeting_url(meeting) == f"https://portal.kpu.test/koordinasi/rapat/{meeting.pk}/"
