"""Beat stays single: a lease in Redis lets one beat send and keeps any other standing by; and
every periodic job, sent twice at once as two beats would, still sends each message once."""

import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from coordination.enums import AgencyKind, DeliveryKind, DeliveryStatus
from coordination.models import Delivery, MeetingInvitee, Person
from coordination.notifications import digests as notifications_digests
from coordination.notifications import recovery, reminders
from coordination.services import readiness_counts
from pilkada.beat import SingleBeatScheduler
from tests import factories
from tests.integration.deploy.conftest import BeatProcess
from tests.integration.deploy.test_many_processes import wait_until


def _people(prefix: str, count: int) -> list[Person]:
    Person.objects.bulk_create(
        Person(email=f"{prefix}{n:02d}@uji.test", full_name=f"{prefix} {n}", password="!")
        for n in range(count)
    )
    return list(Person.objects.filter(email__startswith=prefix).order_by("email"))


def _meeting(region, people, **fields):
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    meeting = factories.MeetingFactory(
        region=region, starts_at=start, ends_at=start + timedelta(hours=2), **fields
    )
    MeetingInvitee.objects.bulk_create(MeetingInvitee(meeting=meeting, person=p) for p in people)
    return meeting


def reminders_scenario(region):
    """Ten people in each of three meetings whose 60-minute reminder is due."""
    meetings = [
        _meeting(region, _people(f"ingat{n}-", 10), reminder_offsets=[60]) for n in range(3)
    ]
    for meeting in meetings:
        reminders.meeting_reminders_sync(meeting=meeting)
    due = meetings[0].starts_at - timedelta(minutes=60)
    people = Person.objects.filter(email__startswith="ingat")
    return lambda: reminders.reminders_dispatch_due(now=due, batch_size=2), people


def recovery_scenario(region):
    """Twelve invitations left "sending" by a worker that died long ago."""
    people = _people("pulih", 12)
    meeting = _meeting(region, people)
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.bulk_create(
        Delivery(
            meeting=meeting, person=p, kind=DeliveryKind.INVITATION, key="s0", email=p.email,
            status=DeliveryStatus.SENDING, attempts=1, claimed_at=long_ago,
            next_attempt_at=long_ago,
        )
        for p in people
    )  # fmt: skip
    return lambda: recovery.deliveries_recover(), people


def digests_scenario(region):
    """Eight liaisons of an agency with an overdue task, at 08:00 in Bengkulu."""
    agency = factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=region, name="Bawaslu Uji")
    people = [factories.liaison(agency, email=f"ringkas{n}@uji.test") for n in range(8)]
    factories.ReadinessTaskFactory(
        region=region, agency=agency, due_on=timezone.localdate() - timedelta(days=3)
    )
    zone = ZoneInfo(region.timezone)
    morning = datetime.combine(timezone.localdate(), datetime.min.time(), zone) + timedelta(hours=8)
    return lambda: notifications_digests.digests_send_due(now=morning), people


def readiness_counts_scenario(region):
    """Tasks that fell due since the counters' last roll-over, two days ago; no mail. That two
    roll-overs at once move each task once: see integration/coordination/test_readiness_counts."""
    agency = factories.AgencyFactory(kind=AgencyKind.POLRI, region=region, name="Polda Uji")
    for days in (1, 2):
        factories.ReadinessTaskFactory(
            region=region, agency=agency, due_on=timezone.localdate() - timedelta(days=days)
        )
    readiness_counts.counts_rebuild(day=timezone.localdate() - timedelta(days=2))
    return lambda: readiness_counts.counts_roll_over(), []


def readiness_check_scenario(region):
    return lambda: readiness_counts.counts_check(repair=True), []


def escalation_scenario(region):
    """Six critical incidents past their deadline in a regency whose Polres has no liaison: the
    regency's three KPU staff are told once per incident."""
    from insiden.notifications.escalation import escalations_run
    from insiden.services.incidents import incident_create

    regency = region.children.order_by("code").first()
    factories.AgencyFactory(kind=AgencyKind.POLRI, region=regency, name="Polres Uji")
    staff = [factories.kpu_staff(regency, email=f"eskalasi{n}@uji.test") for n in range(3)]
    village = regency.children.order_by("code").first().children.order_by("code").first()
    reported = timezone.now() - timedelta(hours=1)
    for n in range(6):
        incident_create(
            actor=None, title=f"Insiden {n}", category="keamanan", severity=4,
            occurred_at=reported, region=village, now=reported,
        )  # fmt: skip
    now = timezone.now()
    return lambda: escalations_run(now=now, batch_size=2), staff * 6


def request_retention_scenario(region):
    """The retention job of public outreach requests sends no mail; run twice it must not fail."""
    from outreach.tasks import purge_request_contacts

    return lambda: purge_request_contacts(), []


def api_sweep_scenario(region):
    """The webhook sweep sends no mail; two sweeps fanning out the same lost event at once are
    tested in tests/integration/api (one delivery per subscription). Run twice it must not fail."""
    from api.tasks import sweep

    return lambda: sweep(), []


def public_report_retention_scenario(region):
    """The retention job of reports from the public sends no mail; run twice at once, each
    contact is erased once (the second run skips the rows the first holds) and neither fails."""
    from insiden.tasks import purge_public_contacts

    return lambda: purge_public_contacts(), []


def due_soon_scenario(region):
    """The tasks' "due soon" webhook events send no mail; two runs at once recording one event
    per task and date are tested in tests/integration/api/test_webhooks_tasks.py. Run twice it
    must not fail."""
    from api.tasks import tasks_due_soon

    return lambda: tasks_due_soon(), []


# One scenario per periodic job of CELERY_BEAT_SCHEDULE, keyed by task name: a new periodic job
# (the incident desk's escalation, issue #12) fails the test below until it has one. A scenario
# makes data and returns (the job as one beat run, the recipients of the messages it must send, one
# entry per message).
DOUBLE_RUN_SCENARIOS = {
    "coordination.dispatch_due_reminders": reminders_scenario,
    "coordination.recover_deliveries": recovery_scenario,
    "coordination.send_digests": digests_scenario,
    "coordination.roll_over_readiness_counts": readiness_counts_scenario,
    "coordination.check_readiness_counts": readiness_check_scenario,
    "insiden.escalate_incidents": escalation_scenario,
    "outreach.purge_request_contacts": request_retention_scenario,
    "insiden.purge_public_contacts": public_report_retention_scenario,
    "api.sweep": api_sweep_scenario,
    "api.tasks_due_soon": due_soon_scenario,
}


def test_every_periodic_job_has_a_double_run_scenario():
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == set(DOUBLE_RUN_SCENARIOS)


def test_every_periodic_job_run_twice_at_once_sends_one_copy(
    bengkulu, smtp_server, celery_worker_process
):
    expected: list[str] = []
    for name, scenario in DOUBLE_RUN_SCENARIOS.items():
        job, people = scenario(bengkulu)
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def beat(job=job, barrier=barrier, errors=errors):
            try:
                barrier.wait(timeout=10)
                job()
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=beat) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == [], name
        expected += [person.email for person in people]
        count = len(expected)
        wait_until(
            lambda count=count: smtp_server.count() >= count, 60,
            lambda name=name, count=count: f"{name}: {smtp_server.count()} of {count}\n"
            f"{celery_worker_process.tail()}",
        )  # fmt: skip

    time.sleep(1)  # a doubled message would arrive now
    received = Counter(rcpt for rcpts, _m in smtp_server.snapshot() for rcpt in rcpts)
    # Each expected message arrived exactly as often as it was expected (the escalation scenario
    # tells the same staff about several incidents), none twice.
    assert received == Counter(expected)


class RecordingScheduler(SingleBeatScheduler):
    """Records the jobs it would send instead of sending them."""

    def __init__(self, *args, **kwargs):
        self.sent: list[str] = []
        super().__init__(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        self.sent.append(entry.name)


def _tick_for(scheduler, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(max(0.0, min(scheduler.tick(), 0.05)))


def test_beat_lease_one_sends_the_other_stands_by_then_takes_over(
    redis_url, shared_cache, settings, tmp_path
):
    from pilkada.celery import app

    settings.PILKADA_BEAT_LOCK_SECONDS = 1
    probe = {"probe": {"task": "coordination.recover_deliveries", "schedule": 0.1}}
    first = RecordingScheduler(app=app, schedule_filename=str(tmp_path / "first"))
    second = RecordingScheduler(app=app, schedule_filename=str(tmp_path / "second"))
    for scheduler in (first, second):
        scheduler.update_from_dict(probe)
    try:
        _tick_for(first, 0.5)
        _tick_for(second, 0.5)
        assert first.holding and "probe" in first.sent
        assert not second.holding and second.sent == []

        # The first beat dies (stops renewing): the second takes over once the lease runs out.
        _tick_for(second, 1.6)
        assert second.holding and "probe" in second.sent
        sent_before = len(first.sent)
        _tick_for(first, 0.3)
        assert not first.holding and len(first.sent) == sent_before
    finally:
        first.close()
        second.close()


def test_two_beat_processes_one_holds_the_lease_the_other_takes_over(web_env, tmp_path):
    env = {**web_env, "PILKADA_BEAT_LOCK_SECONDS": "3", "LOG_LEVEL": "INFO"}
    first, second = BeatProcess(env, tmp_path, "first"), BeatProcess(env, tmp_path, "second")
    try:
        first.start()
        first.wait_for("holds the lease")
        second.start()
        second.wait_for("standing by")
        first.kill()
        second.wait_for("holds the lease", timeout=15)
    finally:
        first.stop()
        second.stop()
    assert "holds the lease" not in second.text().split("standing by")[0]
