import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from coordination.enums import AgencyKind, TaskCategory, TaskStatus
from coordination.models import ReadinessTask, TaskUpdate
from coordination.services.elections import checklist_create, election_seed_pilkada_2024
from coordination.services.readiness import checklist_stamp, task_status_update
from coordination.services.task_csv import tasks_import_csv
from tests import factories


def test_pilkada_2024_timeline_seeded_once(db):
    election = election_seed_pilkada_2024()
    election_seed_pilkada_2024()
    assert str(election.voting_day) == "2024-11-27"
    assert election.stages.count() == 8
    campaign = election.stages.get(name="Kampanye")
    assert (str(campaign.starts_on), str(campaign.ends_on)) == ("2024-09-25", "2024-11-23")


def test_status_update_appends_history(bawaslu_liaison, regency, bawaslu):
    task = factories.ReadinessTaskFactory(region=regency, agency=bawaslu)
    evidence = SimpleUploadedFile("foto.jpg", factories.jpeg_bytes())
    entry = task_status_update(
        actor=bawaslu_liaison,
        task=task,
        status=TaskStatus.IN_PROGRESS,
        progress=40,
        note="Gudang disiapkan",
        evidence_file=evidence,
        evidence_url="https://drive.example/foto",
    )
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 40)
    assert (entry.from_status, entry.to_status, entry.from_progress, entry.to_progress) == (
        TaskStatus.NOT_STARTED,
        TaskStatus.IN_PROGRESS,
        0,
        40,
    )
    assert entry.evidence_name == "foto.jpg"
    with pytest.raises(ValueError):
        entry.save()


def test_status_update_blocked_needs_a_note(bawaslu_liaison, regency, bawaslu):
    task = factories.ReadinessTaskFactory(region=regency, agency=bawaslu)
    with pytest.raises(ValidationError) as exc:
        task_status_update(actor=bawaslu_liaison, task=task, status=TaskStatus.BLOCKED)
    assert "note" in exc.value.message_dict
    assert TaskUpdate.objects.count() == 0


def test_status_update_done_sets_full_progress(bawaslu_liaison, regency, bawaslu):
    task = factories.ReadinessTaskFactory(region=regency, agency=bawaslu)
    task_status_update(actor=bawaslu_liaison, task=task, status=TaskStatus.DONE, progress=70)
    task.refresh_from_db()
    assert task.progress == 100


def test_status_update_of_another_agency_is_denied(polres_liaison, regency, bawaslu):
    task = factories.ReadinessTaskFactory(region=regency, agency=bawaslu)
    with pytest.raises(PermissionDenied):
        task_status_update(actor=polres_liaison, task=task, status=TaskStatus.DONE)


@pytest.mark.django_db(transaction=True)
def test_concurrent_status_updates_both_land(require_postgres, regency, bawaslu):
    """Two liaisons press "send" at the same moment in two real transactions."""
    first = factories.liaison(bawaslu, email="a@uji.test")
    second = factories.liaison(bawaslu, email="b@uji.test")
    task = factories.ReadinessTaskFactory(region=regency, agency=bawaslu)
    barrier = threading.Barrier(2)
    errors = []

    def update(person, status, note):
        try:
            barrier.wait(timeout=10)
            fresh = ReadinessTask.objects.get(pk=task.pk)
            task_status_update(actor=person, task=fresh, status=status, note=note)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=update, args=(first, TaskStatus.AT_RISK, "Truk kurang")),
        threading.Thread(target=update, args=(second, TaskStatus.IN_PROGRESS, "Berjalan")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    history = list(TaskUpdate.objects.filter(task=task).order_by("pk"))
    assert len(history) == 2
    # Serialised by the row lock: the second saw the first one's status as its "from".
    assert history[0].from_status == TaskStatus.NOT_STARTED
    assert history[1].from_status == history[0].to_status
    task.refresh_from_db()
    assert task.status == history[1].to_status


def test_checklist_stamp_creates_per_region_and_is_idempotent(
    province_staff, bengkulu, regency, other_regency, bawaslu, polres_other, election
):
    checklist = checklist_create(
        actor=province_staff,
        name="Kesiapan gudang logistik",
        election=election,
        items=[
            {
                "title": "Gudang logistik siap",
                "category": TaskCategory.LOGISTICS,
                "agency_kind": AgencyKind.BAWASLU,
                "days_before_voting": 30,
            },
            {
                "title": "Pengamanan gudang",
                "category": TaskCategory.SECURITY,
                "agency_kind": AgencyKind.POLRI,
                "days_before_voting": 20,
            },
        ],
    )
    result = checklist_stamp(
        actor=province_staff, checklist=checklist, regions=[regency, other_regency]
    )
    assert (result.created, result.skipped) == (2, 0)
    assert sorted(result.missing) == [
        "Kabupaten 17.01: Polri (Polda/Polres)",
        "Kabupaten 17.02: Bawaslu",
    ]
    task = ReadinessTask.objects.get(region=regency)
    assert task.due_on == election.voting_day - timedelta(days=30)
    again = checklist_stamp(
        actor=province_staff, checklist=checklist, regions=[regency, other_regency]
    )
    assert (again.created, again.skipped) == (0, 2)


def test_checklist_stamp_outside_scope_is_denied(regency_staff, other_regency, election):
    checklist = checklist_create(
        actor=None,
        name="X",
        election=election,
        items=[
            {
                "title": "Gudang",
                "category": TaskCategory.LOGISTICS,
                "agency_kind": "kpu",
                "days_before_voting": 10,
            }
        ],
    )
    with pytest.raises(PermissionDenied):
        checklist_stamp(actor=regency_staff, checklist=checklist, regions=[other_regency])


def _csv(*rows):
    header = "judul,kategori,wilayah,lembaga,tenggat,status,kemajuan\n"
    return (header + "\n".join(rows) + "\n").encode()


def test_csv_import_all_rows_valid(regency_staff, bawaslu, election):
    report = tasks_import_csv(
        actor=regency_staff,
        election=election,
        content=_csv(
            "Distribusi kotak suara,Logistik,17.01,Bawaslu 17.01,2030-01-10,berjalan,30",
            "Patroli TPS,keamanan,17.01,bawaslu 17.01,2030-01-12,,",
        ),
    )
    assert (report.ok, report.created) == (True, 2)
    assert list(
        ReadinessTask.objects.order_by("title").values_list("title", "status", "progress")
    ) == [
        ("Distribusi kotak suara", TaskStatus.IN_PROGRESS, 30),
        ("Patroli TPS", TaskStatus.NOT_STARTED, 0),
    ]


def test_csv_import_one_bad_row_imports_nothing(regency_staff, bawaslu, election):
    report = tasks_import_csv(
        actor=regency_staff,
        election=election,
        content=_csv(
            "Distribusi kotak suara,logistik,17.01,Bawaslu 17.01,2030-01-10,,",
            "Patroli,cuaca,17.02,Lembaga Hantu,10/01/2030,,150",
        ),
    )
    assert report.ok is False
    assert ReadinessTask.objects.count() == 0
    assert [e.line for e in report.errors] == [3]
    assert len(report.errors[0].messages) == 5  # category, region scope, agency, date, progress


def test_csv_import_missing_column_is_refused(regency_staff, election):
    with pytest.raises(ValidationError):
        tasks_import_csv(
            actor=regency_staff, election=election, content=b"judul,kategori\nA,logistik\n"
        )
