"""Many processes on one PostgreSQL and one Redis, as a national deployment runs them: two
gunicorn instances, two Celery workers and one beat. What one process does, the others see; a
batch spread over the workers arrives exactly once, even with a worker and a web instance
killed in the middle."""

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from benchmarks.runner import stack
from coordination.enums import AgencyKind, DeliveryStatus, TaskStatus
from coordination.models import Delivery, MeetingReminder, Person, TaskUpdate
from coordination.notifications import recovery
from outreach.enums import EventStatus
from tests import factories
from tests.integration.deploy.client import Client
from tests.integration.deploy.conftest import LOGIN_FAILURES_PER_IP, BeatProcess, web_password

# Each web process rereads the publication counter at most once a second (README).
PUBLICATION_SECOND = 1.0
TOO_MANY = "Terlalu banyak percobaan masuk yang gagal"
PROXIED = {"X-Forwarded-Proto": "https"}  # what nginx adds; gunicorn is reached directly here


def origin(server) -> str:
    return f"https://127.0.0.1:{server.port}"


def test_two_web_instances_share_publications_sessions_and_login_limits(start_gunicorn, bengkulu):
    a, b = start_gunicorn(), start_gunicorn()
    staff = factories.kpu_staff(bengkulu, email="kpu.ab@uji.test", full_name="Sari Dua Mesin")
    web_password(staff)
    draft = factories.outreach_event(title="Simulasi di dua mesin", status=EventStatus.DRAFT)
    visitor = Client(headers=PROXIED)
    calendar = "/sosialisasi/?kab=17.01"
    assert "Simulasi di dua mesin" not in visitor.get(b.base_url + calendar).text

    person = Client(headers=PROXIED)
    logged_in = person.log_in(a.base_url, staff.email, factories.DEFAULT_PASSWORD, origin=origin(a))
    assert logged_in.status == 302, logged_in.text[:300]
    on_b = person.get(f"{b.base_url}/koordinasi/")
    assert on_b.status == 200 and 'class="user-link">Sari' in on_b.text

    published = person.post(
        f"{a.base_url}/sosialisasi/kelola/{draft.pk}/status/",
        {"status": EventStatus.PUBLISHED},
        origin=origin(a),
    )
    assert published.status == 302
    time.sleep(PUBLICATION_SECOND + 0.2)
    assert "Simulasi di dua mesin" in visitor.get(b.base_url + calendar).text
    assert "Simulasi di dua mesin" in visitor.get(f"{b.base_url}/sosialisasi/kalender.ics").text

    guesser = Client(headers=PROXIED)
    for n in range(LOGIN_FAILURES_PER_IP):
        server = (a, b)[n % 2]
        failed = guesser.log_in(server.base_url, f"x{n}@uji.test", "salah", origin=origin(server))
        assert failed.status == 200 and TOO_MANY not in failed.text
    for server in (a, b):
        refused = guesser.log_in(server.base_url, "y@uji.test", "salah", origin=origin(server))
        assert TOO_MANY in refused.text


# --- batches over two workers -------------------------------------------------------------------


@dataclass
class Batch:
    """Messages that fan out over the workers: who must get exactly one, and how it starts."""

    name: str
    recipients: list[str]
    start: Callable[[], None]
    done: Callable[[], bool] = field(default=lambda: False)


def reminder_batch(*, region, broker, size: int) -> Batch:
    """`size` invitees of a meeting in 59 minutes whose 60-minute reminder is due; beat's job
    (dispatch_due_reminders) is sent twice, as two overlapping beats would."""
    Person.objects.bulk_create(
        Person(email=f"serentak{n:03d}@uji.test", full_name=f"Peserta {n}", password="!")
        for n in range(size)
    )
    people = list(Person.objects.filter(email__startswith="serentak").order_by("email"))
    start = (timezone.now() + timedelta(minutes=59)).replace(microsecond=0)
    meeting = factories.MeetingFactory(
        region=region, starts_at=start, ends_at=start + timedelta(hours=2), reminder_offsets=[60]
    )
    factories.invite(meeting, *people)
    MeetingReminder.objects.create(
        meeting=meeting, minutes_before=60, due_at=start - timedelta(minutes=60)
    )

    def begin():
        for _ in range(2):
            broker.send_task("coordination.dispatch_due_reminders")

    def done() -> bool:
        statuses = Counter(
            Delivery.objects.filter(meeting=meeting).values_list("status", flat=True)
        )
        return statuses == Counter({DeliveryStatus.SENT: size})

    return Batch("reminders", [p.email for p in people], begin, done)


INCIDENTS = 10


def escalation_batch(*, region, broker, size: int) -> Batch:
    """Ten critical incidents past their acknowledgement deadline in a regency whose Polres has
    no liaison: each of the regency's `size / 10` KPU staff is told once per incident when the
    escalation job (sent twice, as two overlapping beats would) takes them up."""
    from insiden.services.incidents import incident_create

    regency = region.children.order_by("code").first()
    factories.AgencyFactory(kind=AgencyKind.POLRI, region=regency, name="Polres Serentak")
    staff = [
        factories.kpu_staff(regency, email=f"eskalasi{n:03d}@uji.test")
        for n in range(size // INCIDENTS)
    ]
    village = regency.children.order_by("code").first().children.order_by("code").first()
    reported = timezone.now() - timedelta(hours=1)
    incidents = [
        incident_create(
            actor=None,
            title=f"Insiden serentak {n}",
            category="keamanan",
            severity=4,
            occurred_at=reported,
            region=village,
            now=reported,
        )  # fmt: skip
        for n in range(INCIDENTS)
    ]
    keys = [f"i{incident.pk}." for incident in incidents]

    def begin():
        for _ in range(2):
            broker.send_task("insiden.escalate_incidents")

    def done() -> bool:
        rows = Delivery.objects.filter(kind="insiden_eskalasi", person__in=staff)
        statuses = Counter(row.status for row in rows if row.key.startswith(tuple(keys)))
        return statuses == Counter({DeliveryStatus.SENT: len(staff) * INCIDENTS})

    return Batch("escalation", [p.email for p in staff] * INCIDENTS, begin, done)


# Every kind of message that fans out over the workers is run through the test below: a factory
# taking (region, broker, size) and returning a Batch whose `start` enqueues the job and whose
# recipients must get exactly the messages listed (one entry per message).
CROSS_WORKER_BATCHES: dict[str, Callable[..., Batch]] = {
    "reminders": reminder_batch,
    "escalation": escalation_batch,
}


@dataclass
class WebLoad:
    """A liaison updating a task through nginx while an anonymous visitor reads the calendar."""

    url: str
    liaison: Client
    visitor: Client
    task_id: int
    stop: threading.Event = field(default_factory=threading.Event)
    reads: Counter = field(default_factory=Counter)
    acknowledged: list[str] = field(default_factory=list)
    retried: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    def run(self) -> None:
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                # A fresh query each time, so the read reaches a web instance, not the microcache.
                self.reads[self.visitor.get(f"{self.url}/sosialisasi/?q=muat{n}").status] += 1
                self.update(f"muat-{n}")
        except Exception as exc:  # reported by the test
            self.errors.append(repr(exc))

    def update(self, note: str) -> None:
        data = {"status": TaskStatus.IN_PROGRESS, "progress": "50", "note": note}
        for _attempt in range(3):
            response = self.liaison.post(
                f"{self.url}/koordinasi/tugas/{self.task_id}/status/", data, origin=self.url
            )
            if response.status == 200:
                self.acknowledged.append(note)
                return
            # Sent to the instance that died: the person sends it again, as the page asks.
            assert response.status in (502, 503, 504), (response.status, response.text[:300])
            self.retried.add(note)
        self.errors.append(f"{note} never saved")


def test_batches_spread_over_two_workers_arrive_once_with_a_worker_and_a_web_instance_killed(
    deploy_tools, start_gunicorn, start_worker, real_broker, smtp_server, static_root,
    worker_env, bengkulu, settings, tmp_path,
):  # fmt: skip
    # Far above one send (milliseconds), far below production's 300 s: the killed worker's
    # unfinished sends come back within the test.
    settings.PILKADA_DELIVERY_STALE_SECONDS = 10
    settings.PILKADA_DELIVERY_REQUEUE_SECONDS = 5
    nginx = stack.Nginx(tmp_path / "nginx", upstreams=[], public_dir=static_root.parent)
    nginx.workdir.mkdir()
    a = start_gunicorn(CSRF_TRUSTED_ORIGINS=nginx.base_url)
    b = start_gunicorn(CSRF_TRUSTED_ORIGINS=nginx.base_url)
    nginx.upstreams = [a.port, b.port]
    nginx.start()
    first, second = start_worker(), start_worker()
    beat = BeatProcess(worker_env, tmp_path / "beat")
    beat.start()

    agency = factories.AgencyFactory(kind=AgencyKind.POLRI, region=bengkulu, name="Polda Uji")
    liaison = factories.liaison(agency, email="polda.muat@uji.test")
    web_password(liaison)
    task = factories.ReadinessTaskFactory(region=bengkulu, agency=agency)
    context = stack.client_context(nginx.cert)
    person = Client(context=context)
    person.log_in(nginx.base_url, liaison.email, factories.DEFAULT_PASSWORD, origin=nginx.base_url)
    load = WebLoad(nginx.base_url, person, Client(context=context), task.pk)

    batches = [build(region=bengkulu, broker=real_broker, size=150) for build in
               CROSS_WORKER_BATCHES.values()]  # fmt: skip
    total = sum(len(batch.recipients) for batch in batches)
    smtp_server.hold_after = total // 3
    loader = threading.Thread(target=load.run)
    loader.start()
    try:
        for batch in batches:
            batch.start()
        wait_until(lambda: smtp_server.held >= 4, 60, lambda: f"senders not held: {logs(first)}")
        # Mid-batch: every sender waits at RCPT (nothing accepted but unrecorded), the web load
        # is running. One worker and one whole web instance go, as a lost machine would.
        first.kill_main()
        a.kill()
        killed_at = time.monotonic()
        smtp_server.hold_after = None
        beat.wait_for("holds the lease")
        last_sweep = [0.0]

        def sweep():  # the every-5-minutes recovery job, on a test-sized clock
            if time.monotonic() - last_sweep[0] > 2:
                last_sweep[0] = time.monotonic()
                recovery.deliveries_recover()

        for batch in batches:
            wait_until(batch.done, 120, f"{batch.name} incomplete", sweep)
        # Past the visibility timeout: the killed worker's tasks, redelivered, must find "sent".
        time.sleep(max(0.0, killed_at + 11 - time.monotonic()))
    finally:
        load.stop.set()
        loader.join(timeout=60)
        beat.stop()
        nginx.stop()

    received = Counter(rcpt for rcpts, _m in smtp_server.snapshot() for rcpt in rcpts)
    for batch in batches:
        expected = Counter(batch.recipients)
        assert {email: received[email] for email in expected} == expected, batch.name
    handled = [log_count(worker) for worker in (first, second)]
    assert all(handled), f"one worker did nothing: {handled}"

    assert load.errors == []
    assert set(load.reads) == {200}, load.reads  # nginx sent every read to the living instance
    notes = Counter(TaskUpdate.objects.filter(task=task).values_list("note", flat=True))
    assert set(load.acknowledged) <= set(notes)
    doubled = {note for note, count in notes.items() if count > 1}
    assert doubled <= load.retried  # only a write whose answer was lost can have been doubled
    assert len(load.acknowledged) > 10 and sum(load.reads.values()) > 10
    assert "holds the lease" in beat.text() and "standing by" not in beat.text()


def wait_until(predicate, timeout: float, message, poll=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if poll:
            poll()
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(message() if callable(message) else message)


def log_count(worker) -> int:
    """Send tasks (send_deliveries, or send_delivery of one row) a worker (all its starts)
    took. Taken, not finished: a task carries a batch of rows, and the killed worker's tasks
    were all still sending when its main process died (its pool finishes them without the
    log line)."""
    text = "".join(log.read_text(errors="replace") for log in worker.log_dir.glob("worker-*.log"))
    return sum(
        1
        for line in text.splitlines()
        if ("coordination.send_deliveries[" in line or "coordination.send_delivery[" in line)
        and line.rstrip().endswith("received")
    )


def logs(worker) -> str:
    return worker.tail()
