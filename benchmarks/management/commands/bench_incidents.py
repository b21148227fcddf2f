"""The incident desk at voting-day scale (docs/benchmarks.md, "Incident desk"): the situation room
in process (median, queries) on the benchmark dataset's historical incidents; report POSTs at a
fixed rate against gunicorn while the situation room is read; escalation of many incidents that
cross their deadline in the same minute."""

import json
import os
import statistics
import threading
import time
import uuid
from datetime import timedelta
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.runner import report
from benchmarks.runner.stack import Gunicorn, collect_static, production_env
from coordination.enums import AgencyKind, Role
from coordination.models import Agency, Delivery, Membership, Person, Region
from insiden.models import Incident
from insiden.notifications.escalation import KIND, escalations_run
from insiden.services.counters import counters_rebuild
from insiden.services.incidents import incident_create

BENCH_DIR = Path(settings.VAR_DIR) / "bench"
DOMAIN = "bench.invalid"


def _person(email: str, **fields) -> Person:
    person, _ = Person.objects.get_or_create(
        email=email, defaults={"full_name": email, "password": "!bench", **fields}
    )
    return person


def _member(person: Person, agency: Agency, role: str) -> None:
    # One agency per bench person: a dataset regenerated since the last run may have another
    # busiest regency, and an old membership would widen the person's view.
    Membership.objects.filter(person=person).exclude(agency=agency).delete()
    Membership.objects.get_or_create(person=person, agency=agency, defaults={"role": role})


class Command(BaseCommand):
    help = "Measure the incident desk on the benchmark dataset (see bench_data)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--rate", type=int, default=200, help="report POSTs per second")
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument("--escalations", type=int, default=10_000)
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument(
            "--settle",
            type=int,
            default=5,
            help="the server's PILKADA_SITUATION_SETTLE_SECONDS during the report load",
        )

    def handle(
        self, *args, runs, rate, seconds, workers, escalations, skip_load, settle, **options
    ):
        if settings.PRODUCTION or settings.DEBUG:
            raise CommandError("Run with DEBUG=false, never in production.")
        if connection.vendor != "postgresql":
            raise CommandError("bench_incidents needs the PostgreSQL benchmark database.")
        log = self.stdout.write
        # The in-process client's host, beside what production settings allow.
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        result = {
            "load_average_start": report._load_average(),
            "incidents": Incident.objects.count(),
        }
        people = self._people()
        log(f"{result['incidents']:,} incidents; load average {result['load_average_start']}")
        # The load average beside every phase: the machine is shared.
        phases = [("situation", lambda: self._situation(people, runs, log))]
        if not skip_load:
            phases.append(("load", lambda: self._load(people, rate, seconds, workers, settle, log)))
        phases.append(("escalation", lambda: self._escalation(escalations, log)))
        for name, run in phases:
            start = report._load_average()
            result[name] = run()
            result[name]["load_average"] = {"start": start, "end": report._load_average()}
            log(f"  {name}: load average {start} -> {result[name]['load_average']['end']}")
        result["load_average_end"] = report._load_average()
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        (BENCH_DIR / "incidents.json").write_text(json.dumps(result, indent=2, default=str))
        log(json.dumps(result, indent=2, default=str))

    # --- who reads and writes ---------------------------------------------------------------

    def _people(self) -> dict:
        busiest = (
            Incident.objects.values("regency_id")
            .order_by()
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        regency = busiest["regency_id"] if busiest else "17.02"
        province = regency[:2]
        kpu_regency = Agency.objects.filter(region_id=regency, kind=AgencyKind.KPU).first()
        kpu_province = Agency.objects.filter(region_id=province, kind=AgencyKind.KPU).first()
        police = Agency.objects.filter(region_id=regency, kind=AgencyKind.POLRI).first()
        people = {
            "national": _person(f"insiden.nasional@{DOMAIN}", is_superuser=True, is_staff=True),
            "province_staff": _person(f"insiden.prov@{DOMAIN}"),
            "regency_staff": _person(f"insiden.kab@{DOMAIN}"),
            "police_liaison": _person(f"insiden.polres@{DOMAIN}"),
        }
        _member(people["province_staff"], kpu_province, Role.KPU_STAFF)
        _member(people["regency_staff"], kpu_regency, Role.KPU_STAFF)
        _member(people["police_liaison"], police, Role.LIAISON)
        people["regency"], people["province"] = regency, province
        return people

    # --- the situation room in process ------------------------------------------------------

    def _situation(self, people, runs, log) -> dict:
        pages = [
            ("national (superuser)", "national", "/situasi/"),
            ("province KPU staff", "province_staff", "/situasi/"),
            ("regency KPU staff", "regency_staff", "/situasi/"),
            ("Polres liaison", "police_liaison", "/situasi/"),
            ("province staff, one district", "province_staff",
             f"/situasi/?wilayah={people['regency']}.01"),
            ("wall view of the province", "province_staff",
             f"/situasi/provinsi/{people['province']}/"),
            ("incident list, regency staff", "regency_staff", "/insiden/"),
            # The reference: middleware and session only (docs/benchmarks.md, "trivial view").
            ("trivial view (/robots.txt)", "regency_staff", "/robots.txt"),
        ]  # fmt: skip
        # Every request computes the page: no settle interval (the HTTP phase has the default).
        settings.PILKADA_SITUATION_SETTLE_SECONDS = 0
        results = {}
        for label, who, path in pages:
            client = Client(HTTP_X_FORWARDED_PROTO="https")
            client.force_login(people[who])
            samples, queries = [], 0
            for run in range(runs + 2):
                # A new version each time: every request computes the page (no 304).
                from insiden.version import _bump

                _bump()
                reset_queries()  # a full query log (9,000) would capture nothing
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    response = client.get(path)
                    elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, (path, response.status_code)
                if run >= 2:
                    samples.append(elapsed)
                queries = len(ctx.captured_queries)
            etag = response.get("ETag")
            not_modified = []
            for _run in range(runs if etag else 0):
                start = time.perf_counter()
                response = client.get(path, HTTP_IF_NONE_MATCH=etag)
                not_modified.append((time.perf_counter() - start) * 1000)
            results[label] = {
                "median_ms": round(statistics.median(samples), 1),
                "p95_ms": round(sorted(samples)[int(len(samples) * 0.95) - 1], 1),
                "queries": queries,
                "not_modified_median_ms": round(statistics.median(not_modified), 1)
                if not_modified
                else None,
                "not_modified_status": response.status_code,
            }
            log(f"  {label}: {results[label]}")
        return results

    # --- report POSTs against gunicorn while the situation room is read ---------------------

    def _load(self, people, rate, seconds, workers, settle, log) -> dict:
        from django.contrib.sessions.backends.db import SessionStore

        def session_for(person) -> str:
            store = SessionStore()
            store["_auth_user_id"] = str(person.pk)
            store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
            store["_auth_user_hash"] = person.get_session_auth_hash()
            store.create()
            return store.session_key

        static_root = BENCH_DIR / "static"
        env = production_env(
            {
                "DATABASE_CONN_MAX_AGE": "60",
                "STATIC_ROOT": str(static_root),
                "PILKADA_SITUATION_SETTLE_SECONDS": str(settle),
            }
        )
        # The sessions are signed here for the server: with its key (the session data and the
        # password hash in it are both keyed), and its pages need the collected static manifest.
        settings.SECRET_KEY = env["SECRET_KEY"]
        collect_static(env, static_root)
        reporter, reader = people["police_liaison"], people["regency_staff"]
        cookies = {"reporter": session_for(reporter), "reader": session_for(reader)}
        village = (
            Region.objects.filter(code__startswith=people["regency"] + ".", level=4)
            .order_by("code")
            .first()
        )
        server = Gunicorn(env, BENCH_DIR / "gunicorn-incidents.log", workers=workers)
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        server.start()
        host, port = "127.0.0.1", server.port
        token = "benchcsrf" + uuid.uuid4().hex[:23]
        headers_base = {
            "X-Forwarded-Proto": "https",
            "Host": f"{host}:{port}",
        }

        def request(conn, method, path, cookie, body=None, extra=None):
            headers = {**headers_base, "Cookie": cookie, **(extra or {})}
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status, (time.perf_counter() - start) * 1000

        def reads(stop, samples):
            conn = HTTPConnection(host, port, timeout=30)
            cookie = f"sessionid={cookies['reader']}"
            while not stop.is_set():
                try:
                    status, ms = request(conn, "GET", "/situasi/", cookie)
                except OSError:
                    conn = HTTPConnection(host, port, timeout=30)
                    continue
                if status == 200:
                    samples.append(ms)

        def baseline_reads(count):
            samples = []
            stop = threading.Event()
            thread = threading.Thread(target=reads, args=(stop, samples))
            thread.start()
            time.sleep(count)
            stop.set()
            thread.join()
            return samples

        try:
            idle = baseline_reads(10)
            log(f"  situation room over HTTP, no writes: median {statistics.median(idle):.1f} ms")
            posts, errors = [], []
            lock = threading.Lock()
            total = rate * seconds
            senders = max(4, min(64, rate // 5))
            per_sender = total // senders
            stop_reads = threading.Event()
            loaded: list[float] = []
            reader = threading.Thread(target=reads, args=(stop_reads, loaded))
            reader.start()
            started = time.perf_counter()
            deadline = started + seconds
            unsent: list[int] = []

            def send(index):
                conn = HTTPConnection(host, port, timeout=30)
                cookie = f"sessionid={cookies['reporter']}; csrftoken={token}"
                for n in range(per_sender):
                    due = started + (n * senders + index) / rate
                    if time.perf_counter() > deadline:
                        # Bounded: a server slower than the rate gets the run's length, not a
                        # backlog (what was not sent is reported as the shortfall).
                        with lock:
                            unsent.append(per_sender - n)
                        break
                    wait = due - time.perf_counter()
                    if wait > 0:
                        time.sleep(wait)
                    body = urlencode({
                        "csrfmiddlewaretoken": token, "key": uuid.uuid4().hex,
                        "category": "keamanan", "severity": "3",
                        "title": f"Beban {index}-{n}", "wilayah_kab": people["regency"],
                        "wilayah_kec": village.parent_id, "wilayah_desa": village.code,
                        "tps_number": str(1 + n % 9),
                        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                        "visibility": "terbatas",
                    })  # fmt: skip
                    try:
                        status, ms = request(
                            conn, "POST", "/insiden/lapor/", cookie, body,
                            {"Content-Type": "application/x-www-form-urlencoded",
                             "Origin": f"https://{host}:{port}",
                             "Referer": f"https://{host}:{port}/insiden/lapor/"},
                        )  # fmt: skip
                    except OSError as exc:
                        conn = HTTPConnection(host, port, timeout=30)
                        with lock:
                            errors.append(str(exc))
                        continue
                    with lock:
                        (posts if status == 302 else errors).append(ms if status == 302 else status)

            threads = [threading.Thread(target=send, args=(i,)) for i in range(senders)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            stop_reads.set()
            reader.join()
        finally:
            server.stop()
        posts.sort()
        result = {
            "rate_asked": rate,
            "seconds": seconds,
            "gunicorn_workers": workers,
            "posts_ok": len(posts),
            "achieved_per_second": round(len(posts) / elapsed, 1),
            "post_p50_ms": round(posts[len(posts) // 2], 1) if posts else None,
            "post_p95_ms": round(posts[int(len(posts) * 0.95) - 1], 1) if posts else None,
            "posts_not_sent_in_time": sum(unsent),
            "errors": len(errors),
            "error_sample": errors[:5],
            "situation_idle_median_ms": round(statistics.median(idle), 1),
            "situation_loaded_median_ms": round(statistics.median(loaded), 1) if loaded else None,
            "situation_loaded_reads": len(loaded),
            "situation_settle_seconds": settle,
        }
        log(f"  load: {result}")
        return result

    # --- escalation of many incidents crossing the deadline in one minute ------------------

    def _escalation(self, count, log) -> dict:
        regency = Region.objects.filter(level=2).order_by("code").first()
        village = Region.objects.filter(code__startswith=regency.code + ".", level=4).first()
        staff = _person(f"insiden.eskalasi@{DOMAIN}")
        _member(staff, Agency.objects.get(region=regency, kind=AgencyKind.KPU), Role.KPU_STAFF)
        now = timezone.now()
        reported = now - timedelta(minutes=16)
        template = incident_create(
            actor=None, title="Eskalasi", category="logistik", severity=4,
            occurred_at=reported, region=village, now=reported,
        )  # fmt: skip
        rows = []
        for n in range(count - 1):
            due = reported + timedelta(minutes=15, seconds=n * 60 / count)
            rows.append(
                Incident(
                    title=f"Eskalasi {n}",
                    category="logistik",
                    severity=4,
                    occurred_at=reported,
                    region=village,
                    regency=regency,
                    agency=template.agency,
                    ack_started_at=reported,
                    ack_due_at=due,
                    next_escalation_at=due,
                )  # fmt: skip
            )
        with transaction.atomic():
            Incident.objects.bulk_create(rows, batch_size=2000)
            counters_rebuild()
        # As the outbox would send them: here only their recording and enqueueing is timed.
        os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")
        from pilkada.celery import app

        app.conf.task_always_eager = False
        started = time.perf_counter()
        first = escalations_run(now=timezone.now(), budget=110)
        first_seconds = time.perf_counter() - started
        second = escalations_run(now=timezone.now(), budget=110)
        keys = Delivery.objects.filter(kind=KIND, key__endswith=".l1")
        doubled = (
            keys.values("person_id", "key")
            .order_by()
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        result = {
            "incidents": count,
            "escalated_first_run": first,
            "seconds": round(first_seconds, 1),
            "second_run": second,
            "l1_rows": keys.count(),
            "doubled": doubled,
        }
        log(f"  escalation: {result}")
        return result
