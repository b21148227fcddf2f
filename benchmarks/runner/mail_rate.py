"""Mail throughput (issue 14): meeting invitations through the real outbox, Redis, `celery
worker` processes and an SMTP server on loopback, with 1 worker x 2 processes and with 2 x 2,
side by side in one run.

For each run: `deliveries` invitation rows (meetings of MEETING_SIZE invitees, as a province
rakor) are recorded in one transaction; after its commit the outbox enqueues them. Measured:
- deliveries per second, from the commit until the SMTP server has the last message;
- exactly once: each message carries its row's Message-ID (`<delivery-<id>@...>`), the server
  counts copies per row: every row must have one copy and be recorded ``sent``;
- CPU per message: the CPU time (user + system, /proc) of the worker processes (main and pool)
  during the run, divided by the messages; beside it the whole machine's busy CPU per message
  (PostgreSQL, Redis, this SMTP server and whatever else runs on the machine included);
- the load average before and after each run.
And in this process, without any network: the CPU to build one message with the content cache
cold (every message built from scratch, as before) and warm.

The SMTP server is a minimal asyncio one (`smtp_sink.py`), so that the server's own parsing does
not bound the figure.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from benchmarks.data.national.constants import UNUSABLE_PASSWORD
from benchmarks.runner.smtp_sink import HOST, SMTPServer

MEETING_SIZE = 200
WAIT_LIMIT_SECONDS = 600
BENCH_DOMAIN = "mailbench.test"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- worker processes ---------------------------------------------------------------------------


def _database_url() -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or HOST
    user = params["USER"] or "postgres"
    return f"postgres://{user}{password}@{host}:{params['PORT'] or 5432}/{params['NAME']}"


class Worker:
    def __init__(self, *, index: int, port: int, log_dir: Path, concurrency: int):
        self.log = log_dir / f"mail-worker-{index}.log"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(port),
            "SITE_URL": f"https://{BENCH_DOMAIN}",
            "DEBUG": "false",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        command = [
            sys.executable, "-m", "celery", "-A", "pilkada", "worker", "--pool=prefork",
            f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip",
            "--without-mingle", "--without-heartbeat", "-n", f"mailbench-{uuid.uuid4().hex[:8]}@%h",
        ]  # fmt: skip
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while " ready." not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start; see {self.log}")
            time.sleep(0.2)

    def pids(self) -> list[int]:
        """The main process and its pool."""
        children = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    children.append(int(entry))
        return [self.process.pid, *children]

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _machine_busy_seconds() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


# --- the rows -----------------------------------------------------------------------------------


def _bench_meetings(count: int):
    from coordination.enums import AgencyKind, MeetingKind, RegionLevel
    from coordination.models import Agency, Meeting, Person, Region

    region, _ = Region.objects.get_or_create(
        code="99",
        defaults={
            "name": "Provinsi Uji Surat",
            "level": RegionLevel.PROVINCE,
            "timezone": "Asia/Jakarta",
        },
    )
    organiser, _ = Agency.objects.get_or_create(
        name="KPU Provinsi Uji Surat", kind=AgencyKind.KPU, region=region
    )
    wanted = count * MEETING_SIZE
    have = Person.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").count()
    if have < wanted:
        Person.objects.bulk_create(
            [
                Person(
                    email=f"undangan{n:06d}@{BENCH_DOMAIN}",
                    full_name=f"Peserta Rapat {n:06d}",
                    password=UNUSABLE_PASSWORD,
                )
                for n in range(have, wanted)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
    people = list(Person.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").order_by("email"))
    start = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    meetings = []
    for n in range(count):
        meeting, _ = Meeting.objects.get_or_create(
            title=f"Rakor Kesiapan Logistik Uji Surat {n + 1:02d}",
            region=region,
            defaults={
                "kind": MeetingKind.RAKOR,
                "organiser": organiser,
                "starts_at": start + timedelta(hours=n),
                "ends_at": start + timedelta(hours=n + 2),
                "location": "Aula KPU Provinsi",
                "agenda": "1. Distribusi logistik\n2. Kesiapan gudang\n3. Lain-lain",
            },
        )
        if meeting.starts_at < timezone.now() + timedelta(hours=2):
            meeting.starts_at = start + timedelta(hours=n)
            meeting.ends_at = meeting.starts_at + timedelta(hours=2)
            meeting.save(update_fields=["starts_at", "ends_at"])
        meetings.append((meeting, people[n * MEETING_SIZE : (n + 1) * MEETING_SIZE]))
    return meetings


def _queue(meetings, key: str) -> list[int]:
    from coordination.models import Delivery
    from coordination.notifications import outbox

    Delivery.objects.filter(meeting__in=[meeting for meeting, _ in meetings]).delete()
    ids: list[int] = []
    with transaction.atomic():
        for meeting, people in meetings:
            ids += outbox.deliveries_create(
                meeting=meeting, people=people, kind="invitation", key=key
            )
    return ids


# --- the runs -----------------------------------------------------------------------------------


@dataclass
class RunResult:
    workers: int
    processes: int
    deliveries: int
    seconds: float
    received: int
    duplicates: int
    missing: int
    recorded_sent: int
    worker_cpu: float
    machine_cpu: float
    connections: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]

    @property
    def per_second(self) -> float:
        return self.received / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.worker_cpu / self.received if self.received else 0.0

    @property
    def cores_used(self) -> float:
        """How much CPU the workers got on average (1.0: one core all the time)."""
        return self.worker_cpu / self.seconds if self.seconds else 0.0

    @property
    def machine_ms(self) -> float:
        return 1000 * self.machine_cpu / self.received if self.received else 0.0


def run(*, workers: int, concurrency: int, deliveries: int, log) -> RunResult:
    import redis

    from coordination.models import Delivery
    from pilkada.celery import app

    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url or app.conf.broker_url != redis_url:
        raise RuntimeError("needs REDIS_URL as the Celery broker")
    client = redis.Redis.from_url(redis_url)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    for key in client.scan_iter(match="*breaker:*"):
        client.delete(key)
    meetings = _bench_meetings(max(1, deliveries // MEETING_SIZE))
    server = SMTPServer()
    server.start()
    log_dir = Path(settings.VAR_DIR) / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    started_workers = [
        Worker(index=n, port=server.port, log_dir=log_dir, concurrency=concurrency)
        for n in range(workers)
    ]
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        for worker in started_workers:
            worker.wait_ready()
        time.sleep(1)  # the pool processes finish importing
        pids = [pid for worker in started_workers for pid in worker.pids()]
        load_before = os.getloadavg()
        cpu_before, busy_before = _cpu_seconds(pids), _machine_busy_seconds()
        started = time.perf_counter()
        ids = _queue(meetings, key=f"bench-{uuid.uuid4().hex[:8]}")
        deadline = time.monotonic() + WAIT_LIMIT_SECONDS
        while server.inbox.count() < len(ids) and time.monotonic() < deadline:
            if any(worker.process.poll() is not None for worker in started_workers):
                raise RuntimeError(f"a worker exited; see {log_dir}")
            time.sleep(0.05)
        elapsed = (server.inbox.last_at or time.perf_counter()) - started
        cpu_after, busy_after = _cpu_seconds(pids), _machine_busy_seconds()
        load_after = os.getloadavg()
        time.sleep(2)  # late duplicates, if any, would arrive now
    finally:
        app.conf.task_always_eager = previous_eager
        for worker in started_workers:
            worker.stop()
        server.stop()
    inbox = server.inbox
    copies = {pk: inbox.copies.get(pk, 0) for pk in ids}
    result = RunResult(
        workers=workers,
        processes=concurrency,
        deliveries=len(ids),
        seconds=elapsed,
        received=inbox.messages,
        duplicates=sum(n - 1 for n in copies.values() if n > 1) + inbox.copies.get(0, 0),
        missing=sum(1 for n in copies.values() if n == 0),
        recorded_sent=Delivery.objects.filter(pk__in=ids, status="sent").count(),
        worker_cpu=cpu_after - cpu_before,
        machine_cpu=busy_after - busy_before,
        connections=inbox.connections,
        load_before=load_before,
        load_after=load_after,
    )
    log(
        f"{workers} worker(s) x {concurrency}: {result.received:,} messages in "
        f"{result.seconds:.1f} s = {result.per_second:.0f}/s; worker CPU "
        f"{result.cpu_ms:.2f} ms/message ({result.cores_used:.2f} cores used), machine "
        f"{result.machine_ms:.2f} ms/message; "
        f"{result.recorded_sent:,} recorded sent, duplicates {result.duplicates}, missing "
        f"{result.missing}; {result.connections} SMTP connections; load "
        f"{load_before[0]:.2f} -> {load_after[0]:.2f}"
    )
    return result


@dataclass
class BuildResult:
    scratch_ms: float
    cold_ms: float
    warm_ms: float
    messages: int


def measure_build(*, messages: int = 400) -> BuildResult:
    """CPU to build one invitation (the message and its SMTP bytes) in this process: from
    scratch (nothing cached, as every message was built before), with the content not cached
    (the zones' VTIMEZONE are), and with the content cached (every other recipient)."""
    from coordination import ics
    from coordination.models import Delivery
    from coordination.notifications.meeting_mail import CONTENT, meeting_message
    from coordination.notifications.meetings import RELATED

    ((meeting, people),) = _bench_meetings(1)
    key = f"build-{uuid.uuid4().hex[:8]}"
    Delivery.objects.bulk_create(
        [
            Delivery(
                meeting=meeting,
                person=person,
                kind="invitation",
                key=key,
                email=person.email,
                next_attempt_at=timezone.now(),
            )
            for person in people[:messages]
        ]
    )
    rows = list(Delivery.objects.select_related("person", *RELATED).filter(key=key).order_by("pk"))

    def build(delivery):
        message = meeting_message(delivery)
        return message.wire or message.message().as_bytes(linesep="\r\n")

    def per_message(sample, before=None) -> float:
        started = time.process_time()
        for delivery in sample:
            if before:
                before()
            build(delivery)
        return 1000 * (time.process_time() - started) / len(sample)

    def nothing_cached():
        CONTENT.clear()
        ics._timezone.cache_clear()

    with translation.override("id"):
        scratch = per_message(rows[:20], before=nothing_cached)
        build(rows[0])
        cold = per_message(rows[:40], before=CONTENT.clear)
        build(rows[0])
        warm = per_message(rows)
    Delivery.objects.filter(key=key).delete()
    return BuildResult(scratch_ms=scratch, cold_ms=cold, warm_ms=warm, messages=len(rows))
