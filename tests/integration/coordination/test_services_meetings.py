from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coordination.enums import RSVP, MeetingKind, MeetingStatus, SeriesFrequency
from coordination.models import Meeting, MeetingInvitee, MeetingReminder, ReminderDefault
from coordination.notifications import meetings as meeting_notifications
from coordination.selectors.meetings import meeting_recipient_ids, meeting_recipients
from coordination.services.meeting_records import (
    meeting_attendance_record,
    meeting_document_add,
    meeting_minutes_record,
    meeting_respond,
)
from coordination.services.meetings import (
    meeting_cancel,
    meeting_create,
    meeting_invitee_add,
    meeting_series_create,
    meeting_update,
)
from tests import factories

WIB = ZoneInfo("Asia/Jakarta")


def _fields(regency, organiser, invited, **extra):
    start = timezone.now() + timedelta(days=2)
    fields = {
        "kind": MeetingKind.RAKOR,
        "title": "Rakor pengamanan TPS",
        "region": regency,
        "organiser": organiser,
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "location": "Aula KPU Kabupaten",
        "invited_agencies": invited,
    }
    fields.update(extra)
    return fields


def test_meeting_create_makes_invitee_rows_for_agency_members(
    regency_staff,
    kpu_regency,
    bawaslu,
    bawaslu_liaison,
    regency,
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch.object(meeting_notifications, "meeting_created") as hook,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [bawaslu]))
    # The hook runs inside the service's transaction; only the hook itself defers the sending.
    assert callbacks == []
    hook.assert_called_once_with(meeting=meeting)
    rows = list(meeting.invitees.values_list("person__email", "agency_id", "response"))
    assert rows == [("bawaslu@uji.test", bawaslu.pk, RSVP.PENDING)]
    assert meeting.sequence == 0


def test_meeting_create_refuses_end_before_start_and_no_agency(regency_staff, kpu_regency, regency):
    fields = _fields(regency, kpu_regency, [])
    fields["ends_at"] = fields["starts_at"] - timedelta(minutes=5)
    with pytest.raises(ValidationError) as exc:
        meeting_create(actor=regency_staff, **fields)
    assert set(exc.value.message_dict) == {"ends_at", "invited_agencies"}
    assert Meeting.objects.count() == 0


def test_meeting_create_in_the_past_only_when_held(regency_staff, kpu_regency, regency):
    past = timezone.now() - timedelta(days=3)
    fields = _fields(
        regency, kpu_regency, [kpu_regency], starts_at=past, ends_at=past + timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as exc:
        meeting_create(actor=regency_staff, **fields)
    assert "starts_at" in exc.value.message_dict
    meeting = meeting_create(actor=regency_staff, status=MeetingStatus.HELD, **fields)
    assert meeting.status == MeetingStatus.HELD


def test_meeting_create_needs_place_or_valid_link(regency_staff, kpu_regency, regency):
    fields = _fields(regency, kpu_regency, [kpu_regency], location="", online_url="")
    with pytest.raises(ValidationError) as exc:
        meeting_create(actor=regency_staff, **fields)
    assert set(exc.value.message_dict) == {"location"}
    fields["online_url"] = "zoom kantor"
    with pytest.raises(ValidationError) as exc:
        meeting_create(actor=regency_staff, **fields)
    assert set(exc.value.message_dict) == {"online_url"}
    fields["online_url"] = "https://zoom.us/j/123"
    assert meeting_create(actor=regency_staff, **fields).online_url == "https://zoom.us/j/123"


def test_meeting_create_outside_regency_is_refused(regency_staff, kpu_regency, other_regency):
    with pytest.raises(ValidationError) as exc:
        meeting_create(actor=regency_staff, **_fields(other_regency, kpu_regency, [kpu_regency]))
    assert "region" in exc.value.message_dict


def test_meeting_create_by_liaison_is_denied(bawaslu_liaison, bawaslu, regency):
    with pytest.raises(PermissionDenied):
        meeting_create(actor=bawaslu_liaison, **_fields(regency, bawaslu, [bawaslu]))


def test_meeting_update_schedule_change_raises_sequence_and_notifies(
    regency_staff,
    kpu_regency,
    bawaslu,
    bawaslu_liaison,
    regency,
    django_capture_on_commit_callbacks,
):
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [kpu_regency]))
    uid = meeting.uid
    with (
        mock.patch.object(meeting_notifications, "meeting_changed") as hook,
        django_capture_on_commit_callbacks(execute=True),
    ):
        updated = meeting_update(
            actor=regency_staff,
            meeting=meeting,
            starts_at=meeting.starts_at + timedelta(hours=1),
            ends_at=meeting.ends_at + timedelta(hours=1),
            invited_agencies=[kpu_regency, bawaslu],
        )
    assert updated.sequence == 1
    assert updated.uid == uid
    hook.assert_called_once_with(
        meeting=meeting,
        added_person_ids=[bawaslu_liaison.pk],
        removed_person_ids=[],
        schedule_changed=True,
    )


def test_meeting_update_agenda_only_keeps_sequence(regency_staff, kpu_regency, regency):
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [kpu_regency]))
    updated = meeting_update(actor=regency_staff, meeting=meeting, agenda="1. Pembukaan")
    assert updated.sequence == 0
    assert updated.agenda == "1. Pembukaan"


def test_meeting_cancel_raises_sequence_and_notifies(
    regency_staff, kpu_regency, regency, django_capture_on_commit_callbacks
):
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [kpu_regency]))
    with (
        mock.patch.object(meeting_notifications, "meeting_cancelled") as hook,
        django_capture_on_commit_callbacks(execute=True),
    ):
        cancelled = meeting_cancel(actor=regency_staff, meeting=meeting, reason="Banjir")
    hook.assert_called_once_with(meeting=meeting)
    assert (cancelled.status, cancelled.sequence, cancelled.cancel_reason) == (
        MeetingStatus.CANCELLED,
        1,
        "Banjir",
    )
    with pytest.raises(ValidationError):
        meeting_update(actor=regency_staff, meeting=cancelled, title="Lagi")


def test_meeting_update_by_other_regency_staff_is_denied(
    regency_staff, kpu_regency, other_regency, province_staff
):
    meeting = factories.meeting(region=other_regency, organiser=kpu_regency)
    with pytest.raises(PermissionDenied):
        meeting_update(actor=regency_staff, meeting=meeting, title="Diubah")


def test_meeting_series_create_weekly_keeps_local_time(
    province_staff, kpu_province, bengkulu, django_capture_on_commit_callbacks
):
    first = (timezone.localtime(timezone.now(), WIB) + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    with (
        mock.patch.object(meeting_notifications, "meeting_created") as hook,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        series = meeting_series_create(
            actor=province_staff,
            frequency=SeriesFrequency.WEEKLY,
            until=first.date() + timedelta(days=21),
            kind=MeetingKind.RAKOR,
            title="Rakor mingguan",
            region=bengkulu,
            organiser=kpu_province,
            starts_at=first,
            ends_at=first + timedelta(hours=2),
            location="Kantor KPU Provinsi",
            invited_agencies=[kpu_province],
        )
    starts = [timezone.localtime(m.starts_at, WIB) for m in series.meetings.order_by("starts_at")]
    assert [s.date() for s in starts] == [first.date() + timedelta(weeks=i) for i in range(4)]
    assert {(s.hour, s.minute) for s in starts} == {(9, 0)}
    assert callbacks == []
    assert hook.call_count == 4
    # Each occurrence changes alone.
    one = series.meetings.order_by("starts_at")[1]
    meeting_update(actor=province_staff, meeting=one, location="Hotel Santika")
    assert list(series.meetings.order_by("starts_at").values_list("location", flat=True)) == [
        "Kantor KPU Provinsi",
        "Hotel Santika",
        "Kantor KPU Provinsi",
        "Kantor KPU Provinsi",
    ]


def test_meeting_recipients_people_liaisons_and_staff_distinct(
    regency_staff, kpu_regency, bawaslu, bawaslu_liaison, regency, nobody
):
    inactive = factories.liaison(bawaslu, email="old@uji.test")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    meeting = meeting_create(
        actor=regency_staff,
        invited_people=[bawaslu_liaison, nobody],
        **_fields(regency, kpu_regency, [kpu_regency, bawaslu]),
    )
    # Someone who joins an invited agency later hears about it too.
    late = factories.liaison(bawaslu, email="late@uji.test")
    assert set(meeting_recipients(meeting=meeting).values_list("email", flat=True)) == {
        "kpu.kab@uji.test",
        "bawaslu@uji.test",
        "nobody@uji.test",
        "late@uji.test",
    }
    assert late.pk in meeting_recipients(meeting=meeting).values_list("pk", flat=True)


def test_meeting_recipients_leave_out_inactive_agency_members_and_ended_memberships(
    regency_staff, kpu_regency, bawaslu, bawaslu_liaison, bawaslu_colleague, regency, nobody
):
    polres = factories.AgencyFactory(name="Polres 17.01", region=regency)
    kapolres = factories.liaison(polres, email="kapolres@uji.test")
    meeting = meeting_create(
        actor=regency_staff,
        invited_people=[nobody],
        **_fields(regency, kpu_regency, [kpu_regency, bawaslu, polres]),
    )
    assert MeetingInvitee.objects.filter(meeting=meeting).count() == 5

    polres.is_active = False
    polres.save(update_fields=["is_active"])
    bawaslu_colleague.memberships.update(is_active=False)
    kpu_regency.memberships.filter(person=regency_staff).update(is_active=False)
    factories.MembershipFactory(person=nobody, agency=polres)  # invited in person, not for it

    # Invitee rows stay (answers, attendance), but nobody hears through a dead link; a person
    # invited in person still does.
    assert sorted(meeting_recipients(meeting=meeting).values_list("email", flat=True)) == [
        "bawaslu@uji.test",
        "nobody@uji.test",
    ]
    assert kapolres.pk not in meeting_recipient_ids(meeting=meeting)


def test_meeting_recipients_keep_delegate_of_active_agency_member(
    regency_staff, kpu_regency, bawaslu, bawaslu_liaison, bawaslu_colleague, regency
):
    meeting = meeting_create(
        actor=regency_staff, **_fields(regency, kpu_regency, [kpu_regency, bawaslu])
    )
    meeting_respond(
        actor=bawaslu_liaison, meeting=meeting, response=RSVP.DELEGATED, delegate=bawaslu_colleague
    )
    assert sorted(meeting_recipients(meeting=meeting).values_list("email", flat=True)) == [
        "bawaslu2@uji.test",
        "bawaslu@uji.test",
        "kpu.kab@uji.test",
    ]
    bawaslu.is_active = False
    bawaslu.save(update_fields=["is_active"])
    assert list(meeting_recipients(meeting=meeting).values_list("email", flat=True)) == [
        "kpu.kab@uji.test"
    ]


def test_meeting_invitee_add_notifies_added_person(
    regency_staff, kpu_regency, regency, nobody, django_capture_on_commit_callbacks
):
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [kpu_regency]))
    with (
        mock.patch.object(meeting_notifications, "meeting_changed") as hook,
        django_capture_on_commit_callbacks(execute=True),
    ):
        meeting_invitee_add(actor=regency_staff, meeting=meeting, person=nobody)
    hook.assert_called_once_with(
        meeting=meeting,
        added_person_ids=[nobody.pk],
        removed_person_ids=[],
        schedule_changed=False,
    )


def test_meeting_respond_accept_and_delegate_to_colleague(
    regency_staff, kpu_regency, bawaslu, bawaslu_liaison, bawaslu_colleague, regency
):
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [bawaslu]))
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
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [bawaslu]))
    with pytest.raises(ValidationError) as exc:
        meeting_respond(
            actor=bawaslu_liaison, meeting=meeting, response=RSVP.DELEGATED, delegate=polres_liaison
        )
    assert "delegate" in exc.value.message_dict


def test_meeting_respond_not_invited_is_denied(
    regency_staff, kpu_regency, bawaslu, polres_liaison, regency
):
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [bawaslu]))
    with pytest.raises(PermissionDenied):
        meeting_respond(actor=polres_liaison, meeting=meeting, response=RSVP.ACCEPTED)


def test_minutes_and_attendance_after_the_meeting(
    regency_staff, kpu_regency, bawaslu, bawaslu_liaison, bawaslu_colleague, regency
):
    past = timezone.now() - timedelta(days=1)
    meeting = meeting_create(
        actor=regency_staff,
        status=MeetingStatus.HELD,
        **_fields(
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
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [kpu_regency]))
    with pytest.raises(ValidationError):
        meeting_minutes_record(actor=regency_staff, meeting=meeting, minutes="Terlalu awal")


def test_meeting_document_add_accepts_pdf(regency_staff, kpu_regency, regency):
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [kpu_regency]))
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
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [kpu_regency]))
    with pytest.raises(ValidationError) as exc:
        meeting_document_add(
            actor=regency_staff, meeting=meeting, upload=SimpleUploadedFile(name, content)
        )
    assert "file" in exc.value.message_dict
    assert meeting.documents.count() == 0


def test_meeting_document_add_refuses_too_large(regency_staff, kpu_regency, regency, settings):
    settings.PILKADA_MAX_UPLOAD_BYTES = 10
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [kpu_regency]))
    with pytest.raises(ValidationError) as exc:
        meeting_document_add(
            actor=regency_staff,
            meeting=meeting,
            upload=SimpleUploadedFile("besar.pdf", b"%PDF-" + b"x" * 20),
        )
    assert "terlalu besar" in exc.value.message_dict["file"][0]


def test_series_start_in_wita_keeps_local_time(province_staff, kpu_province, bengkulu):
    bengkulu.timezone = "Asia/Makassar"
    first = datetime(2030, 1, 7, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    series = meeting_series_create(
        actor=province_staff,
        frequency=SeriesFrequency.MONTHLY,
        until=date(2030, 3, 31),
        kind=MeetingKind.RAKOR,
        title="Rakor bulanan",
        region=bengkulu,
        organiser=kpu_province,
        starts_at=first,
        ends_at=first + timedelta(hours=1),
        location="Kantor",
        invited_agencies=[kpu_province],
    )
    starts = list(series.meetings.order_by("starts_at").values_list("starts_at", flat=True))
    assert [s.astimezone(UTC).hour for s in starts] == [1, 1, 1]


def test_meeting_create_takes_reminder_default_of_nearest_region(
    regency_staff, kpu_regency, regency, province_staff, bengkulu
):
    ReminderDefault.objects.create(region=bengkulu, minutes_before=[4320, 30])
    meeting = meeting_create(actor=regency_staff, **_fields(regency, kpu_regency, [kpu_regency]))
    assert meeting.reminder_offsets == [4320, 30]
    chosen = meeting_create(
        actor=regency_staff,
        reminder_offsets=[60, 1440, 60],
        **_fields(regency, kpu_regency, [kpu_regency]),
    )
    assert chosen.reminder_offsets == [1440, 60]


@pytest.mark.parametrize(
    "offsets",
    [[], [0], [-60], [28 * 1440 + 1], [10, 20, 30, 40, 50, 60], ["satu jam"]],
)
def test_meeting_create_refuses_bad_reminder_offsets(regency_staff, kpu_regency, regency, offsets):
    with pytest.raises(ValidationError) as exc:
        meeting_create(
            actor=regency_staff,
            reminder_offsets=offsets,
            **_fields(regency, kpu_regency, [kpu_regency]),
        )
    assert set(exc.value.message_dict) == {"reminder_offsets"}
    assert Meeting.objects.count() == 0


def test_meeting_update_reminder_offsets_replans_reminders_without_new_sequence(
    regency_staff, kpu_regency, regency
):
    meeting = meeting_create(
        actor=regency_staff,
        reminder_offsets=[1440, 60],
        **_fields(regency, kpu_regency, [kpu_regency]),
    )
    same = meeting_update(actor=regency_staff, meeting=meeting, reminder_offsets=[60, 1440])
    assert same.reminder_offsets == [1440, 60]
    updated = meeting_update(actor=regency_staff, meeting=meeting, reminder_offsets=[120, 30])
    assert updated.reminder_offsets == [120, 30]
    assert updated.sequence == 0
    pending = MeetingReminder.objects.filter(meeting=meeting, status="pending")
    assert sorted(pending.values_list("minutes_before", flat=True)) == [30, 120]


def test_minutes_with_action_items_are_all_or_nothing(regency_staff, kpu_regency, regency):
    # An action item the task service refuses leaves the minutes unsaved too.
    from coordination.services.meeting_records import meeting_minutes_with_actions_record
    from tests.factories import ElectionFactory

    ElectionFactory(is_active=True)
    past = timezone.now() - timedelta(days=1)
    meeting = meeting_create(
        actor=regency_staff,
        status=MeetingStatus.HELD,
        **_fields(
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
