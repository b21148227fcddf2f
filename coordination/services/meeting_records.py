"""Writes once a meeting is scheduled: answers to the invitation, attendance, minutes, documents.

Like the scheduling services in `meetings`, each write that someone must hear about calls its
`meeting_notifications` hook inside its own transaction, so the change and its mail commit
together or not at all.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.enums import RSVP, MeetingStatus
from coordination.models import Meeting, MeetingDocument, MeetingInvitee, Membership, Person
from coordination.notifications import meetings as meeting_notifications
from coordination.selectors.meetings import meeting_recipient_ids
from coordination.selectors.readiness import active_election
from coordination.services.files import upload_clean, upload_store_after_commit
from coordination.services.meetings import MEMBER_ROLES, _require_manage
from coordination.services.readiness import action_items_create

# Scanned pages attached to a meeting stay legible: pictures keep up to 4096 pixels a side.
DOCUMENT_MAX_SIDE = 4096


@transaction.atomic
def meeting_respond(
    *,
    actor: Person,
    meeting: Meeting,
    response: str,
    delegate: Person | None = None,
) -> MeetingInvitee:
    """Answer an invitation: attend, decline, or delegate to a colleague of the same agency.

    A delegate becomes an invitee and gets the invitation (with its calendar entry) at once; a
    former delegate who is no longer invited gets a cancellation of their entry. The person who
    delegated stays invited: they still hear of changes and cancellations, but get no reminders
    (see `selectors.notifications.reminder_recipients`).
    """
    if not permissions.can_respond_to_invitation(actor, meeting):
        raise PermissionDenied(_("Anda tidak dapat menjawab undangan rapat ini."))
    if response not in (RSVP.ACCEPTED, RSVP.DECLINED, RSVP.DELEGATED):
        raise ValidationError({"response": _("Pilih hadir, tidak hadir, atau diwakilkan.")})
    before_recipients = set(meeting_recipient_ids(meeting=meeting))
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
    # On a delegation to someone already invited the pipeline finds their invitation on record
    # and sends nothing again.
    meeting_notifications.meeting_recipients_changed(
        meeting=meeting, before=before_recipients, changed=response == RSVP.DELEGATED
    )
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
def meeting_minutes_with_actions_record(
    *, actor: Person | None, meeting: Meeting, minutes: str, items: list[dict]
) -> int:
    """Save the minutes and turn the action items into readiness tasks, all or nothing.

    One transaction, so a refused action item never leaves the minutes saved behind an error
    message. Returns the number of tasks created.
    """
    election = active_election() if items else None
    if items and election is None:
        raise ValidationError(_("Belum ada pemilihan aktif untuk tugas tindak lanjut."))
    meeting_minutes_record(actor=actor, meeting=meeting, minutes=minutes)
    if items:
        action_items_create(actor=actor, meeting=meeting, election=election, items=items)
    return len(items)


@transaction.atomic
def meeting_document_add(
    *, actor: Person | None, meeting: Meeting, upload: UploadedFile
) -> MeetingDocument:
    _require_manage(actor, meeting)
    try:
        clean = upload_clean(upload=upload, max_side=DOCUMENT_MAX_SIDE)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    document = MeetingDocument(
        meeting=meeting,
        original_name=clean.name[-255:],
        content_type=clean.content_type,
        size=clean.size,
        uploaded_by=actor,
    )
    upload_store_after_commit(
        instance=document, field_name="file", upload=clean.file, drop_row_on_failure=True
    )
    document.save()
    return document


@transaction.atomic
def meeting_document_delete(*, actor: Person | None, document: MeetingDocument) -> None:
    """Remove the document; its stored file goes once the deletion is committed."""
    _require_manage(actor, document.meeting)
    document.delete()
