"""The language switch as a link: sets the cookie and goes back to a page of this site."""

import pytest
from django.conf import settings


def test_language_switch_sets_cookie_and_returns_to_the_page(client, db):
    response = client.get("/bahasa/en/", {"next": "/sosialisasi/?kab=17.01&metode=radio"})

    assert response.status_code == 302
    assert response["Location"] == "/sosialisasi/?kab=17.01&metode=radio"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["path"] == "/"
    assert "no-store" in response["Cache-Control"]
    assert client.get("/")["Content-Language"] == "en"


def test_language_switch_back_to_indonesian(client, db):
    client.get("/bahasa/en/", {"next": "/"})

    client.get("/bahasa/id/", {"next": "/"})

    assert client.get("/")["Content-Language"] == "id"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/sosialisasi/",
        "/\\evil.example",
        "javascript:alert(1)",
        "sosialisasi/",
        "",
    ],
)
def test_language_switch_never_leaves_the_site(client, db, target):
    response = client.get("/bahasa/en/", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_language_switch_unknown_language_is_404(client, db):
    response = client.get("/bahasa/fr/", {"next": "/"})

    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_language_switch_refuses_post(client, db):
    assert client.post("/bahasa/en/", {"next": "/"}).status_code == 405


def test_language_cookie_is_secure_in_production_settings(client, db, settings):
    settings.LANGUAGE_COOKIE_SECURE = True

    response = client.get("/bahasa/en/", {"next": "/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["secure"] is True


def test_staff_pages_keep_the_post_switch(client, province_staff):
    client.force_login(province_staff)

    content = client.get("/koordinasi/").content.decode()

    assert 'action="/i18n/setlang/"' in content
    assert "/bahasa/" not in content
