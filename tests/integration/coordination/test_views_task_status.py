"""The task page's status update sent by its script (a fragment answer) and without it."""

from django.urls import reverse

from coordination.enums import TaskStatus
from coordination.models import TaskUpdate


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
    assert TaskUpdate.objects.count() == 0
