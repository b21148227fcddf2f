"""The home page and the data licence page are served whole from the cache to anonymous visitors,
as the public calendar is; logged-in people get their own page, rendered each time."""

from unittest import mock

import pytest
from django.urls import reverse

from pilkada import views


@pytest.mark.parametrize("name", ["home", "about_data"])
def test_anonymous_visitors_get_the_stored_page_without_rendering(client, db, name):
    first = client.get(reverse(name))
    with mock.patch.object(views, "render", side_effect=AssertionError("rendered again")):
        second = client.get(reverse(name))
        not_modified = client.get(reverse(name), HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200
    assert second.content == first.content
    assert not second.cookies  # no session, no CSRF cookie: nothing of this visitor in it
    assert not_modified.status_code == 304
    # The middleware still runs on the stored response.
    assert "frame-ancestors 'none'" in second["Content-Security-Policy"]
    assert second["Content-Language"] == "id"


def test_the_language_is_part_of_the_key(client, db):
    indonesian = client.get(reverse("home"))
    client.get(reverse("language_switch", args=["en"]))
    english = client.get(reverse("home"))

    assert english["Content-Language"] == "en"
    assert english.content != indonesian.content


def test_logged_in_people_see_their_own_home_page(client, db, province_staff):
    client.get(reverse("home"))  # an anonymous visit stored the anonymous page
    client.force_login(province_staff)

    with mock.patch.object(views, "render", wraps=views.render) as render:
        first = client.get(reverse("home"))
        client.get(reverse("home"))

    assert render.call_count == 2
    assert reverse("coordination:staff_home") in first.content.decode()
    assert reverse("account_login") not in first.content.decode()
    assert "private" in first["Cache-Control"]
