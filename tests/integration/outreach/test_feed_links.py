import pytest
from django.urls import reverse

from coordination.models import Region
from tests.factories import region_tree


@pytest.fixture
def regions(db):
    return region_tree("17")


def test_calendar_shows_an_absolute_copyable_feed_link_and_webcal(client, regions, settings):
    settings.SITE_URL = "https://pilkada.example.id"
    html = client.get(reverse("outreach:calendar")).content.decode()
    assert 'value="https://pilkada.example.id/sosialisasi/kalender.ics"' in html
    assert 'href="webcal://pilkada.example.id/sosialisasi/kalender.ics"' in html


def test_calendar_filtered_by_regency_offers_the_regency_feed(client, regions, settings):
    settings.SITE_URL = "https://pilkada.example.id"
    assert Region.objects.filter(code="17.02").exists()
    html = client.get(reverse("outreach:calendar"), {"kab": "17.02"}).content.decode()
    feed = reverse("outreach:region_feed_ics", kwargs={"code": "17.02"})
    assert f'value="https://pilkada.example.id{feed}"' in html


def test_event_page_subscribe_link_is_webcal_to_the_regency_feed(client, regions, settings):
    from tests.factories import outreach_event

    settings.SITE_URL = "https://pilkada.example.id"
    event = outreach_event("17.02.01.2001")
    html = client.get(f"/sosialisasi/acara/{event.pk}-{event.slug}/").content.decode()
    assert 'href="webcal://pilkada.example.id/sosialisasi/wilayah/17.02/kalender.ics"' in html
