"""The addresses browsers, phones, crawlers and researchers ask for: sitemap, robots.txt,
favicon, apple-touch-icon, web manifest, security.txt."""

import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from tests import factories
from tests.integration.outreach.conftest import at


def _locs(response) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def test_sitemap_index_lists_sections_on_site_url(client, settings, db):
    settings.SITE_URL = "https://pilkada.example.go.id"
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert _locs(response) == [
        f"https://pilkada.example.go.id/sitemap-{name}.xml"
        for name in ("portal", "kalender", "acara", "wilayah")
    ]


def test_sitemap_lists_public_events_and_region_feeds_never_drafts(client, settings, bengkulu):
    settings.SITE_URL = "https://pilkada.example.go.id"
    shown = factories.outreach_event("17.01.01.2001", when=at(2), title="Forum terbit")
    cancelled = factories.outreach_event("17.02", when=at(3), status="cancelled", title="Batal")
    draft = factories.outreach_event("17.02.01", when=at(4), status="draft", title="Draf")
    events = _locs(client.get("/sitemap-acara.xml"))
    base = "https://pilkada.example.go.id"
    assert events == [
        base + reverse("outreach:event_detail", args=[e.pk, e.slug]) for e in (cancelled, shown)
    ]
    assert f"/acara/{draft.pk}-" not in " ".join(events)
    assert _locs(client.get("/sitemap-wilayah.xml")) == [
        f"{base}/sosialisasi/wilayah/17.01/kalender.ics",
        f"{base}/sosialisasi/wilayah/17.02/kalender.ics",
    ]
    assert _locs(client.get("/sitemap-kalender.xml")) == [
        f"{base}/sosialisasi/",
        f"{base}/sosialisasi/bulan/",
        f"{base}/sosialisasi/pekan/",
    ]
    assert client.get("/sitemap-nope.xml").status_code == 404


def test_robots_txt_names_the_sitemap(client, settings):
    settings.SITE_URL = "https://pilkada.example.go.id"
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert lines[-1] == "Sitemap: https://pilkada.example.go.id/sitemap.xml"


@pytest.mark.parametrize(
    ("path", "content_type", "sizes"),
    [
        ("/favicon.ico", "image/x-icon", {(16, 16), (32, 32), (48, 48)}),
        ("/apple-touch-icon.png", "image/png", {(180, 180)}),
    ],
)
def test_icons_at_the_addresses_browsers_ask(client, db, path, content_type, sizes):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    image = Image.open(io.BytesIO(response.content))
    assert set(image.info.get("sizes", {image.size})) == sizes


def test_web_manifest(client, db):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert (data["name"], data["start_url"], data["theme_color"]) == (
        "Portal Pilkada",
        "/sosialisasi/",
        "#8a1c1c",
    )
    for icon in data["icons"]:
        name = icon["src"].removeprefix("/static/")
        assert finders.find(name), name
        if icon["type"] == "image/png":
            with Image.open(finders.find(name)) as image:
                assert "x".join(map(str, image.size)) == icon["sizes"]


def test_pages_link_the_manifest_and_touch_icon(client, db):
    body = client.get(reverse("home")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert 'rel="apple-touch-icon"' in body


def test_security_txt_names_the_contact_from_settings(client, settings, db):
    settings.SITE_URL = "https://pilkada.example.go.id"
    settings.PILKADA_SECURITY_CONTACT = ["keamanan@kpu.example.go.id", "https://kpu.example/lapor"]
    response = client.get("/.well-known/security.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:2] == [
        "Contact: mailto:keamanan@kpu.example.go.id",
        "Contact: https://kpu.example/lapor",
    ]
    assert re.fullmatch(r"Expires: \d{4}-\d\d-\d\dT00:00:00Z", lines[2])
    assert lines[3:] == [
        "Preferred-Languages: id, en",
        "Canonical: https://pilkada.example.go.id/.well-known/security.txt",
    ]


def test_security_txt_absent_without_a_contact(client, settings, db):
    settings.PILKADA_SECURITY_CONTACT = []
    assert client.get("/.well-known/security.txt").status_code == 404


def test_sitemap_index_costs_the_same_whatever_the_number_of_events(client, bengkulu):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/sitemap.xml").status_code == 200
        return len(ctx.captured_queries)

    factories.outreach_event("17.01.01.2001", when=at(2))
    small = count()
    for day in range(3, 30):
        factories.outreach_event("17.01.01.2001", when=at(day))
    assert count() == small
