from celery import current_app
from django.urls import reverse


def test_healthz_reports_database_cache_and_broker(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_with_real_redis_broker(client, db, redis_url, monkeypatch):
    monkeypatch.setattr(current_app.conf, "broker_url", redis_url)
    response = client.get(reverse("healthz"))
    assert response.json()["broker"] == "ok"


def test_healthz_answers_503_when_broker_is_down(client, db, monkeypatch):
    monkeypatch.setattr(current_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(current_app.conf, "broker_write_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["database"] == "ok"


def test_home_is_indonesian_by_default_and_switches_to_english(client, db):
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "en"


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_signup_is_closed(client, db):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "account/signup_closed.html"
    assert b"<form" not in response.content
    assert b"password1" not in response.content
    assert "<h1>Pendaftaran ditutup</h1>" in response.content.decode()


def test_browser_language_does_not_override_indonesian_default(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"


def test_navigation_marks_the_current_section(client, db):
    html = client.get(reverse("outreach:calendar")).content.decode()
    assert f'href="{reverse("outreach:calendar")}" aria-current="page"' in html
    assert f'href="{reverse("home")}" aria-current' not in html
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("home")}" aria-current="page"' in html
