"""Who hears about a meeting (selectors/meetings.py): invited people, the liaisons and KPU staff
of invited agencies, delegates; never inactive accounts, agencies or memberships."""

from coordination.enums import RSVP
from coordination.models import MeetingInvitee
from coordination.selectors.meetings import meeting_recipient_ids, meeting_recipients
from coordination.services.meeting_records import meeting_respond
from coordination.services.meetings import meeting_create
from tests import factories


def test_meeting_recipients_people_liaisons_and_staff_distinct(
    regency_staff, kpu_regency, bawaslu, bawaslu_liaison, regency, nobody
):
    inactive = factories.liaison(bawaslu, email="old@uji.test")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    meeting = meeting_create(
        actor=regency_staff,
        invited_people=[bawaslu_liaison, nobody],
        **factories.meeting_fields(regency, kpu_regency, [kpu_regency, bawaslu]),
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
        **factories.meeting_fields(regency, kpu_regency, [kpu_regency, bawaslu, polres]),
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
        actor=regency_staff,
        **factories.meeting_fields(regency, kpu_regency, [kpu_regency, bawaslu]),
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
