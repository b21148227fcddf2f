"""The readiness counters (what the dashboards read) always equal the counts of the tasks: every
kind of task write keeps them, concurrent writers on separate connections included, the overdue
roll-over moves what fell due, and the periodic check finds and repairs a difference."""

import contextlib
import logging
import random
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from coordination.enums import AgencyKind, TaskCategory, TaskStatus
from coordination.models import (
    Agency,
    ReadinessCount,
    ReadinessCountState,
    ReadinessProvinceCount,
    ReadinessTask,
    Region,
)
from coordination.selectors import dashboard as dashboard_selectors
from coordination.selectors import national as national_selectors
from coordination.selectors.dashboard import dashboard
from coordination.selectors.readiness import TaskFilters
from coordination.services.readiness import task_status_update
from coordination.services.readiness_counts import (
    counts_check,
    counts_compare,
    counts_rebuild,
    counts_roll_over,
)
from tests import factories

pytestmark = pytest.mark.usefixtures("require_postgres")

STATUSES = list(TaskStatus.values)
CATEGORIES = list(TaskCategory.values)


def _counted(region_code: str) -> dict[tuple, int]:
    return {
        (r.category, r.status, r.past_due): r.tasks
        for r in ReadinessCount.objects.filter(region_code=region_code).exclude(tasks=0)
    }


def _views_equal(root: Region, filters: TaskFilters) -> None:
    """The dashboard and the national summary from the counters equal the counts of the tasks."""

    def read():
        data = dashboard(root=root, filters=TaskFilters(**vars(filters)), election=None)
        cards = [{k: v for k, v in c.items() if k != "as_of"} for c in data.scorecards]
        return (
            [(row.code, row.cells, row.total) for row in data.rows],
            cards,
            national_selectors._national_rows(TaskFilters(**vars(filters))),
        )

    from_counters = read()
    with (
        mock.patch.object(dashboard_selectors, "counters_answer", lambda filters: False),
        mock.patch.object(national_selectors, "counters_answer", lambda filters: False),
    ):
        from_tasks = read()
    assert from_counters == from_tasks


def test_each_kind_of_write_moves_the_counters(regency, bawaslu, election, bawaslu_liaison):
    today = timezone.localdate()
    task = factories.ReadinessTaskFactory(
        region=regency, agency=bawaslu, election=election, due_on=today + timedelta(days=3)
    )
    assert _counted("17.01") == {("logistik", "not_started", False): 1}
    assert ReadinessProvinceCount.objects.get(province_code="17", status="not_started").tasks == 1

    task_status_update(actor=bawaslu_liaison, task=task, status=TaskStatus.AT_RISK, note="hujan")
    assert _counted("17.01") == {("logistik", "at_risk", False): 1}

    # A queryset update and a bulk insert send no signal; the counters still follow.
    ReadinessTask.objects.filter(pk=task.pk).update(due_on=today - timedelta(days=1))
    assert _counted("17.01") == {("logistik", "at_risk", True): 1}
    ReadinessTask.objects.bulk_create(
        ReadinessTask(
            title=f"Massal {n}", category="ti", election=election, agency=bawaslu,
            region_id="17.01.01.2001", due_on=today,
        )
        for n in range(3)
    )  # fmt: skip
    assert _counted("17.01") == {("logistik", "at_risk", True): 1, ("ti", "not_started", False): 3}

    ReadinessTask.objects.filter(category="ti").delete()
    task.delete()
    assert _counted("17.01") == {}
    assert counts_compare() == []


def test_a_rolled_back_write_leaves_the_counters(regency, bawaslu, election):
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.ReadinessTaskFactory(region=regency, agency=bawaslu, election=election)
        raise RuntimeError
    assert _counted("17.01") == {}


def test_province_level_tasks_have_their_own_row(bengkulu, election):
    agency = factories.AgencyFactory(kind=AgencyKind.KPU, region=bengkulu, name="KPU Provinsi")
    factories.ReadinessTaskFactory(region=bengkulu, agency=agency, election=election)
    assert _counted("17") == {("logistik", "not_started", False): 1}
    _views_equal(bengkulu, TaskFilters())


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_counters_equal_to_the_tasks(bengkulu):
    """Eight threads, each on its own connection, create, change, move, and delete tasks at once,
    through the services, saves, queryset updates and bulk inserts."""
    election = factories.ElectionFactory()
    regions = list(Region.objects.filter(code__startswith="17.").values_list("code", flat=True))
    agencies = [
        factories.AgencyFactory(kind=kind, region_id=code, name=f"{kind} {code}")
        for code in ("17.01", "17.02")
        for kind in (AgencyKind.BAWASLU, AgencyKind.POLRI)
    ]
    liaison = factories.liaison(agencies[0])
    liaison.is_superuser = True  # may update any task
    liaison.save(update_fields=["is_superuser"])
    today = timezone.localdate()
    for n in range(40):
        factories.ReadinessTaskFactory(
            region_id=regions[n % len(regions)], agency=agencies[n % 4], election=election,
            due_on=today + timedelta(days=n % 7 - 3),
        )  # fmt: skip
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            barrier.wait(timeout=20)
            for _step in range(25):
                ids = list(ReadinessTask.objects.values_list("pk", flat=True))
                action = rng.randrange(6)
                if action == 0 or not ids:
                    factories.ReadinessTaskFactory(
                        region_id=rng.choice(regions), agency=rng.choice(agencies),
                        election=election, category=rng.choice(CATEGORIES),
                        due_on=today + timedelta(days=rng.randint(-5, 5)),
                    )  # fmt: skip
                elif action == 1:
                    task = ReadinessTask.objects.get(pk=rng.choice(ids))
                    task_status_update(
                        actor=liaison, task=task, status=rng.choice(STATUSES), note="uji"
                    )
                elif action == 2:
                    ReadinessTask.objects.filter(pk__in=rng.sample(ids, min(3, len(ids)))).update(
                        category=rng.choice(CATEGORIES),
                        region_id=rng.choice(regions),
                        due_on=today + timedelta(days=rng.randint(-5, 5)),
                    )
                elif action == 3:
                    # Django deletes a task's updates, then the task: an update that another
                    # thread committed in between makes PostgreSQL refuse the whole delete,
                    # which rolls back (the counters must still equal the tasks).
                    with contextlib.suppress(IntegrityError):
                        ReadinessTask.objects.filter(pk=rng.choice(ids)).delete()
                elif action == 4:
                    ReadinessTask.objects.bulk_create(
                        ReadinessTask(
                            title=f"Massal {seed}-{n}", category=rng.choice(CATEGORIES),
                            election=election, agency=rng.choice(agencies),
                            region_id=rng.choice(regions), due_on=today,
                        )
                        for n in range(rng.randint(1, 4))
                    )  # fmt: skip
                else:
                    with transaction.atomic():
                        task = ReadinessTask.objects.select_for_update().get(pk=rng.choice(ids))
                        task.status = rng.choice(STATUSES)
                        task.agency = rng.choice(agencies)
                        task.save()
        except ReadinessTask.DoesNotExist:
            pass  # deleted by another thread in between: fine
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert counts_compare() == []
    assert ReadinessTask.objects.count() > 0
    for filters in (TaskFilters(), TaskFilters(attention=True), TaskFilters(agency_kind="polri")):
        _views_equal(Region.objects.get(code="17"), filters)


def test_roll_over_moves_what_fell_due(regency, bawaslu, election):
    today = timezone.localdate()
    for days in (-3, -1, 0, 2):
        factories.ReadinessTaskFactory(
            region=regency, agency=bawaslu, election=election, due_on=today + timedelta(days=days)
        )
    factories.ReadinessTaskFactory(
        region=regency, agency=bawaslu, election=election, status=TaskStatus.DONE,
        due_on=today - timedelta(days=2),
    )  # fmt: skip
    counts_rebuild(day=today - timedelta(days=2))  # as if the roll-over last ran two days ago
    assert _counted("17.01")[("logistik", "not_started", True)] == 1

    # Until the roll-over runs, the dashboards count the tasks (and are right).
    _views_equal(regency, TaskFilters(overdue=True))
    _views_equal(regency, TaskFilters())

    assert counts_roll_over() == 1
    assert _counted("17.01") == {
        ("logistik", "not_started", True): 2,
        ("logistik", "not_started", False): 2,
        ("logistik", "done", False): 1,
    }
    assert ReadinessCountState.objects.get().as_of == today
    assert counts_compare() == []
    assert counts_roll_over() == 0
    _views_equal(regency, TaskFilters(overdue=True))


@pytest.mark.django_db(transaction=True)
def test_two_roll_overs_at_once_move_each_task_once(bengkulu):
    agency = factories.AgencyFactory(kind=AgencyKind.POLRI, region_id="17.01", name="Polres")
    today = timezone.localdate()
    for days in range(1, 6):
        factories.ReadinessTaskFactory(
            region_id="17.01", agency=agency, due_on=today - timedelta(days=days)
        )
    counts_rebuild(day=today - timedelta(days=5))
    barrier = threading.Barrier(2)
    moved: list[int] = []

    def roll() -> None:
        try:
            barrier.wait(timeout=10)
            moved.append(counts_roll_over())
        finally:
            connection.close()

    threads = [threading.Thread(target=roll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(moved) == [0, 5]
    assert counts_compare() == []


def test_dashboards_read_the_counters_not_the_tasks(
    regency, bawaslu, election, django_assert_num_queries
):
    factories.ReadinessTaskFactory(region=regency, agency=bawaslu, election=election)
    counting = AssertionError("counted tasks")
    with (
        mock.patch.object(dashboard_selectors, "task_counts", side_effect=counting),
        mock.patch.object(national_selectors, "task_counts", side_effect=counting),
    ):
        rows = national_selectors._national_rows(TaskFilters())
        data = dashboard(root=regency, filters=TaskFilters(), election=election)
    assert next(r for r in rows if r.code == "17").cell.total == 1
    assert data.grand_total.total == 1
    # A title search is not in the counters' key: counted from the tasks.
    assert dashboard_selectors.counters_answer(TaskFilters(q="gudang")) is False
    _views_equal(regency, TaskFilters(q="Tugas"))


def test_the_check_logs_a_difference_and_repairs_it(regency, bawaslu, election, caplog):
    factories.ReadinessTaskFactory(region=regency, agency=bawaslu, election=election)
    ReadinessCount.objects.filter(region_code="17.01").update(tasks=5)

    with caplog.at_level(logging.ERROR, logger="coordination.services.readiness_counts"):
        differences = counts_check(repair=True)

    assert [(d.table, d.counted, d.expected) for d in differences] == [
        ("coordination_readinesscount", 5, 1)
    ]
    assert "Readiness counters differ from the tasks at 1 keys" in caplog.text
    assert counts_compare() == []


def test_the_command_compares_and_rebuilds(regency, bawaslu, election, capsys):
    factories.ReadinessTaskFactory(region=regency, agency=bawaslu, election=election)
    call_command("readiness_counts")
    assert "The readiness counters match the tasks." in capsys.readouterr().out

    ReadinessProvinceCount.objects.update(tasks=0)
    with pytest.raises(CommandError, match="differ from the tasks at 1 keys"):
        call_command("readiness_counts")
    assert "counted 0, the tasks say 1" in capsys.readouterr().out

    call_command("readiness_counts", "--rebuild")
    assert counts_compare() == []
    assert Agency.objects.count() == 1
