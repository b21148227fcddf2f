"""One Markdown report of a `make bench` run (also kept as JSON next to it)."""

import os
import platform
import re
import shutil
import subprocess
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version

from django.db import connection

from benchmarks.runner.load import LoadResult
from benchmarks.runner.pages import PageResult
from benchmarks.runner.pipeline import PipelineResult

PAGE_GOAL_MS = 50
PAGE_GOAL_QUERIES = 15


def machine() -> dict[str, str]:
    cpu = "unknown"
    memory = "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            if match := re.search(r"model name\s*:\s*(.+)", info.read()):
                cpu = match.group(1).strip()
        with open("/proc/meminfo") as info:
            if match := re.search(r"MemTotal:\s*(\d+) kB", info.read()):
                memory = f"{int(match.group(1)) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"cores": str(os.cpu_count()), "cpu": cpu, "memory": memory}


def versions() -> dict[str, str]:
    found = {"Python": platform.python_version()}
    for package in ("Django", "psycopg", "gunicorn", "celery", "redis"):
        try:
            found[package] = version(package)
        except Exception:  # noqa: BLE001 - a missing package is reported as such
            found[package] = "not installed"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        found["PostgreSQL"] = cursor.fetchone()[0]
    if wrk := shutil.which("wrk"):
        completed = subprocess.run([wrk, "--version"], capture_output=True, text=True)  # noqa: S603
        found["wrk"] = (completed.stdout + completed.stderr).split("\n")[0].split(" [")[0]
    try:
        import redis as redis_client

        url = os.environ.get("REDIS_URL", "")
        if url:
            found["Redis server"] = redis_client.Redis.from_url(url).info()["redis_version"]
    except Exception:  # noqa: BLE001
        found["Redis server"] = "unreachable"
    return found


def _load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def render(
    *,
    dataset: dict,
    pages: list[PageResult],
    load: list[LoadResult] | None,
    load_note: str,
    pipeline: PipelineResult,
    region_reload: tuple[int, float] | None,
    runs: int,
    load_average: str,
) -> str:
    lines = [f"# Benchmark run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", ""]
    box = machine()
    lines += [
        f"Machine: {box['cores']} cores ({box['cpu']}), {box['memory']} memory; load average "
        f"at the start of the run {load_average}, at the end {_load_average()}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + ".",
        "",
        "## Dataset",
        "",
    ]
    if dataset:
        lines.append(
            f"Scale {dataset.get('scale')}, seed {dataset.get('seed')}, anchor "
            f"{dataset.get('anchor')}; generated in {dataset.get('total_seconds')} s."
        )
        lines += ["", "| table | rows | | step | seconds |", "|---|---:|---|---|---:|"]
        counts = list(dataset.get("counts", {}).items())
        seconds = list(dataset.get("seconds", {}).items())
        for index in range(max(len(counts), len(seconds))):
            table, rows = counts[index] if index < len(counts) else ("", "")
            step, took = seconds[index] if index < len(seconds) else ("", "")
            rows = f"{rows:,}" if rows != "" else ""
            lines.append(f"| {table} | {rows} | | {step} | {took} |")
    else:
        lines.append("No dataset summary (run `manage.py bench_data` first).")
    lines += [
        "",
        f"## Pages (in process, DEBUG off; one cold request, {runs} warm runs, {runs} uncached)",
        "",
        f"Goal: median under {PAGE_GOAL_MS} ms and under {PAGE_GOAL_QUERIES} queries; the goal "
        "column judges the uncached median and the cold query count (the honest case).",
        "",
        "| page | path | cold ms | warm median | warm p95 | uncached median | uncached p95 "
        "| uncached best | queries cold / warm | goal met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page in pages:
        if not page.available:
            lines.append(
                f"| {page.label} | `{page.url_name}` | not available: {page.reason} ||||||||"
            )
            continue
        ok = page.uncached_median_ms < PAGE_GOAL_MS and (
            max(page.cold_queries, page.warm_queries) < PAGE_GOAL_QUERIES
        )
        lines.append(
            f"| {page.label} | `{page.path}` | {page.cold_ms:.1f} | {page.median_ms:.1f} | "
            f"{page.p95_ms:.1f} | {page.uncached_median_ms:.1f} | {page.uncached_p95_ms:.1f} | "
            f"{page.uncached_best_ms:.1f} | {page.cold_queries} / {page.warm_queries} | "
            f"{_mark(ok)} |"
        )
    lines += ["", "## Throughput (gunicorn, production settings, wrk over loopback)", ""]
    lines += [load_note, ""]
    if load:
        lines += [
            "| target | path | req/s | p50 ms | p99 ms | non-2xx | errors | ratio to trivial |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        baseline = 0.0
        for result in load:
            if not result.available:
                lines.append(f"| {result.label} | `{result.path}` | {result.reason} ||||||")
                continue
            if result.path == "/robots.txt":
                baseline = result.requests_per_second
            ratio = result.requests_per_second / baseline if baseline else 0.0
            lines.append(
                f"| {result.label} | `{result.path}` | {result.requests_per_second:.0f} | "
                f"{result.latency_p50_ms:.1f} | {result.latency_p99_ms:.1f} | {result.non_2xx} | "
                f"{result.errors} | {ratio:.0%} |"
            )
    lines += ["", "## Reminder pipeline", ""]
    if pipeline.available:
        lines.append(
            f"{pipeline.deliveries:,} deliveries in {pipeline.seconds:.1f} s "
            f"({pipeline.per_second:.0f}/s); duplicates {pipeline.duplicates}, "
            f"missing {pipeline.missing}."
        )
    else:
        lines.append(f"Not available: {pipeline.reason}.")
    if region_reload is None:
        lines += ["", "## Regions", "", "Not measured in this run (--only).", ""]
        return "\n".join(lines)
    rows, took = region_reload
    lines += [
        "",
        "## Regions",
        "",
        f"National load into an empty table (from bench_data): "
        f"{dataset.get('region_load_seconds', 'n/a')} s; reload of all {rows:,} rows into a "
        f"database that holds them (upsert): {took:.1f} s.",
        "",
    ]
    return "\n".join(lines)


def as_json(**parts) -> dict:
    def plain(value):
        if isinstance(value, list):
            return [plain(item) for item in value]
        if hasattr(value, "__dataclass_fields__"):
            data = asdict(value)
            data.pop("samples", None)
            data.pop("uncached_samples", None)
            return data
        return value

    return {key: plain(value) for key, value in parts.items()}
