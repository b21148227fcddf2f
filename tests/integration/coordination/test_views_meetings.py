"""The meeting pages (views/meetings.py): create (times in the region's zone, reminders, series),
edit, detail and who may see it, answering an invitation, minutes with action items."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.enums import RSVP, MeetingStatus
from coordination.models import (
    Meeting,
    MeetingInvitee,
    ReadinessTask,
    ReminderDefault,
)
from tests import factories


def test_meeting_create_view_shows_times_in_region_zone(
    client, regency_staff, regency, kpu_regency, bawaslu
):
    client.force_login(regency_staff)
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        reverse("coordination:meeting_create"),
        {
            "kind": "rakor",
            "title": "Rakor logistik",
            "region": regency.code,
            "organiser": kpu_regency.pk,
            "starts_at": f"{day}T09:00",
            "ends_at": f"{day}T11:00",
            "location": "Aula",
            "invited_agencies": [bawaslu.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.starts_at.astimezone(timezone.get_fixed_timezone(0)).hour == 2  # 09.00 WIB
    page = client.get(reverse("coordination:meeting_detail", args=[meeting.pk]))
    assert "09.00 WIB" in page.content.decode()


def test_meeting_create_view_keeps_input_on_error(client, regency_staff, regency, kpu_regency):
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:meeting_create"),
        {
            "kind": "rakor",
            "title": "Judul yang diketik",
            "region": regency.code,
            "organiser": kpu_regency.pk,
            "starts_at": "2030-01-01T11:00",
            "ends_at": "2030-01-01T10:00",
            "location": "Aula",
            "invited_agencies": [kpu_regency.pk],
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Judul yang diketik" in content
    assert "Waktu selesai harus sesudah waktu mulai." in content
    assert Meeting.objects.count() == 0


def _meeting_post(regency, kpu_regency, **extra):
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    data = {
        "kind": "rakor",
        "title": "Rakor logistik",
        "region": regency.code,
        "organiser": kpu_regency.pk,
        "starts_at": f"{day}T09:00",
        "ends_at": f"{day}T11:00",
        "location": "Aula",
        "invited_agencies": [kpu_regency.pk],
    }
    data.update(extra)
    return data


def test_meeting_create_view_prefills_reminders_from_own_region_default(
    client, regency_staff, regency
):
    ReminderDefault.objects.create(region=regency, minutes_before=[4320, 30])
    client.force_login(regency_staff)
    response = client.get(reverse("coordination:meeting_create"))
    assert response.context["form"]["reminder_offsets"].value() == "4320, 30"
    assert 'value="4320, 30"' in response.content.decode()
    assert "Pengingat (menit sebelum mulai)" in response.content.decode()


def test_meeting_create_view_saves_reminders_typed_per_meeting(
    client, regency_staff, regency, kpu_regency
):
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:meeting_create"),
        _meeting_post(regency, kpu_regency, reminder_offsets="60, 2880"),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.reminder_offsets == [2880, 60]
    page = client.get(reverse("coordination:meeting_detail", args=[meeting.pk])).content.decode()
    assert "2 hari sebelum, 1 jam sebelum" in page


def test_meeting_create_view_untouched_reminders_take_meeting_region_default(
    client, province_staff, bengkulu, regency, kpu_province
):
    ReminderDefault.objects.create(region=regency, minutes_before=[180])
    client.force_login(province_staff)
    offered = client.get(reverse("coordination:meeting_create")).context["form"]
    assert offered["reminder_offsets"].value() == "1440, 60"
    response = client.post(
        reverse("coordination:meeting_create"),
        _meeting_post(regency, kpu_province, reminder_offsets="1440, 60"),
    )
    assert response.status_code == 302
    assert Meeting.objects.get().reminder_offsets == [180]


def test_meeting_create_view_bad_reminders_keep_input_with_message(
    client, regency_staff, regency, kpu_regency
):
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:meeting_create"),
        _meeting_post(regency, kpu_regency, title="Judul diketik", reminder_offsets="1440, 0"),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Pengingat harus antara 1 menit dan 28 hari sebelum rapat." in content
    assert 'value="1440, 0"' in content
    assert "Judul diketik" in content
    assert Meeting.objects.count() == 0


def test_meeting_edit_view_changes_reminders_and_refuses_none(client, regency_staff, meeting):
    client.force_login(regency_staff)
    url = reverse("coordination:meeting_edit", args=[meeting.pk])
    form = client.get(url).context["form"]
    assert form["reminder_offsets"].value() == "1440, 60"
    data = {
        key: form[key].value()
        for key in ("kind", "title", "location", "online_url", "agenda")
        if form[key].value() is not None
    }
    data.update(
        region=meeting.region_id,
        organiser=meeting.organiser_id,
        starts_at=form["starts_at"].value().strftime("%Y-%m-%dT%H:%M"),
        ends_at=form["ends_at"].value().strftime("%Y-%m-%dT%H:%M"),
        invited_agencies=[a.pk for a in meeting.invited_agencies.all()],
    )
    response = client.post(url, {**data, "reminder_offsets": ""})
    assert response.status_code == 200
    assert "Isi sedikitnya satu pengingat." in response.content.decode()
    response = client.post(url, {**data, "reminder_offsets": "120"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.reminder_offsets == [120]


def test_meeting_series_view_creates_occurrences(client, regency_staff, regency, kpu_regency):
    client.force_login(regency_staff)
    start = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("coordination:meeting_create"),
        {
            "kind": "rakor",
            "title": "Rakor mingguan",
            "region": regency.code,
            "organiser": kpu_regency.pk,
            "starts_at": f"{start.isoformat()}T09:00",
            "ends_at": f"{start.isoformat()}T10:00",
            "location": "Aula",
            "invited_agencies": [kpu_regency.pk],
            "frequency": "weekly",
            "until": (start + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(series__isnull=False).count() == 3


def test_meeting_recorded_as_held_says_so_and_lists_no_reminders(
    client, regency_staff, regency, kpu_regency
):
    client.force_login(regency_staff)
    day = timezone.localdate() - timedelta(days=2)
    response = client.post(
        reverse("coordination:meeting_create"),
        {
            "kind": "rakor",
            "title": "Rakor yang sudah berlangsung",
            "region": regency.code,
            "organiser": kpu_regency.pk,
            "starts_at": f"{day.isoformat()}T09:00",
            "ends_at": f"{day.isoformat()}T10:00",
            "location": "Aula",
            "invited_agencies": [kpu_regency.pk],
            "record_as_held": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert Meeting.objects.get().status == MeetingStatus.HELD
    assert "Rapat tercatat sebagai sudah terlaksana." in page
    assert "Rapat dijadwalkan." not in page
    assert "Pengingat email" not in page


@pytest.mark.parametrize(
    ("hours_from_now", "shows_reminders"), [(-1, False), (-4, False), (24, True)]
)
def test_meeting_page_lists_reminders_only_before_the_start(
    client, regency_staff, regency, kpu_regency, hours_from_now, shows_reminders
):
    meeting = factories.MeetingFactory(
        region=regency,
        organiser=kpu_regency,
        starts_at=timezone.now() + timedelta(hours=hours_from_now),
    )
    client.force_login(regency_staff)
    page = client.get(reverse("coordination:meeting_detail", args=[meeting.pk])).content.decode()
    assert ("Pengingat email" in page) is shows_reminders
    if shows_reminders:
        assert "24 jam sebelum, 1 jam sebelum" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("regency_staff", 200), ("bawaslu_liaison", 200), ("polres_liaison", 404), ("nobody", 403)],
)
def test_meeting_detail_access(client, request, meeting, who, status):
    client.force_login(request.getfixturevalue(who))
    assert (
        client.get(reverse("coordination:meeting_detail", args=[meeting.pk])).status_code == status
    )


def test_meeting_detail_anonymous_redirects_to_login(client, meeting):
    url = reverse("coordination:meeting_detail", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_liaison_cannot_edit_meeting(client, meeting, bawaslu_liaison):
    client.force_login(bawaslu_liaison)
    assert client.get(reverse("coordination:meeting_edit", args=[meeting.pk])).status_code == 403


def test_liaison_answers_invitation(client, meeting, bawaslu_liaison):
    client.force_login(bawaslu_liaison)
    page = client.get(reverse("coordination:meeting_detail", args=[meeting.pk]))
    assert "Jawab undangan" in page.content.decode()
    response = client.post(
        reverse("coordination:meeting_respond", args=[meeting.pk]), {"response": RSVP.DECLINED}
    )
    assert response.status_code == 302
    assert (
        MeetingInvitee.objects.get(meeting=meeting, person=bawaslu_liaison).response
        == RSVP.DECLINED
    )


def test_other_agency_cannot_answer(client, meeting, polres_liaison):
    client.force_login(polres_liaison)
    response = client.post(
        reverse("coordination:meeting_respond", args=[meeting.pk]), {"response": RSVP.ACCEPTED}
    )
    assert response.status_code == 404


def test_minutes_with_action_items_create_tasks(
    client, regency_staff, regency, kpu_regency, bawaslu, election
):
    past = timezone.now() - timedelta(hours=3)
    held = factories.meeting(
        region=regency,
        organiser=kpu_regency,
        invited=[kpu_regency, bawaslu],
        starts_at=past,
        ends_at=past + timedelta(hours=1),
        status=MeetingStatus.HELD,
    )
    client.force_login(regency_staff)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(
        reverse("coordination:meeting_minutes", args=[held.pk]),
        {
            "minutes": "Disepakati patroli gabungan.",
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "0",
            "actions-0-title": "Patroli gabungan",
            "actions-0-category": "keamanan",
            "actions-0-agency": bawaslu.pk,
            "actions-0-due_on": due,
        },
    )
    assert response.status_code == 302
    task = ReadinessTask.objects.get()
    assert (task.title, task.meeting_id, task.agency_id, task.region_id) == (
        "Patroli gabungan",
        held.pk,
        bawaslu.pk,
        regency.code,
    )
