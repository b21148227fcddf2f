"""The deployment of deploy/ started for real: gunicorn (deploy/gunicorn.conf.py) and nginx
(deploy/nginx/pilkada.conf, a certificate made now), Celery workers and beat, on the test's
PostgreSQL database and Redis. Processes are started per test; data is committed
(transactional_db) so they see it.
"""

import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from benchmarks.runner import stack
from outreach.http import local_bodies_clear
from tests import factories
from tests.conftest import _unavailable
from tests.integration import services as integration
from tests.integration.deploy.client import Client

# The real worker of tests/integration/services.py, started here with settings of its own.
WorkerProcess = integration.WorkerProcess

# Seconds nginx's microcache keeps public pages in these tests (production: 5).
PROXY_CACHE_SECONDS = 2
# Failed logins per address and minute (production: 10): each failure costs the web process a
# full-strength password hash, so fewer keep the tests short.
LOGIN_FAILURES_PER_IP = 4


def web_password(person, password: str = factories.DEFAULT_PASSWORD) -> None:
    """A hash the production settings can check (the test process uses MD5 for speed); few
    iterations, so a login costs the web process milliseconds."""
    hasher = PBKDF2PasswordHasher()
    person.password = hasher.encode(password, hasher.salt(), iterations=1000)
    person.save(update_fields=["password"])


@pytest.fixture
def deploy_tools():
    if stack.nginx_binary() is None:
        _unavailable("needs nginx (apt-get install nginx-light)")
    if shutil.which("openssl") is None:
        _unavailable("needs openssl for the test certificate")


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("public") / "static"
    stack.collect_static(stack.production_env(), root)
    return root


@pytest.fixture
def shared_cache(redis_url, settings):
    """The Redis cache the started processes use, shared by the test (a publication here drops
    their cached counter), under a prefix of its own that is removed afterwards."""
    prefix = f"deploy-{uuid.uuid4().hex[:10]}"
    previous = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    local_bodies_clear()
    yield prefix
    # Back to the local cache before the autouse fixture clears "the" cache (a Redis clear
    # would empty the whole database).
    settings.CACHES = previous
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*", count=1000):
        client.delete(key)


@pytest.fixture
def web_env(worker_database_url, redis_url, shared_cache, static_root, tmp_path) -> dict:
    return stack.production_env(
        {
            "DATABASE_URL": worker_database_url,
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": shared_cache,
            "STATIC_ROOT": str(static_root),
            "PILKADA_VAR_DIR": str(tmp_path / "var"),
            "MEDIA_ROOT": str(tmp_path / "var" / "media"),
            "OUTREACH_PROXY_CACHE_SECONDS": str(PROXY_CACHE_SECONDS),
            "LOGIN_RATE_LIMIT": f"{LOGIN_FAILURES_PER_IP}/m/ip,5/5m/key",
            "SITE_URL": "https://127.0.0.1",
        }
    )


@pytest.fixture
def start_gunicorn(web_env, tmp_path):
    """start_gunicorn(workers=2, **env) -> a running stack.Gunicorn; all stopped afterwards."""
    started: list[stack.Gunicorn] = []

    def start(workers: int = 2, **env) -> stack.Gunicorn:
        server = stack.Gunicorn(
            {**web_env, **env}, tmp_path / f"gunicorn-{len(started)}.log", workers=workers
        )
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@dataclass
class Proxied:
    """nginx in front of one gunicorn, and a way to make visitors."""

    nginx: stack.Nginx
    web: stack.Gunicorn

    @property
    def url(self) -> str:
        return self.nginx.base_url

    def visitor(self, source: str | None = None) -> Client:
        return Client(context=stack.client_context(self.nginx.cert), source=source)


@pytest.fixture
def proxied(deploy_tools, start_gunicorn, static_root, tmp_path):
    nginx = stack.Nginx(tmp_path / "nginx", upstreams=[], public_dir=static_root.parent)
    nginx.workdir.mkdir()
    web = start_gunicorn(CSRF_TRUSTED_ORIGINS=nginx.base_url)
    nginx.upstreams = [web.port]
    nginx.start()
    yield Proxied(nginx, web)
    nginx.stop()


class BeatProcess:
    """`celery -A pilkada beat` with its own schedule file, logging to a file."""

    def __init__(self, env: dict, workdir: Path, name: str = "beat"):
        self.env, self.workdir, self.name = env, workdir, name
        self.log = workdir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "celery", "-A", "pilkada", "beat", "--loglevel=INFO",
            f"--schedule={self.workdir / (self.name + '-schedule')}",
            f"--pidfile={self.workdir / (self.name + '.pid')}",
        ]  # fmt: skip
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                command, cwd=django_settings.BASE_DIR, env=self.env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for(self, words: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if words in self.text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{self.name} never logged {words!r}:\n{self.text()[-3000:]}")

    def kill(self) -> None:
        stack.stop_group(self.process, signal.SIGKILL)

    def stop(self) -> None:
        stack.stop_group(self.process)


@pytest.fixture
def worker_env(web_env, smtp_server) -> dict:
    """The web environment plus what workers need: the loopback SMTP server, quick retries, a
    killed worker's tasks redelivered after 10 s instead of an hour."""
    return {
        **web_env,
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_TIMEOUT": "10",
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "PILKADA_DELIVERY_RETRY_BASE_SECONDS": "1",
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture
def real_broker(redis_url):
    """Tasks the test enqueues go to Redis for the started workers, from an empty queue."""
    from pilkada.celery import app

    if app.conf.broker_url != redis_url:
        _unavailable(f"the Celery broker is {app.conf.broker_url}, not REDIS_URL")
    redis.Redis.from_url(redis_url).delete("celery", "unacked", "unacked_index", "unacked_mutex")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def start_worker(worker_env, real_broker, tmp_path):
    """start_worker() -> a running WorkerProcess (2 processes); all stopped afterwards."""
    started: list = []

    def start():
        log_dir = tmp_path / f"worker-{len(started)}"
        log_dir.mkdir()
        worker = WorkerProcess(worker_env, log_dir)
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()
