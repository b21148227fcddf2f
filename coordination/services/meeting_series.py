"""Regular meeting series (weekly, every two weeks, monthly): each occurrence is an ordinary
meeting, changed or cancelled on its own; and `meeting_schedule`, what the "new meeting" form
asks for (one meeting or a series).

Calendars get a series as one recurring event (`coordination.ics`): each invited person gets
one invitation for the whole series, made when the series is created; a change, cancellation or
reminder of one occurrence is mail about that occurrence alone.
"""

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.enums import SeriesFrequency
from coordination.models import Meeting, MeetingSeries, Person, Region
from coordination.notifications import meetings as meeting_notifications
from coordination.services.meetings import meeting_create

MAX_SERIES_OCCURRENCES = 60


def series_dates(*, first: date, frequency: str, until: date) -> list[date]:
    """The dates of a series from `first` to `until` inclusive (monthly keeps the day, or the
    month's last day when the month is shorter)."""
    dates: list[date] = []
    step = 0
    while len(dates) <= MAX_SERIES_OCCURRENCES:
        if frequency == SeriesFrequency.WEEKLY:
            current = first + timedelta(weeks=step)
        elif frequency == SeriesFrequency.BIWEEKLY:
            current = first + timedelta(weeks=2 * step)
        elif frequency == SeriesFrequency.MONTHLY:
            month_index = first.month - 1 + step
            year, month = first.year + month_index // 12, month_index % 12 + 1
            day = min(first.day, calendar.monthrange(year, month)[1])
            current = date(year, month, day)
        else:
            raise ValidationError({"frequency": _("Frekuensi tidak dikenal.")})
        if current > until:
            break
        dates.append(current)
        step += 1
    return dates


@transaction.atomic
def meeting_schedule(
    *, actor: Person | None, frequency: str = "", until: date | None = None, **fields
) -> Meeting:
    """What the "new meeting" form asks for: one meeting, or with a `frequency` a regular series
    until `until` (then its first occurrence is returned)."""
    if frequency:
        series = meeting_series_create(actor=actor, frequency=frequency, until=until, **fields)
        return series.meetings.order_by("starts_at").first()
    return meeting_create(actor=actor, **fields)


@transaction.atomic
def meeting_series_create(
    *,
    actor: Person | None,
    frequency: str,
    until: date,
    starts_at: datetime,
    ends_at: datetime,
    region: Region,
    **meeting_fields,
) -> MeetingSeries:
    """Create a regular series and all its occurrences; each occurrence is an ordinary meeting.

    Occurrences keep the local wall-clock time of the first one in the region's zone; that start
    is each occurrence's `recurrence_id`. The invited hear of the series once, after all its
    occurrences exist (`meeting_notifications.series_created`).
    """
    zone = ZoneInfo(region.timezone)
    local_start = timezone.localtime(starts_at, zone)
    duration = ends_at - starts_at
    if until < local_start.date():
        raise ValidationError({"until": _("Tanggal akhir seri harus sesudah rapat pertama.")})
    dates = series_dates(first=local_start.date(), frequency=frequency, until=until)
    if len(dates) > MAX_SERIES_OCCURRENCES:
        raise ValidationError(
            {
                "until": _("Seri terlalu panjang: paling banyak %(n)s pertemuan.")
                % {"n": MAX_SERIES_OCCURRENCES}
            }
        )
    series = MeetingSeries(
        title=meeting_fields.get("title", "").strip(),
        frequency=frequency,
        until=until,
        starts_at=starts_at,
        ends_at=ends_at,
        location=meeting_fields.get("location", "").strip(),
        online_url=meeting_fields.get("online_url", "").strip(),
        agenda=meeting_fields.get("agenda", ""),
        created_by=actor,
    )
    series.full_clean(exclude=["created_by"])
    series.save()
    for day in dates:
        start = datetime.combine(day, local_start.time(), tzinfo=zone)
        meeting_create(
            actor=actor,
            region=region,
            starts_at=start,
            ends_at=start + duration,
            series=series,
            recurrence_id=start,
            **meeting_fields,
        )
    meeting_notifications.series_created(series=series)
    return series
