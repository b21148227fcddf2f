"""Anonymous public pages are kept whole (body and headers) and served without rendering."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.urls import reverse

from outreach.http import public_resource
from outreach.services.events import event_update
from tests import factories

CALENDAR = reverse("outreach:calendar")


def test_anonymous_calendar_has_no_csrf_token_and_sets_no_csrf_cookie(client, event):
    response = client.get(CALENDAR)

    content = response.content.decode()
    assert "csrfmiddlewaretoken" not in content
    assert 'method="post"' not in content
    assert "csrftoken" not in response.cookies
    assert f'href="/bahasa/en/?next={CALENDAR}" lang="en" hreflang="en"' in content


def test_anonymous_calendar_second_request_is_served_without_rendering(
    client, event, django_assert_num_queries
):
    first = client.get(CALENDAR + "?kab=17.01")
    assert first.templates  # rendered

    with django_assert_num_queries(0):
        second = client.get(CALENDAR + "?kab=17.01")

    assert second.status_code == 200
    assert second.templates == []
    assert second.content == first.content
    for header in ("ETag", "Last-Modified", "Cache-Control", "Content-Type", "Content-Language"):
        assert second[header] == first[header]
    assert second["Vary"] == first["Vary"]
    assert "Accept-Language" in second["Vary"] and "Cookie" in second["Vary"]
    # The middleware still adds the security headers and the CSP to the stored response.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "script-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert second["X-Content-Type-Options"] == "nosniff"


def test_anonymous_calendar_answers_304_from_the_stored_response(
    client, event, django_assert_num_queries
):
    first = client.get(CALENDAR)
    client.get(CALENDAR)  # now stored

    with django_assert_num_queries(0):
        again = client.get(CALENDAR, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""
    assert client.get(CALENDAR, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_stored_response_is_dropped_by_a_publication(client, event):
    client.get(CALENDAR)
    client.get(CALENDAR)

    event_update(actor=None, event=event, title="Forum pindah ke balai desa")

    response = client.get(CALENDAR)
    assert response.templates  # rendered again
    assert "Forum pindah ke balai desa" in response.content.decode()


def test_stored_response_is_kept_per_language(client, event):
    indonesian = client.get(CALENDAR)
    client.cookies.load({"django_language": "en"})

    english = client.get(CALENDAR)
    again = client.get(CALENDAR)

    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in english.content.decode()
    assert again.content == english.content
    assert again["ETag"] == english["ETag"] != indonesian["ETag"]
    assert '<html lang="id">' in indonesian.content.decode()


def test_logged_in_person_gets_their_own_page_not_the_stored_one(client, event, province_staff):
    client.get(CALENDAR)
    client.get(CALENDAR)
    client.force_login(province_staff)

    response = client.get(CALENDAR)

    content = response.content.decode()
    assert response.templates
    assert province_staff.get_short_name() in content
    assert content.count('name="csrfmiddlewaretoken"') == 2  # the language switch and logout
    assert 'action="/i18n/setlang/"' in content


def test_logged_in_page_is_never_served_to_anonymous_visitors(client, event, province_staff):
    client.force_login(province_staff)
    client.get(CALENDAR)
    client.get(CALENDAR)
    client.logout()

    response = client.get(CALENDAR)

    content = response.content.decode()
    assert province_staff.get_short_name() not in content
    assert "csrfmiddlewaretoken" not in content


def test_pending_message_bypasses_the_stored_response(client, event, province_staff):
    client.get(CALENDAR)
    client.get(CALENDAR)
    client.force_login(province_staff)
    # Logging out through the account pages leaves a message for the next page.
    client.post(reverse("account_logout"))

    shown = client.get(CALENDAR)
    after = client.get(CALENDAR)

    assert shown.templates
    assert 'class="messages"' in shown.content.decode()
    assert 'class="messages"' not in after.content.decode()


@pytest.mark.parametrize("n", [2, 25])
def test_anonymous_event_page_is_stored_after_the_first_request(
    client, many_events, django_assert_num_queries, n
):
    event = many_events(n)[-1]
    url = reverse("outreach:event_detail", args=[event.pk, event.slug])
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_event_page_change_reaches_the_stored_page(client, bengkulu):
    event = factories.outreach_event("17.01.01.2001", title="Seminar pemilih pemula")
    url = reverse("outreach:event_detail", args=[event.pk, event.slug])
    client.get(url)
    client.get(url)

    event_update(actor=None, event=event, venue="Aula SMA Negeri 1")

    assert "Aula SMA Negeri 1" in client.get(url).content.decode()


def test_response_with_a_csrf_field_is_never_stored(rf, db):
    calls = []

    @public_resource("test-csrf")
    def view(request):
        calls.append(1)
        # A token copied from a cached body: the request itself never asked for one.
        return HttpResponse('<input type="hidden" name="csrfmiddlewaretoken" value="old">')

    def request():
        made = rf.get("/sosialisasi/")
        made.user = AnonymousUser()
        made.session = {}
        made._messages = FallbackStorage(made)
        return made

    view(request())
    view(request())

    assert len(calls) == 2
