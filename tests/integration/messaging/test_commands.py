"""`manage.py telegram_webhook`, the settings page's queries, and the token bucket in Redis."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.notifications import registry
from messaging import conf, ratelimit
from messaging.services import preferences_set
from tests import factories
from tests.integration.messaging.conftest import SECRET, link


def test_the_command_sets_the_webhook_with_the_secret(telegram_on, settings):
    out = StringIO()
    call_command("telegram_webhook", stdout=out)
    path = reverse("messaging:telegram_webhook", args=[conf.webhook_path_token()])
    assert telegram_on.webhook == {
        "url": settings.SITE_URL + path,
        "secret_token": SECRET,
        "allowed_updates": ["message", "callback_query"],
        "drop_pending_updates": False,
    }
    assert telegram_on.calls == ["getMe", "setWebhook"]
    assert conf.webhook_path_token() not in out.getvalue()
    call_command("telegram_webhook", "--delete", stdout=out)
    assert telegram_on.webhook == {"url": ""}


def test_the_command_refuses_without_the_settings(settings):
    settings.PILKADA_TELEGRAM_BOT_TOKEN = ""
    with pytest.raises(CommandError, match="PILKADA_TELEGRAM_BOT_TOKEN"):
        call_command("telegram_webhook")


def test_the_command_reports_a_refusal(telegram_on, settings):
    settings.PILKADA_TELEGRAM_BOT_TOKEN = "999:salah"
    with pytest.raises(CommandError, match="401 Unauthorized"):
        call_command("telegram_webhook")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_settings_page_reads_a_constant_number_of_queries(client, telegram_on, bengkulu):
    person = factories.kpu_staff(bengkulu)
    client.force_login(person)
    url = reverse("messaging:settings")
    few = _queries(client, url)
    link(person)
    preferences_set(actor=person, choices={t: ["email", "telegram"] for t in registry.TOPICS})
    for _ in range(5):
        factories.kpu_staff(bengkulu)
    assert _queries(client, url) == few


def test_the_token_bucket_in_redis_is_shared(settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "uji-ratelimit",
        }
    }
    settings.PILKADA_TELEGRAM_RATE_PER_SECOND = 2
    from django.core.cache import caches

    client = ratelimit._redis()
    assert client is not None
    for key in client.scan_iter(match="uji-ratelimit:*"):
        client.delete(key)
    assert ratelimit.take("11") == 0
    assert 0.9 < ratelimit.take("11") <= 1.0
    assert ratelimit.take("12") == 0
    assert 0.4 < ratelimit.take("13") <= 0.5  # two per second overall
    assert caches["default"].make_key("x").startswith("uji-ratelimit:")
