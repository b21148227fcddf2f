"""What happens around a meeting (services/meeting_records.py): answers and delegation, minutes
and attendance, action items, documents."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coordination.enums import RSVP, MeetingStatus
from coordination.models import MeetingInvitee
from coordination.services.meeting_records import (
    meeting_attendance_record,
    meeting_document_add,
    meeting_minutes_record,
    meeting_respond,
)
from coordination.services.meetings import meeting_create
from tests import factories


def test_meeting_respond_accept_and_delegate_to_colleague(
    regency_staff, kpu_regency, bawaslu, bawaslu_liaison, bawaslu_colleague, regency
):
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [bawaslu])
    )
    row = meeting_respond(actor=bawaslu_liaison, meeting=meeting, response=RSVP.ACCEPTED)
    assert row.response == RSVP.ACCEPTED
    row = meeting_respond(
        actor=bawaslu_liaison,
        meeting=meeting,
        response=RSVP.DELEGATED,
        delegate=bawaslu_colleague,
    )
    assert row.delegate == bawaslu_colleague
    delegate_row = MeetingInvitee.objects.get(meeting=meeting, person=bawaslu_colleague)
    assert delegate_row.delegated_by == bawaslu_liaison
    # Changing one's mind: the colleague keeps their own invitation through the agency.
    meeting_respond(actor=bawaslu_liaison, meeting=meeting, response=RSVP.ACCEPTED)
    delegate_row.refresh_from_db()
    assert delegate_row.delegated_by is None
    assert meeting.invitees.count() == 2


def test_meeting_respond_delegate_outside_agency_is_refused(
    regency_staff, kpu_regency, bawaslu, bawaslu_liaison, polres_liaison, regency
):
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [bawaslu])
    )
    with pytest.raises(ValidationError) as exc:
        meeting_respond(
            actor=bawaslu_liaison, meeting=meeting, response=RSVP.DELEGATED, delegate=polres_liaison
        )
    assert "delegate" in exc.value.message_dict


def test_meeting_respond_not_invited_is_denied(
    regency_staff, kpu_regency, bawaslu, polres_liaison, regency
):
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [bawaslu])
    )
    with pytest.raises(PermissionDenied):
        meeting_respond(actor=polres_liaison, meeting=meeting, response=RSVP.ACCEPTED)


def test_minutes_and_attendance_after_the_meeting(
    regency_staff, kpu_regency, bawaslu, bawaslu_liaison, bawaslu_colleague, regency
):
    past = timezone.now() - timedelta(days=1)
    meeting = meeting_create(
        actor=regency_staff,
        status=MeetingStatus.HELD,
        **factories.meeting_fields(
            regency, kpu_regency, [bawaslu], starts_at=past, ends_at=past + timedelta(hours=2)
        ),
    )
    assert (
        meeting_attendance_record(
            actor=regency_staff, meeting=meeting, attended_person_ids=[bawaslu_liaison.pk]
        )
        == 1
    )
    assert dict(meeting.invitees.values_list("person__email", "attended")) == {
        "bawaslu@uji.test": True,
        "bawaslu2@uji.test": False,
    }
    meeting = meeting_minutes_record(actor=regency_staff, meeting=meeting, minutes="Sepakat.")
    assert (meeting.minutes, meeting.status) == ("Sepakat.", MeetingStatus.HELD)


def test_minutes_before_the_meeting_are_refused(regency_staff, kpu_regency, regency):
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [kpu_regency])
    )
    with pytest.raises(ValidationError):
        meeting_minutes_record(actor=regency_staff, meeting=meeting, minutes="Terlalu awal")


def test_meeting_document_add_accepts_pdf(regency_staff, kpu_regency, regency):
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [kpu_regency])
    )
    upload = SimpleUploadedFile("notulen.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    document = meeting_document_add(actor=regency_staff, meeting=meeting, upload=upload)
    assert (document.original_name, document.content_type, document.size) == (
        "notulen.pdf",
        "application/pdf",
        12,
    )
    assert document.file.name.startswith(f"private/meetings/{meeting.pk}/")


@pytest.mark.parametrize(
    ("name", "content"),
    [("notulen.exe", b"MZ\x90\x00"), ("notulen.pdf", b"<html>not a pdf</html>")],
)
def test_meeting_document_add_refuses_wrong_type(
    regency_staff, kpu_regency, regency, name, content
):
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [kpu_regency])
    )
    with pytest.raises(ValidationError) as exc:
        meeting_document_add(
            actor=regency_staff, meeting=meeting, upload=SimpleUploadedFile(name, content)
        )
    assert "file" in exc.value.message_dict
    assert meeting.documents.count() == 0


def test_meeting_document_add_refuses_too_large(regency_staff, kpu_regency, regency, settings):
    settings.PILKADA_MAX_UPLOAD_BYTES = 10
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [kpu_regency])
    )
    with pytest.raises(ValidationError) as exc:
        meeting_document_add(
            actor=regency_staff,
            meeting=meeting,
            upload=SimpleUploadedFile("besar.pdf", b"%PDF-" + b"x" * 20),
        )
    assert "terlalu besar" in exc.value.message_dict["file"][0]


def test_minutes_with_action_items_are_all_or_nothing(regency_staff, kpu_regency, regency):
    # An action item the task service refuses leaves the minutes unsaved too.
    from coordination.services.meeting_records import meeting_minutes_with_actions_record
    from tests.factories import ElectionFactory

    ElectionFactory(is_active=True)
    past = timezone.now() - timedelta(days=1)
    meeting = meeting_create(
        actor=regency_staff,
        status=MeetingStatus.HELD,
        **factories.meeting_fields(
            regency, kpu_regency, [kpu_regency], starts_at=past, ends_at=past + timedelta(hours=1)
        ),
    )
    items = [
        {
            "title": "x" * 1000,
            "category": "logistik",
            "agency": kpu_regency,
            "due_on": timezone.localdate(),
        }
    ]
    with pytest.raises(ValidationError):
        meeting_minutes_with_actions_record(
            actor=regency_staff, meeting=meeting, minutes="Sepakat.", items=items
        )
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_recorded_at) == ("", None)
