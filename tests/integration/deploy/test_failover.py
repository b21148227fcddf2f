"""A database failover, simulated: PostgreSQL restarted under load. The test makes its own
cluster (initdb + pg_ctl on a free port; the machine's shared server is never touched), restores
a backup of the test data into it with deploy/backup.sh and deploy/restore.sh, and points
gunicorn and a Celery worker at it. While the database is
down, pages answer 503 cleanly; afterwards the processes reconnect by themselves and every
message goes out exactly once."""

import contextlib
import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from benchmarks.runner import stack
from coordination.enums import DeliveryKind
from coordination.models import Delivery, MeetingInvitee, Person
from coordination.notifications import sending
from coordination.services.meeting_records import meeting_document_add
from tests import factories
from tests.conftest import _unavailable
from tests.integration.deploy.client import Client
from tests.integration.deploy.conftest import WorkerProcess, web_password
from tests.integration.deploy.test_many_processes import PROXIED, origin, wait_until

RECIPIENTS = 60
PDF = b"%PDF-1.7\nnotulen rapat"


def _postgres_program(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


class Cluster:
    """A throwaway PostgreSQL cluster, run as the `postgres` user when the test runs as root."""

    def __init__(self):
        self.initdb, self.pg_ctl = _postgres_program("initdb"), _postgres_program("pg_ctl")
        if not self.initdb or not self.pg_ctl:
            _unavailable("needs the PostgreSQL server programs (apt-get install postgresql)")
        self.as_root = os.geteuid() == 0
        if self.as_root and not shutil.which("runuser"):
            _unavailable("needs runuser to run PostgreSQL as the postgres user")
        # Outside pytest's private temp folder, which the postgres user cannot enter.
        self.home = Path(tempfile.mkdtemp(prefix="pilkada-failover-"))
        self.data, self.log = self.home / "data", self.home / "postgres.log"
        self.port = stack.free_port()
        if self.as_root:
            shutil.chown(self.home, "postgres", "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/pilkada"

    def run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True)  # noqa: S603

    def create(self) -> None:
        self.run(
            self.initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self.run(self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.home, ignore_errors=True)

    def restore_backup(self, *, source_url: str, media: Path, restored_media: Path, folder: Path):
        """deploy/backup.sh of the test database and media, then deploy/restore.sh into a new
        database of this cluster: the restore an operator would run, tried on every CI run."""
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE pilkada")
        env = {**os.environ, "DATABASE_URL": source_url, "MEDIA_ROOT": str(media)}
        made = subprocess.run(  # noqa: S603
            [str(stack.DEPLOY_DIR / "backup.sh"), str(folder)],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        dump, archive = made.stdout.split()
        env = {**os.environ, "DATABASE_URL": self.url, "MEDIA_ROOT": str(restored_media)}
        subprocess.run(  # noqa: S603
            [str(stack.DEPLOY_DIR / "restore.sh"), dump, archive],
            env=env, check=True, capture_output=True,
        )  # fmt: skip

    def statuses(self) -> Counter:
        with psycopg.connect(self.url) as conn:
            rows = conn.execute("SELECT status, count(*) FROM coordination_delivery GROUP BY 1")
            return Counter(dict(rows.fetchall()))


@pytest.fixture
def cluster():
    own = Cluster()
    own.create()
    own.start()
    yield own
    own.destroy()


def test_database_restart_under_load_fails_cleanly_and_loses_or_doubles_nothing(
    cluster, worker_database_url, worker_env, real_broker, smtp_server, start_gunicorn,
    bengkulu, tmp_path,
):  # fmt: skip
    staff = factories.kpu_staff(bengkulu, email="kpu.pulih@uji.test", full_name="Dewi Pulih")
    web_password(staff)
    factories.outreach_event(title="Forum warga Desa Satu")
    Person.objects.bulk_create(
        Person(email=f"pulih{n:03d}@uji.test", full_name=f"Peserta {n}", password="!")
        for n in range(RECIPIENTS)
    )
    people = list(Person.objects.filter(email__startswith="pulih").order_by("email"))
    meeting = factories.MeetingFactory(region=bengkulu)
    document = meeting_document_add(
        actor=staff, meeting=meeting, upload=SimpleUploadedFile("notulen.pdf", PDF)
    )
    MeetingInvitee.objects.bulk_create(MeetingInvitee(meeting=meeting, person=p) for p in people)
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            meeting=meeting, person=p, kind=DeliveryKind.INVITATION, key="s0", email=p.email,
            next_attempt_at=now,
        )
        for p in people
    )  # fmt: skip
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    restored_media = tmp_path / "restored-media"
    cluster.restore_backup(
        source_url=worker_database_url, media=Path(settings.MEDIA_ROOT),
        restored_media=restored_media, folder=tmp_path / "backups",
    )  # fmt: skip

    moved = {"DATABASE_URL": cluster.url, "MEDIA_ROOT": str(restored_media)}
    env = {**worker_env, **moved}
    web = start_gunicorn(**moved)
    worker = WorkerProcess(env, tmp_path)
    worker.start()
    try:
        person = Client(headers=PROXIED)
        assert (
            person.log_in(
                web.base_url, staff.email, factories.DEFAULT_PASSWORD, origin=origin(web)
            ).status
            == 302
        )
        staff_page = f"{web.base_url}/koordinasi/"
        assert person.get(staff_page).status == 200
        # The restored database and media belong together: the document opens.
        download = person.get(
            f"{web.base_url}/koordinasi/rapat/{meeting.pk}/lampiran/{document.pk}/"
        )
        assert (download.status, download.body) == (200, PDF)
        visitor = Client(headers=PROXIED)
        health = f"{web.base_url}/healthz"
        assert visitor.get(health).status == 200

        # 1. The database goes while the worker is idle: what is enqueued now cannot even be
        # claimed (the task retries later); pages answer 503, without a traceback.
        cluster.stop()
        early, later = ids[:10], ids[10:]
        sending.deliveries_enqueue(delivery_ids=early)
        down = visitor.get(health)
        assert down.status == 503
        assert json.loads(down.body) == {
            "status": "error", "database": "error", "cache": "ok", "broker": "ok",
        }  # fmt: skip
        page = person.get(staff_page)
        assert page.status == 503 and page.header("Retry-After") == "30"
        assert "Layanan sedang tidak tersedia" in page.text and "Traceback" not in page.text
        public = visitor.get(f"{web.base_url}/sosialisasi/")
        assert public.status in (200, 503) and "Traceback" not in public.text
        wait_until(lambda: "database unreachable (" in worker.tail(200), 30, worker.tail)
        cluster.start()

        # 2. Under load: both senders are inside an SMTP transaction (their rows claimed) when
        # the database goes again; the server accepts, the "sent" marks wait for the database.
        smtp_server.hold_after = 15
        sending.deliveries_enqueue(delivery_ids=later)
        wait_until(lambda: smtp_server.held >= 2, 60, lambda: f"not held:\n{worker.tail()}")
        cluster.stop()
        smtp_server.hold_after = None
        assert visitor.get(health).status == 503
        time.sleep(2)
        cluster.start()
        wait_until(
            lambda: cluster.statuses() == Counter({"sent": RECIPIENTS}), 90,
            lambda: f"after the restart: {cluster.statuses()}\n{worker.tail(80)}",
        )  # fmt: skip
        assert visitor.get(health).status == 200
        back = person.get(staff_page)
        assert back.status == 200 and 'class="user-link">Dewi' in back.text
        time.sleep(1)  # a doubled message would arrive now
    finally:
        worker.stop()

    received = Counter(rcpt for rcpts, _m in smtp_server.snapshot() for rcpt in rcpts)
    assert received == Counter({p.email: 1 for p in people})
    log = worker.tail(1000)
    # Both paths ran: a claim was retried later, an accepted message waited for its "sent" mark.
    assert "accepted; database unreachable, retrying" in log
    assert "database unreachable (" in log
