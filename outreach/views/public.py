"""The public calendar (no login): list, month and week views, event pages."""

import calendar
import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from outreach import display, share
from outreach.enums import METHOD_GROUP_FACE, METHOD_GROUP_MEDIA, AudienceSegment, method_groups
from outreach.feeds import ics_body
from outreach.forms.calendar import CalendarFilterForm
from outreach.http import cached_body, public_resource
from outreach.selectors.events import (
    COUNT_CAP,
    calendar_days,
    month_weeks,
    public_event_get,
    region_filter_options,
    upcoming_page,
)
from pilkada.common.query import drop_empty_parameters

PAGE_SIZE = 25
CARD_MAX_AGE = 365 * 24 * 3600
WEEK_PER_DAY = 12


def _common(request, filters, form, view: str) -> dict:
    query = filters.query()
    regions = region_filter_options(filters=filters)
    suffix = "?" + query if query else ""
    feed_base = (
        reverse("outreach:region_feed_ics", kwargs={"code": filters.kab})
        if filters.kab and not filters.kec and filters.query(kab="", prov="") == ""
        else None
    )
    return {
        "form": form,
        "filters": filters,
        "view": view,
        "method_groups": method_groups(),
        "method_group_face": METHOD_GROUP_FACE,
        "method_group_media": METHOD_GROUP_MEDIA,
        "segments": AudienceSegment.choices,
        "regions": regions,
        "filter_summary": display.filter_summary(filters, regions),
        "feed_ics": reverse("outreach:feed_ics") + suffix,
        "feed_json": reverse("outreach:feed_json") + suffix,
        "feed_csv": reverse("outreach:feed_csv") + suffix,
        # A kabupaten/kota alone has its own clean, cacheable address.
        "region_feed_ics": feed_base,
        "filter_query": suffix,
        "today": timezone.localdate(),
    }


def _page(request, *, view: str, title: str, build) -> HttpResponse:
    form = CalendarFilterForm(request.GET)
    filters = form.filters()

    def body() -> str:
        context = _common(request, filters, form, view)
        context.update(build(filters))
        return render_to_string(f"outreach/calendar/{view}.html", context, request=request)

    html = cached_body(request, body)
    return render(
        request,
        "outreach/calendar/page.html",
        # The body was rendered (and escaped) by our own template above.
        {"body": mark_safe(html), "title": title, "filters": filters},  # noqa: S308
    )


@require_safe
@drop_empty_parameters
@public_resource("calendar")
def calendar_list(request):
    def build(filters):
        page = upcoming_page(filters=filters, after=request.GET.get("setelah", ""), size=PAGE_SIZE)
        query = request.GET.copy()
        query.pop("setelah", None)
        query.pop("page", None)
        first_query = query.urlencode()
        query["setelah"] = page.next_cursor
        return {
            "page": page,
            "events": page.events,
            "count_cap": COUNT_CAP,
            "first_query": first_query,
            "next_query": query.urlencode() if page.next_cursor else "",
        }

    return _page(request, view="list", title=_("Kalender sosialisasi"), build=build)


def _month_or_404(year: int, month: int) -> dt.date:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    return dt.date(year, month, 1)


@require_safe
@drop_empty_parameters
@public_resource("calendar")
def calendar_month(request, year: int | None = None, month: int | None = None):
    if year is None:
        today = timezone.localdate()
        year, month = today.year, today.month
    first = _month_or_404(year, month)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)

    def build(filters):
        weeks = month_weeks(filters=filters, year=year, month=month)
        return {
            "month": first,
            "weeks": weeks,
            "weekdays": [d.date for d in weeks[0]],
            "previous": previous,
            "following": following,
            "days_in_month": calendar.monthrange(year, month)[1],
            "has_events": any(day.count for week in weeks for day in week),
        }

    title = _("Kalender sosialisasi %(month)s") % {"month": date_format(first, "F Y")}
    return _page(request, view="month", title=title, build=build)


@require_safe
@drop_empty_parameters
@public_resource("calendar")
def calendar_week(request, day: str | None = None):
    if day is None:
        start = timezone.localdate()
    else:
        try:
            start = dt.date.fromisoformat(day)
        except ValueError as exc:
            raise Http404 from exc
    monday = start - dt.timedelta(days=start.weekday())
    if day is not None and monday != start:
        return redirect("outreach:calendar_week", day=monday.isoformat())

    def build(filters):
        days = calendar_days(
            filters=filters, first=monday, last=monday + dt.timedelta(days=6), per_day=WEEK_PER_DAY
        )
        return {
            "days": days,
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "previous": monday - dt.timedelta(days=7),
            "following": monday + dt.timedelta(days=7),
            "has_events": any(d.count for d in days),
        }

    title = _("Sosialisasi pekan %(date)s") % {"date": date_format(monday, "j F Y")}
    return _page(request, view="week", title=title, build=build)


@require_safe
def event_redirect(request, pk: int):
    event = public_event_get(pk=pk)
    if event is None:
        raise Http404
    return redirect(display.event_path(event), permanent=True)


@require_safe
@public_resource("event")
def event_detail(request, pk: int, slug: str):
    event = public_event_get(pk=pk)
    if event is None:
        # Drafts and unknown ids look the same from outside.
        raise Http404
    if slug != event.slug:
        return redirect(display.event_path(event), permanent=True)
    chain = display.region_chain(event)
    return render(
        request,
        "outreach/event_detail.html",
        {
            "event": event,
            "chain": chain,
            "partners": list(event.partners.all()),
            "report": display.public_report(event),
            "map_url": display.map_url(event),
            "google_url": display.google_calendar_url(event),
            "absolute_url": display.absolute(display.event_path(event)),
            "json_ld": share.json_ld_script(share.event_json_ld(event)),
            "card_url": display.absolute(share.card_path(event)),
            "whatsapp_url": share.whatsapp_url(event),
            "regency_feed": (
                display.absolute(
                    reverse("outreach:region_feed_ics", kwargs={"code": event.regency_code})
                )
                if event.regency_code
                else None
            ),
        },
    )


@require_safe
@public_resource("event-ics", feed=True)
def event_ics(request, pk: int):
    event = public_event_get(pk=pk)
    if event is None:
        raise Http404

    body = cached_body(request, lambda: ics_body([event], name=event.title))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sosialisasi-{event.pk}.ics"'
    return response


@require_safe
def event_card(request, pk: int, version: int):
    """The event's share card (og:image). Its address names the version, so the current one is
    kept by browsers and proxies for good; an old version's address leads to the current card."""
    event = public_event_get(pk=pk)
    if event is None:
        raise Http404
    if version != event.sequence:
        return redirect(share.card_path(event))
    response = HttpResponse(share.event_card(event), content_type="image/png")
    patch_cache_control(response, public=True, max_age=CARD_MAX_AGE, immutable=True)
    return response
