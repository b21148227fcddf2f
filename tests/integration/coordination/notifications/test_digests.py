from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from coordination.enums import AgencyKind, TaskStatus
from coordination.models import Delivery, Region
from coordination.notifications import outbox
from coordination.notifications.digests import digests_send_due
from tests import factories

# Monday 18 Nov 2024, 00:00 UTC = 07:00 WIB, 08:00 WITA.
MONDAY_7_WIB = datetime(2024, 11, 18, 0, 0, tzinfo=UTC)
TODAY = date(2024, 11, 18)


@pytest.fixture
def liaison(polres):
    return factories.liaison(polres, email="polres@uji.test")


def _task(agency, **fields):
    fields.setdefault("region", agency.region)
    return factories.ReadinessTaskFactory(agency=agency, **fields)


def _run(at, capture):
    with capture(execute=True):
        return digests_send_due(now=at)


def test_daily_digest_for_liaison_with_overdue_task_once_a_day(
    polres, liaison, django_capture_on_commit_callbacks
):
    _task(polres, title="Pengamanan gudang logistik", due_on=TODAY - timedelta(days=2))
    _task(polres, title="Patroli TPS rawan", status=TaskStatus.AT_RISK, due_on=TODAY)
    _task(polres, title="Sudah beres", status=TaskStatus.DONE, due_on=TODAY - timedelta(days=5))

    assert _run(MONDAY_7_WIB - timedelta(minutes=1), django_capture_on_commit_callbacks) == {
        "daily": 0, "weekly": 0,
    }  # fmt: skip
    assert _run(MONDAY_7_WIB, django_capture_on_commit_callbacks)["daily"] == 1
    assert _run(MONDAY_7_WIB + timedelta(hours=3), django_capture_on_commit_callbacks)["daily"] == 0

    (message,) = mail.outbox
    assert message.to == ["polres@uji.test"]
    assert message.subject == "Ringkasan harian tugas kesiapan: 2 perlu perhatian"
    assert "Pengamanan gudang logistik" in message.body
    assert "Patroli TPS rawan" in message.body
    assert "Sudah beres" not in message.body
    assert message.alternatives[0].mimetype == "text/html"
    row = Delivery.objects.get()
    assert (row.meeting, row.kind, row.key, row.status) == (
        None,
        "digest_daily",
        "2024-11-18",
        "sent",
    )

    assert _run(MONDAY_7_WIB + timedelta(days=1), django_capture_on_commit_callbacks)["daily"] == 1
    assert len(mail.outbox) == 2


def test_daily_digest_none_when_nothing_to_say(polres, liaison, django_capture_on_commit_callbacks):
    _task(polres, due_on=TODAY + timedelta(days=3))
    _task(polres, status=TaskStatus.DONE, due_on=TODAY - timedelta(days=3))
    assert _run(MONDAY_7_WIB, django_capture_on_commit_callbacks)["daily"] == 0
    assert mail.outbox == []


def test_daily_digest_respects_opt_out(polres, liaison, django_capture_on_commit_callbacks):
    liaison.receives_digests = False
    liaison.save(update_fields=["receives_digests"])
    _task(polres, due_on=TODAY - timedelta(days=1))
    assert _run(MONDAY_7_WIB, django_capture_on_commit_callbacks)["daily"] == 0


def test_daily_digest_follows_agency_time_zone(db, django_capture_on_commit_callbacks):
    factories.region_tree("73", 1, 1, 1, timezone_name="Asia/Makassar")
    makassar = factories.AgencyFactory(
        kind=AgencyKind.BAWASLU, region=Region.objects.get(code="73")
    )
    factories.liaison(makassar, email="wita@uji.test")
    _task(makassar, due_on=TODAY - timedelta(days=1))
    # 07:00 WITA is 06:00 WIB: the WITA liaison's digest is due, one hour before WIB ones.
    at = MONDAY_7_WIB - timedelta(hours=1)
    assert _run(at - timedelta(minutes=1), django_capture_on_commit_callbacks)["daily"] == 0
    assert _run(at, django_capture_on_commit_callbacks)["daily"] == 1
    assert mail.outbox[0].to == ["wita@uji.test"]


def test_digest_skipped_when_tasks_done_before_sending(polres, liaison):
    task = _task(polres, due_on=TODAY - timedelta(days=1))
    digests_send_due(now=MONDAY_7_WIB)  # recorded; the send runs later
    task.status = TaskStatus.DONE
    task.save(update_fields=["status"])
    row = Delivery.objects.get()
    assert outbox.delivery_send(delivery_id=row.pk).outcome == "skipped"
    row.refresh_from_db()
    assert row.last_error == "nothing to report"
    assert mail.outbox == []


def test_weekly_summary_for_kpu_staff_on_monday_only(
    bengkulu, polres, django_capture_on_commit_callbacks
):
    staff = factories.kpu_staff(Region.objects.get(code="17.01"), email="kpu.kab@uji.test")
    factories.kpu_staff(Region.objects.get(code="17.02"), email="kpu.lain@uji.test")
    _task(polres, title="Distribusi logistik", due_on=TODAY - timedelta(days=4))
    _task(polres, status=TaskStatus.DONE)
    tuesday = MONDAY_7_WIB + timedelta(days=1)

    assert _run(MONDAY_7_WIB, django_capture_on_commit_callbacks)["weekly"] == 1
    assert _run(tuesday, django_capture_on_commit_callbacks)["weekly"] == 0
    weekly = [m for m in mail.outbox if m.subject.startswith("Ringkasan mingguan")]
    assert [m.to for m in weekly] == [[staff.email]]
    assert weekly[0].subject == "Ringkasan mingguan kesiapan, 18 November 2024"
    assert "Lewat tenggat: 1" in weekly[0].body
    assert "Distribusi logistik" in weekly[0].body
    assert Delivery.objects.get(kind="digest_weekly").key == "2024-W47"


def test_weekly_summary_none_when_all_done(bengkulu, polres, django_capture_on_commit_callbacks):
    factories.kpu_staff(Region.objects.get(code="17.01"))
    _task(polres, status=TaskStatus.DONE)
    assert _run(MONDAY_7_WIB, django_capture_on_commit_callbacks)["weekly"] == 0
