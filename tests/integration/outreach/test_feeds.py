import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from outreach.enums import EventStatus
from outreach.models import EventText, OutreachEvent
from outreach.services.events import event_status_change, event_update
from outreach.services.publication import publication_bump
from tests import factories
from tests.integration.outreach.conftest import at


def parse(response) -> dict:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_ics_feed_is_valid_rfc5545_with_every_field(client, event):
    response = client.get(reverse("outreach:feed_ics"))
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Portal Pilkada//Jadwal Sosialisasi//ID"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    item = parse(response)["Forum warga Desa Satu"]
    assert str(item["UID"]) == f"{event.uid}@127.0.0.1"
    assert item["DTSTAMP"].dt == event.updated_at.replace(microsecond=0)
    assert item.decoded("DTSTAMP").utcoffset() == dt.timedelta(0)
    assert item["SEQUENCE"] == 0
    start = item["DTSTART"].dt
    assert start == at(3)
    assert str(item["DTSTART"].params["TZID"]) == "Asia/Jakarta"
    assert item["DTEND"].dt - start == dt.timedelta(hours=2)
    assert str(item["STATUS"]) == "CONFIRMED"
    assert str(item["URL"]) == f"http://127.0.0.1:8000/sosialisasi/acara/{event.pk}-{event.slug}/"
    assert str(item["LOCATION"]) == (
        "Balai desa, Desa 17.01.01.2001, Kecamatan 17.01.01, Kabupaten 17.01"
    )
    assert "Forum warga" in str(item["DESCRIPTION"])


def test_ics_uid_stable_and_sequence_rises_on_change(client, event):
    before = parse(client.get(reverse("outreach:feed_ics")))["Forum warga Desa Satu"]
    assert before["DTSTAMP"].dt == event.updated_at.replace(microsecond=0)
    event_update(actor=None, event=event, title="Forum warga diganti")
    after = parse(client.get(reverse("outreach:feed_ics")))["Forum warga diganti"]
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    event.refresh_from_db()
    # DTSTAMP is the time of the event's last change (RFC 5545 lets a feed choose it).
    assert after["DTSTAMP"].dt == event.updated_at.replace(microsecond=0)


def test_ics_marks_cancelled_events(client, event):
    event_status_change(actor=None, event=event, status="cancelled")
    item = parse(client.get(reverse("outreach:feed_ics")))["Forum warga Desa Satu"]
    assert str(item["STATUS"]) == "CANCELLED"
    assert item["SEQUENCE"] == 1


def test_ics_wita_event_keeps_its_zone(client, db):
    factories.region_tree("73", timezone_name="Asia/Makassar")
    when = dt.datetime(2030, 3, 12, 0, 30, tzinfo=ZoneInfo("Asia/Makassar"))
    factories.outreach_event("73.01.01.2001", when=when, title="Subuh Makassar")
    response = client.get(reverse("outreach:region_feed_ics", kwargs={"code": "73.01"}))
    calendar = Calendar.from_ical(response.content)
    item = parse(response)["Subuh Makassar"]
    assert str(item["DTSTART"].params["TZID"]) == "Asia/Makassar"
    assert item["DTSTART"].dt == when
    assert item["DTSTART"].dt.utcoffset() == dt.timedelta(hours=8)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Makassar"]


def test_drafts_never_in_any_feed(client, event, draft):
    urls = [
        reverse("outreach:feed_ics"),
        reverse("outreach:feed_json"),
        reverse("outreach:feed_csv"),
        reverse("outreach:feed_ics") + "?q=Rahasia",
        reverse("outreach:region_feed_ics", kwargs={"code": "17.01"}),
        reverse("outreach:region_feed_json", kwargs={"code": "17.01.02"}),
        reverse("outreach:region_feed_csv", kwargs={"code": "17"}),
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert "Rahasia draf" not in body, url
        assert str(draft.uid) not in body, url


def test_region_feed_has_only_that_region_and_is_publicly_cacheable(client, bengkulu):
    factories.outreach_event("17.01.01.2001", when=at(2), title="Di 17.01")
    factories.outreach_event("17.02.01.2001", when=at(2), title="Di 17.02")
    response = client.get("/sosialisasi/wilayah/17.02/kalender.ics")
    assert set(parse(response)) == {"Di 17.02"}
    assert "public" in response["Cache-Control"] and "max-age=900" in response["Cache-Control"]
    assert "Sosialisasi Pilkada Kabupaten 17.02" in response.content.decode()
    assert client.get("/sosialisasi/wilayah/17.99/kalender.ics").status_code == 404
    # Villages are too small for a feed of their own.
    assert client.get("/sosialisasi/wilayah/17.02.01.2001/kalender.ics").status_code == 404


def test_filtered_feed_honours_calendar_filters(client, bengkulu):
    factories.outreach_event("17.01.01.2001", when=at(2), title="Forum", segments=["perempuan"])
    factories.outreach_event("17.01", when=at(2), title="Radio", method="radio")
    assert set(parse(client.get("/sosialisasi/kalender.ics?metode=radio"))) == {"Radio"}
    assert set(parse(client.get("/sosialisasi/kalender.ics?segmen=perempuan"))) == {"Forum"}


def test_json_and_csv_feeds_carry_the_same_records(client, event):
    data = json.loads(client.get(reverse("outreach:feed_json")).content)
    assert data["count"] == 1
    record = data["events"][0]
    assert record["uid"] == f"{event.uid}@127.0.0.1"
    assert record["starts_at"] == at(3).isoformat()
    assert (record["method"], record["face_to_face"], record["segments"]) == (
        "forum_warga",
        True,
        ["masyarakat_umum"],
    )
    assert (record["regency"], record["district"], record["village"]) == (
        "Kabupaten 17.01",
        "Kecamatan 17.01.01",
        "Desa 17.01.01.2001",
    )
    response = client.get(reverse("outreach:feed_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["uid"] == record["uid"]
    assert rows[0]["starts_at"] == record["starts_at"]
    assert rows[0]["segments"] == "masyarakat_umum"


def test_csv_feed_neutralises_formulas(client, bengkulu):
    factories.outreach_event("17.01.01.2001", when=at(2), title="=HYPERLINK(1)")
    rows = list(
        csv.DictReader(io.StringIO(client.get("/sosialisasi/data.csv").content.decode("utf-8-sig")))
    )
    assert rows[0]["title"] == "'=HYPERLINK(1)"


def test_feed_answers_304_and_changes_etag_on_change(client, event):
    url = reverse("outreach:feed_ics")
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    event_status_change(actor=None, event=event, status="cancelled")
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]


def test_event_ics_download(client, event):
    response = client.get(reverse("outreach:event_ics", args=[event.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="sosialisasi-{event.pk}.ics"'
    assert set(parse(response)) == {"Forum warga Desa Satu"}


@pytest.mark.parametrize("n", [2, 25])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/sosialisasi/kalender.ics", 3),
        ("/sosialisasi/data.json?kab=17.02", 4),
        ("/sosialisasi/data.csv?segmen=perempuan", 3),
        ("/sosialisasi/wilayah/17.02/kalender.ics", 4),
    ],
)
def test_feed_query_count_is_constant(client, many_events, django_assert_num_queries, n, url,
                                      queries):  # fmt: skip
    many_events(n)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def _texts(event) -> dict[str, tuple[str, str]]:
    return {row.language: (row.stamp, row.text) for row in EventText.objects.filter(event=event)}


def test_feed_rebuilt_after_one_event_changes_keeps_the_others(client, bengkulu):
    first = factories.outreach_event("17.01.01.2001", when=at(2), title="Forum pertama")
    second = factories.outreach_event("17.01.01.2002", when=at(4), title="Forum kedua")
    url = reverse("outreach:region_feed_ics", args=["17.01"])
    before = parse(client.get(url))
    kept = _texts(second)
    old = _texts(first)

    event_update(actor=None, event=first, title="Forum pertama pindah", venue="Aula kecamatan")
    # Written with the change, in both languages, before any feed is read.
    assert set(_texts(first)) == {"id", "en"}
    assert all("Forum pertama pindah" in text for _stamp, text in _texts(first).values())
    assert _texts(first)["id"][0] != old["id"][0]

    after = parse(client.get(url))
    assert sorted(after) == ["Forum kedua", "Forum pertama pindah"]
    assert "Aula kecamatan" in str(after["Forum pertama pindah"]["LOCATION"])
    assert after["Forum pertama pindah"]["SEQUENCE"] == before["Forum pertama"]["SEQUENCE"] + 1
    assert after["Forum kedua"].to_ical() == before["Forum kedua"].to_ical()
    assert _texts(second) == kept  # the unchanged event's stored text was not rebuilt


def test_feed_texts_are_stored_per_language(client, event):
    EventText.objects.all().delete()
    client.get(reverse("outreach:feed_ics"))
    assert set(_texts(event)) == {"id"}
    client.cookies.load({"django_language": "en"})
    client.get(reverse("outreach:feed_ics"))
    assert set(_texts(event)) == {"id", "en"}


def test_a_feed_rebuilds_a_stale_text_and_a_renamed_organiser(client, bengkulu):
    event = factories.outreach_event("17.01.01.2001", when=at(2), title="Forum desa")
    url = reverse("outreach:region_feed_ics", args=["17.01"])
    client.get(url)
    # A write that did not go through the services (an admin's bulk update, a data fix).
    OutreachEvent.objects.filter(pk=event.pk).update(title="Forum desa baru",
                                                     updated_at=timezone.now())  # fmt: skip
    event.organiser.name = "KPU Kabupaten Baru"
    event.organiser.save(update_fields=["name"])
    publication_bump()  # the feed's body is cached under the publication's version
    (vevent,) = parse(client.get(url)).values()
    assert str(vevent["SUMMARY"]) == "Forum desa baru"
    assert "KPU Kabupaten Baru" in str(vevent["DESCRIPTION"])
    assert "Forum desa baru" in _texts(event)["id"][1]


def test_calendar_texts_builds_every_public_event(bengkulu):
    published = factories.outreach_event("17.01.01.2001", when=at(2), title="Terbit")
    draft = factories.outreach_event("17.01.01.2002", when=at(3), status=EventStatus.DRAFT)
    EventText.objects.all().delete()
    call_command("calendar_texts", stdout=io.StringIO())
    assert set(_texts(published)) == {"id", "en"}
    assert _texts(draft) == {}


def test_empty_feed_is_still_a_valid_calendar(client, bengkulu):
    response = client.get("/sosialisasi/wilayah/17.02/kalender.ics")

    calendar = Calendar.from_ical(response.content)
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE"]
    assert calendar.subcomponents[0]["TZID"] == "Asia/Jakarta"


def test_feed_varies_on_the_language_cookie_and_header(client, event):
    response = client.get(reverse("outreach:feed_ics"))

    # Accept-Encoding too: shared responses are sent gzipped to clients that take it.
    assert {v.strip() for v in response["Vary"].split(",")} == {
        "Accept-Language",
        "Cookie",
        "Accept-Encoding",
    }


def test_feed_refresh_hints_match_the_http_max_age(client, event, settings):
    settings.OUTREACH_FEED_MAX_AGE = 900
    response = client.get(reverse("outreach:feed_ics"))
    calendar = Calendar.from_ical(response.content)
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in response.content
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT15M"
    assert "max-age=900" in response["Cache-Control"]


def test_online_link_is_an_rfc7986_conference(client, bengkulu):
    factories.outreach_event(
        "17.01.01.2001", when=at(3), title="Siaran daring", online_url="https://meet.example.id/x"
    )
    item = parse(client.get(reverse("outreach:feed_ics")))["Siaran daring"]
    assert str(item["CONFERENCE"]) == "https://meet.example.id/x"
    assert item["CONFERENCE"].params["VALUE"] == "URI"


def test_filtered_feed_is_named_after_its_filter(client, bengkulu):
    factories.outreach_event("17.01.01.2001", when=at(3), title="Radio Kaur", method="radio")
    response = client.get(reverse("outreach:feed_ics"), {"metode": "radio", "kab": "17.01"})
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Sosialisasi Pilkada: Kabupaten 17.01, Radio"
    unfiltered = Calendar.from_ical(client.get(reverse("outreach:feed_ics")).content)
    assert str(unfiltered["X-WR-CALNAME"]) == "Sosialisasi Pilkada"
    data = client.get(reverse("outreach:feed_json"), {"kab": "17.01"}).json()
    assert data["title"] == "Sosialisasi Pilkada: Kabupaten 17.01"
