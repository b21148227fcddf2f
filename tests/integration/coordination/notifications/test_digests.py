from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import translation
from django.utils.formats import date_format

from coordination.enums import AgencyKind, TaskStatus
from coordination.models import Delivery, Region
from coordination.notifications import sending
from coordination.notifications.digests import digests_send_due
from tests import factories

# The next Monday, 00:00 UTC = 07:00 WIB, 08:00 WITA. Ahead of the real clock: a digest is worth
# sending until its day ends, and the mail goes out (eagerly) at the real time.
TODAY = datetime.now(UTC).date() + timedelta(days=7 - datetime.now(UTC).date().weekday())
MONDAY_7_WIB = datetime.combine(TODAY, time(0), tzinfo=UTC)


def _day(day, language="id") -> str:
    """'Senin, 18 November 2024' in the language."""
    with translation.override(language):
        return date_format(day, "l, j F Y")


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
        TODAY.isoformat(),
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
    assert sending.delivery_send(delivery_id=row.pk).outcome == "skipped"
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
    assert weekly[0].subject == f"Ringkasan mingguan kesiapan, {date_format(TODAY, 'j F Y')}"
    assert "Lewat tenggat: 1" in weekly[0].body
    assert "Distribusi logistik" in weekly[0].body
    year, week, _day = TODAY.isocalendar()
    assert Delivery.objects.get(kind="digest_weekly").key == f"{year}-W{week:02d}"


def test_weekly_summary_none_when_all_done(bengkulu, polres, django_capture_on_commit_callbacks):
    factories.kpu_staff(Region.objects.get(code="17.01"))
    _task(polres, status=TaskStatus.DONE)
    assert _run(MONDAY_7_WIB, django_capture_on_commit_callbacks)["weekly"] == 0


# --- links and dates ----------------------------------------------------------------------------


def _text_and_html(message) -> tuple[str, str]:
    return message.body, message.alternatives[0].content


def test_daily_digest_links_each_task_and_the_filtered_list_and_names_the_day(
    polres, liaison, settings, django_capture_on_commit_callbacks
):
    late = _task(polres, title="Pengamanan gudang logistik", due_on=TODAY - timedelta(days=2))
    risky = _task(polres, title="Patroli TPS rawan", status=TaskStatus.BLOCKED, due_on=TODAY)
    _run(MONDAY_7_WIB, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    text, html = _text_and_html(message)
    site = settings.SITE_URL
    assert f"perlu perhatian hari ini, {_day(TODAY)}:" in text
    assert f"perlu perhatian hari ini, {_day(TODAY)}:" in html
    for task in (late, risky):
        url = f"{site}/koordinasi/tugas/{task.pk}/"
        assert f"- {task.title} (" in text
        assert f"\n  {url}\n" in text
        assert f'<a href="{url}">{task.title}</a>' in html
    listing = f"{site}/koordinasi/tugas/?agency={polres.pk}&attention=1"
    assert f"Semua tugas lembaga ini yang perlu perhatian: {listing}\n" in text
    assert f'<a href="{listing.replace("&", "&amp;")}">' in html


def test_daily_digest_date_in_the_person_language(
    polres, liaison, django_capture_on_commit_callbacks
):
    liaison.language = "en"
    liaison.save(update_fields=["language"])
    _task(polres, due_on=TODAY - timedelta(days=1))
    _run(MONDAY_7_WIB, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert _day(TODAY, "en") in message.body
    assert "Senin" not in message.body


def test_daily_digest_date_is_the_day_in_the_agency_zone(db, django_capture_on_commit_callbacks):
    # 07:00 WIT on Monday is still Sunday 22:00 in UTC: the digest speaks for Monday.
    factories.region_tree("91", 1, 1, 1, timezone_name="Asia/Jayapura")
    papua = factories.AgencyFactory(kind=AgencyKind.POLRI, region=Region.objects.get(code="91"))
    factories.liaison(papua, email="wit@uji.test")
    _task(papua, due_on=TODAY - timedelta(days=1))
    at = MONDAY_7_WIB - timedelta(hours=2)
    assert at.date() == TODAY - timedelta(days=1)
    assert _run(at, django_capture_on_commit_callbacks)["daily"] == 1
    (message,) = mail.outbox
    assert f"perlu perhatian hari ini, {_day(TODAY)}:" in message.body


def test_weekly_summary_says_how_many_more_overdue_and_links_the_list(
    bengkulu, polres, settings, client, django_capture_on_commit_callbacks
):
    staff = factories.kpu_staff(Region.objects.get(code="17.01"), email="kpu.kab@uji.test")
    tasks = [
        _task(polres, title=f"Tugas terlambat {n:02d}", due_on=TODAY - timedelta(days=30 - n))
        for n in range(16)
    ]
    _run(MONDAY_7_WIB, django_capture_on_commit_callbacks)

    (message,) = [m for m in mail.outbox if m.to == [staff.email]]
    text, html = _text_and_html(message)
    assert "Lewat tenggat: 16" in text
    assert f"per {_day(TODAY)}:" in text
    listed = [task for task in tasks if f"- {task.title} — " in text]
    assert listed == tasks[:15]  # the oldest first
    assert f'<a href="{settings.SITE_URL}/koordinasi/tugas/{tasks[0].pk}/">' in html
    listing = f"{settings.SITE_URL}/koordinasi/tugas/?overdue=1&region=17.01"
    assert "... dan 1 tugas lain lewat tenggat.\n" in text
    assert f"Semua tugas lewat tenggat: {listing}\n" in text
    assert "... dan 1 tugas lain lewat tenggat." in html
    assert f'<a href="{listing.replace("&", "&amp;")}">' in html
    # The link lists all 16 (their due dates lie in the past of today's date too).
    client.force_login(staff)
    page = client.get(listing.removeprefix(settings.SITE_URL)).context["page"]
    assert page.paginator.count == 16


def test_weekly_summary_without_more_overdue_says_no_more(
    bengkulu, polres, django_capture_on_commit_callbacks
):
    factories.kpu_staff(Region.objects.get(code="17.01"), email="kpu.kab@uji.test")
    _task(polres, due_on=TODAY - timedelta(days=3))
    _run(MONDAY_7_WIB, django_capture_on_commit_callbacks)
    (message,) = [m for m in mail.outbox if m.subject.startswith("Ringkasan mingguan")]
    assert "tugas lain lewat tenggat" not in message.body
    assert "Semua tugas lewat tenggat: " in message.body
