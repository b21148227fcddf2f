"""What the invited hear when a meeting is created, changed or cancelled: the producers, and the
delivery kinds they create (invitation, series invitation, update, cancellation, withdrawal).

The meeting services call the producers inside their own transaction, after saving the change,
handing over the meeting they just saved. Each
call records the `queued` deliveries in that transaction and enqueues the sending with
`transaction.on_commit`, so the mail commits (and is sent) together with the meeting change, or
is rolled back with it. Running a hook twice sends nothing twice: every delivery has a unique key
(the iCalendar sequence for invitations, updates and cancellations).

A regular series is one recurring calendar event (`coordination.ics`): when it is created each
recipient gets one series invitation (kind `series_invitation`, recorded on the series' first
occurrence) instead of one invitation per occurrence. Everything after that is about one
occurrence, as for any meeting: a change is an update of that instance, a cancellation cancels
that instance, people added to or removed from one occurrence are invited to or withdrawn from
that instance, and reminders go per occurrence. Someone who had the series invitation counts as
invited to every occurrence.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from coordination.enums import DeliveryKind, MeetingStatus
from coordination.ics import in_recurring_series
from coordination.models import Delivery, Meeting, MeetingSeries, Person
from coordination.notifications.channels import EMAIL
from coordination.notifications.chat import CHAT
from coordination.notifications.meeting_mail import (
    RELATED,
    meeting_chat,
    meeting_message,
    series_chat,
    series_message,
)
from coordination.notifications.outbox import deliveries_create
from coordination.notifications.registry import MEETINGS, Kind, register
from coordination.notifications.reminders import meeting_reminders_sync
from coordination.selectors.meetings import meeting_recipient_ids, meeting_recipients


def _sequence_key(meeting: Meeting) -> str:
    return f"s{meeting.sequence}"


@transaction.atomic
def meeting_created(*, meeting: Meeting) -> None:
    """Invite every recipient (with a METHOD:REQUEST entry) and plan the reminders."""
    meeting_reminders_sync(meeting=meeting)
    if meeting.status == MeetingStatus.CANCELLED or in_recurring_series(meeting):
        return  # an occurrence of a series: `series_created` invites to all of them at once
    deliveries_create(
        meeting=meeting,
        people=meeting_recipients(meeting=meeting),
        kind=DeliveryKind.INVITATION,
        key=_sequence_key(meeting),
    )


def series_anchor(series: MeetingSeries) -> Meeting | None:
    """The series' first occurrence under its rule: its series invitations are recorded there
    (and shown in its delivery log)."""
    return (
        series.meetings.filter(recurrence_id__isnull=False).order_by("recurrence_id", "pk").first()
    )


@transaction.atomic
def series_created(*, series: MeetingSeries) -> None:
    """One invitation per recipient for the whole series (the recurring event). All occurrences
    were just created with the same invitees, so the first one's recipients are everyone's."""
    anchor = series_anchor(series)
    if anchor is None or anchor.status == MeetingStatus.CANCELLED:
        return
    deliveries_create(
        meeting=anchor,
        people=meeting_recipients(meeting=anchor),
        kind=DeliveryKind.SERIES_INVITATION,
        key=f"s{series.sequence}",
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
    """(kind, key) of each person's invitation-type mail for the meeting, oldest first; for an
    occurrence of a recurring series the series invitation counts as the first."""
    history: dict[int, list[tuple[str, str]]] = {}
    wanted = Q(
        meeting=meeting,
        kind__in=[DeliveryKind.INVITATION, DeliveryKind.UPDATE, DeliveryKind.WITHDRAWAL],
    )
    if in_recurring_series(meeting):
        wanted |= Q(meeting__series_id=meeting.series_id, kind=DeliveryKind.SERIES_INVITATION)
    rows = (
        Delivery.objects.filter(wanted, person_id__in=person_ids)
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


def _series_obsolete(delivery: Delivery, now: datetime) -> str:
    """A series invitation still says something while one occurrence lies ahead."""
    if delivery.meeting.series_id is None:
        return "series removed"
    ahead = Meeting.objects.filter(
        series_id=delivery.meeting.series_id, status=MeetingStatus.SCHEDULED, ends_at__gt=now
    )
    return "" if ahead.exists() else "series cancelled or over"


register(
    Kind(
        value=DeliveryKind.SERIES_INVITATION.value,
        label=DeliveryKind.SERIES_INVITATION.label,
        builders={EMAIL: series_message, CHAT: series_chat},
        topic=MEETINGS,
        obsolete=_series_obsolete,
        related=RELATED,
    )
)

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
            builders={EMAIL: meeting_message, CHAT: meeting_chat},
            topic=MEETINGS,
            obsolete=_obsolete,
            related=RELATED,
            # An invitation, a change or a cancellation is worth retrying until the meeting ends.
            useful_until=lambda delivery: delivery.meeting.ends_at,
        )
    )
