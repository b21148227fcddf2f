"""Meetings through their services (services/meetings.py): create, update, cancel, series,
invite, reminder offsets; who may do each."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coordination.enums import RSVP, DeliveryKind, MeetingKind, MeetingStatus, SeriesFrequency
from coordination.models import Delivery, Meeting, MeetingReminder, ReminderDefault
from coordination.notifications import meetings as meeting_notifications
from coordination.services.meeting_series import meeting_series_create
from coordination.services.meetings import (
    meeting_cancel,
    meeting_create,
    meeting_invitee_add,
    meeting_update,
)
from tests import factories

WIB = ZoneInfo("Asia/Jakarta")


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
        meeting = meeting_create(
            actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [bawaslu])
        )
    # The hook runs inside the service's transaction; only the hook itself defers the sending.
    assert callbacks == []
    hook.assert_called_once_with(meeting=meeting)
    rows = list(meeting.invitees.values_list("person__email", "agency_id", "response"))
    assert rows == [("bawaslu@uji.test", bawaslu.pk, RSVP.PENDING)]
    assert meeting.sequence == 0


def test_meeting_create_refuses_end_before_start_and_no_agency(regency_staff, kpu_regency, regency):
    fields = factories.meeting_fields(regency, kpu_regency, [])
    fields["ends_at"] = fields["starts_at"] - timedelta(minutes=5)
    with pytest.raises(ValidationError) as exc:
        meeting_create(actor=regency_staff, **fields)
    assert set(exc.value.message_dict) == {"ends_at", "invited_agencies"}
    assert Meeting.objects.count() == 0


def test_meeting_create_in_the_past_only_when_held(regency_staff, kpu_regency, regency):
    past = timezone.now() - timedelta(days=3)
    fields = factories.meeting_fields(
        regency, kpu_regency, [kpu_regency], starts_at=past, ends_at=past + timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as exc:
        meeting_create(actor=regency_staff, **fields)
    assert "starts_at" in exc.value.message_dict
    meeting = meeting_create(actor=regency_staff, status=MeetingStatus.HELD, **fields)
    assert meeting.status == MeetingStatus.HELD


def test_meeting_create_needs_place_or_valid_link(regency_staff, kpu_regency, regency):
    fields = factories.meeting_fields(
        regency, kpu_regency, [kpu_regency], location="", online_url=""
    )
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
        meeting_create(
            actor=regency_staff,
            **factories.meeting_fields(other_regency, kpu_regency, [kpu_regency]),
        )
    assert "region" in exc.value.message_dict


def test_meeting_create_by_liaison_is_denied(bawaslu_liaison, bawaslu, regency):
    with pytest.raises(PermissionDenied):
        meeting_create(
            actor=bawaslu_liaison, **factories.meeting_fields(regency, bawaslu, [bawaslu])
        )


def test_meeting_update_schedule_change_raises_sequence_and_notifies(
    regency_staff,
    kpu_regency,
    bawaslu,
    bawaslu_liaison,
    regency,
    django_capture_on_commit_callbacks,
):
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [kpu_regency])
    )
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
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [kpu_regency])
    )
    updated = meeting_update(actor=regency_staff, meeting=meeting, agenda="1. Pembukaan")
    assert updated.sequence == 0
    assert updated.agenda == "1. Pembukaan"


def test_meeting_cancel_raises_sequence_and_notifies(
    regency_staff, kpu_regency, regency, django_capture_on_commit_callbacks
):
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [kpu_regency])
    )
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
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
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
    # One invitation for the whole series (one enqueue after the commit), none per occurrence.
    assert len(callbacks) == 1
    assert list(Delivery.objects.values_list("kind", "person_id")) == [
        (DeliveryKind.SERIES_INVITATION, province_staff.pk)
    ]
    # Reminders stay per occurrence.
    assert set(
        MeetingReminder.objects.filter(meeting__series=series, minutes_before=60).values_list(
            "meeting_id", flat=True
        )
    ) == set(series.meetings.values_list("pk", flat=True))
    # Each occurrence changes alone.
    one = series.meetings.order_by("starts_at")[1]
    meeting_update(actor=province_staff, meeting=one, location="Hotel Santika")
    assert list(series.meetings.order_by("starts_at").values_list("location", flat=True)) == [
        "Kantor KPU Provinsi",
        "Hotel Santika",
        "Kantor KPU Provinsi",
        "Kantor KPU Provinsi",
    ]


def test_meeting_invitee_add_notifies_added_person(
    regency_staff, kpu_regency, regency, nobody, django_capture_on_commit_callbacks
):
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [kpu_regency])
    )
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
    meeting = meeting_create(
        actor=regency_staff, **factories.meeting_fields(regency, kpu_regency, [kpu_regency])
    )
    assert meeting.reminder_offsets == [4320, 30]
    chosen = meeting_create(
        actor=regency_staff,
        reminder_offsets=[60, 1440, 60],
        **factories.meeting_fields(regency, kpu_regency, [kpu_regency]),
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
            **factories.meeting_fields(regency, kpu_regency, [kpu_regency]),
        )
    assert set(exc.value.message_dict) == {"reminder_offsets"}
    assert Meeting.objects.count() == 0


def test_meeting_update_reminder_offsets_replans_reminders_without_new_sequence(
    regency_staff, kpu_regency, regency
):
    meeting = meeting_create(
        actor=regency_staff,
        reminder_offsets=[1440, 60],
        **factories.meeting_fields(regency, kpu_regency, [kpu_regency]),
    )
    same = meeting_update(actor=regency_staff, meeting=meeting, reminder_offsets=[60, 1440])
    assert same.reminder_offsets == [1440, 60]
    updated = meeting_update(actor=regency_staff, meeting=meeting, reminder_offsets=[120, 30])
    assert updated.reminder_offsets == [120, 30]
    assert updated.sequence == 0
    pending = MeetingReminder.objects.filter(meeting=meeting, status="pending")
    assert sorted(pending.values_list("minutes_before", flat=True)) == [30, 120]
