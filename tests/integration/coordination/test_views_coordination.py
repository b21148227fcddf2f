from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coordination.enums import RSVP, AgencyKind, MeetingStatus, TaskStatus
from coordination.models import (
    Meeting,
    MeetingInvitee,
    ReadinessTask,
    ReminderDefault,
    TaskUpdate,
)
from coordination.services.meeting_records import meeting_document_add
from tests import factories


def _many_meetings(regency, kpu_regency, bawaslu, n):
    for i in range(n):
        factories.meeting(
            region=regency,
            organiser=kpu_regency,
            invited=[kpu_regency, bawaslu],
            title=f"Rakor {i}",
            starts_at=timezone.now() + timedelta(days=i + 1),
        )


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


def test_reminder_defaults_link_only_for_kpu_staff(client, regency_staff, bawaslu_liaison):
    url = reverse("coordination:reminder_defaults")
    client.force_login(regency_staff)
    assert f'href="{url}"' in client.get(reverse("coordination:staff_home")).content.decode()
    assert f'href="{url}"' in client.get(reverse("coordination:meeting_list")).content.decode()
    client.force_login(bawaslu_liaison)
    assert f'href="{url}"' not in client.get(reverse("coordination:staff_home")).content.decode()
    assert f'href="{url}"' not in client.get(reverse("coordination:meeting_list")).content.decode()


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
    response = client.get(reverse("coordination:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 302


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


def test_meeting_document_served_only_to_those_who_see_the_meeting(
    client,
    meeting,
    regency_staff,
    bawaslu_liaison,
    polres_liaison,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        document = meeting_document_add(
            actor=regency_staff,
            meeting=meeting,
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
        )
    url = reverse("coordination:meeting_document", args=[meeting.pk, document.pk])
    client.force_login(bawaslu_liaison)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(polres_liaison)
    assert client.get(url).status_code == 404


def test_document_upload_wrong_type_shows_message(client, regency_staff, meeting):
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:meeting_document_add", args=[meeting.pk]),
        {"file": SimpleUploadedFile("virus.exe", b"MZ")},
    )
    assert response.status_code == 400
    assert "Jenis berkas tidak diizinkan" in response.content.decode()


def test_minutes_with_action_items_create_tasks(
    client, regency_staff, regency, kpu_regency, bawaslu
):
    factories.ElectionFactory()
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


def test_liaison_updates_own_task_from_the_task_page(client, bawaslu_liaison, task):
    client.force_login(bawaslu_liaison)
    response = client.post(
        reverse("coordination:task_detail", args=[task.pk]),
        {"status": TaskStatus.AT_RISK, "progress": 20, "note": "Truk kurang"},
    )
    assert response.status_code == 302
    assert TaskUpdate.objects.get().note == "Truk kurang"


def test_liaison_of_other_agency_gets_404_on_task(client, polres_liaison, task):
    client.force_login(polres_liaison)
    url = reverse("coordination:task_detail", args=[task.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": TaskStatus.DONE, "progress": 100}).status_code == 404
    assert TaskUpdate.objects.count() == 0


def test_task_list_liaison_sees_only_own_agency(client, bawaslu_liaison, task, regency):
    other = factories.ReadinessTaskFactory(region=regency, title="Tugas lembaga lain")
    client.force_login(bawaslu_liaison)
    content = client.get(reverse("coordination:task_list")).content.decode()
    assert "Gudang siap" in content
    assert other.title not in content


def test_task_list_csv_export_honours_filters(client, regency_staff, regency, bawaslu):
    factories.ReadinessTaskFactory(
        region=regency, agency=bawaslu, title="Logistik A", category="logistik"
    )
    factories.ReadinessTaskFactory(
        region=regency, agency=bawaslu, title="Keamanan B", category="keamanan"
    )
    client.force_login(regency_staff)
    response = client.get(
        reverse("coordination:task_list"), {"category": "keamanan", "format": "csv"}
    )
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Keamanan B" in body
    assert "Logistik A" not in body


def test_feed_is_for_kpu_staff(client, regency_staff, bawaslu_liaison, task):
    from coordination.services.readiness import task_status_update

    task_status_update(
        actor=bawaslu_liaison, task=task, status=TaskStatus.IN_PROGRESS, note="Mulai"
    )
    client.force_login(regency_staff)
    assert "Mulai" in client.get(reverse("coordination:update_feed")).content.decode()
    client.force_login(bawaslu_liaison)
    assert client.get(reverse("coordination:update_feed")).status_code == 403


def test_dashboard_regency_staff_sees_their_regency_only(
    client, regency_staff, regency, other_regency, bawaslu, polres_other
):
    election = factories.ElectionFactory()
    factories.ReadinessTaskFactory(
        region=regency, agency=bawaslu, election=election, status=TaskStatus.DONE
    )
    client.force_login(regency_staff)
    response = client.get(reverse("coordination:dashboard"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Kabupaten 17.01" in content
    assert "1/1" in content
    assert client.get(reverse("coordination:dashboard"), {"root": "17.02"}).status_code == 404
    assert client.get(reverse("coordination:dashboard"), {"root": "17"}).status_code == 404


def test_dashboard_csv_export(client, province_staff, regency, bawaslu):
    election = factories.ElectionFactory()
    factories.ReadinessTaskFactory(
        region=regency,
        agency=bawaslu,
        election=election,
        category="logistik",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    client.force_login(province_staff)
    body = client.get(reverse("coordination:dashboard"), {"format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert "17.01,Kabupaten 17.01,logistik,0,1,0,0,1" in body


def test_dashboard_denied_to_liaison(client, bawaslu_liaison):
    client.force_login(bawaslu_liaison)
    assert client.get(reverse("coordination:dashboard")).status_code == 403


def _tasks(n, regency, bawaslu, election):
    statuses = [TaskStatus.DONE, TaskStatus.AT_RISK, TaskStatus.BLOCKED, TaskStatus.IN_PROGRESS]
    for i in range(n):
        factories.ReadinessTaskFactory(
            region=regency,
            agency=bawaslu,
            election=election,
            status=statuses[i % 4],
            due_on=timezone.localdate() + timedelta(days=(i % 5) - 2),
        )


def _count_queries(client, url, django_assert_max_num_queries, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name",
    [
        "coordination:dashboard",
        "coordination:task_list",
        "coordination:meeting_list",
        "coordination:update_feed",
    ],
)
def test_query_count_does_not_grow(
    client,
    province_staff,
    regency,
    other_regency,
    kpu_regency,
    bawaslu,
    bawaslu_liaison,
    url_name,
    django_assert_max_num_queries,
):
    from coordination.services.readiness import task_status_update

    election = factories.ElectionFactory()
    client.force_login(province_staff)
    url = reverse(url_name)
    _tasks(4, regency, bawaslu, election)
    _many_meetings(regency, kpu_regency, bawaslu, 2)
    for task in ReadinessTask.objects.filter(agency=bawaslu)[:2]:
        task_status_update(actor=bawaslu_liaison, task=task, status=TaskStatus.IN_PROGRESS)
    small = _count_queries(client, url, django_assert_max_num_queries)
    _tasks(40, regency, bawaslu, election)
    _tasks(
        20,
        other_regency,
        factories.AgencyFactory(kind=AgencyKind.POLRI, region=other_regency),
        election,
    )
    _many_meetings(regency, kpu_regency, bawaslu, 12)
    for task in ReadinessTask.objects.filter(agency=bawaslu)[:20]:
        task_status_update(actor=bawaslu_liaison, task=task, status=TaskStatus.DONE)
    large = _count_queries(client, url, django_assert_max_num_queries)
    assert large == small
