"""The national summary is cached under the readiness version; every task write raises it."""

import pytest
from django.urls import reverse

from coordination.enums import AgencyKind, TaskCategory, TaskStatus
from coordination.models import Region
from coordination.readiness_version import readiness_version
from coordination.selectors.national import national_summary
from coordination.selectors.readiness import TaskFilters
from coordination.services.elections import checklist_create
from coordination.services.readiness import (
    checklist_stamp,
    task_create,
    task_status_update,
    task_update,
)
from coordination.services.regions import regions_load
from coordination.services.task_csv import tasks_import_csv
from tests import factories


@pytest.fixture
def task(bawaslu, regency, election):
    return task_create(
        actor=None,
        title="Gudang logistik siap",
        category=TaskCategory.LOGISTICS,
        election=election,
        region=regency,
        agency=bawaslu,
        due_on=election.voting_day,
    )


def bengkulu_cell(election):
    rows = national_summary(filters=TaskFilters(), election=election)
    row = next(r for r in rows if r.code == "17")
    c = row.cell
    return (c.total, c.done, c.at_risk, c.blocked)


def test_national_summary_second_read_needs_no_query(task, election, django_assert_num_queries):
    with django_assert_num_queries(2):
        first = bengkulu_cell(election)
    with django_assert_num_queries(0):
        assert bengkulu_cell(election) == first == (1, 0, 0, 0)


def test_filters_are_part_of_the_key(task, election):
    bengkulu_cell(election)

    rows = national_summary(filters=TaskFilters(status=TaskStatus.DONE), election=election)

    assert next(r for r in rows if r.code == "17").cell.total == 0


def test_status_update_changes_the_cached_summary(task, election, bawaslu_liaison):
    assert bengkulu_cell(election) == (1, 0, 0, 0)

    task_status_update(actor=bawaslu_liaison, task=task, status=TaskStatus.DONE)

    assert bengkulu_cell(election) == (1, 1, 0, 0)


def test_task_create_changes_the_cached_summary(task, election, bawaslu, other_regency):
    assert bengkulu_cell(election) == (1, 0, 0, 0)

    task_create(
        actor=None,
        title="Pengamanan TPS",
        category=TaskCategory.SECURITY,
        election=election,
        region=other_regency,
        agency=bawaslu,
        due_on=election.voting_day,
        status=TaskStatus.BLOCKED,
    )

    assert bengkulu_cell(election) == (2, 0, 0, 1)


def test_task_update_moving_a_task_changes_both_provinces(task, election):
    factories.region_tree("18", regencies=1, districts=1, villages=1)
    assert bengkulu_cell(election) == (1, 0, 0, 0)

    task_update(actor=None, task=task, region=Region.objects.get(code="18.01"))

    rows = national_summary(filters=TaskFilters(), election=election)
    totals = {r.code: r.cell.total for r in rows}
    assert (totals["17"], totals["18"]) == (0, 1)


def test_task_delete_changes_the_cached_summary(task, election):
    assert bengkulu_cell(election) == (1, 0, 0, 0)

    task.delete()

    assert bengkulu_cell(election) == (0, 0, 0, 0)


def test_checklist_stamp_changes_the_cached_summary(province_staff, regency, bawaslu, election):
    checklist = checklist_create(
        actor=province_staff,
        name="Kesiapan gudang",
        election=election,
        items=[
            {
                "title": "Gudang logistik siap",
                "category": TaskCategory.LOGISTICS,
                "agency_kind": AgencyKind.BAWASLU,
                "days_before_voting": 30,
            }
        ],
    )
    assert bengkulu_cell(election) == (0, 0, 0, 0)

    checklist_stamp(actor=province_staff, checklist=checklist, regions=[regency])

    assert bengkulu_cell(election) == (1, 0, 0, 0)


def test_csv_import_changes_the_cached_summary(regency_staff, bawaslu, election):
    assert bengkulu_cell(election) == (0, 0, 0, 0)

    report = tasks_import_csv(
        actor=regency_staff,
        election=election,
        content=(
            b"judul,kategori,wilayah,lembaga,tenggat,status,kemajuan\n"
            b"Distribusi kotak suara,logistik,17.01,Bawaslu 17.01,2030-01-10,berisiko,30\n"
        ),
    )

    assert report.created == 1
    assert bengkulu_cell(election) == (1, 0, 1, 0)


def test_region_load_raises_the_version(db):
    before = readiness_version()

    regions_load(province_code="17")

    assert readiness_version() > before


def test_version_lost_from_the_cache_starts_fresh_above_the_old_one(task, election):
    from django.core.cache import cache

    before = readiness_version()
    cache.clear()

    assert readiness_version() > before


def test_dashboard_national_second_request_skips_the_counting(
    client, superuser, task, election, django_assert_num_queries
):
    client.force_login(superuser)
    url = reverse("coordination:dashboard")
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["total"].total == 1
