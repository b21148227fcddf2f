import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import factories

WIB = ZoneInfo("Asia/Jakarta")


def at(days: int, hour: int = 9, zone=WIB) -> dt.datetime:
    """`days` from today at `hour` o'clock in `zone`."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


@pytest.fixture
def event(bengkulu):
    return factories.outreach_event("17.01.01.2001", when=at(3), title="Forum warga Desa Satu")


@pytest.fixture
def draft(bengkulu):
    return factories.outreach_event(
        "17.01.02.2001", when=at(3), status="draft", title="Rahasia draf"
    )


@pytest.fixture
def many_events(bengkulu):
    """Build `n` public events spread over regions, methods and segments (for query counts)."""

    def build(n: int):
        codes = ["17.02.01.2001", "17.01.01.2001", "17.01.02.2002", "17.02.02", "17.02"]
        methods = ["forum_warga", "radio", "seminar", "media_sosial"]
        segments = ["perempuan", "pemilih_pemula", "masyarakat_umum"]
        events = []
        for i in range(n):
            events.append(
                factories.outreach_event(
                    codes[i % len(codes)],
                    when=at(1 + i % 5, 8 + i % 10),
                    method=methods[i % len(methods)],
                    segments=[segments[i % 3], segments[(i + 1) % 3]],
                    title=f"Kegiatan {i}",
                )
            )
        return events

    return build
