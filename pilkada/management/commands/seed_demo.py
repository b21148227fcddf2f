"""Load the demo: each installed app that has a `demo` module seeds its own part.

Apps are asked in INSTALLED_APPS order (coordination first: every other app's demo leans on its
regions, agencies and people). A `demo` module exposes `seed(*, stdout)`, idempotent, so running
`make run` again keeps existing data.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from coordination.demo import DEMO_PASSWORD, LOGINS


def demo_modules() -> list:
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name != "pilkada" and find_spec(name) is not None:
            modules.append(import_module(name))
    return modules


class Command(BaseCommand):
    help = "Load the Bengkulu demo data and accounts (development only; refused in production)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production (PILKADA_ENV=production).")
        for module in demo_modules():
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password {DEMO_PASSWORD}):")
        )
        for email, who in LOGINS:
            self.stdout.write(f"  {email:32} {who}")
