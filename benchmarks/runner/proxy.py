"""The proxy as the fast path: nginx (deploy/nginx/pilkada.conf) in front of gunicorn, measured
against nginx serving the same bytes from a file, in the same run; and the time from a
publication to the new content at the proxy.

For each page: the portal's exact body is fetched once and written to a file (with its gzip
beside it, `gzip_static`) that the same nginx server (same TLS and HTTP/2 settings) serves from
`/_bench-files/`; then wrk measures the proxied URL (answered from the microcache, which keeps the
portal's gzip) and the file URL in alternating rounds, with `Accept-Encoding: gzip` as browsers
send it. Goal: the cached page at 80% or more of the file.
"""

import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.text import compress_string

from benchmarks.runner import stack
from benchmarks.runner.load import parse_wrk

GOAL_RATIO = 0.80
# Each pair is measured in alternating rounds (page, file, file, page, ...) and the medians are
# compared: on a shared machine the available CPU drifts within minutes.
ROUNDS = 5
FILES_PREFIX = "/_bench-files/"
# Even, so a change that alternates between two titles ends on the original one.
PUBLICATIONS = 6


@dataclass
class ProxyPair:
    label: str
    path: str
    bytes: int
    proxied: dict = field(default_factory=dict)
    file: dict = field(default_factory=dict)
    proxied_rounds: list[float] = field(default_factory=list)
    file_rounds: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        file_rate = self.file.get("requests_per_second", 0.0)
        return self.proxied.get("requests_per_second", 0.0) / file_rate if file_rate else 0.0


@dataclass
class ProxyResult:
    available: bool = True
    reason: str = ""
    pairs: list[ProxyPair] = field(default_factory=list)
    proxy_cache_seconds: int = 0
    publication_seconds: list[float] = field(default_factory=list)
    # The first file again, each request on a new TLS connection (a visitor's first request).
    handshake: dict = field(default_factory=dict)
    note: str = ""


def _files_location(directory: Path) -> str:
    # Same server block as the portal's pages, so TLS and HTTP/2 are identical; each file has its
    # gzip beside it, as the microcache keeps the portal's gzip: the same bytes on both sides.
    return (
        f"    location {FILES_PREFIX} {{\n"
        f"        alias {directory}/;\n"
        "        gzip_static on;\n"
        "        types { text/html html; text/calendar ics; }\n"
        "    }\n\n"
    )


def _fetch(url: str, context, method: str = "GET") -> tuple[bytes, str]:
    request = urllib.request.Request(url, method=method)  # noqa: S310 - our own https URL
    with urllib.request.urlopen(request, context=context, timeout=30) as response:  # noqa: S310
        return response.read(), response.headers.get("ETag", "")


def _wrk(url: str, *, connections: int, seconds: int, new_connections: bool = False) -> dict:
    close = ["-H", "Connection: close"] if new_connections else []
    completed = subprocess.run(  # noqa: S603 - fixed arguments
        [
            shutil.which("wrk") or "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
            "--timeout", "10s", "-H", "Accept-Encoding: gzip", *close, url,
        ],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    )  # fmt: skip
    return parse_wrk(completed.stdout)


def _measure_pair(pair: ProxyPair, page_url: str, file_url: str, connections: int, seconds: int):
    """Alternating rounds; the figures kept are those of the median round of each side."""
    each = max(4, seconds // 4)
    runs: dict[str, list[dict]] = {"page": [], "file": []}
    for round_number in range(ROUNDS):
        order = ("page", "file") if round_number % 2 == 0 else ("file", "page")
        for side in order:
            url = page_url if side == "page" else file_url
            runs[side].append(_wrk(url, connections=connections, seconds=each))

    def median_run(side: str) -> dict:
        ordered = sorted(runs[side], key=lambda run: run["requests_per_second"])
        return ordered[len(ordered) // 2]

    pair.proxied, pair.file = median_run("page"), median_run("file")
    pair.proxied_rounds = [run["requests_per_second"] for run in runs["page"]]
    pair.file_rounds = [run["requests_per_second"] for run in runs["file"]]


def _publication_delays(url: str, context, change: Callable[[int], None], lifetime: int):
    """Seconds from a committed publication until the proxy answers with a new ETag (polled
    with HEAD every 50 ms)."""
    delays = []
    for n in range(PUBLICATIONS):
        _fetch(url, context)
        _body, before = _fetch(url, context, "HEAD")  # the entry is in the microcache now
        change(n)
        started = time.monotonic()
        while time.monotonic() - started < 60:
            if _fetch(url, context, "HEAD")[1] != before:
                break
            time.sleep(0.05)
        delays.append(time.monotonic() - started)
        # The next publication lands at another point of the microcache entry's lifetime.
        time.sleep((1.7 * (n + 1)) % max(1, lifetime))
    return delays


def measure_proxy(
    *,
    pages: list[tuple[str, str]],
    change: Callable[[int], None] | None,
    connections: int,
    seconds: int,
    workers: int,
    log: Callable[[str], None],
) -> ProxyResult:
    """`pages`: (label, path) to measure; `change(n)`: make a publication that alters the
    first page (None: skip the publication timing)."""
    missing = [tool for tool in ("wrk", "openssl") if shutil.which(tool) is None]
    if stack.nginx_binary() is None:
        missing.append("nginx")
    if missing:
        return ProxyResult(available=False, reason="not installed: " + ", ".join(missing))
    work = Path(tempfile.mkdtemp(prefix="pilkada-bench-proxy-"))
    files = work / "files"
    files.mkdir()
    env = stack.production_env({"LOG_LEVEL": "WARNING"})
    static_root = work / "public" / "static"
    stack.collect_static(env, static_root)
    nginx_dir = work / "nginx"
    nginx_dir.mkdir()
    nginx = stack.Nginx(
        nginx_dir, upstreams=[], public_dir=static_root.parent, extra=_files_location(files)
    )
    web = stack.Gunicorn(
        {**env, "STATIC_ROOT": str(static_root), "CSRF_TRUSTED_ORIGINS": nginx.base_url},
        work / "gunicorn.log",
        workers=workers,
    )
    result = ProxyResult(proxy_cache_seconds=settings.OUTREACH_PROXY_CACHE_SECONDS)
    try:
        web.start()
        nginx.upstreams = [web.port]
        nginx.start()
        context = stack.client_context(nginx.cert)
        file_urls = []
        for index, (label, path) in enumerate(pages):
            body, _etag = _fetch(nginx.base_url + path, context)
            suffix = ".ics" if "kalender.ics" in path else ".html"
            name = f"page{index}{suffix}"
            (files / name).write_bytes(body)
            (files / f"{name}.gz").write_bytes(compress_string(body))
            pair = ProxyPair(label, path, len(body))
            file_url = f"{nginx.base_url}{FILES_PREFIX}{name}"
            file_urls.append(file_url)
            _measure_pair(pair, nginx.base_url + path, file_url, connections, seconds)
            result.pairs.append(pair)
            log(
                f"{label}: through nginx {pair.proxied['requests_per_second']:.0f} req/s, "
                f"same bytes from a file {pair.file['requests_per_second']:.0f} req/s "
                f"({pair.ratio:.0%})"
            )
        if file_urls:
            result.handshake = _wrk(
                file_urls[0], connections=connections, seconds=seconds, new_connections=True
            )
            log(f"file on a new TLS connection each: {result.handshake['requests_per_second']:.0f}")
        if change is not None and pages:
            result.publication_seconds = _publication_delays(
                nginx.base_url + pages[0][1], context, change, result.proxy_cache_seconds
            )
            log(
                "publication to new content at the proxy: "
                + ", ".join(f"{s:.1f}" for s in result.publication_seconds)
                + " s"
            )
    finally:
        nginx.stop()
        web.stop()
        shutil.rmtree(work, ignore_errors=True)
    result.note = (
        f"nginx {_nginx_version()} with deploy/nginx/pilkada.conf (one worker process, TLS 1.3, "
        f"access log on), gunicorn with {workers} sync workers behind it; wrk with 2 threads, "
        f"{connections} connections, `Accept-Encoding: gzip`, HTTP/1.1 over TLS with keep-alive, "
        f"all on the same machine. Each pair: {ROUNDS} alternating rounds of "
        f"{max(4, seconds // 4)} s per side (page, file, file, page, ...); the table shows the "
        "median round of each side, the rounds are listed below it."
    )
    return result


def _nginx_version() -> str:
    completed = subprocess.run(  # noqa: S603 - fixed arguments
        [stack.nginx_binary() or "nginx", "-v"], capture_output=True, text=True
    )
    match = re.search(r"nginx/([\d.]+)", completed.stderr)
    return match.group(1) if match else "unknown"


def render(result: ProxyResult) -> str:
    lines = ["## The proxy as the fast path (nginx microcache against a file)", ""]
    if not result.available:
        return "\n".join([*lines, f"Not measured: {result.reason}.", ""])
    lines += [
        result.note,
        "",
        "| page | path | bytes | through nginx req/s | p50 ms | p99 ms | same bytes from a file "
        "req/s | p50 ms | ratio | goal (80%) met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for pair in result.pairs:
        proxied, file = pair.proxied, pair.file
        met = "yes" if pair.ratio >= GOAL_RATIO else "**no**"
        lines.append(
            f"| {pair.label} | `{pair.path}` | {pair.bytes:,} | "
            f"{proxied['requests_per_second']:.0f} | {proxied['latency_p50_ms']:.2f} | "
            f"{proxied['latency_p99_ms']:.2f} | {file['requests_per_second']:.0f} | "
            f"{file['latency_p50_ms']:.2f} | {pair.ratio:.0%} | {met} |"
        )
    for pair in result.pairs:
        lines.append(
            f"\n{pair.label}, rounds (req/s): through nginx "
            + ", ".join(f"{rate:.0f}" for rate in pair.proxied_rounds)
            + "; from a file "
            + ", ".join(f"{rate:.0f}" for rate in pair.file_rounds)
            + "."
        )
    if result.handshake:
        lines += [
            "",
            f"The first file again with a new TLS 1.3 connection (ECDSA P-256) for every request "
            f"(`Connection: close`), as a visitor's first request costs: "
            f"{result.handshake['requests_per_second']:.0f} req/s, p50 "
            f"{result.handshake['latency_p50_ms']:.2f} ms.",
        ]
    if result.publication_seconds:
        delays = result.publication_seconds
        lifetime = result.proxy_cache_seconds
        median = statistics.median(delays)
        lines += [
            "",
            f"Publication to new content at the proxy ({len(delays)} publications, polled with "
            f"HEAD every 50 ms): " + ", ".join(f"{d:.1f}" for d in delays) + f" s; median "
            f"{median:.1f} s, longest {max(delays):.1f} s. Goal: the microcache's lifetime "
            f"(s-maxage {lifetime} s): median {'met' if median <= lifetime else '**not met**'}, "
            f"longest {'met' if max(delays) <= lifetime else '**not met**'}. By design the "
            f"longest is the lifetime, plus up to 1 s in which a web process may keep the old "
            "publication counter, plus the time the portal takes to rebuild the changed page.",
        ]
    return "\n".join([*lines, ""])


def bench_targets(*, only: set[str]) -> dict:
    """The pages of the national dataset (the public calendar, the iCalendar feed of the busiest
    kabupaten) and a publication that changes them: an event's title, back and forth."""
    from benchmarks.runner.pages import NotAvailable, Picks, url
    from outreach.services.events import event_update

    picks = Picks()
    pages = []
    try:
        if not only or "calendar_list" in only:
            pages.append(("Public calendar (list)", url("outreach:calendar")))
        if not only or "region_feed" in only:
            feed = url("outreach:region_feed_ics", picks.busiest_regency)
            pages.append(("iCalendar feed of one kabupaten", feed))
        event = picks.event
    except NotAvailable:
        return {"pages": pages, "change": None}
    original = event.title

    def change(n: int) -> None:
        title = original if n % 2 else f"{original} (uji)"
        event_update(actor=None, event=event, title=title)

    return {"pages": pages, "change": change}
