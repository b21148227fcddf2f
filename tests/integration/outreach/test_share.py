"""Event pages share and are found well: schema.org JSON-LD read by a JSON-LD processor, the
og:image card (1200x630, cached by the event's version), the WhatsApp link, the copy-link field."""

import datetime as dt
import html.parser
import io
import json
from urllib.parse import parse_qs, urlsplit

from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from PIL import Image
from pyld import jsonld

from outreach import share
from outreach.services.events import event_status_change
from tests import factories
from tests.integration.outreach.conftest import WIB, at

S = "https://schema.org/"
# A stand-in for the schema.org context (the tests do not reach the network): the vocabulary,
# and the properties whose values are IRIs, as the published context declares them.
SCHEMA_CONTEXT = {
    "@context": {
        "@vocab": S,
        "eventStatus": {"@type": "@id"},
        "eventAttendanceMode": {"@type": "@id"},
        "url": {"@type": "@id"},
        "image": {"@type": "@id"},
    }
}


def _loader(url, options=None):
    assert url.rstrip("/") == "https://schema.org", url
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}


class _Blocks(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks, self._inside, self.meta = [], False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._inside = tag == "script" and attrs.get("type") == "application/ld+json"
        if tag == "meta" and "property" in attrs:
            self.meta[attrs["property"]] = attrs.get("content")

    def handle_data(self, data):
        if self._inside:
            self.blocks.append(data)

    def handle_endtag(self, tag):
        self._inside = False


def _page(client, event):
    response = client.get(reverse("outreach:event_detail", args=[event.pk, event.slug]))
    assert response.status_code == 200
    parser = _Blocks()
    parser.feed(response.content.decode())
    return response, parser


def _expanded(client, event) -> dict:
    _response, parser = _page(client, event)
    assert len(parser.blocks) == 1
    expanded = jsonld.expand(json.loads(parser.blocks[0]), {"documentLoader": _loader})
    assert len(expanded) == 1
    return expanded[0]


def _value(node, name):
    return [v.get("@value", v.get("@id")) for v in node[S + name]]


def test_event_json_ld_face_to_face(client, event):
    node = _expanded(client, event)
    assert node["@type"] == [S + "Event"]
    assert _value(node, "name") == ["Forum warga Desa Satu"]
    assert _value(node, "startDate") == [at(3).isoformat()]
    assert _value(node, "endDate") == [(at(3) + dt.timedelta(hours=2)).isoformat()]
    assert _value(node, "eventStatus") == [S + "EventScheduled"]
    assert _value(node, "eventAttendanceMode") == [S + "OfflineEventAttendanceMode"]
    place = node[S + "location"][0]
    assert place["@type"] == [S + "Place"]
    address = place[S + "address"][0]
    assert address["@type"] == [S + "PostalAddress"]
    assert _value(address, "streetAddress") == ["Balai desa"]
    assert _value(address, "addressCountry") == ["ID"]
    organizer = node[S + "organizer"][0]
    assert organizer["@type"] == [S + "Organization"]
    assert _value(node, "url") == [
        django_settings.SITE_URL + reverse("outreach:event_detail", args=[event.pk, event.slug])
    ]


def test_event_json_ld_cancelled_online(client, bengkulu):
    event = factories.outreach_event(
        "17.02", when=at(5), method="pertemuan_virtual", online_url="https://meet.example/abc"
    )
    event = event_status_change(actor=None, event=event, status="cancelled")
    node = _expanded(client, event)
    assert _value(node, "eventStatus") == [S + "EventCancelled"]
    assert _value(node, "eventAttendanceMode") == [S + "OnlineEventAttendanceMode"]
    virtual = node[S + "location"][0]
    assert virtual["@type"] == [S + "VirtualLocation"]
    assert _value(virtual, "url") == ["https://meet.example/abc"]


def test_event_json_ld_cannot_close_its_script_element(client, bengkulu):
    event = factories.outreach_event("17.01", when=at(2), title="</script><b>x</b> & co")
    response, parser = _page(client, event)
    assert b"</script><b>" not in response.content
    assert json.loads(parser.blocks[0])["name"] == "</script><b>x</b> & co"


def test_event_page_has_card_whatsapp_and_copy_link(client, event):
    response, parser = _page(client, event)
    card = parser.meta["og:image"]
    assert card.endswith(f"/sosialisasi/acara/{event.pk}/kartu-{event.sequence}.png")
    body = response.content.decode()
    start = body.index("https://wa.me/?text=")
    link = body[start : body.index('"', start)]
    text = parse_qs(urlsplit(link.replace("&amp;", "&")).query)["text"][0]
    when = at(3).astimezone(WIB)
    assert text.splitlines() == [
        "Forum warga Desa Satu",
        share.when_text(event),
        f"{django_settings.SITE_URL}/sosialisasi/acara/{event.pk}-{event.slug}/",
    ]
    assert str(when.day) in text.splitlines()[1]
    assert 'id="share-url"' in body and "data-copy-source" in body


def test_card_is_a_1200x630_png_cached_by_version(client, event):
    url = reverse("outreach:event_card", args=[event.pk, event.sequence])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert cache.get(f"outreach:card:{event.pk}:{event.sequence}") == response.content


def test_card_of_an_old_version_leads_to_the_current_one(client, event):
    old = event.sequence
    event = event_status_change(actor=None, event=event, status="cancelled")
    response = client.get(reverse("outreach:event_card", args=[event.pk, old]))
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:event_card", args=[event.pk, event.sequence])
    assert client.get(response["Location"]).status_code == 200


def test_card_of_a_draft_is_not_found(client, draft):
    response = client.get(reverse("outreach:event_card", args=[draft.pk, draft.sequence]))
    assert response.status_code == 404


def test_pages_without_their_own_card_share_the_default_image(client, bengkulu):
    parser = _Blocks()
    parser.feed(client.get(reverse("outreach:calendar")).content.decode())
    assert parser.meta["og:image"] == f"{django_settings.SITE_URL}/static/img/og-default.png"
    assert parser.meta["og:type"] == "website"
    assert parser.meta["og:title"] == "Kalender sosialisasi"
