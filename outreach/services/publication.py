"""The publication counter: every change the public can see raises it (see PublicationState)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from outreach.models import PublicationState
from outreach.selectors.publication import publication_state_forget


def publication_bump() -> None:
    """Raise the counter inside the caller's transaction and drop the cached copies twice: now
    (this process sees its own change at once) and after commit (another process may have cached
    the old value again between our write and the commit).
    """
    now = timezone.now()
    updated = PublicationState.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
    if not updated:
        PublicationState.objects.create(pk=1, version=1, changed_at=now)
    publication_state_forget()
    transaction.on_commit(publication_state_forget)
