from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from coordination.services.readiness_counts import (
    counts_compare,
    counts_rebuild,
    counts_roll_over,
)


class Command(BaseCommand):
    help = (
        "Compare the readiness counters (what the dashboards read) with the tasks and list every "
        "difference; --rebuild replaces them with the counts of the tasks. Exit status 1 when "
        "they differ and were not rebuilt. PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="replace the counters (tasks wait ~1 s)"
        )

    def handle(self, *args, rebuild, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The readiness counters exist on PostgreSQL only.")
        if rebuild:
            counts_rebuild()
            self.stdout.write(self.style.SUCCESS("Readiness counters rebuilt from the tasks."))
            return
        moved = counts_roll_over()
        if moved:
            self.stdout.write(f"Rolled over: {moved} tasks fell due since the last roll-over.")
        differences = counts_compare()
        for d in differences[:50]:
            self.stdout.write(f"{d.table} {d.key}: counted {d.counted}, the tasks say {d.expected}")
        if differences:
            raise CommandError(
                f"The counters differ from the tasks at {len(differences)} keys; "
                "`manage.py readiness_counts --rebuild` replaces them."
            )
        self.stdout.write(self.style.SUCCESS("The readiness counters match the tasks."))
