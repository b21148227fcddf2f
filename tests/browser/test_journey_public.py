"""Journey 3: the public, on a phone, without logging in.

Opens the home page, goes to the calendar, filters it by a kabupaten and a method, opens an event,
downloads its .ics and takes the region's feed link; once with JavaScript and once without, in
Indonesian and once in English. The home and calendar pages must load under 100 KB.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    ARTIFACTS,
    PAGE_WEIGHT_LIMIT,
    PHONE,
    audit,
    either,
    first_load_bytes,
    switch_to_english,
)


@pytest.fixture
def upcoming_event(demo):
    """A published face-to-face event ahead, in a kecamatan of a kabupaten, from the demo data."""
    from django.utils import timezone

    from outreach.models import OutreachEvent

    event = (
        OutreachEvent.objects.filter(
            status="published",
            is_face_to_face=True,
            starts_at__gte=timezone.now(),
        )
        .exclude(district_code="")
        .select_related("region")
        .order_by("starts_at")
        .first()
    )
    assert event is not None, "the demo data has no upcoming published face-to-face event"
    from coordination.models import Region

    return {
        "uid": str(event.uid),
        "title": event.title,
        "method": event.method,
        "regency_code": event.regency_code,
        "regency": Region.objects.get(code=event.regency_code).name,
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_public_finds_an_event_on_a_phone(browse, chromium, portal_url, upcoming_event, language):
    if language == "id":  # a first visit carries no language cookie: measured once
        report = []
        for path in ("/", "/sosialisasi/"):
            weight, loaded = first_load_bytes(chromium, portal_url + path, viewport=PHONE)
            report.append(f"first load of {path}: {weight} bytes\n  " + "\n  ".join(loaded))
            assert weight < PAGE_WEIGHT_LIMIT, report[-1]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "page-weight.txt").write_text("\n".join(report) + "\n")
    for javascript in (True, False):
        page = browse("phone", javascript=javascript)
        _find_event(page, upcoming_event, language)


def _find_event(page, event, language):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if language == "en":
        switch_to_english(page)
    audit(page)

    page.get_by_role("main").get_by_role(
        "link", name=re.compile("Kalender sosialisasi|Outreach calendar", re.I)
    ).click()
    expect(page).to_have_url(re.compile(r"/sosialisasi/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    audit(page)

    # On a phone the filters are folded under a one-line summary, the events first.
    summary = page.locator(".filter-box > summary")
    expect(page.get_by_role("search")).to_be_hidden()
    summary.click()
    search = page.get_by_role("search")
    search.get_by_label(either("Kabupaten/kota", "Regency/city")).select_option(
        label=event["regency"]
    )
    search.get_by_label(either("Metode", "Method")).select_option(event["method"])
    search.get_by_role("button", name=either("Saring", "Filter")).click()
    expect(page).to_have_url(re.compile(rf"kab={re.escape(event['regency_code'])}"))
    expect(page).to_have_url(re.compile(rf"metode={event['method']}"))
    # Only what was chosen goes into the shareable address (no empty `segmen=`, `q=`, ...).
    assert re.search(r"[?&][a-z]+=(&|$)", page.url) is None, page.url
    expect(summary).to_contain_text(event["regency"])
    audit(page)
    # The filters stay in the (folded) form, and every event listed is in that kabupaten.
    expect(page.locator("select[name=kab]")).to_have_value(event["regency_code"])
    cards = page.get_by_role("main").locator("article")
    expect(cards.first).to_be_visible()
    for card in cards.all():
        expect(card).to_contain_text(event["regency"])

    page.get_by_role("link", name=event["title"]).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event["title"])
    audit(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"\.ics")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    ics = download.path().read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR")
    assert f"UID:{event['uid']}" in ics.replace("\r\n ", "")

    # The region's feed: what a person copies into their calendar app to subscribe.
    feed = page.get_by_role(
        "link", name=re.compile("langganan iCalendar|iCalendar subscription", re.I)
    )
    href = feed.get_attribute("href")
    # webcal: is what phones open as "subscribe"; the same address over HTTP is the feed.
    assert href.startswith("webcal://")
    assert href.endswith(f"/sosialisasi/wilayah/{event['regency_code']}/kalender.ics")
    response = page.request.get(urlsplit(href).path)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert f"UID:{event['uid']}" in response.text().replace("\r\n ", "")
