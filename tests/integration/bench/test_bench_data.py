"""The benchmark dataset generator: counts at a tiny scale, determinism, and its refusals."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from benchmarks.data.national import (
    UPDATES_PER_TASK,
    Targets,
    bench_data_generate,
    dataset_fingerprint,
)
from coordination.enums import AgencyKind
from coordination.models import (
    Agency,
    Meeting,
    MeetingInvitee,
    Membership,
    Person,
    ReadinessTask,
    Region,
    TaskUpdate,
)
from tests import factories

ANCHOR = date(2024, 9, 28)
SCALE = 0.0004  # 8 meetings, 200 tasks, 800 updates, 120 outreach events


def _generate():
    return bench_data_generate(scale=SCALE, seed=7, anchor=ANCHOR, province_code="17")


def test_bench_data_counts_at_tiny_scale(require_postgres):
    targets = Targets.for_scale(SCALE)

    result = _generate()

    assert (targets.meetings, targets.tasks, targets.updates) == (8, 200, 800)
    assert Region.objects.count() == 1 + 10 + 129 + 1513
    # Five agencies (KPU, Bawaslu, Polri, TNI, Pemda) for the province and each of its 10 regencies.
    assert Agency.objects.count() == 55
    assert Agency.objects.filter(kind=AgencyKind.KPU).count() == 11
    assert Person.objects.count() == Membership.objects.count() == 55 + 11
    assert Meeting.objects.count() == 8
    assert MeetingInvitee.objects.count() == result.counts["meeting_invitees"]
    assert ReadinessTask.objects.count() == 200
    assert TaskUpdate.objects.count() == 200 * UPDATES_PER_TASK


def test_bench_data_history_ends_in_task_status(require_postgres):
    _generate()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM coordination_readinesstask t WHERE t.status <> ("
            " SELECT u.to_status FROM coordination_taskupdate u WHERE u.task_id = t.id"
            " ORDER BY u.created_at DESC, u.id DESC LIMIT 1)"
        )
        mismatched = cursor.fetchone()[0]

    assert mismatched == 0


def test_bench_data_incidents_fill_every_column_the_model_requires(require_postgres):
    # The incidents are inserted by one SQL statement with a column list of its own: a field
    # added to the model without a database default must be added there too.
    from benchmarks.data.incidents import make_incidents
    from insiden.models import Incident

    _generate()

    counts = make_incidents(target=50, seed=7)

    assert counts["incidents"] == Incident.objects.count() == 50
    assert counts["history"] == counts["involved"] == 50


def test_bench_data_same_seed_same_rows(require_postgres):
    _generate()
    first = dataset_fingerprint()

    _generate()

    assert dataset_fingerprint() == first
    assert ReadinessTask.objects.count() == 200  # replaced, not added


def test_bench_data_refuses_foreign_accounts(require_postgres):
    factories.PersonFactory(email="someone@kpu.go.id")

    with pytest.raises(CommandError, match="did not create"):
        call_command("bench_data", scale=SCALE, province="17")

    assert Person.objects.filter(email="someone@kpu.go.id").exists()


def test_bench_data_refuses_production(db, settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        call_command("bench_data", scale=SCALE)


def test_bench_data_refuses_sqlite(db):
    if connection.vendor != "sqlite":
        pytest.skip("checks the refusal on SQLite")

    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_data", scale=SCALE)
