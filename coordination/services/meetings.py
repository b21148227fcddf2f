"""Every write to meetings: scheduling, series, invitees, answers, attendance, minutes, documents.

After each committed write the services call the hooks in `meeting_notifications` (through
`transaction.on_commit`), so the notification pipeline sees exactly what was saved. `uid` never
changes; `sequence` rises whenever invitees must replace their calendar entry (time, place, link,
title, cancellation).
"""

import calendar
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.enums import RSVP, MeetingStatus, Role, SeriesFrequency
from coordination.models import (
    Agency,
    Meeting,
    MeetingDocument,
    MeetingInvitee,
    MeetingSeries,
    Membership,
    Person,
    Region,
)
from coordination.selectors.meetings import meeting_recipient_ids
from coordination.services import meeting_notifications
from coordination.services.files import upload_store_after_commit, upload_validate

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
MAX_SERIES_OCCURRENCES = 60
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
    if (
        actor is not None
        and meeting.region_id
        and not permissions.can_manage_region(actor, meeting.region_id)
    ):
        errors.setdefault("region", []).append(_("Wilayah ini di luar kewenangan Anda."))
    try:
        # The end-after-start constraint is checked above with a message on the field.
        meeting.full_clean(exclude=["series", "created_by"], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


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
) -> Meeting:
    """Schedule a meeting (or record a past one as held). `actor` None is a system write."""
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
        created_by=actor,
    )
    if reminder_offsets is not None:
        meeting.reminder_offsets = reminder_offsets
    _validate(meeting=meeting, actor=actor, invited_agencies=agencies, check_past=True)
    _validate_people(people)
    meeting.save()
    meeting.invited_agencies.set(agencies)
    _sync_invitees(meeting, agencies, people)
    meeting_id = meeting.pk
    transaction.on_commit(lambda: meeting_notifications.meeting_created(meeting_id=meeting_id))
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
    if schedule_changed or "title" in changed:
        locked.sequence = F("sequence") + 1
    locked.save()
    locked.refresh_from_db(fields=["sequence", "updated_at"])
    if invited_agencies is not None:
        locked.invited_agencies.set(agencies)
    if invited_agencies is not None or invited_people is not None:
        if invited_people is None:
            people = list(
                Person.objects.filter(
                    meeting_invites__meeting=locked,
                    meeting_invites__agency__isnull=True,
                    meeting_invites__delegated_by__isnull=True,
                )
            )
        else:
            people = list(invited_people)
        _validate_people(people)
        _sync_invitees(locked, agencies, people)
    after_recipients = set(meeting_recipient_ids(meeting=locked))
    added = sorted(after_recipients - before_recipients)
    removed = sorted(before_recipients - after_recipients)
    if changed or added or removed:
        meeting_id = locked.pk
        transaction.on_commit(
            lambda: meeting_notifications.meeting_changed(
                meeting_id=meeting_id,
                added_person_ids=added,
                removed_person_ids=removed,
                schedule_changed=schedule_changed,
            )
        )
    return locked


@transaction.atomic
def meeting_invitee_add(*, actor: Person | None, meeting: Meeting, person: Person) -> Meeting:
    people = _direct_people(meeting) + [person]
    return meeting_update(actor=actor, meeting=meeting, invited_people=people)


@transaction.atomic
def meeting_invitee_remove(*, actor: Person | None, meeting: Meeting, person: Person) -> Meeting:
    people = [p for p in _direct_people(meeting) if p.pk != person.pk]
    return meeting_update(actor=actor, meeting=meeting, invited_people=people)


def _direct_people(meeting: Meeting) -> list[Person]:
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
    locked.refresh_from_db(fields=["sequence"])
    meeting_id = locked.pk
    transaction.on_commit(lambda: meeting_notifications.meeting_cancelled(meeting_id=meeting_id))
    return locked


def series_dates(*, first: date, frequency: str, until: date) -> list[date]:
    """The dates of a series from `first` to `until` inclusive (monthly keeps the day, or the
    month's last day when the month is shorter)."""
    dates: list[date] = []
    step = 0
    while len(dates) <= MAX_SERIES_OCCURRENCES:
        if frequency == SeriesFrequency.WEEKLY:
            current = first + timedelta(weeks=step)
        elif frequency == SeriesFrequency.BIWEEKLY:
            current = first + timedelta(weeks=2 * step)
        elif frequency == SeriesFrequency.MONTHLY:
            month_index = first.month - 1 + step
            year, month = first.year + month_index // 12, month_index % 12 + 1
            day = min(first.day, calendar.monthrange(year, month)[1])
            current = date(year, month, day)
        else:
            raise ValidationError({"frequency": _("Frekuensi tidak dikenal.")})
        if current > until:
            break
        dates.append(current)
        step += 1
    return dates


@transaction.atomic
def meeting_series_create(
    *,
    actor: Person | None,
    frequency: str,
    until: date,
    starts_at: datetime,
    ends_at: datetime,
    region: Region,
    **meeting_fields,
) -> MeetingSeries:
    """Create a regular series and all its occurrences; each occurrence is an ordinary meeting.

    Occurrences keep the local wall-clock time of the first one in the region's zone.
    """
    zone = ZoneInfo(region.timezone)
    local_start = timezone.localtime(starts_at, zone)
    duration = ends_at - starts_at
    if until < local_start.date():
        raise ValidationError({"until": _("Tanggal akhir seri harus sesudah rapat pertama.")})
    dates = series_dates(first=local_start.date(), frequency=frequency, until=until)
    if len(dates) > MAX_SERIES_OCCURRENCES:
        raise ValidationError(
            {
                "until": _("Seri terlalu panjang: paling banyak %(n)s pertemuan.")
                % {"n": MAX_SERIES_OCCURRENCES}
            }
        )
    series = MeetingSeries(
        title=meeting_fields.get("title", "").strip(),
        frequency=frequency,
        until=until,
        created_by=actor,
    )
    series.full_clean(exclude=["created_by"])
    series.save()
    for day in dates:
        start = datetime.combine(day, local_start.time(), tzinfo=zone)
        meeting_create(
            actor=actor,
            region=region,
            starts_at=start,
            ends_at=start + duration,
            series=series,
            **meeting_fields,
        )
    return series


@transaction.atomic
def meeting_respond(
    *,
    actor: Person,
    meeting: Meeting,
    response: str,
    delegate: Person | None = None,
) -> MeetingInvitee:
    """Answer an invitation: attend, decline, or delegate to a colleague of the same agency."""
    if not permissions.can_respond_to_invitation(actor, meeting):
        raise PermissionDenied(_("Anda tidak dapat menjawab undangan rapat ini."))
    if response not in (RSVP.ACCEPTED, RSVP.DECLINED, RSVP.DELEGATED):
        raise ValidationError({"response": _("Pilih hadir, tidak hadir, atau diwakilkan.")})
    row = MeetingInvitee.objects.select_for_update().filter(meeting=meeting, person=actor).first()
    if row is None:
        # A member who joined an invited agency after the invitation answers for that agency.
        invited = set(meeting.invited_agencies.values_list("pk", flat=True))
        agency_id = min(invited & permissions.access_for(actor).agency_ids)
        row = MeetingInvitee.objects.create(meeting=meeting, person=actor, agency_id=agency_id)
    if response == RSVP.DELEGATED:
        _validate_delegate(actor=actor, row=row, delegate=delegate)
        delegate_row, created = MeetingInvitee.objects.get_or_create(
            meeting=meeting,
            person=delegate,
            defaults={"agency_id": row.agency_id, "delegated_by": actor},
        )
        if not created and delegate_row.delegated_by_id is None:
            delegate_row.delegated_by = actor
            delegate_row.save(update_fields=["delegated_by"])
    previous_delegate_id = row.delegate_id
    row.response = response
    row.responded_at = timezone.now()
    row.delegate = delegate if response == RSVP.DELEGATED else None
    row.save(update_fields=["response", "responded_at", "delegate"])
    if previous_delegate_id and previous_delegate_id != row.delegate_id:
        _undelegate(meeting=meeting, delegate_id=previous_delegate_id, actor=actor)
    return row


def _undelegate(*, meeting: Meeting, delegate_id: int, actor: Person) -> None:
    """The former delegate keeps their own invitation (through an invited agency) if they have
    one; a row that existed only because of the delegation goes."""
    rows = MeetingInvitee.objects.filter(meeting=meeting, person_id=delegate_id, delegated_by=actor)
    invited_member = Membership.objects.filter(
        person_id=delegate_id,
        agency__in=meeting.invited_agencies.all(),
        is_active=True,
        role__in=MEMBER_ROLES,
    ).exists()
    if invited_member:
        rows.update(delegated_by=None)
    else:
        rows.delete()


def _validate_delegate(*, actor: Person, row: MeetingInvitee, delegate: Person | None) -> None:
    if delegate is None:
        raise ValidationError({"delegate": _("Pilih rekan yang mewakili.")})
    if delegate.pk == actor.pk or not delegate.is_active:
        raise ValidationError({"delegate": _("Pilih rekan lain yang akunnya aktif.")})
    agency_ids = (
        [row.agency_id] if row.agency_id else list(permissions.access_for(actor).agency_ids)
    )
    if not Membership.objects.filter(
        person=delegate, agency_id__in=agency_ids, is_active=True
    ).exists():
        raise ValidationError({"delegate": _("Wakil harus rekan dari lembaga yang sama.")})


@transaction.atomic
def meeting_attendance_record(
    *, actor: Person | None, meeting: Meeting, attended_person_ids: Iterable[int]
) -> int:
    """Record who attended (everyone else invited is marked absent); returns how many came."""
    _require_manage(actor, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("Rapat ini dibatalkan."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Kehadiran dicatat setelah rapat dimulai."))
    present = set(attended_person_ids)
    rows = meeting.invitees.all()
    rows.filter(person_id__in=present).update(attended=True)
    rows.exclude(person_id__in=present).update(attended=False)
    return rows.filter(attended=True).count()


@transaction.atomic
def meeting_minutes_record(*, actor: Person | None, meeting: Meeting, minutes: str) -> Meeting:
    """Save the minutes; a meeting with minutes has been held."""
    _require_manage(actor, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("Rapat ini dibatalkan."))
    if meeting.starts_at > timezone.now():
        raise ValidationError({"minutes": _("Notulen ditulis setelah rapat dimulai.")})
    meeting.minutes = minutes.strip()
    meeting.minutes_recorded_at = timezone.now()
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["minutes", "minutes_recorded_at", "status", "updated_at"])
    return meeting


@transaction.atomic
def meeting_document_add(
    *, actor: Person | None, meeting: Meeting, upload: UploadedFile
) -> MeetingDocument:
    _require_manage(actor, meeting)
    try:
        content_type = upload_validate(upload=upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    document = MeetingDocument(
        meeting=meeting,
        original_name=(upload.name or "dokumen")[-255:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    upload_store_after_commit(
        instance=document, field_name="file", upload=upload, drop_row_on_failure=True
    )
    document.save()
    return document


@transaction.atomic
def meeting_document_delete(*, actor: Person | None, document: MeetingDocument) -> None:
    """Remove the document; its stored file goes once the deletion is committed."""
    _require_manage(actor, document.meeting)
    document.delete()
