"""What every layer shares: settings for tests, the cache and Celery in the test process, the
service checks, and the rules of the layers.

The suite has three layers, one folder each, and each folder's conftest.py marks its tests:
`tests/unit/` (no database, no process, no network), `tests/integration/` (the test database,
views, and real Redis, worker and SMTP where behaviour depends on them) and `tests/browser/`
(headless Chromium against a live portal). A test outside these folders, or with a layer marker
that is not its folder's, fails the collection, so markers cannot drift.

Service-dependent tests ask for `require_postgres` or `redis_url` here, and for a worker, an
SMTP server or Chromium in their own folders. Locally they skip with a message when the service
is missing; with PILKADA_REQUIRE_SERVICES=1 (as in CI) a missing service is a failure
(`_unavailable`).

The full garbage-query walk (tests/integration/walk/) carries the `fuzz` marker: it
runs only when asked for (`pytest -m fuzz`, `make fuzz`); every other run samples it with the seed
printed in the header (`PILKADA_WALK_SEED` repeats a run).
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# Hashing passwords properly costs ~100 ms each; tests create hundreds of people.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _unavailable(reason: str) -> None:
    if settings.PILKADA_REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


class AbuseClock:
    """The time the public forms' guards read (`pilkada.common.abuse.clock`), moved by the test
    instead of sleeping."""

    def __init__(self):
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> AbuseClock:
    from pilkada.common import abuse

    moved = AbuseClock()
    monkeypatch.setattr(abuse, "clock", moved)
    return moved


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
    # The situation room shows every write at once (its settle interval has its own test).
    settings.PILKADA_SITUATION_SETTLE_SECONDS = 0
    # The walks and the fuzz send hundreds of API requests from one address; the rate limits
    # have their own test (tests/integration/api/test_rest.py).
    rates = {"key": "100000/min", "user": "100000/min", "anon": "100000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


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
    # a real worker switch this off (tests/integration/coordination/notifications/conftest.py).
    from pilkada.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


# --- layers -----------------------------------------------------------------------------------

LAYERS = ("unit", "integration", "browser")


def mark_layer(items: list[pytest.Item], folder: Path, layer: str) -> None:
    """Give every test under `folder` the marker `layer` (called by each layer's conftest.py)."""
    for item in items:
        if item.path.is_relative_to(folder):
            item.add_marker(getattr(pytest.mark, layer))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Runs after the layer folders' hooks (conftest.py files registered later run first) and
    # before `-m` deselects anything, so the whole collection is checked.
    wrong = []
    for item in items:
        layers = {mark.name for mark in item.iter_markers() if mark.name in LAYERS}
        if len(layers) != 1:
            wrong.append(f"{item.nodeid}: {sorted(layers) or 'outside tests/<layer>/'}")
    if wrong:
        raise pytest.UsageError(
            "each test lives in tests/unit/, tests/integration/ or tests/browser/ and carries "
            "no other layer's marker:\n  " + "\n  ".join(wrong)
        )
    # The full fuzz walk runs only when the marker expression asks for it (`-m fuzz`).
    if "fuzz" not in (config.option.markexpr or ""):
        fuzz = [item for item in items if item.get_closest_marker("fuzz")]
        if fuzz:
            config.hook.pytest_deselected(items=fuzz)
            items[:] = [item for item in items if not item.get_closest_marker("fuzz")]


# --- the sampled URL walk -------------------------------------------------------------------


def walk_seed() -> int:
    """The seed of the sampled garbage-query walk: PILKADA_WALK_SEED, else the day's number, so
    runs on consecutive days cover every garbage value of every URL between them."""
    value = os.environ.get("PILKADA_WALK_SEED", "").strip()
    return int(value) if value else dt.date.today().toordinal()


def pytest_report_header(config):
    return f"url walk seed: {walk_seed()} (repeat a run with PILKADA_WALK_SEED={walk_seed()})"
