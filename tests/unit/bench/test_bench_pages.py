"""The page benchmark asks for the pages a visitor gets on the portal's own day."""

import datetime as dt

from django.utils import timezone

from benchmarks.runner.pages import page_requests


def test_month_page_is_the_portal_current_month_not_the_machine_one(monkeypatch):
    # 20:00 UTC on 30 November is already 1 December in Jakarta, the portal's zone.
    late = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)

    builders = {key: build for key, _label, _name, build in page_requests(picks=None)}

    assert builders["calendar_month"]().path == "/sosialisasi/bulan/2026/12/"
