"""Build the stored VEVENT text of every public event (outreach.models.EventText) now, in every
language: after an upgrade that changed the layout (feeds.TEXT_VERSION), after renaming regions,
or to warm a restored database. Feeds also rebuild a stale text when they meet it, so this is
never required for correctness, only to keep the first reads fast."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from outreach.feeds import texts_store
from outreach.selectors.events import public_events

BATCH = 500


class Command(BaseCommand):
    help = "Build the stored iCalendar text of every public outreach event."

    def add_arguments(self, parser):
        parser.add_argument(
            "--upcoming", action="store_true", help="only events that have not ended"
        )

    def handle(self, *args, upcoming: bool, **options):
        events = public_events()
        if upcoming:
            events = events.filter(ends_at__gte=timezone.now())
        last, built = 0, 0
        while True:
            ids = list(
                events.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                break
            built += len(texts_store(ids=ids))
            last = ids[-1]
        self.stdout.write(f"{built} texts built ({len(settings.LANGUAGES)} languages per event)")
