"""What the invited hear when a meeting is created, changed or cancelled.

The meeting services call these after their commit (`transaction.on_commit`). Each call records
the deliveries in one transaction and enqueues them after that commit, so they work just as well
when called inside the service's transaction (which also closes the small window in which a
crash right after the meeting's commit would lose the mail). Running a hook twice sends nothing
twice: every delivery has a unique key (the iCalendar sequence for invitations, updates and
cancellations).
"""

import logging

from django.db import transaction

from coordination.enums import DeliveryKind, MeetingStatus
from coordination.models import Delivery, Meeting, Person
from coordination.selectors.meetings import meeting_recipients
from coordination.services.notifications import deliveries_create
from coordination.services.notifications_reminders import meeting_reminders_sync

logger = logging.getLogger(__name__)


def _meeting(meeting_id: int) -> Meeting | None:
    meeting = Meeting.objects.select_related("region", "organiser").filter(pk=meeting_id).first()
    if meeting is None:
        logger.warning("meeting %s is gone; no mail", meeting_id)
    return meeting


def _sequence_key(meeting: Meeting) -> str:
    return f"s{meeting.sequence}"


@transaction.atomic
def meeting_created(*, meeting_id: int) -> None:
    """Invite every recipient (with a METHOD:REQUEST entry) and plan the reminders."""
    meeting = _meeting(meeting_id)
    if meeting is None:
        return
    meeting_reminders_sync(meeting=meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        return
    deliveries_create(
        meeting=meeting,
        people=meeting_recipients(meeting=meeting),
        kind=DeliveryKind.INVITATION,
        key=_sequence_key(meeting),
    )


@transaction.atomic
def meeting_changed(
    *,
    meeting_id: int,
    added_person_ids: list[int],
    removed_person_ids: list[int],
    schedule_changed: bool,
) -> None:
    """Newly invited people get the invitation, removed people a cancellation of their entry,
    and, when the time, place or link changed, everyone else an update (the services raised the
    sequence). Reminders are recomputed in every case.

    Recipients who never had an invitation (for example the liaisons of a newly invited agency,
    when the caller did not list them) are invited too.
    """
    meeting = _meeting(meeting_id)
    if meeting is None:
        return
    meeting_reminders_sync(meeting=meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        return
    recipients = {person.pk: person for person in meeting_recipients(meeting=meeting)}
    history = _history(meeting, set(recipients) | set(removed_person_ids))
    base = _sequence_key(meeting)

    never_invited = {pk for pk in recipients if pk not in history}
    added = {pk for pk in added_person_ids if pk in recipients} | never_invited
    if added:
        deliveries_create(
            meeting=meeting,
            people=[recipients[pk] for pk in sorted(added)],
            kind=DeliveryKind.INVITATION,
            key={pk: _fresh_key(base, history.get(pk), DeliveryKind.INVITATION) for pk in added},
        )

    removed = [pk for pk in removed_person_ids if pk not in recipients]
    if removed:
        people = list(Person.objects.filter(pk__in=removed, is_active=True))
        deliveries_create(
            meeting=meeting,
            people=people,
            kind=DeliveryKind.WITHDRAWAL,
            key={
                p.pk: _fresh_key(base, history.get(p.pk), DeliveryKind.WITHDRAWAL) for p in people
            },
        )

    if schedule_changed:
        deliveries_create(
            meeting=meeting,
            people=[person for pk, person in recipients.items() if pk not in added],
            kind=DeliveryKind.UPDATE,
            key=base,
        )


@transaction.atomic
def meeting_cancelled(*, meeting_id: int) -> None:
    """Everyone invited gets a METHOD:CANCEL entry; pending reminders are dropped (and any
    reminder or invitation still in the queue is skipped when its turn comes)."""
    meeting = _meeting(meeting_id)
    if meeting is None:
        return
    meeting_reminders_sync(meeting=meeting)
    deliveries_create(
        meeting=meeting,
        people=meeting_recipients(meeting=meeting),
        kind=DeliveryKind.CANCELLATION,
        key=_sequence_key(meeting),
    )


def _history(meeting: Meeting, person_ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    """(kind, key) of each person's invitation-type mail for the meeting, oldest first."""
    history: dict[int, list[tuple[str, str]]] = {}
    rows = (
        Delivery.objects.filter(
            meeting=meeting,
            person_id__in=person_ids,
            kind__in=[DeliveryKind.INVITATION, DeliveryKind.UPDATE, DeliveryKind.WITHDRAWAL],
        )
        .order_by("pk")
        .values_list("person_id", "kind", "key")
    )
    for person_id, kind, key in rows:
        history.setdefault(person_id, []).append((kind, key))
    return history


def _fresh_key(base: str, history: list[tuple[str, str]] | None, kind: str) -> str:
    """The base key, unless this person already had this kind of mail at this sequence and
    was removed/re-added since: then a numbered key, so the new message is not mistaken for
    the old one. Re-running the same hook keeps the same key (nothing is sent twice)."""
    if not history:
        return base
    same = [key for k, key in history if k == kind and key.split("-")[0] == base]
    if not same:
        return base
    last_kind, _last_key = history[-1]
    if last_kind == kind:
        return same[-1]  # the latest mail is already this one
    return f"{base}-{len(same) + 1}"
