"""Meeting mail (notifications/meetings.py): who gets an invitation, an update, a withdrawal or a
cancellation, in their language, with a calendar entry (sending itself: test_outbox.py)."""

from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core import mail
from django.utils import timezone, translation
from icalendar import Calendar

from coordination.enums import RSVP, AgencyKind, DeliveryKind, MeetingStatus
from coordination.models import Delivery, MeetingInvitee
from coordination.notifications import meetings as meeting_notifications
from coordination.notifications import reminders, sending
from coordination.notifications.meeting_mail import meeting_when
from coordination.selectors.meetings import meeting_recipients
from coordination.selectors.notifications import reminder_recipients
from pilkada.common.localtime import datetime_text
from tests import factories


@pytest.fixture
def bawaslu(bengkulu):
    return factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=bengkulu, name="Bawaslu Prov")


def _calendar_of(message):
    parsed = message_from_bytes(message.message().as_bytes())
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0], Calendar.from_ical(parts[0].get_payload(decode=True))


# --- recipients ---------------------------------------------------------------------------------


def test_reminder_recipients_leave_out_who_declined_or_delegated(meeting, bawaslu):
    guest = factories.PersonFactory(email="tamu@uji.test")
    delegate = factories.PersonFactory(email="wakil@uji.test")
    no = factories.PersonFactory(email="tidak@uji.test")
    factories.invite(meeting, guest, no)
    MeetingInvitee.objects.filter(person=guest).update(response=RSVP.DELEGATED, delegate=delegate)
    MeetingInvitee.objects.create(meeting=meeting, person=delegate, delegated_by=guest)
    MeetingInvitee.objects.filter(person=no).update(response=RSVP.DECLINED)
    liaison = factories.liaison(bawaslu, email="penghubung@uji.test")
    former = factories.liaison(bawaslu, email="mantan@uji.test")
    former.memberships.update(is_active=False)
    meeting.invited_agencies.add(bawaslu)
    factories.invite(meeting, liaison)  # invited twice (in person and by agency): once

    everyone = [p.email for p in meeting_recipients(meeting=meeting)]
    reminded = [p.email for p in reminder_recipients(meeting=meeting)]

    assert sorted(everyone) == sorted(
        ["tamu@uji.test", "wakil@uji.test", "tidak@uji.test", "penghubung@uji.test"]
    )
    assert sorted(reminded) == ["penghubung@uji.test", "wakil@uji.test"]


# --- invitations, updates, cancellations --------------------------------------------------------


def test_meeting_created_sends_one_invitation_per_recipient(
    meeting, bawaslu, django_capture_on_commit_callbacks, settings
):
    settings.DEFAULT_FROM_EMAIL = "KPU Bengkulu <noreply@kpu.test>"
    settings.PILKADA_REPLY_TO = "sekretariat@kpu.test"
    settings.SITE_URL = "https://portal.kpu.test"
    one = factories.liaison(bawaslu, email="satu@uji.test")
    two = factories.PersonFactory(email="dua@uji.test", language="en")
    meeting.invited_agencies.add(bawaslu)
    factories.invite(meeting, two)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_notifications.meeting_created(meeting=meeting)

    assert sorted(m.to[0] for m in mail.outbox) == ["dua@uji.test", "satu@uji.test"]
    rows = Delivery.objects.filter(meeting=meeting).order_by("email")
    assert [(r.email, r.kind, r.key, r.status, r.attempts) for r in rows] == [
        ("dua@uji.test", "invitation", "s0", "sent", 1),
        ("satu@uji.test", "invitation", "s0", "sent", 1),
    ]
    by_to = {m.to[0]: m for m in mail.outbox}
    indonesian, english = by_to["satu@uji.test"], by_to["dua@uji.test"]
    with translation.override("id"):
        start, when = datetime_text(meeting.starts_at, meeting.region), meeting_when(meeting)
    assert indonesian.subject == f"Undangan rapat: Rakor Logistik, {start}"
    assert english.from_email == "KPU Bengkulu <noreply@kpu.test>"
    assert english.reply_to == ["sekretariat@kpu.test"]
    assert f"https://portal.kpu.test/koordinasi/rapat/{meeting.pk}/" in indonesian.body
    assert when in indonesian.body
    assert indonesian.alternatives[0].mimetype == "text/html"
    assert indonesian.extra_headers["Message-ID"] == f"<delivery-{rows[1].pk}@portal.kpu.test>"
    part, calendar = _calendar_of(indonesian)
    assert part.get_param("method") == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == str(meeting.uid)
    assert str(event["attendee"]) == "mailto:satu@uji.test"
    assert rows[0].subject == english.subject
    assert [r.person_id for r in rows] == [two.pk, one.pk]


def test_meeting_created_twice_sends_nothing_more(meeting, django_capture_on_commit_callbacks):
    factories.invite(meeting, factories.PersonFactory())
    with django_capture_on_commit_callbacks(execute=True):
        meeting_notifications.meeting_created(meeting=meeting)
        meeting_notifications.meeting_created(meeting=meeting)
    assert len(mail.outbox) == 1
    assert Delivery.objects.count() == 1


def test_mail_language_follows_person(meeting, django_capture_on_commit_callbacks):
    factories.invite(meeting, factories.PersonFactory(language="en"))
    with django_capture_on_commit_callbacks(execute=True):
        meeting_notifications.meeting_created(meeting=meeting)
    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "en"
    assert '<html lang="en">' in message.alternatives[0].content
    # English day names, times in the region's zone with its abbreviation.
    local = meeting.starts_at.astimezone(timezone.get_default_timezone())
    assert local.strftime("%A") in message.subject
    assert "WIB" in message.subject


def test_meeting_changed_invites_added_withdraws_removed_updates_others(
    meeting, django_capture_on_commit_callbacks
):
    stays = factories.PersonFactory(email="tetap@uji.test")
    leaves = factories.PersonFactory(email="keluar@uji.test")
    factories.invite(meeting, stays, leaves)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_notifications.meeting_created(meeting=meeting)
    mail.outbox.clear()
    joins = factories.PersonFactory(email="baru@uji.test")
    MeetingInvitee.objects.filter(person=leaves).delete()
    factories.invite(meeting, joins)
    meeting.starts_at += timedelta(hours=1)
    meeting.ends_at += timedelta(hours=1)
    meeting.sequence = 1
    meeting.save()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_notifications.meeting_changed(
            meeting=meeting,
            added_person_ids=[joins.pk],
            removed_person_ids=[leaves.pk],
            schedule_changed=True,
        )

    sent = sorted((m.to[0], m.subject.split(":")[0]) for m in mail.outbox)
    assert sent == [
        ("baru@uji.test", "Undangan rapat"),
        ("keluar@uji.test", "Undangan ditarik"),
        ("tetap@uji.test", "Perubahan rapat"),
    ]
    by_to = {m.to[0]: m for m in mail.outbox}
    part, calendar = _calendar_of(by_to["keluar@uji.test"])
    assert part.get_param("method") == "CANCEL"
    _part, calendar = _calendar_of(by_to["tetap@uji.test"])
    assert calendar.walk("VEVENT")[0].decoded("sequence") == 1


def test_meeting_readded_after_removal_gets_a_new_invitation(
    meeting, django_capture_on_commit_callbacks
):
    person = factories.PersonFactory()
    factories.invite(meeting, person)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_notifications.meeting_created(meeting=meeting)
        MeetingInvitee.objects.filter(person=person).delete()
        meeting_notifications.meeting_changed(
            meeting=meeting,
            added_person_ids=[],
            removed_person_ids=[person.pk],
            schedule_changed=False,
        )
        factories.invite(meeting, person)
        meeting_notifications.meeting_changed(
            meeting=meeting,
            added_person_ids=[person.pk],
            removed_person_ids=[],
            schedule_changed=False,
        )
        # The same hook again: nothing new.
        meeting_notifications.meeting_changed(
            meeting=meeting,
            added_person_ids=[person.pk],
            removed_person_ids=[],
            schedule_changed=False,
        )
    assert list(
        Delivery.objects.filter(meeting=meeting).order_by("pk").values_list("kind", "key")
    ) == [("invitation", "s0"), ("withdrawal", "s0"), ("invitation", "s0-2")]
    assert len(mail.outbox) == 3


def test_meeting_cancelled_sends_cancel_and_skips_queued_reminders(
    meeting, django_capture_on_commit_callbacks
):
    person = factories.PersonFactory()
    factories.invite(meeting, person)
    reminder = Delivery.objects.create(
        meeting=meeting,
        person=person,
        kind=DeliveryKind.REMINDER,
        key=f"60m@{reminders.start_stamp(meeting.starts_at)}",
        email=person.email,
        next_attempt_at=timezone.now(),
    )
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence = 1
    meeting.cancel_reason = "Bentrok dengan jadwal pleno"
    meeting.save()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_notifications.meeting_cancelled(meeting=meeting)
    sending.delivery_send(delivery_id=reminder.pk)

    (message,) = mail.outbox
    with translation.override("id"):
        start = datetime_text(meeting.starts_at, meeting.region)
    assert message.subject == f"Rapat dibatalkan: {meeting.title}, {start}"
    assert "Bentrok dengan jadwal pleno" in message.body
    part, calendar = _calendar_of(message)
    assert part.get_param("method") == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["status"]) == "CANCELLED"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.last_error) == ("skipped", "meeting cancelled")
    assert meeting.reminder_slots.filter(status="pending").count() == 0
