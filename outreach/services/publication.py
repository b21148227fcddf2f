"""The publication counter: every change the public can see raises it (see PublicationState)."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from outreach.models import PublicationState

CACHE_KEY = "outreach:publication-state"


def publication_bump() -> None:
    """Raise the counter inside the caller's transaction and drop the cached copy twice: now
    (this process sees its own change at once) and after commit (another process may have cached
    the old value again between our write and the commit).
    """
    now = timezone.now()
    updated = PublicationState.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
    if not updated:
        PublicationState.objects.create(pk=1, version=1, changed_at=now)
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
