from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from coordination.demo import DEMO_PASSWORD

# Each step is idempotent: running `make run` again keeps existing data.
STEPS = [
    "coordination.demo.foundation",
    "coordination.demo.meetings_readiness",
    "outreach.demo",
]

LOGINS = [
    ("kpu@demo.test", "KPU Provinsi Bengkulu (staf KPU)"),
    ("kpu.rejanglebong@demo.test", "KPU Kabupaten Rejang Lebong (staf KPU)"),
    ("bawaslu@demo.test", "Bawaslu Provinsi Bengkulu (penghubung)"),
    ("polda@demo.test", "Polda Bengkulu (penghubung)"),
    ("admin@demo.test", "superuser"),
]


class Command(BaseCommand):
    help = "Load the Bengkulu demo data and accounts (development only; refused in production)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production (PILKADA_ENV=production).")
        for step in STEPS:
            with transaction.atomic():
                import_module(step).seed(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password {DEMO_PASSWORD}):")
        )
        for email, who in LOGINS:
            self.stdout.write(f"  {email:32} {who}")
