from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from coordination.enums import RSVP, MeetingStatus
from coordination.models import Delivery, MeetingInvitee, MeetingReminder, Region
from coordination.notifications import reminders
from pilkada.common.localtime import datetime_text
from tests import factories

# Three days ahead on the real clock: sending checks that the meeting has not started yet.
START = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
CREATED = START - timedelta(days=3)
KEY_24H = reminders.reminder_key(1440, START)
KEY_1H = reminders.reminder_key(60, START)


@pytest.fixture
def meeting(bengkulu):
    meeting = factories.MeetingFactory(
        region=bengkulu,
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        reminder_offsets=[1440, 60],
    )
    factories.invite(meeting, factories.PersonFactory(email="a@uji.test"))
    factories.invite(meeting, factories.PersonFactory(email="b@uji.test"))
    reminders.meeting_reminders_sync(meeting=meeting, now=CREATED)
    return meeting


def _slots(meeting):
    return list(
        MeetingReminder.objects.filter(meeting=meeting)
        .order_by("-minutes_before", "due_at")
        .values_list("minutes_before", "due_at", "status")
    )


def _dispatch(at, capture):
    with capture(execute=True):
        return reminders.reminders_dispatch_due(now=at)


def test_sync_creates_one_slot_per_offset_due_before_start(meeting):
    assert _slots(meeting) == [
        (1440, START - timedelta(days=1), "pending"),
        (60, START - timedelta(hours=1), "pending"),
    ]


def test_sync_skips_offsets_already_past(bengkulu):
    meeting = factories.MeetingFactory(
        region=bengkulu,
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        reminder_offsets=[1440, 60, "x", -5],
    )
    reminders.meeting_reminders_sync(meeting=meeting, now=START - timedelta(minutes=90))
    assert _slots(meeting) == [(60, START - timedelta(hours=1), "pending")]


def test_sync_after_reschedule_recomputes_unsent_slots_only(meeting):
    MeetingReminder.objects.filter(meeting=meeting, minutes_before=1440).update(status="dispatched")
    meeting.starts_at = START + timedelta(days=7)
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    meeting.save()
    reminders.meeting_reminders_sync(meeting=meeting, now=START - timedelta(hours=12))
    new_start = START + timedelta(days=7)
    assert _slots(meeting) == [
        (1440, START - timedelta(days=1), "dispatched"),
        (1440, new_start - timedelta(days=1), "pending"),
        (60, new_start - timedelta(hours=1), "pending"),
    ]


def test_sync_of_cancelled_meeting_skips_pending(meeting):
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    reminders.meeting_reminders_sync(meeting=meeting, now=CREATED)
    assert [s for _m, _d, s in _slots(meeting)] == ["skipped", "skipped"]


def test_dispatch_sends_each_reminder_when_due(meeting, django_capture_on_commit_callbacks):
    assert _dispatch(START - timedelta(days=1, minutes=1), django_capture_on_commit_callbacks) == 0
    assert _dispatch(START - timedelta(days=1), django_capture_on_commit_callbacks) == 2
    assert _dispatch(START - timedelta(hours=2), django_capture_on_commit_callbacks) == 0
    assert _dispatch(START - timedelta(minutes=59), django_capture_on_commit_callbacks) == 2
    keys = sorted(Delivery.objects.values_list("email", "key", "status"))
    assert keys == sorted(
        [
            ("a@uji.test", KEY_24H, "sent"),
            ("a@uji.test", KEY_1H, "sent"),
            ("b@uji.test", KEY_24H, "sent"),
            ("b@uji.test", KEY_1H, "sent"),
        ]
    )
    assert len(mail.outbox) == 4


def test_dispatch_sends_before_start_and_mail_names_the_lead_time(
    bengkulu, django_capture_on_commit_callbacks
):
    start = (timezone.now() + timedelta(minutes=90)).replace(second=0, microsecond=0)
    meeting = factories.MeetingFactory(
        region=bengkulu,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        reminder_offsets=[60],
    )
    factories.invite(meeting, factories.PersonFactory(email="c@uji.test"))
    reminders.meeting_reminders_sync(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_dispatch_due(now=start - timedelta(minutes=60))
        reminders.reminders_dispatch_due(now=start - timedelta(minutes=59))
    (message,) = mail.outbox
    with translation.override("id"):
        start = datetime_text(meeting.starts_at, meeting.region)
    assert message.subject == f"Pengingat rapat: {meeting.title}, {start}"
    assert "dimulai 1 jam lagi" in message.body
    assert Delivery.objects.get().status == "sent"


def test_dispatch_after_outage_sends_only_nearest_reminder(
    meeting, django_capture_on_commit_callbacks
):
    # Nothing ran for a day: both slots are due, the meeting has not started.
    assert _dispatch(START - timedelta(minutes=30), django_capture_on_commit_callbacks) == 2
    assert sorted(Delivery.objects.values_list("key", flat=True)) == [KEY_1H, KEY_1H]
    assert [s for _m, _d, s in _slots(meeting)] == ["skipped", "dispatched"]


def test_dispatch_skips_started_and_cancelled_meetings(
    meeting, bengkulu, django_capture_on_commit_callbacks
):
    cancelled = factories.MeetingFactory(
        region=bengkulu,
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        reminder_offsets=[60],
    )
    factories.invite(cancelled, factories.PersonFactory())
    reminders.meeting_reminders_sync(meeting=cancelled, now=CREATED)
    cancelled.status = MeetingStatus.CANCELLED
    cancelled.save()  # without the hook: the dispatcher itself must notice

    assert _dispatch(START + timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
    assert Delivery.objects.count() == 0
    assert set(MeetingReminder.objects.values_list("status", flat=True)) == {"skipped"}
    assert MeetingReminder.objects.filter(status="pending").count() == 0


def test_dispatch_twice_queues_nothing_more(meeting, django_capture_on_commit_callbacks):
    at = START - timedelta(days=1)
    assert _dispatch(at, django_capture_on_commit_callbacks) == 2
    MeetingReminder.objects.filter(meeting=meeting).update(status="pending")  # a second beat
    assert _dispatch(at, django_capture_on_commit_callbacks) == 0
    assert Delivery.objects.count() == 2


def test_dispatch_of_slot_changed_behind_its_back_resyncs(
    meeting, django_capture_on_commit_callbacks
):
    # Moved a week later without the hook: the old slot must not fire, new ones appear.
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=START + timedelta(days=7), ends_at=START + timedelta(days=7, hours=2)
    )
    assert _dispatch(START - timedelta(days=1), django_capture_on_commit_callbacks) == 0
    assert MeetingReminder.objects.filter(status="pending").count() == 2


def test_reminders_skip_declined(meeting, django_capture_on_commit_callbacks):
    MeetingInvitee.objects.filter(person__email="a@uji.test").update(response=RSVP.DECLINED)
    _dispatch(START - timedelta(days=1), django_capture_on_commit_callbacks)
    assert list(Delivery.objects.values_list("email", flat=True)) == ["b@uji.test"]


# --- defaults -----------------------------------------------------------------------------------


def test_default_reminder_minutes_nearest_region_then_setting(bengkulu, settings):
    settings.PILKADA_DEFAULT_REMINDER_MINUTES = [1440, 60]
    staff = factories.kpu_staff(bengkulu)
    assert reminders.default_reminder_minutes(region="17.01.01") == [1440, 60]
    reminders.reminder_default_set(actor=staff, region=bengkulu, minutes_before=["30", 2880])
    assert reminders.default_reminder_minutes(region="17.01.01") == [2880, 30]
    reminders.reminder_default_set(
        actor=staff, region=Region.objects.get(code="17.01"), minutes_before=[120]
    )
    assert reminders.default_reminder_minutes(region="17.01.01") == [120]
    assert reminders.default_reminder_minutes(region=Region.objects.get(code="17.02")) == [
        2880,
        30,
    ]


def test_reminder_default_set_refuses_other_regions_and_bad_values(bengkulu):
    regency_staff = factories.kpu_staff(Region.objects.get(code="17.01"))
    with pytest.raises(PermissionDenied):
        reminders.reminder_default_set(actor=regency_staff, region=bengkulu, minutes_before=[60])
    region = Region.objects.get(code="17.01")
    for bad in ([], [0], ["satu jam"], [60 * 24 * 29], [1, 2, 3, 4, 5, 6]):
        with pytest.raises(ValidationError):
            reminders.reminder_default_set(actor=regency_staff, region=region, minutes_before=bad)
