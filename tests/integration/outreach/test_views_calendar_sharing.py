"""Shared calendar addresses carry only what was chosen; the folded filters say in one line what
is active; event cards under a day heading do not repeat its date."""

import re

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from outreach.display import local_start
from tests import factories
from tests.integration.outreach.conftest import at

CALENDAR = reverse("outreach:calendar")


@pytest.mark.parametrize(
    ("path", "query", "clean"),
    [
        (CALENDAR, "kab=17.01&metode=&segmen=&dari=&sampai=&q=", "?kab=17.01"),
        (CALENDAR, "q=++&dari=", ""),
        (reverse("outreach:calendar_month_current"), "kab=17.02&segmen=", "?kab=17.02"),
        (reverse("outreach:calendar_week_current"), "metode=radio&kab=", "?metode=radio"),
    ],
)
def test_empty_parameters_redirect_to_the_clean_address(client, bengkulu, path, query, clean):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 302
    assert response["Location"] == path + clean
    assert client.get(response["Location"]).status_code == 200


def test_clean_address_is_served_directly(client, bengkulu):
    assert client.get(CALENDAR + "?kab=17.01&segmen=perempuan").status_code == 200


def test_links_leave_out_the_province_implied_by_the_regency(client, bengkulu):
    body = client.get(CALENDAR + "?prov=17&kab=17.01").content.decode()
    assert 'href="/sosialisasi/bulan/?kab=17.01"' in body
    assert "prov=17&amp;" not in body


def test_folded_filters_summarise_the_active_ones(client, bengkulu):
    body = client.get(CALENDAR + "?kab=17.01&metode=radio&segmen=perempuan").content.decode()
    assert '<details class="filter-box">' in body
    assert '<span class="filter-summary">Kabupaten 17.01 · Radio · Perempuan</span>' in body
    plain = client.get(CALENDAR).content.decode()
    assert '<span class="filter-summary">semua kegiatan</span>' in plain


def test_filters_unfold_when_a_value_was_refused(client, bengkulu):
    body = client.get(CALENDAR + "?dari=kemarin").content.decode()
    assert '<details class="filter-box" open>' in body


def test_event_card_gives_times_under_the_day_heading(client, bengkulu):
    event = factories.outreach_event("17.01.01.2001", when=at(2, 9), title="Forum A")
    body = client.get(CALENDAR).content.decode()
    card = body[body.index('<article class="event-card') :]
    card = card[: card.index("</article>")]
    day = date_format(local_start(event), "l, j F Y")
    assert body.count(day) == 1  # in the day heading only
    assert "09.00–11.00 WIB" in re.sub(r"<[^>]+>", "", card)
