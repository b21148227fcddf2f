import json
import signal
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks.runner import mixed, proxy, report, scales
from benchmarks.runner.api_pages import api_page_requests
from benchmarks.runner.load import TRIVIAL_PATH, run_load
from benchmarks.runner.more_pages import more_page_requests
from benchmarks.runner.pages import NotAvailable, Picks, measure_pages, url
from benchmarks.runner.pipeline import PipelineResult
from benchmarks.runner.pipeline_run import run_pipeline
from benchmarks.runner.regions import measure_region_reload
from benchmarks.runner.risks import risk_page_requests

BENCH_DIR = Path(settings.VAR_DIR) / "bench"
# The measured pages beyond pages.py's own: each module builds on pages.py.
PAGE_MODULES = (risk_page_requests, more_page_requests, api_page_requests)


class Command(BaseCommand):
    help = (
        "Measure the portal against the benchmark dataset (see `bench_data`): page times and "
        "query counts in process, throughput under gunicorn + wrk on loopback, the reminder "
        "pipeline, the national region load. Writes var/bench/report.md and report.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="warm runs per page")
        parser.add_argument("--seconds", type=int, default=20, help="load duration per target")
        parser.add_argument("--connections", type=int, default=32)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--deliveries", type=int, default=10_000)
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument("--skip-pipeline", action="store_true")
        parser.add_argument("--skip-proxy", action="store_true", help="no nginx measurement")
        parser.add_argument(
            "--small-database",
            default="",
            help=(
                "a database of the same server holding a small dataset (bench_data --scale "
                "0.05): every page is measured there and on this one, side by side"
            ),
        )
        parser.add_argument(
            "--mixed-rates",
            default="0,1,20",
            help="task status writes per second while the dashboards are read ('' to skip)",
        )
        parser.add_argument("--mixed-seconds", type=int, default=30, help="per write rate")
        parser.add_argument(
            "--only",
            default="",
            help=(
                "comma-separated page keys (calendar_list, region_feed, dashboard_national, ...): "
                "measure just those pages and load targets, skip the pipeline and the region reload"
            ),
        )

    def handle(self, *args, runs, seconds, connections, workers, deliveries, only, **options):
        keys = {key.strip() for key in only.split(",") if key.strip()}
        if settings.PRODUCTION:
            raise CommandError(
                "bench_run writes benchmark rows: never with PILKADA_ENV=production."
            )
        if settings.DEBUG:
            raise CommandError("Run with DEBUG=false: debug mode keeps every query in memory.")
        if connection.vendor != "postgresql":
            raise CommandError("bench_run needs the PostgreSQL benchmark database (DATABASE_URL).")
        if not 1 <= runs <= 1000 or not 1 <= seconds <= 120 or not 1 <= connections <= 256:
            raise CommandError("runs 1-1000, seconds 1-120, connections 1-256.")
        # A terminated run still stops the gunicorn it started (the cleanup is in `finally`).
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
        log = self.stdout.write
        summary = BENCH_DIR / f"data-{connection.settings_dict['NAME']}.json"
        dataset = json.loads(summary.read_text()) if summary.exists() else {}

        load_average = report._load_average()
        log("Pages")
        scale_pairs = None
        if options["small_database"]:
            scale_pairs = scales.measure_two_sizes(
                runs=runs,
                small_database=options["small_database"],
                log=lambda line: log("  " + line),
                only=keys,
                more=PAGE_MODULES,
            )
            pages = [pair.large for pair in scale_pairs]
        else:
            pages = measure_pages(
                runs=runs, log=lambda line: log("  " + line), only=keys, more=PAGE_MODULES
            )
        load_average_after_pages = report._load_average()

        mixed_rounds = []
        rates = [float(rate) for rate in options["mixed_rates"].split(",") if rate.strip()]
        if rates and not options["skip_load"] and not keys:
            log("Readers while liaisons write")
            mixed_rounds = mixed.measure_mixed(
                rates=rates,
                seconds=options["mixed_seconds"],
                workers=workers,
                log=lambda line: log("  " + line),
            )

        load = None
        load_note = "Skipped (--skip-load)."
        if not options["skip_load"]:
            targets = self._load_targets(only=keys)
            load_note = (
                f"{connections} connections for {seconds} s per target, {workers} sync gunicorn "
                f"workers, wrk with 2 threads on the same {report.machine()['cores']}-core "
                f"machine. Trivial view: `{TRIVIAL_PATH}` (full middleware stack, no database, "
                f"no cache, no template), measured for {seconds} s right before each page; "
                "the ratio compares the page with that run."
            )
            skipped = [label for label, path in targets if path is None]
            if skipped:
                load_note += " Not available on this branch: " + ", ".join(skipped) + "."
            log("Throughput")
            load = run_load(
                pages=[(label, path) for label, path in targets if path is not None],
                connections=connections,
                seconds=seconds,
                workers=workers,
                log=lambda line: log("  " + line),
            )

        proxy_result = None
        if not options["skip_proxy"] and not options["skip_load"]:
            log("Proxy (nginx in front)")
            proxy_result = proxy.measure_proxy(
                **proxy.bench_targets(only=keys),
                connections=connections,
                seconds=seconds,
                workers=workers,
                log=lambda line: log("  " + line),
            )

        if options["skip_pipeline"] or keys:
            why = "--only" if keys else "--skip-pipeline"
            pipeline = PipelineResult(available=False, reason=f"skipped ({why})")
        else:
            log("Reminder pipeline")
            pipeline = run_pipeline(deliveries=deliveries, log=lambda line: log("  " + line))

        region_reload = None
        if not keys:
            log("Regions")
            region_reload = measure_region_reload()
            log(f"  reload of {region_reload[0]:,} regions: {region_reload[1]:.1f} s")

        text = report.render(
            dataset=dataset,
            pages=pages,
            load=load,
            load_note=load_note,
            pipeline=pipeline,
            region_reload=region_reload,
            runs=runs,
            load_average=load_average,
        )
        if scale_pairs is not None:
            small_summary = BENCH_DIR / f"data-{options['small_database']}.json"
            small_scale = (
                json.loads(small_summary.read_text()).get("scale")
                if small_summary.exists()
                else None
            )
            text += (
                "\n"
                + scales.render(
                    scale_pairs, small_scale=small_scale, large_scale=dataset.get("scale")
                )
                + f"\nLoad average before the pages: {load_average}; after: "
                f"{load_average_after_pages}.\n"
            )
        if mixed_rounds:
            text += "\n" + mixed.render(mixed_rounds)
        if proxy_result is not None:
            text += "\n" + proxy.render(proxy_result)
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        (BENCH_DIR / "report.md").write_text(text)
        (BENCH_DIR / "report.json").write_text(
            json.dumps(
                report.as_json(
                    dataset=dataset,
                    pages=pages,
                    load=load or [],
                    pipeline=pipeline,
                    region_reload=list(region_reload or ()),
                    proxy=proxy_result,
                ),
                indent=2,
                default=str,
            )
        )
        log("")
        log(text)
        log(self.style.SUCCESS(f"Report written to {BENCH_DIR / 'report.md'}"))

    def _load_targets(self, *, only: set[str]) -> list[tuple[str, str | None]]:
        """The public pages under load, or None where the page is not on this branch."""
        picks = Picks()
        targets: list[tuple[str, str | None]] = []
        builders = [
            ("calendar_list", "Public calendar (list)", lambda: url("outreach:calendar")),
            (
                "event_page",
                "Event page",
                lambda: url("outreach:event_detail", picks.event.pk, picks.event.slug),
            ),
            (
                "region_feed",
                "iCalendar feed of one kabupaten",
                lambda: url("outreach:region_feed_ics", picks.busiest_regency),
            ),
            ("home", "Home page (template, no database)", lambda: url("home")),
        ]
        for key, label, build in builders:
            if only and key not in only:
                continue
            try:
                targets.append((label, build()))
            except NotAvailable:
                targets.append((label, None))
        return targets
