"""What the browser keeps: no cookie a script can read or that travels without TLS in
production, messages (which carry the person's name) in the session, and pages with personal
data never stored by a browser or proxy."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def production_cookies(settings):
    # What pilkada/settings/security.py sets when PILKADA_ENV=production.
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True


def _cookies(responses):
    return [(name, morsel) for response in responses for name, morsel in response.cookies.items()]


def test_every_cookie_is_secure_httponly_and_samesite_in_production(
    client, province_staff, production_cookies
):
    responses = [
        client.get(reverse("account_login")),
        client.post(
            reverse("account_login"), {"login": "kpu.prov@uji.test", "password": DEFAULT_PASSWORD}
        ),
        client.get(reverse("coordination:staff_home")),
        client.get(reverse("language_switch", args=["en"]) + "?next=/"),
        client.post(reverse("set_language"), {"language": "id", "next": "/"}),
        client.post(reverse("account_logout")),
    ]
    cookies = _cookies(responses)
    assert {name for name, _m in cookies} >= {"sessionid", "csrftoken", "django_language"}
    for name, morsel in cookies:
        assert (name, morsel["secure"], morsel["httponly"], morsel["samesite"]) == (
            name,
            True,
            True,
            "Lax",
        )


def test_messages_live_in_the_session_not_in_a_cookie(client, province_staff):
    login = client.post(
        reverse("account_login"), {"login": "kpu.prov@uji.test", "password": DEFAULT_PASSWORD}
    )
    page = client.get(login["Location"])
    assert "messages" not in {name for name, _m in _cookies([login, page])}
    assert "messages" not in client.cookies
    assert [str(m) for m in page.context["messages"]]  # the welcome is shown all the same


def test_logged_in_pages_are_never_stored(client, province_staff):
    client.force_login(province_staff)
    for name in ("coordination:staff_home", "coordination:profile", "coordination:task_list"):
        response = client.get(reverse(name))
        assert response["Cache-Control"] == "private, no-store", name


def test_public_pages_for_visitors_keep_their_own_policy(client, db):
    assert "no-store" not in client.get(reverse("home")).get("Cache-Control", "")
    calendar = client.get(reverse("outreach:calendar"))
    assert calendar["Cache-Control"] == "public, max-age=0, s-maxage=5"


def test_signing_out_leaves_no_session_once_the_message_was_shown(client, province_staff):
    client.force_login(province_staff)
    assert client.post(reverse("account_logout")).status_code == 302
    # The "signed out" message waits in a fresh session for the next page...
    assert "sessionid" in client.cookies and client.cookies["sessionid"].value
    page = client.get(reverse("home"))
    assert page.status_code == 200
    # ...which shows it, and the emptied session is dropped with its cookie, so the visitor gets
    # the shared cached pages again.
    assert page.cookies["sessionid"].value == ""
    assert page.cookies["sessionid"]["max-age"] == 0
