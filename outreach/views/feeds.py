"""Subscribable feeds and open data: iCalendar, JSON and CSV of the public events.

`/sosialisasi/kalender.ics` (and data.json, data.csv) honour the calendar's filters in the query
string; `/sosialisasi/wilayah/<code>/kalender.ics` is the clean per-region address, the same for
everyone and therefore cacheable by any proxy.
"""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from coordination.enums import RegionLevel
from coordination.models import Region
from outreach.display import absolute, filter_summary
from outreach.feeds import csv_body, ics_body, json_body
from outreach.forms.calendar import CalendarFilterForm
from outreach.http import cached_body, public_resource
from outreach.selectors.events import calendar_feed_events, feed_events
from outreach.selectors.filters import EventFilters

CONTENT_TYPES = {
    "ics": "text/calendar; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}


def _respond(request, *, fmt: str, filters: EventFilters, name, filename: str):
    """`name` is the feed's title, or a function making it (read only when the body is built)."""

    def build() -> bytes:
        if fmt == "csv":
            return csv_body(feed_events(filters=filters))
        title = name() if callable(name) else name
        if fmt == "ics":
            events = calendar_feed_events(filters=filters)
            return ics_body(events, name=title, description=_("Jadwal sosialisasi Pilkada"))
        return json_body(
            feed_events(filters=filters), name=title, feed_url=absolute(request.get_full_path())
        )

    body = cached_body(request, build)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt != "csv" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _feed(fmt: str):
    @require_safe
    @public_resource(f"feed-{fmt}", feed=True)
    def view(request):
        filters = CalendarFilterForm(request.GET).filters()

        def name() -> str:
            # A filtered feed says its filter, so a subscriber with several tells them apart.
            if filters.is_empty:
                return _("Sosialisasi Pilkada")
            chosen = list(
                Region.objects.filter(code=filters.region_code).values_list("code", "name")
            )
            regions = {"districts": chosen, "regencies": chosen, "provinces": chosen}
            words = filter_summary(filters, regions)
            return _("Sosialisasi Pilkada: %(filter)s") % {"filter": ", ".join(words)}

        return _respond(request, fmt=fmt, filters=filters, name=name, filename="sosialisasi")

    view.__name__ = f"feed_{fmt}"
    return view


def _region_feed(fmt: str):
    @require_safe
    @public_resource(f"region-feed-{fmt}", feed=True)
    def view(request, code: str):
        region = Region.objects.filter(code=code, level__lte=RegionLevel.DISTRICT).first()
        if region is None:
            raise Http404
        if region.level == RegionLevel.PROVINCE:
            filters = EventFilters(prov=code)
        elif region.level == RegionLevel.REGENCY:
            filters = EventFilters(kab=code)
        else:
            filters = EventFilters(kec=code)
        name = _("Sosialisasi Pilkada %(region)s") % {"region": region.name}
        return _respond(
            request, fmt=fmt, filters=filters, name=name, filename=f"sosialisasi-{code}"
        )

    view.__name__ = f"region_feed_{fmt}"
    return view


feed_ics = _feed("ics")
feed_json = _feed("json")
feed_csv = _feed("csv")
region_feed_ics = _region_feed("ics")
region_feed_json = _region_feed("json")
region_feed_csv = _region_feed("csv")
