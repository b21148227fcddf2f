"""Throughput under load: gunicorn with the production settings, wrk over loopback.

Each page is measured right after a trivial view (`/robots.txt`: the full middleware stack, no
database, no template, no cache) on the same server in the same run; the ratio of the page to the
trivial run just before it is the figure.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

HOST = "127.0.0.1"
TRIVIAL_PATH = "/robots.txt"


@dataclass
class LoadResult:
    label: str
    path: str
    requests_per_second: float = 0.0
    latency_p50_ms: float = 0.0
    latency_p99_ms: float = 0.0
    requests: int = 0
    errors: int = 0
    non_2xx: int = 0
    available: bool = True
    reason: str = ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PILKADA_ENV="production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        # Plain HTTP on loopback: no redirect to https, no HSTS for a throwaway server.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        ALLOWED_HOSTS=HOST,
        STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
    )
    return env


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}{TRIVIAL_PATH}", timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 30 s")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    found = {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": 0,
        "errors": 0,
    }
    for percent, key in (("50", "latency_p50_ms"), ("99", "latency_p99_ms")):
        match = re.search(rf"^\s+{percent}%\s+(\S+)", output, re.MULTILINE)
        found[key] = _ms(match.group(1)) if match else 0.0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        found["non_2xx"] = int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        found["errors"] = sum(int(value) for value in match.groups())
    return found


def run_load(
    *,
    pages: list[tuple[str, str]],
    connections: int,
    seconds: int,
    workers: int,
    log: Callable[[str], None],
) -> list[LoadResult]:
    """Measure `pages` ((label, path) pairs) and the trivial view around them."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    static_root = tempfile.mkdtemp(prefix="pilkada-bench-static-")
    env = production_env(static_root)
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, manage, "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    port = _free_port()
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "pilkada.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    server_log = Path(settings.VAR_DIR) / "bench" / "gunicorn.log"
    server_log.parent.mkdir(parents=True, exist_ok=True)
    with server_log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            gunicorn,
            env=env,
            cwd=settings.BASE_DIR,
            start_new_session=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    results: list[LoadResult] = []
    try:
        _wait_until_up(port, server)
        # Each page right after its own trivial run: on a shared machine the available CPU
        # drifts within minutes, and a pair measured back to back sees the same machine.
        plan = []
        for label, path in pages:
            plan += [(f"Trivial view (before: {label})", TRIVIAL_PATH), (label, path)]
        for label, path in plan:
            target = f"http://{HOST}:{port}{path}"
            try:
                # Warm the caches the page relies on, as a running site would have them.
                urllib.request.urlopen(target, timeout=30).read()  # noqa: S310
            except OSError as exc:
                results.append(LoadResult(label, path, available=False, reason=str(exc)))
                log(f"{label}: not measured ({exc})")
                continue
            completed = subprocess.run(  # noqa: S603 - fixed arguments
                [
                    wrk,
                    "-t2",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--latency",
                    "--timeout",
                    "10s",
                    target,
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 60,
                check=True,
            )
            result = LoadResult(label, path, **parse_wrk(completed.stdout))
            results.append(result)
            log(
                f"{label}: {result.requests_per_second:.0f} req/s, "
                f"p50 {result.latency_p50_ms:.1f} ms, p99 {result.latency_p99_ms:.1f} ms, "
                f"non-2xx {result.non_2xx}, errors {result.errors}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(static_root, ignore_errors=True)
    return results
