"""Fixtures shared by every test layer.

Service-dependent tests ask for `require_postgres` or `redis_url` here, and for a worker, an
SMTP server or Chromium in tests/integration/ and tests/browser/. Locally they skip with a message
when the service is missing; with PILKADA_REQUIRE_SERVICES=1 (as in CI) a missing service is a
failure (`_unavailable`).
"""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests import factories

# Hashing passwords properly costs ~100 ms each; tests create hundreds of people.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _unavailable(reason: str) -> None:
    if settings.PILKADA_REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture
def require_postgres(db):
    if connection.vendor != "postgresql":
        _unavailable("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _unavailable("needs Redis (set REDIS_URL=redis://...)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis at {url} is unreachable: {exc}")
    return url


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    # Mail is kept in memory by default; integration tests that need SMTP switch it on themselves.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PILKADA_REQUIRE_MFA_FOR_KPU_STAFF = False


@pytest.fixture(autouse=True)
def _clear_cache(settings):
    # Each test gets an empty local-memory cache; clearing a shared Redis would flush its whole
    # database (broker queues included). Tests of the Redis cache configure it themselves.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    from django.core.cache import cache

    from outreach.http import local_bodies_clear

    # Public pages keep bodies, whole responses and the publication counter in the process too.
    cache.clear()
    local_bodies_clear()
    yield
    cache.clear()
    local_bodies_clear()


@pytest.fixture(autouse=True)
def _celery_eager():
    # Tasks enqueued after a commit run in the test process; the integration tests that start
    # a real worker switch this off (tests/integration/conftest.py).
    from pilkada.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def bengkulu(db):
    """A small province 17 with two regencies, each with two districts of two villages."""
    return factories.region_tree("17")


@pytest.fixture
def province_staff(bengkulu):
    return factories.kpu_staff(bengkulu, email="kpu.prov@uji.test")


@pytest.fixture
def regency_staff(bengkulu):
    from coordination.models import Region

    return factories.kpu_staff(Region.objects.get(code="17.01"), email="kpu.kab@uji.test")
