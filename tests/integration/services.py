"""Real services for the integration tests that need them: an SMTP server on loopback (that can
go down and come back, or answer slowly), a `celery worker` process on the Redis broker, both
pointed at the PostgreSQL test database the test itself uses. tests/integration/conftest.py
makes these fixtures available to every integration test.

Locally these tests skip when PostgreSQL or Redis is missing; with PILKADA_REQUIRE_SERVICES=1
(CI) they fail instead.
"""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from tests.conftest import _unavailable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Inbox:
    """Everything the loopback SMTP server accepted, in arrival order."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Addresses whose next message is refused with a temporary error (then accepted).
    refuse_once: set[str] = field(default_factory=set)
    # Once this many messages are in, new transactions wait at RCPT until it is set to None;
    # `held` counts the waiting ones. Lets a test kill senders at a known point (see below).
    hold_after: int | None = None
    held: int = 0
    # Seconds between storing a message and answering "250" to its DATA (a slow relay).
    reply_delay: float = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        with self.lock:
            holding = self.hold_after is not None and len(self.messages) >= self.hold_after
            if holding:
                self.held += 1
        while holding and self.hold_after is not None:
            await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            refused = self.refuse_once.intersection(envelope.rcpt_tos)
            if refused:
                self.refuse_once -= refused
                return "451 4.3.0 Mailbox busy, try again later"
            self.messages.append((list(envelope.rcpt_tos), parsed))
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return "250 Message accepted for delivery"

    def snapshot(self) -> list[tuple[list[str], Message]]:
        with self.lock:
            return list(self.messages)

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[tuple[list[str], Message]]:
        deadline = time.monotonic() + timeout
        while self.count() < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.snapshot()


class SMTPServer(Inbox):
    """The inbox with its server: `down()` closes the port (connections are refused, as when a
    relay is down), `up()` listens on the same port again with the same inbox."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.host, self.port = "127.0.0.1", _free_port()
        self.controller: Controller | None = None

    def up(self) -> None:
        if self.controller is None:
            self.controller = Controller(self, hostname=self.host, port=self.port)
            self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.up()
    yield server
    server.down()


@pytest.fixture
def worker_database_url(transactional_db) -> str:
    """The URL of the test database, for processes the test starts (data must be committed)."""
    if connection.vendor != "postgresql":
        _unavailable(
            "needs PostgreSQL (set DATABASE_URL=postgres://...) to share data with a worker"
        )
    params = connection.settings_dict
    user = params["USER"] or "postgres"
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


# The test worker's processes (tests of concurrency count on this many sends in flight).
WORKER_PROCESSES = 2


class WorkerProcess:
    """A `celery -A pilkada worker` in its own process group, logging to a file."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.groups: list[int] = []

    def start(self, timeout: float = 40.0) -> None:
        self.starts += 1
        self.log = self.log_dir / f"worker-{self.starts}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "pilkada", "worker",
            "--pool=prefork", f"--concurrency={WORKER_PROCESSES}", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"itest-{uuid.uuid4().hex[:8]}@%h",
        ]  # fmt: skip
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=self.env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.groups.append(self.process.pid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"worker did not start:\n{self.tail()}")

    def kill_main(self) -> None:
        """SIGKILL the worker's main process only, as `kill -9 <pid>` or the OOM killer would."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def kill_all(self) -> None:
        """SIGKILL the worker and its pool at once, as a machine that loses power would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        # Orphaned pool children of a killed main process live on in its group.
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)

    def tail(self, lines: int = 40) -> str:
        logs = sorted(self.log_dir.glob("worker-*.log"))
        return "\n".join(
            "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) for log in logs
        )


@pytest.fixture
def celery_worker_process(worker_database_url, redis_url, smtp_server, tmp_path, settings):
    """A real worker on the Redis broker, sending through `smtp_server`; tasks enqueued by the
    test go to Redis (not run eagerly)."""
    import redis

    from pilkada.celery import app

    if app.conf.broker_url != redis_url:
        _unavailable(f"the Celery broker is {app.conf.broker_url}, not REDIS_URL")
    # Start from an empty queue and closed breakers: what an earlier run left would only add
    # noise.
    client = redis.Redis.from_url(redis_url)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    for key in client.scan_iter(match="*breaker:*"):
        client.delete(key)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pilkada.settings",
        "DATABASE_URL": worker_database_url,
        "REDIS_URL": redis_url,
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_TIMEOUT": "10",
        "PILKADA_VAR_DIR": str(tmp_path / "var"),
        "SITE_URL": settings.SITE_URL,
        # A killed worker's unacknowledged task comes back after 10 s instead of an hour.
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "PILKADA_DELIVERY_RETRY_BASE_SECONDS": "1",
        "PILKADA_DELIVERY_RETRY_MAX_SECONDS": "2",
        # The mail server's breaker lets a probe through a second after it opened.
        "PILKADA_BREAKER_COOLDOWN_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    worker = WorkerProcess(env, tmp_path)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        app.conf.task_always_eager = previous


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """Mail from this test process goes over SMTP to `smtp_server` (tasks run eagerly here)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return settings


@pytest.fixture
def broken_broker():
    """The Celery broker refuses connections (a Redis that is down) until `repair()`, after
    which tasks run eagerly in this process again."""
    from pilkada.celery import app

    # The stored values, not the properties: `conf.broker_write_url` reads as broker_url when
    # unset, and writing that back would pin the write URL for every later test.
    previous = (
        app.conf.get("broker_url"),
        app.conf.get("broker_write_url"),
        app.conf.task_always_eager,
    )

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    class Broker:
        def repair(self) -> None:
            app.conf.broker_url, app.conf.broker_write_url, app.conf.task_always_eager = previous
            reset_pools()

    app.conf.task_always_eager = False
    app.conf.broker_url = app.conf.broker_write_url = f"redis://127.0.0.1:{_free_port()}/0"
    reset_pools()
    broker = Broker()
    yield broker
    broker.repair()
