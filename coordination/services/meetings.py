"""Every write that schedules a meeting: creation, changes, invitees, cancellation.

Regular series live in `meeting_series`; what happens once a meeting is scheduled (answers,
attendance, minutes, documents) in `meeting_records`.

Each write that someone must hear about calls its producer in
`coordination.notifications.meetings` inside the service's own transaction, after the change is
saved. The producer records the `queued` deliveries in that transaction and enqueues the sending
only once it commits, so the meeting change and its mail commit together or not at all: no crash
between the two can lose a meeting's mail, and a rolled-back change sends nothing. `uid` never
changes; `sequence` rises whenever invitees must replace their calendar entry (time, place, link,
title, cancellation).
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.enums import MeetingStatus, Role
from coordination.ics import in_recurring_series
from coordination.models import (
    Agency,
    Meeting,
    MeetingInvitee,
    MeetingSeries,
    Membership,
    Person,
    Region,
)
from coordination.notifications import meetings as meeting_notifications
from coordination.notifications.reminders import (
    clean_reminder_minutes,
    default_reminder_minutes,
)
from coordination.selectors.meetings import meeting_recipient_ids
from pilkada.common.validation import full_clean_or_raise

# Changing any of these means invitees must replace their calendar entry.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "location", "online_url")
EDITABLE_FIELDS = (
    "kind",
    "title",
    "region",
    "organiser",
    "starts_at",
    "ends_at",
    "location",
    "online_url",
    "agenda",
    "reminder_offsets",
)
MEMBER_ROLES = (Role.LIAISON, Role.KPU_STAFF)


def _require_manage(actor: Person | None, meeting: Meeting) -> None:
    if actor is not None and not permissions.can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("Rapat ini di luar kewenangan Anda."))


def _validate(
    *,
    meeting: Meeting,
    actor: Person | None,
    invited_agencies: list[Agency],
    check_past: bool,
) -> None:
    errors: dict[str, list[str]] = {}
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors.setdefault("ends_at", []).append(_("Waktu selesai harus sesudah waktu mulai."))
    if (
        check_past
        and meeting.starts_at
        and meeting.starts_at < timezone.now()
        and meeting.status != MeetingStatus.HELD
    ):
        errors.setdefault("starts_at", []).append(
            _("Waktu mulai sudah lewat. Rapat lampau hanya dapat dicatat sebagai terlaksana.")
        )
    if not meeting.location.strip() and not meeting.online_url.strip():
        errors.setdefault("location", []).append(_("Isi tempat, tautan daring, atau keduanya."))
    if not invited_agencies:
        errors.setdefault("invited_agencies", []).append(_("Undang paling sedikit satu lembaga."))
    offset_errors = _clean_offsets(meeting)
    if offset_errors:
        errors.setdefault("reminder_offsets", []).extend(offset_errors)
    if (
        actor is not None
        and meeting.region_id
        and not permissions.can_manage_region(actor, meeting.region_id)
    ):
        errors.setdefault("region", []).append(_("Wilayah ini di luar kewenangan Anda."))
    # The end-after-start constraint is checked above with a message on the field.
    full_clean_or_raise(
        meeting, errors, exclude=["series", "created_by"], validate_constraints=False
    )


def _clean_offsets(meeting: Meeting) -> list[str]:
    """Normalise the reminder offsets in place (distinct minutes, largest first) or say why not.
    The rule is the reminder pipeline's own, so what is saved is what will be sent."""
    try:
        minutes = clean_reminder_minutes(meeting.reminder_offsets or [])
    except ValidationError as exc:
        return exc.messages
    if not minutes:
        return [_("Isi sedikitnya satu pengingat.")]
    meeting.reminder_offsets = minutes
    return []


def _sync_invitees(meeting: Meeting, agencies: Iterable[Agency], people: Iterable[Person]) -> None:
    """Make the invitee rows match the invited agencies' members plus the invited people.

    Rows keep their answers when they stay. Delegates stay while the person they stand in for
    stays. A person invited directly has no agency on the row.
    """
    agency_ids = [a.pk for a in agencies]
    wanted: dict[int, int | None] = dict(
        Membership.objects.filter(
            agency_id__in=agency_ids,
            is_active=True,
            role__in=MEMBER_ROLES,
            person__is_active=True,
        )
        .order_by("agency_id")
        .values_list("person_id", "agency_id")
    )
    for person in people:
        wanted[person.pk] = None
    existing = {row.person_id: row for row in meeting.invitees.all()}
    for row in existing.values():
        if row.person_id in wanted or row.delegated_by_id in wanted:
            continue
        row.delete()
    new_rows = []
    for person_id, agency_id in wanted.items():
        row = existing.get(person_id)
        if row is None:
            new_rows.append(
                MeetingInvitee(meeting=meeting, person_id=person_id, agency_id=agency_id)
            )
        elif row.agency_id != agency_id and row.delegated_by_id is None:
            row.agency_id = agency_id
            row.save(update_fields=["agency"])
    MeetingInvitee.objects.bulk_create(new_rows)


def _validate_people(people: list[Person]) -> None:
    inactive = [p for p in people if not p.is_active]
    if inactive:
        raise ValidationError(
            {"invited_people": _("Akun %(name)s tidak aktif.") % {"name": inactive[0]}}
        )


@transaction.atomic
def meeting_create(
    *,
    actor: Person | None,
    kind: str,
    title: str,
    region: Region,
    organiser: Agency,
    starts_at: datetime,
    ends_at: datetime,
    invited_agencies: Iterable[Agency],
    invited_people: Iterable[Person] = (),
    location: str = "",
    online_url: str = "",
    agenda: str = "",
    status: str = MeetingStatus.SCHEDULED,
    reminder_offsets: list[int] | None = None,
    series: MeetingSeries | None = None,
    recurrence_id: datetime | None = None,
) -> Meeting:
    """Schedule a meeting (or record a past one as held). `actor` None is a system write.

    Without `reminder_offsets` the meeting gets the reminder default of its region (or the
    nearest region above it that has one). `series` and `recurrence_id` (the start the series'
    rule gives it) are set by `meeting_series.meeting_series_create` only.
    """
    if actor is not None and not permissions.can_create_meeting(actor):
        raise PermissionDenied(_("Hanya staf KPU yang dapat membuat rapat."))
    agencies, people = list(invited_agencies), list(invited_people)
    meeting = Meeting(
        kind=kind,
        title=title.strip(),
        region=region,
        organiser=organiser,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        online_url=online_url.strip(),
        agenda=agenda,
        status=status,
        series=series,
        recurrence_id=recurrence_id,
        created_by=actor,
        reminder_offsets=(
            list(reminder_offsets)
            if reminder_offsets is not None
            else default_reminder_minutes(region=region)
        ),
    )
    _validate(meeting=meeting, actor=actor, invited_agencies=agencies, check_past=True)
    _validate_people(people)
    meeting.save()
    meeting.invited_agencies.set(agencies)
    _sync_invitees(meeting, agencies, people)
    meeting_notifications.meeting_created(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Person | None,
    meeting: Meeting,
    invited_agencies: Iterable[Agency] | None = None,
    invited_people: Iterable[Person] | None = None,
    **fields,
) -> Meeting:
    """Change a meeting (one occurrence of a series changes alone).

    A change of time, place or link raises the sequence, so calendars replace the entry; an
    earlier time than now is refused unless the meeting is recorded as held.
    """
    _require_manage(actor, meeting)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update() got unexpected fields {sorted(unknown)}")
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("Rapat yang dibatalkan tidak dapat diubah."))
    # Lock the row: two editors saving at once must not both compute the same next sequence.
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before_recipients = set(meeting_recipient_ids(meeting=locked))
    for key in ("title", "location", "online_url"):
        if key in fields and isinstance(fields[key], str):
            fields[key] = fields[key].strip()
    if "reminder_offsets" in fields:
        # Compare like with like ([60, 1440] is no change from [1440, 60]); bad values are
        # reported by _validate below.
        probe = Meeting(reminder_offsets=list(fields["reminder_offsets"] or []))
        _clean_offsets(probe)
        fields["reminder_offsets"] = probe.reminder_offsets
    changed = [key for key, value in fields.items() if getattr(locked, key) != value]
    for key in changed:
        setattr(locked, key, fields[key])
    schedule_changed = any(key in SCHEDULE_FIELDS for key in changed)
    agencies = (
        list(invited_agencies)
        if invited_agencies is not None
        else list(locked.invited_agencies.all())
    )
    time_changed = "starts_at" in changed or "ends_at" in changed
    _validate(meeting=locked, actor=actor, invited_agencies=agencies, check_past=time_changed)
    update_fields = [*changed, "updated_at"]
    if schedule_changed or "title" in changed:
        locked.sequence = F("sequence") + 1
        update_fields.append("sequence")
        _series_sequence_raise(locked)
    locked.save(update_fields=update_fields)
    locked.refresh_from_db(fields=["sequence", "updated_at"])
    if invited_agencies is not None:
        locked.invited_agencies.set(agencies)
    if invited_agencies is not None or invited_people is not None:
        people = _direct_people(locked) if invited_people is None else list(invited_people)
        _validate_people(people)
        _sync_invitees(locked, agencies, people)
    meeting_notifications.meeting_recipients_changed(
        meeting=locked,
        before=before_recipients,
        schedule_changed=schedule_changed,
        changed=bool(changed),
    )
    return locked


def _series_sequence_raise(meeting: Meeting) -> None:
    """An occurrence of a recurring series changed: the series' event gets a new SEQUENCE too
    (every component under its UID carries it; see `coordination.ics`)."""
    if in_recurring_series(meeting):
        MeetingSeries.objects.filter(pk=meeting.series_id).update(sequence=F("sequence") + 1)


@transaction.atomic
def meeting_invitee_add(*, actor: Person | None, meeting: Meeting, person: Person) -> Meeting:
    people = _direct_people(meeting) + [person]
    return meeting_update(actor=actor, meeting=meeting, invited_people=people)


def _direct_people(meeting: Meeting) -> list[Person]:
    """People invited by name rather than through an agency (delegates excluded)."""
    return list(
        Person.objects.filter(
            meeting_invites__meeting=meeting,
            meeting_invites__agency__isnull=True,
            meeting_invites__delegated_by__isnull=True,
        )
    )


@transaction.atomic
def meeting_cancel(*, actor: Person | None, meeting: Meeting, reason: str = "") -> Meeting:
    _require_manage(actor, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == MeetingStatus.CANCELLED:
        return locked
    if locked.status == MeetingStatus.HELD:
        raise ValidationError(_("Rapat yang sudah terlaksana tidak dapat dibatalkan."))
    locked.status = MeetingStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason.strip()[:300]
    locked.sequence = F("sequence") + 1
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "sequence", "updated_at"])
    _series_sequence_raise(locked)
    locked.refresh_from_db(fields=["sequence"])
    meeting_notifications.meeting_cancelled(meeting=locked)
    return locked
