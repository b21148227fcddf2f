import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from benchmarks.data.incidents import incidents_ensure
from benchmarks.data.national import (
    DEFAULT_SEED,
    Targets,
    bench_data_generate,
    foreign_rows_exist,
)
from benchmarks.data.risks import risks_ensure
from coordination.models import ReadinessTask
from coordination.services.readiness_counts import counts_rebuild


def summary_path() -> Path:
    """What the dataset of this database is (one file per database: `make bench` keeps a
    national and a small dataset side by side)."""
    return Path(settings.VAR_DIR) / "bench" / f"data-{connection.settings_dict['NAME']}.json"


class Command(BaseCommand):
    help = (
        "Replace the data of this PostgreSQL database with the deterministic national benchmark "
        "dataset (all regions, ~2,800 agencies, 20k meetings, 500k readiness tasks with 2M "
        "status updates, 300k outreach events at --scale 1.0). Refuses SQLite and production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = national size")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--anchor",
            type=date.fromisoformat,
            default=None,
            help="the day the data is built around (YYYY-MM-DD; default today)",
        )
        parser.add_argument(
            "--province", default=None, help="only this province's regions (default: all)"
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="do nothing when this database already holds the dataset of this scale and seed",
        )
        parser.add_argument(
            "--incidents",
            type=int,
            default=None,
            help="historical incidents to generate (default: 1,000,000 x --scale)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="also wipe accounts the generator did not create",
        )

    def handle(self, *args, scale, seed, anchor, province, force, reuse, incidents, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "bench_data replaces data: it never runs with PILKADA_ENV=production."
            )
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_data needs PostgreSQL: set DATABASE_URL to a benchmark database."
            )
        if not 0 < scale <= 2:
            raise CommandError("--scale must be above 0 and at most 2.")
        if foreign_rows_exist() and not force:
            raise CommandError(
                f"Database {connection.settings_dict['NAME']!r} holds accounts that bench_data "
                "did not create; it would delete them. Use a dedicated database, or --force."
            )
        targets = Targets.for_scale(scale)
        if reuse and self._same_dataset(scale=scale, seed=seed, province=province, targets=targets):
            self.stdout.write(
                f"Reusing the dataset of {summary_path()} (scale {scale}, seed {seed})."
            )
            risks_ensure(scale=scale, seed=seed, log=lambda line: self.stdout.write("  " + line))
            incidents_ensure(
                scale=scale,
                seed=seed,
                count=incidents,
                log=lambda line: self.stdout.write("  " + line),
            )
            return
        self.stdout.write(
            f"Generating into {connection.settings_dict['NAME']!r}: scale {scale}, seed {seed}; "
            f"{targets.meetings} meetings, {targets.tasks} tasks, {targets.updates} updates, "
            f"{targets.events} outreach events"
        )
        result = bench_data_generate(
            scale=scale,
            seed=seed,
            anchor=anchor,
            province_code=province,
            log=lambda line: self.stdout.write("  " + line),
        )
        # The readiness counters follow every task write (a trigger), but the reset before
        # the generation empties tables without one: rebuild them from the tasks.
        counts_rebuild()
        for name, count in result.counts.items():
            self.stdout.write(f"  {name}: {count:,}")
        self.stdout.write(self.style.SUCCESS(f"Done in {result.total_seconds:.1f} s"))
        summary_path().parent.mkdir(parents=True, exist_ok=True)
        summary_path().write_text(
            json.dumps(
                {
                    "database": connection.settings_dict["NAME"],
                    "scale": scale,
                    "seed": seed,
                    "province": province,
                    "anchor": (anchor or timezone.localdate()).isoformat(),
                    "counts": result.counts,
                    "seconds": {k: round(v, 2) for k, v in result.seconds.items()},
                    "total_seconds": round(result.total_seconds, 2),
                    "region_load_seconds": round(result.region_load_seconds, 2),
                },
                indent=2,
            )
        )
        risks_ensure(scale=scale, seed=seed, log=lambda line: self.stdout.write("  " + line))
        incidents_ensure(
            scale=scale, seed=seed, count=incidents, log=lambda line: self.stdout.write("  " + line)
        )

    def _same_dataset(self, *, scale, seed, province, targets: Targets) -> bool:
        if not summary_path().exists():
            return False
        summary = json.loads(summary_path().read_text())
        same_request = (
            summary.get("database") == connection.settings_dict["NAME"]
            and summary.get("scale") == scale
            and summary.get("seed") == seed
            and summary.get("province") == province
        )
        return same_request and ReadinessTask.objects.count() >= targets.tasks
