"""The generator: the steps in order, reset, regions, outreach, statistics; the entry points."""

import hashlib
import random
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from benchmarks.data.national.constants import (
    BENCH_EMAIL_DOMAIN,
    DEFAULT_SEED,
    OWNED_MODELS,
    GenerationResult,
    Targets,
)
from benchmarks.data.national.meetings import MeetingSteps
from benchmarks.data.national.people import PeopleSteps
from benchmarks.data.national.regions import Regions
from benchmarks.data.national.tasks import TaskSteps
from coordination.models import Person
from coordination.services.regions import regions_load


def outreach_event_model():
    """The outreach event model once the outreach app has it, else None."""
    try:
        return apps.get_model("outreach", "OutreachEvent")
    except LookupError:
        return None


def foreign_rows_exist() -> bool:
    """True when the database holds accounts the generator did not make (never wipe those)."""
    return Person.objects.exclude(email__endswith="@" + BENCH_EMAIL_DOMAIN).exists()


class Generator(PeopleSteps, MeetingSteps, TaskSteps):
    def __init__(self, *, scale: float, seed: int, anchor: date, province_code: str | None):
        self.scale = scale
        self.seed = seed
        self.anchor = anchor
        self.province_code = province_code
        self.targets = Targets.for_scale(scale)
        self.voting_day = anchor + timedelta(days=60)
        self.result = GenerationResult()
        # Filled as the steps run.
        self.regions: Regions
        self.agencies_of: dict[str, list[int]] = {}  # region code -> agency ids (KPU first)
        self.agency_region: dict[int, str] = {}
        self.liaison_of: dict[int, int] = {}  # agency id -> the person who updates its tasks
        self.staff_of: dict[str, int] = {}  # region code -> a KPU staff person
        self.stage_ids: list[tuple[int, date, date]] = []
        self.election_id: int
        self.meetings_of: dict[str, list[int]] = defaultdict(list)

    def rng(self, step: str) -> random.Random:
        return random.Random(f"{self.seed}:{step}")

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)

    def run(self, log: Callable[[str], None]) -> GenerationResult:
        steps = [
            ("reset", self.reset),
            ("regions", self.load_regions),
            ("agencies_people", self.make_agencies_and_people),
            ("election", self.make_election),
            ("meetings", self.make_meetings),
            ("tasks", self.make_tasks),
            ("task_updates", self.make_task_updates),
            ("outreach_events", self.make_outreach_events),
            ("analyze", self.analyze),
        ]
        for name, step in steps:
            started = time.perf_counter()
            if name == "analyze":
                step()  # VACUUM cannot run inside a transaction
            else:
                with transaction.atomic():
                    step()
            self.result.seconds[name] = time.perf_counter() - started
            log(f"{name}: {self.result.seconds[name]:.1f} s")
        return self.result

    # --- steps -----------------------------------------------------------------------------

    def reset(self) -> None:
        models = list(OWNED_MODELS)
        event_model = outreach_event_model()
        if event_model is not None:
            models.append(event_model)
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            # Deferred foreign-key checks still pending in this transaction would block TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")

    def load_regions(self) -> None:
        started = time.perf_counter()
        loaded = regions_load(province_code=self.province_code)
        self.result.region_load_seconds = time.perf_counter() - started
        self.result.counts["regions"] = loaded.total
        self.regions = Regions(self.province_code)

    def make_outreach_events(self) -> None:
        if outreach_event_model() is None:
            self.result.counts["outreach_events"] = 0
            return
        from benchmarks.data.outreach import make_outreach_events

        self.result.counts.update(make_outreach_events(self))

    def analyze(self) -> None:
        """Statistics and the visibility map, as autovacuum leaves a long-running database:
        without the map, no index-only scan is possible right after a bulk load."""
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                cursor.execute("ANALYZE")  # inside a test transaction
            else:
                cursor.execute("VACUUM ANALYZE")


def bench_data_generate(
    *,
    scale: float,
    seed: int = DEFAULT_SEED,
    anchor: date | None = None,
    province_code: str | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> GenerationResult:
    """Replace the benchmark data in the current (PostgreSQL) database; see the module docstring."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark dataset needs PostgreSQL (set DATABASE_URL).")
    generator = Generator(
        scale=scale,
        seed=seed,
        anchor=anchor or timezone.localdate(),
        province_code=province_code,
    )
    return generator.run(log)


FINGERPRINT_QUERIES = {
    "agencies": "SELECT id, name, kind, region_id FROM coordination_agency",
    "people": "SELECT id, email, full_name FROM coordination_person",
    "meetings": "SELECT * FROM coordination_meeting",
    "meeting_invitees": "SELECT * FROM coordination_meetinginvitee",
    "tasks": "SELECT * FROM coordination_readinesstask",
    "task_updates": "SELECT * FROM coordination_taskupdate",
}


def dataset_fingerprint() -> dict[str, str]:
    """A digest of each generated table, to show that two runs wrote the same rows."""
    digests = {}
    with connection.cursor() as cursor:
        for name, query in FINGERPRINT_QUERIES.items():
            cursor.execute(
                f"SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM ({query}) t"  # noqa: S608
            )
            digests[name] = cursor.fetchone()[0] or hashlib.md5(b"").hexdigest()  # noqa: S324
    return digests
