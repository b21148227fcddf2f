"""The task pages (views/tasks.py): the task page and its status update, sent by its script (a
fragment answer) and without it; the task list and its CSV export; the update feed."""

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from coordination.enums import TaskStatus
from coordination.models import TaskUpdate
from coordination.services.readiness import task_status_update
from tests import factories


def _url(task):
    return reverse("coordination:task_status_fragment", args=[task.pk])


def test_task_page_offers_the_script_and_fragment_url(client, bawaslu_liaison, task):
    client.force_login(bawaslu_liaison)
    content = client.get(reverse("coordination:task_detail", args=[task.pk])).content.decode()
    assert f'data-fragment-url="{_url(task)}"' in content
    assert 'src="/static/js/task-status.js"' in content
    assert 'id="task-announce"' in content and 'aria-live="polite"' in content
    assert "<script>" not in content


def test_task_status_fragment_saves_and_answers_with_the_changed_parts(
    client, bawaslu_liaison, task
):
    client.force_login(bawaslu_liaison)
    response = client.post(
        _url(task), {"status": TaskStatus.AT_RISK, "progress": 40, "note": "Truk kurang"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-outcome="saved"' in content
    assert 'data-announce="Pembaruan status tersimpan: Berisiko, 40%."' in content
    assert 'id="task-status"' in content and 'value="40"' in content
    assert 'id="task-history"' in content and "Truk kurang" in content
    assert "<html" not in content
    update = TaskUpdate.objects.get()
    assert (update.to_status, update.to_progress, update.note) == (
        TaskStatus.AT_RISK,
        40,
        "Truk kurang",
    )
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.AT_RISK, 40)


def test_task_status_fragment_invalid_keeps_input_and_says_why(client, bawaslu_liaison, task):
    client.force_login(bawaslu_liaison)
    response = client.post(_url(task), {"status": "hilang", "progress": 140, "note": "Catatan"})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-outcome="invalid"' in content
    assert "Pembaruan belum tersimpan. Periksa isian yang ditandai." in content
    assert 'class="error"' in content
    assert "Catatan" in content
    assert TaskUpdate.objects.count() == 0


def test_task_status_fragment_other_agency_gets_404(client, polres_liaison, task):
    client.force_login(polres_liaison)
    response = client.post(_url(task), {"status": TaskStatus.DONE, "progress": 100})
    assert response.status_code == 404
    assert TaskUpdate.objects.count() == 0


def test_task_status_fragment_only_accepts_post(client, bawaslu_liaison, task):
    client.force_login(bawaslu_liaison)
    assert client.get(_url(task)).status_code == 405


def test_task_status_fragment_anonymous_redirects_to_login(client, task):
    response = client.post(_url(task), {"status": TaskStatus.DONE, "progress": 100})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={_url(task)}"
    assert TaskUpdate.objects.count() == 0


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


def test_task_list_attention_filter_keeps_overdue_at_risk_and_blocked(
    client, bawaslu_liaison, regency, bawaslu, polres_other
):
    today = timezone.localdate()
    wanted = {
        factories.ReadinessTaskFactory(
            region=regency, agency=bawaslu, title=title, status=status, due_on=due
        ).pk
        for title, status, due in [
            ("Terlambat", TaskStatus.IN_PROGRESS, today - timedelta(days=1)),
            ("Berisiko", TaskStatus.AT_RISK, today + timedelta(days=3)),
            ("Terhambat", TaskStatus.BLOCKED, today + timedelta(days=9)),
        ]
    }
    for title, status, due in [
        ("Lancar", TaskStatus.IN_PROGRESS, today + timedelta(days=3)),
        ("Beres terlambat", TaskStatus.DONE, today - timedelta(days=3)),
    ]:
        factories.ReadinessTaskFactory(
            region=regency, agency=bawaslu, title=title, status=status, due_on=due
        )
    factories.ReadinessTaskFactory(
        region=regency, agency=polres_other, status=TaskStatus.AT_RISK, title="Lembaga lain"
    )
    client.force_login(bawaslu_liaison)
    response = client.get(
        reverse("coordination:task_list"), {"agency": bawaslu.pk, "attention": "1"}
    )
    assert {task.pk for task in response.context["page"]} == wanted
    assert 'name="attention" value="1" checked' in response.content.decode()


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
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="tugas-kesiapan-{today}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows] == ["judul", "Keamanan B"]


def test_feed_is_for_kpu_staff(client, regency_staff, bawaslu_liaison, task):
    task_status_update(
        actor=bawaslu_liaison, task=task, status=TaskStatus.IN_PROGRESS, note="Mulai"
    )
    client.force_login(regency_staff)
    assert "Mulai" in client.get(reverse("coordination:update_feed")).content.decode()
    client.force_login(bawaslu_liaison)
    assert client.get(reverse("coordination:update_feed")).status_code == 403
