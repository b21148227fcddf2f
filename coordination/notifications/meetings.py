"""What the invited hear when a meeting is created, changed or cancelled: the producers, and the
delivery kinds they create (invitation, update, cancellation, withdrawal).

The meeting services call the producers inside their own transaction, after saving the change,
handing over the meeting they just saved. Each
call records the `queued` deliveries in that transaction and enqueues the sending with
`transaction.on_commit`, so the mail commits (and is sent) together with the meeting change, or
is rolled back with it. Running a hook twice sends nothing twice: every delivery has a unique key
(the iCalendar sequence for invitations, updates and cancellations).
"""

from datetime import datetime

from django.db import transaction

from coordination.enums import DeliveryKind, MeetingStatus
from coordination.models import Delivery, Meeting, Person
from coordination.notifications.channels import EMAIL
from coordination.notifications.meeting_mail import RELATED, meeting_message
from coordination.notifications.outbox import deliveries_create
from coordination.notifications.registry import Kind, register
from coordination.notifications.reminders import meeting_reminders_sync
from coordination.selectors.meetings import meeting_recipient_ids, meeting_recipients


def _sequence_key(meeting: Meeting) -> str:
    return f"s{meeting.sequence}"


@transaction.atomic
def meeting_created(*, meeting: Meeting) -> None:
    """Invite every recipient (with a METHOD:REQUEST entry) and plan the reminders."""
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
    meeting: Meeting,
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
def meeting_cancelled(*, meeting: Meeting) -> None:
    """Everyone invited gets a METHOD:CANCEL entry; pending reminders are dropped (and any
    reminder or invitation still in the queue is skipped when its turn comes)."""
    meeting_reminders_sync(meeting=meeting)
    deliveries_create(
        meeting=meeting,
        people=meeting_recipients(meeting=meeting),
        kind=DeliveryKind.CANCELLATION,
        key=_sequence_key(meeting),
    )


def meeting_recipients_changed(
    *, meeting: Meeting, before: set[int], schedule_changed: bool = False, changed: bool = False
) -> None:
    """After a change: compare the recipients with `before` (their ids taken before the change)
    and tell the added, the removed and, when `changed`, everyone (see `meeting_changed`)."""
    after = set(meeting_recipient_ids(meeting=meeting))
    added, removed = sorted(after - before), sorted(before - after)
    if changed or added or removed:
        meeting_changed(
            meeting=meeting,
            added_person_ids=added,
            removed_person_ids=removed,
            schedule_changed=schedule_changed,
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


# --- the kinds ----------------------------------------------------------------------------------


def _obsolete(delivery: Delivery, now: datetime) -> str:
    meeting = delivery.meeting
    if delivery.kind in (DeliveryKind.INVITATION, DeliveryKind.UPDATE):
        if meeting.status == MeetingStatus.CANCELLED:
            return "meeting cancelled"
        if meeting.ends_at <= now:
            return "meeting already over"
    if delivery.kind == DeliveryKind.UPDATE and delivery.key.split("-")[0] != _sequence_key(
        meeting
    ):
        return "superseded by a later change"
    return ""


for _value in (
    DeliveryKind.INVITATION,
    DeliveryKind.UPDATE,
    DeliveryKind.CANCELLATION,
    DeliveryKind.WITHDRAWAL,
):
    register(
        Kind(
            value=_value.value,
            label=_value.label,
            builders={EMAIL: meeting_message},
            obsolete=_obsolete,
            related=RELATED,
            # An invitation, a change or a cancellation is worth retrying until the meeting ends.
            useful_until=lambda delivery: delivery.meeting.ends_at,
        )
    )
