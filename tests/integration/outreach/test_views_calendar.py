import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.services.events import event_report_save, event_status_change, event_update
from tests import factories
from tests.integration.outreach.conftest import at

CALENDAR = reverse("outreach:calendar")


def titles(response) -> set[str]:
    return (
        {e.title for e in response.context["events"]}
        if "events" in (response.context or {})
        else set()
    )


def listed(client, query: str = "") -> set[str]:
    response = client.get(CALENDAR + query)
    assert response.status_code == 200
    content = response.content.decode()
    return {t for t in ALL_TITLES if f">{t}</a>" in content}


ALL_TITLES = ["Forum A", "Radio B", "Seminar C", "Medsos D", "Forum E lama", "Rahasia"]


@pytest.fixture
def spread(bengkulu):
    factories.outreach_event(
        "17.01.01.2001", when=at(2), title="Forum A", segments=["perempuan"], venue="Balai Satu"
    )
    factories.outreach_event(
        "17.01", when=at(3), title="Radio B", method="radio", segments=["pemilih_pemula"]
    )
    factories.outreach_event(
        "17.02.01.2002", when=at(4), title="Seminar C", method="seminar",
        segments=["perempuan", "pemilih_muda"],
    )  # fmt: skip
    factories.outreach_event(
        "17.02.02", when=at(10), title="Medsos D", method="media_sosial", segments=["warganet"]
    )
    factories.outreach_event("17.01.02.2001", when=at(-5), title="Forum E lama")
    factories.outreach_event("17.01.01.2001", when=at(2), title="Rahasia", status="draft")


def test_calendar_default_lists_upcoming_public_events(client, spread):
    assert listed(client) == {"Forum A", "Radio B", "Seminar C", "Medsos D"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?kab=17.01", {"Forum A", "Radio B"}),
        ("?kab=17.02&kec=17.02.01", {"Seminar C"}),
        ("?kec=17.02.02", {"Medsos D"}),
        ("?metode=radio", {"Radio B"}),
        ("?metode=tatap_muka", {"Forum A", "Seminar C"}),
        ("?metode=media", {"Radio B", "Medsos D"}),
        ("?segmen=perempuan", {"Forum A", "Seminar C"}),
        ("?q=seminar", {"Seminar C"}),
        ("?q=balai+satu", {"Forum A"}),
        ("?prov=17", {"Forum A", "Radio B", "Seminar C", "Medsos D"}),
    ],
)
def test_calendar_filter_each(client, spread, query, expected):
    assert listed(client, query) == expected


def test_calendar_filter_date_range_includes_past(client, spread):
    start = (timezone.localdate() - dt.timedelta(days=6)).isoformat()
    end = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert listed(client, f"?dari={start}&sampai={end}") == {"Forum A", "Forum E lama"}


def test_calendar_filters_combined(client, spread):
    assert listed(client, "?kab=17.02&segmen=perempuan&metode=tatap_muka&q=seminar") == {
        "Seminar C"
    }
    assert listed(client, "?kab=17.01&segmen=pemilih_muda") == set()


def test_calendar_bad_filter_values_are_ignored_with_message(client, spread):
    response = client.get(CALENDAR + "?dari=kemarin&metode=sihir&kab=17.01")
    assert response.status_code == 200
    assert listed(client, "?dari=kemarin&metode=sihir&kab=17.01") == {"Forum A", "Radio B"}
    assert "Sebagian saringan tidak dipakai" in response.content.decode()


def test_calendar_filters_kept_in_links(client, spread):
    content = client.get(CALENDAR + "?kab=17.01&segmen=perempuan").content.decode()
    assert 'href="/sosialisasi/kalender.ics?kab=17.01&amp;segmen=perempuan"' in content
    assert 'href="/sosialisasi/bulan/?kab=17.01&amp;segmen=perempuan"' in content
    # The kecamatan select lists the districts of the chosen regency.
    assert '<option value="17.01.02">' in content


def test_calendar_pagination(client, bengkulu):
    for i in range(27):
        factories.outreach_event("17.01.01.2001", when=at(1, 8) + dt.timedelta(minutes=i),
                                 title=f"Acara {i:02d}")  # fmt: skip
    first = client.get(CALENDAR + "?metode=forum_warga").content.decode()
    assert ">Acara 00</a>" in first and ">Acara 25</a>" not in first
    assert "27 kegiatan" in first
    # Keyset paging: "next" starts after the last event shown, filters kept; no "page N of M".
    more = re.search(r'href="\?([^"]*setelah=[^"]*)" rel="next"', first).group(1)
    assert "metode=forum_warga" in more
    second = client.get(CALENDAR + "?" + more.replace("&amp;", "&")).content.decode()
    assert ">Acara 24</a>" not in second
    assert ">Acara 25</a>" in second and ">Acara 26</a>" in second
    assert 'rel="next"' not in second
    assert 'href="?metode=forum_warga">Kembali ke awal</a>' in second
    assert "Halaman" not in second.split("pagination")[-1].split("</nav>")[0]


def test_calendar_cursor_that_is_not_one_shows_the_first_page(client, bengkulu):
    factories.outreach_event("17.01.01.2001", when=at(1, 8), title="Acara awal")
    for junk in ("abc", "1-", "-5", "99999999999999999999-1", "1700000000000000-x"):
        response = client.get(CALENDAR + "?setelah=" + junk)
        assert response.status_code == 200
        assert ">Acara awal</a>" in response.content.decode()


def test_calendar_count_is_capped(client, bengkulu, monkeypatch):
    from outreach.selectors import events as selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    for i in range(3):
        factories.outreach_event("17.01.01.2001", when=at(1, 8 + i), title=f"Acara {i}")
    content = client.get(CALENDAR).content.decode()
    assert "Lebih dari" in content


def test_month_view_shows_events_and_marks_today(client, bengkulu):
    day = timezone.localdate()
    factories.outreach_event("17.01.01.2001", when=at(0, 23), title="Malam ini")
    response = client.get(reverse("outreach:calendar_month", args=[day.year, day.month]))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="date"' in content
    assert "Malam ini" in content
    assert '<th scope="col"><abbr title="Senin">Sen</abbr></th>' in content
    # Every day carries its full Indonesian date for screen readers and narrow screens.
    assert f'<time datetime="{day.isoformat()}">' in content


def test_month_view_limits_events_per_day_with_more_link(client, bengkulu):
    when = dt.datetime(2030, 3, 12, 8, tzinfo=ZoneInfo("Asia/Jakarta"))
    for i in range(5):
        factories.outreach_event("17.01.01.2001", when=when + dt.timedelta(hours=i),
                                 title=f"Padat {i}")  # fmt: skip
    content = client.get(reverse("outreach:calendar_month", args=[2030, 3])).content.decode()
    assert "Padat 2" in content and "Padat 3" not in content
    assert "+2 lainnya" in content
    assert "dari=2030-03-12&amp;sampai=2030-03-12" in content


def test_month_view_rejects_impossible_month(client, db):
    assert client.get("/sosialisasi/bulan/2030/13/").status_code == 404


def test_week_view_redirects_to_monday_and_lists_days(client, bengkulu):
    factories.outreach_event(
        "17.01.01.2001", when=dt.datetime(2030, 3, 13, 10, tzinfo=ZoneInfo("Asia/Jakarta")),
        title="Rabu ini",
    )  # fmt: skip
    response = client.get(reverse("outreach:calendar_week", args=["2030-03-13"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:calendar_week", args=["2030-03-11"])
    content = client.get(response["Location"]).content.decode()
    assert "Rabu, 13 Maret 2030" in content
    assert "Rabu ini" in content
    assert client.get("/sosialisasi/pekan/bukan-tanggal/").status_code == 404


def test_event_page_shows_details_calendar_links_and_opengraph(client, event):
    url = reverse("outreach:event_detail", kwargs={"pk": event.pk, "slug": event.slug})
    content = client.get(url).content.decode()
    assert '<meta property="og:title" content="Forum warga Desa Satu">' in content
    assert f'<meta property="og:url" content="http://127.0.0.1:8000{url}">' in content
    assert reverse("outreach:event_ics", args=[event.pk]) in content
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in content
    assert "https://www.openstreetmap.org/search?query=Balai+desa" in content
    assert "09.00" in content and "WIB" in content


def test_event_page_wrong_slug_redirects_to_canonical(client, event):
    response = client.get(f"/sosialisasi/acara/{event.pk}-judul-lama/")
    assert response.status_code == 301
    assert response["Location"] == f"/sosialisasi/acara/{event.pk}-{event.slug}/"
    short = client.get(f"/sosialisasi/acara/{event.pk}/")
    assert short.status_code == 301


def test_event_page_in_wita_province_shows_wita_time(client, db):
    factories.region_tree("73", timezone_name="Asia/Makassar")
    when = dt.datetime(2030, 3, 12, 0, 30, tzinfo=ZoneInfo("Asia/Makassar"))
    event = factories.outreach_event("73.01.01.2001", when=when, title="Subuh Makassar")
    content = client.get(f"/sosialisasi/acara/{event.pk}-{event.slug}/").content.decode()
    assert 'datetime="2030-03-12T00:30+08:00"' in content
    assert "Selasa, 12 Maret 2030, 00.30" in content
    assert "WITA" in content
    month = client.get("/sosialisasi/bulan/2030/3/?prov=73").content.decode()
    # Placed on its local day (12 March), not on the WIB day before.
    cell = month.split('<time datetime="2030-03-12">')[1].split("</td>")[0]
    assert "Subuh Makassar" in cell


@pytest.mark.parametrize("url_name", ["event_detail", "event_short", "event_ics"])
def test_draft_is_never_public_by_id(client, draft, url_name):
    kwargs = {"pk": draft.pk}
    if url_name == "event_detail":
        kwargs["slug"] = draft.slug
    assert client.get(reverse(f"outreach:{url_name}", kwargs=kwargs)).status_code == 404


def test_draft_never_in_calendar_views(client, draft):
    day = draft.local_date
    pages = [
        CALENDAR,
        reverse("outreach:calendar_month", args=[day.year, day.month]),
        reverse(
            "outreach:calendar_week", args=[(day - dt.timedelta(days=day.weekday())).isoformat()]
        ),
        CALENDAR + "?q=Rahasia",
    ]
    for url in pages:
        assert "Rahasia draf</a>" not in client.get(url).content.decode(), url


def test_cancelled_event_stays_visible_marked(client, event):
    from outreach.services.events import event_status_change

    event_status_change(actor=None, event=event, status="cancelled", note="Banjir")
    content = client.get(CALENDAR).content.decode()
    assert "Forum warga Desa Satu" in content and "Dibatalkan" in content
    page = client.get(f"/sosialisasi/acara/{event.pk}-{event.slug}/").content.decode()
    assert "Kegiatan ini dibatalkan." in page and "Banjir" in page


def test_calendar_answers_304_until_something_changes(client, event):
    first = client.get(CALENDAR)
    etag, modified = first["ETag"], first["Last-Modified"]
    # Browsers revalidate every use; nginx's microcache may keep the anonymous page seconds.
    assert "max-age=0" in first["Cache-Control"] and "s-maxage=5" in first["Cache-Control"]
    again = client.get(CALENDAR, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert client.get(CALENDAR, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # Another filter is another resource.
    assert client.get(CALENDAR + "?kab=17.01", HTTP_IF_NONE_MATCH=etag).status_code == 200
    event_update(actor=None, event=event, title="Forum berubah")
    changed = client.get(CALENDAR, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Forum berubah" in changed.content.decode()


def test_calendar_cache_is_invalidated_by_publication(client, event, draft):
    from outreach.services.events import event_status_change

    assert "Rahasia draf" not in client.get(CALENDAR).content.decode()
    event_status_change(actor=None, event=draft, status="published")
    assert "Rahasia draf" in client.get(CALENDAR).content.decode()


def test_event_page_answers_304(client, event):
    url = f"/sosialisasi/acara/{event.pk}-{event.slug}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("n", [2, 25])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/sosialisasi/", 6),
        ("/sosialisasi/?kab=17.02&segmen=perempuan", 7),
        ("/sosialisasi/bulan/", 5),
        ("/sosialisasi/pekan/", 5),
    ],
)
def test_calendar_query_count_is_constant(client, many_events, django_assert_num_queries, n, url,
                                          queries):  # fmt: skip
    many_events(n)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    # A second request is served from the cache: only the 304/200 bookkeeping remains.
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [2, 25])
def test_event_page_query_count_is_constant(client, many_events, django_assert_num_queries, n):
    events = many_events(n)
    event = events[-1]
    with django_assert_num_queries(3):
        assert client.get(f"/sosialisasi/acara/{event.pk}-{event.slug}/").status_code == 200


def test_event_page_shows_attendance_only_while_the_event_is_marked_held(client, bengkulu):
    event = factories.outreach_event("17.01.01.2001", when=at(-2), title="Forum selesai")
    event_report_save(actor=None, event=event, participants=57, women=30)
    url = reverse("outreach:event_detail", args=[event.pk, event.slug])
    assert "57 orang" in client.get(url).content.decode()

    event_status_change(actor=None, event=event, status="published")

    assert "57 orang" not in client.get(url).content.decode()
