import platform
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks.runner import mail_rate

BENCH_DIR = Path(settings.VAR_DIR) / "bench"


class Command(BaseCommand):
    help = (
        "Mail throughput (benchmarks/runner/mail_rate.py): invitations through the outbox, "
        "Redis, worker processes and a loopback SMTP server, 1 x 2 and 2 x 2 processes side by "
        "side, exactly once, CPU per message. Writes var/bench/mail.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--deliveries", type=int, default=4000, help="messages per run")
        parser.add_argument("--concurrency", type=int, default=2, help="processes per worker")
        parser.add_argument(
            "--workers", default="1,2", help="comma-separated worker counts, one run each"
        )

    def handle(self, *args, deliveries, concurrency, workers, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "bench_mail writes benchmark rows: never with PILKADA_ENV=production."
            )
        if settings.DEBUG:
            raise CommandError("Run with DEBUG=false: debug mode keeps every query in memory.")
        if connection.vendor != "postgresql":
            raise CommandError("bench_mail needs a PostgreSQL benchmark database (DATABASE_URL).")
        if not 200 <= deliveries <= 50_000 or not 1 <= concurrency <= 16:
            raise CommandError("deliveries 200-50,000, concurrency 1-16.")
        counts = [int(n) for n in workers.split(",") if n.strip()]
        if not counts or not all(1 <= n <= 4 for n in counts):
            raise CommandError("workers: 1 to 4 each, for example 1,2")
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
        log = self.stdout.write
        log("Mail: building in process")
        build = mail_rate.measure_build()
        log(
            f"  one invitation: {build.scratch_ms:.2f} ms from scratch, {build.cold_ms:.2f} ms "
            f"with the content not cached, {build.warm_ms:.3f} ms cached"
        )
        log("Mail: throughput")
        runs = [
            mail_rate.run(
                workers=n,
                concurrency=concurrency,
                deliveries=deliveries,
                log=lambda line: log("  " + line),
            )
            for n in counts
        ]
        text = render(build, runs)
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        (BENCH_DIR / "mail.md").write_text(text)
        log(text)


def render(build, runs) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    cores = len(__import__("os").sched_getaffinity(0))
    lines = [
        f"Run {now} on {platform.machine()} Linux, {cores} cores, Python "
        f"{platform.python_version()}; load average (1 min) "
        + ", ".join(
            f"{r.load_before[0]:.2f} before / {r.load_after[0]:.2f} after the "
            f"{r.workers} x {r.processes} run"
            for r in runs
        )
        + ".",
        "",
        "| | 1 message, built in process | goal |",
        "|---|---|---|",
        f"| from scratch (nothing cached, as before) | {build.scratch_ms:.2f} ms CPU | |",
        f"| content not cached (zones' VTIMEZONE cached) | {build.cold_ms:.2f} ms CPU | |",
        f"| content cached (every other recipient) | {build.warm_ms:.3f} ms CPU | |",
        "",
        "| workers x processes | messages | deliveries per second | worker CPU per message "
        "| CPU the workers got | machine CPU per message | exactly once | SMTP connections "
        "| load average before / after | goal |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        once = (
            "yes"
            if r.duplicates == 0 and r.missing == 0 and r.recorded_sent == r.deliveries
            else f"NO: {r.duplicates} duplicates, {r.missing} missing, "
            f"{r.recorded_sent} recorded sent"
        )
        lines.append(
            f"| {r.workers} x {r.processes} | {r.received:,} of {r.deliveries:,} | "
            f"{r.per_second:.0f} ({r.seconds:.1f} s) | {r.cpu_ms:.2f} ms | "
            f"{r.cores_used:.2f} cores | {r.machine_ms:.2f} ms "
            f"| {once} | {r.connections} | {r.load_before[0]:.2f} / {r.load_after[0]:.2f} | "
            ">= 200/s, <= 5 ms, exactly once |"
        )
    return "\n".join(lines) + "\n"
