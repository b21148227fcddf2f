import time

from django.core.management.base import BaseCommand, CommandError

from coordination.services.regions import regions_load


class Command(BaseCommand):
    help = (
        "Load the official region hierarchy (idn-area-data 4.0.1, ODbL): one province "
        "(default 17, Bengkulu) or, with --all, the whole country. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", default="17", help="province code, e.g. 17 (Bengkulu)")
        parser.add_argument("--all", action="store_true", help="load all 38 provinces")

    def handle(self, *args, province, all, **options):
        started = time.perf_counter()
        try:
            result = regions_load(province_code=None if all else province)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Regions: {result.provinces} provinces, {result.regencies} regencies, "
                f"{result.districts} districts, {result.villages} villages "
                f"({result.total} rows in {elapsed:.1f} s)"
            )
        )
