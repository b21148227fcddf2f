"""Readers while liaisons write: the national summary and a province dashboard read under gunicorn
while many logged-in liaisons post real task status updates at a fixed rate (none, 1 and 20 per
second by default), each rate for the same time, side by side in one run.

Everything is on loopback and bounded: `seconds` per rate, at most `rate x seconds` writes (each
a real change through the task page's form: it lands in the task history and moves the readiness
counters), two reader threads. Sessions are made directly in the session store for the server's
secret key (no password, no login form), as `force_login` does in process.
"""

import http.client
import os
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count, Q
from django.test.utils import override_settings
from django.urls import reverse

from benchmarks.runner.load import HOST, _free_port, _wait_until_up, production_env
from benchmarks.runner.pages import Picks
from benchmarks.runner.stats import median, percentile
from coordination.enums import Role, TaskStatus
from coordination.models import Membership, Person, ReadinessTask

BACKEND = "django.contrib.auth.backends.ModelBackend"
LIAISONS = 60


@dataclass
class ReadStats:
    label: str
    samples: list[float] = field(default_factory=list, repr=False)
    failures: int = 0

    @property
    def p50(self) -> float:
        return median(self.samples) if self.samples else 0.0

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95) if self.samples else 0.0


@dataclass
class MixedRound:
    rate: float  # writes per second asked for
    seconds: int
    writes: int = 0
    write_failures: int = 0
    write_samples: list[float] = field(default_factory=list, repr=False)
    reads: dict[str, ReadStats] = field(default_factory=dict)
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def write_p50(self) -> float:
        return median(self.write_samples) if self.write_samples else 0.0


def _session_cookie(person: Person, secret_key: str) -> str:
    with override_settings(SECRET_KEY=secret_key):
        store = SessionStore()
        store[SESSION_KEY] = str(person.pk)
        store[BACKEND_SESSION_KEY] = BACKEND
        store[HASH_SESSION_KEY] = person.get_session_auth_hash()
        store.create()
        return store.session_key


def _writers(picks: Picks) -> list[tuple[Person, ReadinessTask]]:
    """Up to LIAISONS liaisons of the agencies with the most open tasks, each with one open task
    of their agency."""
    pairs = []
    memberships = (
        Membership.objects.filter(role=Role.LIAISON, is_active=True, person__is_active=True)
        .annotate(
            n=Count(
                "agency__readiness_tasks",
                filter=~Q(agency__readiness_tasks__status=TaskStatus.DONE),
            )
        )
        .filter(n__gt=0)
        .select_related("person")
        .order_by("-n", "pk")[:LIAISONS]
    )
    for membership in memberships:
        task = (
            ReadinessTask.objects.filter(agency_id=membership.agency_id)
            .exclude(status=TaskStatus.DONE)
            .order_by("pk")
            .first()
        )
        if task is not None:
            pairs.append((membership.person, task))
    return pairs


def _request(port: int, method: str, path: str, cookies: dict, body: dict | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Host": HOST}
    payload = None
    if body is not None:
        payload = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    try:
        connection.request(method, path, payload, headers)
        response = connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def measure_mixed(
    *,
    rates: list[float],
    seconds: int,
    workers: int,
    log: Callable[[str], None],
) -> list[MixedRound]:
    picks = Picks()
    secret_key = secrets.token_urlsafe(64)
    writers = _writers(picks)
    if not writers:
        raise RuntimeError("no liaison with an open task (run bench_data first)")
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    writer_cookies = [
        ({"sessionid": _session_cookie(person, secret_key), "csrftoken": csrf}, task)
        for person, task in writers
    ]
    dashboard = reverse("coordination:dashboard")
    readers = [
        (
            "Readiness dashboard, national summary (administrator)",
            {"sessionid": _session_cookie(picks.national_admin, secret_key)},
        ),
        (
            "Readiness dashboard, province (KPU staff)",
            {"sessionid": _session_cookie(picks.staff_of(picks.busiest_province), secret_key)},
        ),
    ]

    static_root = tempfile.mkdtemp(prefix="pilkada-bench-static-")
    env = production_env(static_root)
    env["SECRET_KEY"] = secret_key
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, manage, "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    port = _free_port()
    server_log = Path(settings.VAR_DIR) / "bench" / "gunicorn-mixed.log"
    server_log.parent.mkdir(parents=True, exist_ok=True)
    with server_log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable, "-m", "gunicorn", "pilkada.wsgi", "--bind", f"{HOST}:{port}",
                "--workers", str(workers), "--log-level", "warning",
            ],
            env=env, cwd=settings.BASE_DIR, start_new_session=True, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    rounds: list[MixedRound] = []
    try:
        _wait_until_up(port, server)
        for _label, cookies in readers:  # warm each worker's imports and templates
            for _ in range(2 * workers):
                _request(port, "GET", dashboard, cookies)
        for rate in rates:
            rounds.append(_round(port, rate, seconds, dashboard, readers, writer_cookies, log=log))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(static_root, ignore_errors=True)
    return rounds


def _round(port, rate, seconds, dashboard, readers, writer_cookies, *, log) -> MixedRound:
    result = MixedRound(rate=rate, seconds=seconds)
    result.reads = {label: ReadStats(label) for label, _cookies in readers}
    stop = threading.Event()
    lock = threading.Lock()

    def reader(label: str, cookies: dict) -> None:
        stats = result.reads[label]
        while not stop.is_set():
            try:
                status, elapsed = _request(port, "GET", dashboard, cookies)
            except OSError:  # a timeout: the server is saturated
                status, elapsed = 0, 0.0
            with lock:
                if status == 200:
                    stats.samples.append(elapsed)
                else:
                    stats.failures += 1

    def write(number: int) -> None:
        cookies, task = writer_cookies[number % len(writer_cookies)]
        # Each liaison's task alternates, so every post is a change (of the counters too).
        turn = number // len(writer_cookies)
        status = TaskStatus.AT_RISK if turn % 2 else TaskStatus.IN_PROGRESS
        body = {
            "status": status,
            "progress": 40 + number % 50,
            "note": f"Benchmark mixed {number}",
            "csrfmiddlewaretoken": cookies["csrftoken"],
        }
        path = reverse("coordination:task_detail", args=[task.pk])
        try:
            code, elapsed = _request(port, "POST", path, cookies, body)
        except OSError:  # a timeout: the server is saturated
            code, elapsed = 0, 0.0
        with lock:
            if code == 302:
                result.writes += 1
                result.write_samples.append(elapsed)
            else:
                result.write_failures += 1

    threads = [
        threading.Thread(target=reader, args=(label, cookies), daemon=True)
        for label, cookies in readers
    ]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    pending: list[threading.Thread] = []
    if rate > 0:
        total = int(rate * seconds)
        for number in range(total):
            # A fixed schedule: a slow answer does not lower the rate (each write its own thread).
            delay = started + number / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            thread = threading.Thread(target=write, args=(number,), daemon=True)
            thread.start()
            pending.append(thread)
    remaining = started + seconds - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
    stop.set()
    for thread in threads + pending:
        thread.join(timeout=60)
    result.load_average = os.getloadavg()
    summary = "; ".join(
        f"{stats.label}: p50 {stats.p50:.1f} ms, p95 {stats.p95:.1f} ms ({len(stats.samples)})"
        for stats in result.reads.values()
    )
    log(
        f"{rate:g} writes/s: {result.writes} writes (p50 {result.write_p50:.1f} ms, "
        f"{result.write_failures} failed); {summary}"
    )
    return result


def render(rounds: list[MixedRound]) -> str:
    if not rounds:
        return ""
    lines = [
        "#### Readers while liaisons write (gunicorn, production settings, loopback)",
        "",
        f"Each row {rounds[0].seconds} s: two reader threads request the national summary and "
        "a province dashboard back to back while liaisons post real task status updates at the "
        "rate shown (each a change that lands in the history and moves the counters).",
        "",
        "| writes/s asked | writes done | write p50 ms | failed | page | reads | p50 ms | p95 ms "
        "| load average after |",
        "|---:|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for round_ in rounds:
        for stats in round_.reads.values():
            load = " / ".join(f"{value:.2f}" for value in round_.load_average)
            lines.append(
                f"| {round_.rate:g} | {round_.writes} | {round_.write_p50:.1f} | "
                f"{round_.write_failures + stats.failures} | {stats.label} | "
                f"{len(stats.samples)} | {stats.p50:.1f} | {stats.p95:.1f} | {load} |"
            )
    return "\n".join(lines) + "\n"
