"""Reads of outreach events: the public boundary, calendar views, feeds and the staff list."""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from coordination.enums import RegionLevel
from coordination.models import Agency, Region
from outreach import conf, permissions
from outreach.enums import PUBLIC_STATUSES
from outreach.models import MAX_DURATION, OutreachEvent
from outreach.selectors.filters import EventFilters, apply_filters

# What a line in a calendar needs: the region with its ancestors' names and the organiser.
DISPLAY_RELATED = ("region__parent__parent", "organiser")


def public_events() -> QuerySet[OutreachEvent]:
    """The one definition of "public": published, cancelled (shown as cancelled) and done."""
    return OutreachEvent.objects.filter(status__in=PUBLIC_STATUSES)


def public_event_get(*, pk: int) -> OutreachEvent | None:
    return (
        public_events()
        .select_related(*DISPLAY_RELATED, "report")
        .prefetch_related(Prefetch("partners", queryset=Agency.objects.order_by("name")))
        .filter(pk=pk)
        .first()
    )


def upcoming_events(*, filters: EventFilters) -> QuerySet[OutreachEvent]:
    """The list (agenda) view: events that have not ended, or the chosen date range."""
    qs = apply_filters(public_events(), filters)
    if not filters.has_dates:
        now = timezone.now()
        # An event lasts at most MAX_DURATION, so whatever has not ended started after
        # now - MAX_DURATION: the bound lets PostgreSQL walk outreach_public_start_idx in order
        # from there instead of sorting every upcoming event of the country.
        qs = qs.filter(ends_at__gte=now, starts_at__gte=now - MAX_DURATION)
    return qs.select_related(*DISPLAY_RELATED).order_by("starts_at", "id")


# The list counts at most this many events: past it, "more than N" (an exact count of every
# upcoming event of the country would read the whole index on every uncached view).
COUNT_CAP = 1000


@dataclass
class EventPage:
    events: list[OutreachEvent]
    count: int  # capped at COUNT_CAP + 1
    next_cursor: str = ""  # "" on the last page
    is_first: bool = True

    @property
    def count_capped(self) -> bool:
        return self.count > COUNT_CAP


def cursor_of(event: OutreachEvent) -> str:
    """Where the next page starts: after this event in (starts_at, id) order."""
    micros = int(event.starts_at.timestamp()) * 1_000_000 + event.starts_at.microsecond
    return f"{micros}-{event.pk}"


def cursor_parse(text: str) -> tuple[dt.datetime, int] | None:
    """The (starts_at, id) of a cursor, or None for anything that is not one."""
    head, _sep, tail = (text or "").partition("-")
    if not (head.isdigit() and tail.isdigit()) or len(head) > 18 or len(tail) > 18:
        return None
    try:
        moment = dt.datetime.fromtimestamp(int(head) // 1_000_000, tz=dt.UTC).replace(
            microsecond=int(head) % 1_000_000
        )
    except (OverflowError, OSError, ValueError):
        return None
    return moment, int(tail)


def upcoming_page(*, filters: EventFilters, after: str = "", size: int = 25) -> EventPage:
    """One page of the list in (starts_at, id) order, from the cursor `after` (keyset paging: the
    index is entered at the cursor, so page 100 costs what page 1 does), with the count capped
    at COUNT_CAP. Three queries: the capped count, the page's ids, their rows."""
    qs = upcoming_events(filters=filters).select_related(None)
    cursor = cursor_parse(after)
    count = qs.order_by()[: COUNT_CAP + 1].count()
    if cursor is not None:
        moment, pk = cursor
        qs = qs.filter(starts_at__gte=moment).exclude(starts_at=moment, id__lte=pk)
    # The ids first: without filters an index-only walk of outreach_public_start_idx (the
    # events that already ended are skipped in the index, not visited in the table), then the
    # rows shown with their regions and organisers.
    ids = list(qs.values_list("pk", flat=True)[: size + 1])
    by_id = OutreachEvent.objects.select_related(*DISPLAY_RELATED).in_bulk(ids[:size])
    events = [by_id[pk] for pk in ids[:size]]
    return EventPage(
        events=events,
        count=count,
        next_cursor=cursor_of(events[-1]) if len(ids) > size else "",
        is_first=cursor is None,
    )


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool = True
    is_today: bool = False
    count: int = 0
    events: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.events)


def calendar_days(
    *, filters: EventFilters, first: dt.date, last: dt.date, per_day: int, month: int | None = None
) -> list[CalendarDay]:
    """Every day from `first` to `last` with its event count and its first `per_day` events.

    Two queries whatever the number of events: the counts per day, and the first events of each
    day ranked by a window function, so a busy national calendar never loads a month of rows.
    """
    qs = apply_filters(public_events(), filters.without_dates()).filter(
        local_date__gte=first, local_date__lte=last
    )
    counts = dict(
        qs.order_by().values("local_date").annotate(n=Count("id")).values_list("local_date", "n")
    )
    # Rank the ids alone (an index-only scan of outreach_public_day_idx at national scale), then
    # join the regions and organisers of the few events shown, not of every event of the month.
    ranked_ids = (
        qs.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("local_date")],
                order_by=[F("starts_at").asc(), F("id").asc()],
            )
        )
        .filter(rank__lte=per_day)
        .values("pk")[
            # Never more than this anyway; the limit tells the planner to look up each row by key
            # instead of hashing the whole table.
            : per_day * ((last - first).days + 1)
        ]
    )
    ranked = (
        OutreachEvent.objects.filter(pk__in=ranked_ids)
        .select_related(*DISPLAY_RELATED)
        .order_by("local_date", "starts_at", "id")
    )
    today = timezone.localdate()
    days = {}
    current = first
    while current <= last:
        days[current] = CalendarDay(
            date=current,
            in_month=month is None or current.month == month,
            is_today=current == today,
            count=counts.get(current, 0),
        )
        current += dt.timedelta(days=1)
    for event in ranked:
        days[event.local_date].events.append(event)
    return list(days.values())


def month_weeks(*, filters: EventFilters, year: int, month: int, per_day: int = 3):
    """The month grid: whole weeks (Monday first) covering the month."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    days = calendar_days(
        filters=filters, first=weeks[0][0], last=weeks[-1][-1], per_day=per_day, month=month
    )
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def _open_data(filters: EventFilters) -> QuerySet[OutreachEvent]:
    qs = apply_filters(public_events(), filters)
    if not filters.dari:
        since = timezone.localdate() - dt.timedelta(days=conf.get("OUTREACH_FEED_PAST_DAYS"))
        qs = qs.filter(local_date__gte=since)
    return qs


def open_data_events(*, filters: EventFilters) -> QuerySet[OutreachEvent]:
    """The events of the open data (feeds and the integration API): the chosen dates, or from
    OUTREACH_FEED_PAST_DAYS ago onwards, with what a record shows (`outreach.feeds`)."""
    return (
        _open_data(filters)
        .select_related(*DISPLAY_RELATED, "report")
        .prefetch_related(Prefetch("partners", queryset=Agency.objects.order_by("name")))
    )


def calendar_feed_events(*, filters: EventFilters) -> list[OutreachEvent]:
    """The events of an iCalendar feed, chosen as `feed_events` chooses them, with only what
    reading their stored VEVENT texts needs (`outreach.feeds.ics_body`): no report, no
    partners, no place chain."""
    return list(
        _open_data(filters)
        .select_related("region", "organiser")
        .only("id", "uid", "sequence", "updated_at", "region__timezone", "region__name",
              "organiser__name")
        .order_by("starts_at", "id")[: conf.get("OUTREACH_FEED_MAX_EVENTS")]
    )  # fmt: skip


def feed_events(*, filters: EventFilters) -> list[OutreachEvent]:
    """The events of a feed: at most OUTREACH_FEED_MAX_EVENTS, the earliest first."""
    return list(
        open_data_events(filters=filters).order_by("starts_at", "id")[
            : conf.get("OUTREACH_FEED_MAX_EVENTS")
        ]
    )


def managed_events(*, user, filters: EventFilters, status: str = "") -> QuerySet[OutreachEvent]:
    qs = apply_filters(OutreachEvent.objects.filter(permissions.managed_events_q(user)), filters)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(*DISPLAY_RELATED).order_by("-starts_at", "-id")


def region_filter_options(*, filters: EventFilters) -> dict:
    """Choices for the region filters: provinces, the regencies of the chosen (or only) province,
    the districts of the chosen regency. Three small indexed queries at any national scale."""
    provinces = list(
        Region.objects.filter(level=RegionLevel.PROVINCE)
        .order_by("code")
        .values_list("code", "name")
    )
    province = filters.prov or (filters.kab[:2] if filters.kab else "")
    if not province and len(provinces) == 1:
        province = provinces[0][0]
    regencies = (
        list(Region.objects.filter(parent_id=province).order_by("code").values_list("code", "name"))
        if province
        else []
    )
    districts = (
        list(
            Region.objects.filter(parent_id=filters.kab)
            .order_by("name")
            .values_list("code", "name")
        )
        if filters.kab
        else []
    )
    return {"provinces": provinces, "regencies": regencies, "districts": districts}
