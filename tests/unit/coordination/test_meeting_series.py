"""The dates of a regular meeting series."""

from datetime import date

from coordination.enums import SeriesFrequency
from coordination.services.meeting_series import series_dates


def test_series_dates_monthly_keeps_the_day_or_month_end():
    assert series_dates(
        first=date(2024, 1, 31), frequency=SeriesFrequency.MONTHLY, until=date(2024, 4, 30)
    ) == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]


def test_series_dates_biweekly_until_inclusive():
    assert series_dates(
        first=date(2024, 9, 2), frequency=SeriesFrequency.BIWEEKLY, until=date(2024, 9, 30)
    ) == [date(2024, 9, 2), date(2024, 9, 16), date(2024, 9, 30)]
