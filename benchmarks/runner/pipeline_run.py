"""Drive reminder deliveries through the real pipeline: Redis broker, a `celery worker` process,
and an SMTP server on loopback (aiosmtpd). Bounded: at most `deliveries` messages, and the wait
for them ends after a fixed timeout.
"""

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from benchmarks.runner.pipeline import PipelineResult

HOST = "127.0.0.1"
WAIT_LIMIT_SECONDS = 900
MEETING_NUMBER = re.compile(r"#(\d+)\b")


class _Inbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.copies: Counter[tuple[str, str]] = Counter()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.copies[(recipient, str(message["Subject"]))] += 1
                self.count += 1
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or HOST
    user = params["USER"] or "postgres"
    return f"postgres://{user}{password}@{host}:{params['PORT'] or 5432}/{params['NAME']}"


def _queue_deliveries(deliveries: int) -> tuple[list[int], set[tuple[str, int]]]:
    """One reminder per invitee of upcoming meetings, until `deliveries` rows are queued."""
    from coordination.enums import MeetingStatus
    from coordination.models import Delivery, Meeting, MeetingInvitee, Person
    from coordination.notifications import outbox, reminders

    # Meetings that start well after the run, so every reminder is still due to go out.
    meetings = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now() + timedelta(hours=2)
    ).order_by("starts_at", "id")
    chosen: list[tuple[Meeting, list[Person]]] = []
    total = 0
    for meeting in meetings.iterator(chunk_size=500):
        people = [
            invitee.person
            for invitee in MeetingInvitee.objects.filter(meeting=meeting).select_related("person")
        ][: deliveries - total]
        if people:
            chosen.append((meeting, people))
            total += len(people)
        if total >= deliveries:
            break
    Delivery.objects.filter(meeting__in=[meeting for meeting, _ in chosen]).delete()
    ids: list[int] = []
    with transaction.atomic():
        for meeting, people in chosen:
            ids += outbox.deliveries_create(
                people=people,
                kind="reminder",
                key=reminders.reminder_key(60, meeting.starts_at),
                meeting=meeting,
            )
    # Benchmark meeting titles end in "#<id>", which the reminder subject carries.
    return ids, {(person.email, meeting.pk) for meeting, people in chosen for person in people}


def run_pipeline(*, deliveries: int, log) -> PipelineResult:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection
    import redis

    from coordination.models import Delivery
    from pilkada.celery import app

    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url or app.conf.broker_url != redis_url:
        return PipelineResult(available=False, reason="needs REDIS_URL as the Celery broker")
    redis.Redis.from_url(redis_url).delete("celery", "unacked", "unacked_index", "unacked_mutex")
    inbox = _Inbox()
    smtp = Controller(inbox, hostname=HOST, port=_free_port())
    smtp.start()
    log_path = Path(settings.VAR_DIR) / "bench" / "worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(smtp.port),
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    command = [
        sys.executable, "-m", "celery", "-A", "pilkada", "worker", "--pool=prefork",
        f"--concurrency={os.cpu_count() or 2}", "--loglevel=INFO", "--without-gossip",
        "--without-mingle", "--without-heartbeat", "-n", f"bench-{uuid.uuid4().hex[:8]}@%h",
    ]  # fmt: skip
    with log_path.open("wb") as out:
        worker = subprocess.Popen(  # noqa: S603 - fixed arguments
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    # The clock starts when the worker is ready, not while it boots.
    ready_by = time.monotonic() + 60
    while " ready." not in log_path.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > ready_by:
            os.killpg(worker.pid, signal.SIGKILL)
            smtp.stop()
            raise RuntimeError(f"the worker did not start; see {log_path}")
        time.sleep(0.2)
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        started = time.perf_counter()
        ids, expected = _queue_deliveries(deliveries)
        log(f"queued {len(ids):,} deliveries")
        deadline = time.monotonic() + WAIT_LIMIT_SECONDS
        while inbox.count < len(ids) and time.monotonic() < deadline:
            if worker.poll() is not None:
                raise RuntimeError(f"the worker exited; see {log_path}")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        time.sleep(2)  # late duplicates, if any, would arrive now
    finally:
        app.conf.task_always_eager = previous_eager
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        smtp.stop()
    copies_of: Counter[tuple[str, int]] = Counter()
    for (recipient, subject), copies in inbox.copies.items():
        if match := MEETING_NUMBER.search(subject):
            copies_of[(recipient, int(match.group(1)))] += copies
    duplicates = sum(copies - 1 for copies in copies_of.values())
    missing = len(expected - set(copies_of))
    sent = Delivery.objects.filter(pk__in=ids, status="sent").count()
    log(
        f"{inbox.count:,} messages in {elapsed:.1f} s; {sent:,} recorded as sent; "
        f"duplicates {duplicates}, missing {missing}"
    )
    return PipelineResult(
        available=True,
        deliveries=inbox.count,
        seconds=elapsed,
        duplicates=duplicates,
        missing=missing,
    )
