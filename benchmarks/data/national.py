"""A deterministic national dataset for benchmarks (DESIGN.md section 3, readiness, outreach).

At scale 1.0: every official region, about 2,800 agencies (KPU, Bawaslu, Polri, TNI and Pemda in
every province and kabupaten/kota), 20,000 meetings with their invitations, 500,000 readiness tasks
with 2,000,000 status updates and, once the outreach models exist, 300,000 outreach events.

The same seed, scale, region selection and anchor date always give the same rows with the same ids:
the tables are truncated with their sequences restarted, every random choice comes from a
`random.Random` seeded per step, and the large tables are written through COPY with ids the
generator assigns. Dates are relative to the anchor (by default today), so "upcoming" pages show
realistic data whatever the day of the run.
"""

import hashlib
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.apps import apps
from django.db import connection, transaction

from benchmarks.data.copy import bulk_load, copy_model, reset_sequence
from coordination.enums import (
    RSVP,
    AgencyKind,
    MeetingKind,
    MeetingStatus,
    RegionLevel,
    Role,
    TaskCategory,
    TaskPriority,
    TaskStatus,
)
from coordination.models import (
    Agency,
    Election,
    ElectionStage,
    Meeting,
    MeetingInvitee,
    Membership,
    Person,
    ReadinessTask,
    Region,
    TaskUpdate,
)
from coordination.services.regions import regions_load

BENCH_EMAIL_DOMAIN = "bench.invalid"
# An unusable password hash (Django treats a leading "!" as "no password"); benchmarks log in with
# force_login, and nobody can sign in to a benchmark account.
UNUSABLE_PASSWORD = "!bench-no-password"  # noqa: S105 - not a secret, an unusable marker
DEFAULT_SEED = 20241127

FULL_MEETINGS = 20_000
FULL_TASKS = 500_000
UPDATES_PER_TASK = 4
FULL_EVENTS = 300_000

# Tables the generator owns; TRUNCATE ... CASCADE also empties whatever references them
# (delivery records, sessions of benchmark accounts, and so on).
OWNED_MODELS = [TaskUpdate, ReadinessTask, MeetingInvitee, Meeting, Membership, Agency, Person]
OWNED_MODELS += [ElectionStage, Election]

# Pilkada 2024 stages as offsets in days from voting day (DESIGN.md section 2).
STAGES = [
    ("Pembentukan badan ad hoc", -224, -22),
    ("Pemutakhiran data pemilih", -180, -65),
    ("Pendaftaran pasangan calon", -90, -88),
    ("Penetapan pasangan calon", -66, -66),
    ("Kampanye", -63, -4),
    ("Masa tenang", -3, -1),
    ("Pemungutan dan penghitungan suara", 0, 0),
    ("Rekapitulasi hasil", 0, 19),
]

# Per region level: (kind, name pattern, short name pattern). TNI and Polri have their own names.
PROVINCE_AGENCIES = [
    (AgencyKind.KPU, "KPU Provinsi {name}", "KPU {short}"),
    (AgencyKind.BAWASLU, "Bawaslu Provinsi {name}", "Bawaslu {short}"),
    (AgencyKind.POLRI, "Kepolisian Daerah {name}", "Polda {short}"),
    (AgencyKind.TNI, "Komando Resor Militer {code}", "Korem {code}"),
    (AgencyKind.PEMDA, "Pemerintah Provinsi {name}", "Pemprov {short}"),
]
REGENCY_AGENCIES = [
    (AgencyKind.KPU, "KPU {name}", "KPU {short}"),
    (AgencyKind.BAWASLU, "Bawaslu {name}", "Bawaslu {short}"),
    (AgencyKind.POLRI, "Kepolisian Resor {short}", "Polres {short}"),
    (AgencyKind.TNI, "Komando Distrik Militer {code}", "Kodim {code}"),
    (AgencyKind.PEMDA, "Pemerintah {name}", "Pemda {short}"),
]

TASK_TITLES = {
    TaskCategory.LOGISTICS: ["Distribusi kotak suara", "Pengepakan surat suara", "Gudang logistik"],
    TaskCategory.SECURITY: ["Pengamanan TPS rawan", "Patroli masa tenang", "Pengawalan logistik"],
    TaskCategory.STAFFING: ["Bimtek KPPS", "Rekrutmen PPS", "Pelantikan PPK"],
    TaskCategory.OUTREACH: ["Sosialisasi pemilih pemula", "Siaran radio", "Forum warga"],
    TaskCategory.VOTER_LIST: ["Coklit data pemilih", "Rekap DPS", "Penetapan DPT"],
    TaskCategory.IT: ["Uji coba Sirekap", "Jaringan internet PPK", "Pelatihan operator"],
    TaskCategory.BUDGET: ["Pencairan dana hibah", "Laporan penggunaan anggaran", "Revisi RAB"],
    TaskCategory.OVERSIGHT: ["Pemetaan kerawanan", "Pengawasan coklit", "Patroli pengawasan"],
}
# Final status of a task, weighted the way a campaign two months before voting day looks.
FINAL_STATUSES = [
    (TaskStatus.NOT_STARTED, 20),
    (TaskStatus.IN_PROGRESS, 35),
    (TaskStatus.AT_RISK, 8),
    (TaskStatus.BLOCKED, 4),
    (TaskStatus.DONE, 33),
]
NOTES = [
    "Sesuai rencana.",
    "Menunggu konfirmasi dari dinas terkait.",
    "Sebagian wilayah terkendala akses jalan.",
    "Dokumen pendukung sudah diunggah.",
    "Dibahas dalam rakor terakhir.",
    "",
]


@dataclass(frozen=True)
class Targets:
    meetings: int
    tasks: int
    updates: int
    events: int

    @classmethod
    def for_scale(cls, scale: float) -> "Targets":
        tasks = max(2, round(FULL_TASKS * scale))
        tasks += tasks % 2  # pairs of tasks share UPDATES_PER_TASK * 2 updates exactly
        return cls(
            meetings=max(1, round(FULL_MEETINGS * scale)),
            tasks=tasks,
            updates=tasks * UPDATES_PER_TASK,
            events=max(1, round(FULL_EVENTS * scale)),
        )


@dataclass
class GenerationResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    region_load_seconds: float = 0.0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def outreach_event_model():
    """The outreach event model once the outreach app has it, else None."""
    try:
        return apps.get_model("outreach", "OutreachEvent")
    except LookupError:
        return None


def foreign_rows_exist() -> bool:
    """True when the database holds accounts the generator did not make (never wipe those)."""
    return Person.objects.exclude(email__endswith="@" + BENCH_EMAIL_DOMAIN).exists()


class _Regions:
    """The loaded hierarchy, grouped the way the generator picks places."""

    def __init__(self, province_code: str | None):
        rows = Region.objects.order_by("code").values_list("code", "name", "level", "timezone")
        if province_code:
            rows = rows.filter(code__startswith=province_code)
        self.name: dict[str, str] = {}
        self.tz: dict[str, str] = {}
        self.provinces: list[str] = []
        self.regencies: list[str] = []
        self.districts_of: dict[str, list[str]] = defaultdict(list)
        self.villages_of: dict[str, list[str]] = defaultdict(list)
        for code, name, level, tz in rows.iterator(chunk_size=20_000):
            self.name[code] = name
            self.tz[code] = tz
            if level == RegionLevel.PROVINCE:
                self.provinces.append(code)
            elif level == RegionLevel.REGENCY:
                self.regencies.append(code)
            elif level == RegionLevel.DISTRICT:
                self.districts_of[code[:5]].append(code)
            else:
                self.villages_of[code[:8]].append(code)


def _short(name: str) -> str:
    for prefix in ("Kabupaten ", "Kota ", "Kab. "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


class Generator:
    def __init__(self, *, scale: float, seed: int, anchor: date, province_code: str | None):
        self.scale = scale
        self.seed = seed
        self.anchor = anchor
        self.province_code = province_code
        self.targets = Targets.for_scale(scale)
        self.voting_day = anchor + timedelta(days=60)
        self.result = GenerationResult()
        # Filled as the steps run.
        self.regions: _Regions
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
        self.regions = _Regions(self.province_code)

    def make_agencies_and_people(self) -> None:
        regions = self.regions
        agencies: list[Agency] = []
        for code in regions.provinces + regions.regencies:
            patterns = PROVINCE_AGENCIES if len(code) == 2 else REGENCY_AGENCIES
            name = regions.name[code]
            for kind, long_name, short_name in patterns:
                values = {"name": name, "short": _short(name), "code": code.replace(".", "")}
                agencies.append(
                    Agency(
                        name=long_name.format(**values)[:200],
                        short_name=short_name.format(**values)[:60],
                        kind=kind,
                        region_id=code,
                        email=f"{kind}.{code.replace('.', '')}@{BENCH_EMAIL_DOMAIN}",
                    )
                )
        Agency.objects.bulk_create(agencies, batch_size=2000)
        joined = datetime(self.anchor.year, 1, 2, tzinfo=UTC)
        people: list[Person] = []
        roles: list[tuple[int, str]] = []
        for agency in agencies:
            self.agencies_of.setdefault(agency.region_id, []).append(agency.pk)
            self.agency_region[agency.pk] = agency.region_id
            count = 2 if agency.kind == AgencyKind.KPU else 1
            role = Role.KPU_STAFF if agency.kind == AgencyKind.KPU else Role.LIAISON
            for number in range(1, count + 1):
                people.append(
                    Person(
                        email=f"{agency.kind}{number}.{agency.region_id}@{BENCH_EMAIL_DOMAIN}",
                        full_name=f"{agency.short_name} {number}",
                        password=UNUSABLE_PASSWORD,
                        date_joined=joined,
                    )
                )
                roles.append((agency.pk, role))
        Person.objects.bulk_create(people, batch_size=2000)
        memberships = []
        for person, (agency_id, role) in zip(people, roles, strict=True):
            memberships.append(Membership(person_id=person.pk, agency_id=agency_id, role=role))
            self.liaison_of.setdefault(agency_id, person.pk)
            if role == Role.KPU_STAFF:
                self.staff_of.setdefault(self.agency_region[agency_id], person.pk)
        Membership.objects.bulk_create(memberships, batch_size=2000)
        self.result.counts.update(
            agencies=len(agencies), people=len(people), memberships=len(memberships)
        )

    def make_election(self) -> None:
        election = Election.objects.create(
            name=f"Pilkada Serentak {self.voting_day.year} (benchmark)", voting_day=self.voting_day
        )
        self.election_id = election.pk
        stages = ElectionStage.objects.bulk_create(
            [
                ElectionStage(
                    election=election,
                    name=name,
                    starts_on=self.voting_day + timedelta(days=start),
                    ends_on=self.voting_day + timedelta(days=end),
                    order=order,
                )
                for order, (name, start, end) in enumerate(STAGES, start=1)
            ]
        )
        self.stage_ids = [(stage.pk, stage.starts_on, stage.ends_on) for stage in stages]

    def _place(self, rng: random.Random, province_share: float) -> str:
        """A province (with the given probability) or a kabupaten/kota, for meetings and tasks."""
        if rng.random() < province_share or not self.regions.regencies:
            return rng.choice(self.regions.provinces)
        return rng.choice(self.regions.regencies)

    def make_meetings(self) -> None:
        rng = self.rng("meetings")
        count = self.targets.meetings
        kinds = [MeetingKind.RAKOR] * 6 + [MeetingKind.BIMTEK, MeetingKind.WORKSHOP]
        kinds += [MeetingKind.SIMULATION]
        meeting_rows = []
        invited_rows = []
        invitee_rows = []
        for meeting_id in range(1, count + 1):
            region = self._place(rng, 0.2)
            agencies = self.agencies_of[region]
            organiser = agencies[0]
            day = self.anchor + timedelta(days=rng.randint(-240, 60))
            starts = self.at(day, rng.choice([1, 2, 3, 6, 7]))
            ends = starts + timedelta(hours=rng.choice([1, 2, 3]))
            past = day < self.anchor
            status = MeetingStatus.HELD if past else MeetingStatus.SCHEDULED
            if rng.random() < 0.05:
                status = MeetingStatus.CANCELLED
            kind = rng.choice(kinds)
            invited = [agency for agency in agencies[1:] if rng.random() < 0.8]
            if len(region) == 5:
                province_kpu = self.agencies_of[region[:2]][0]
                if rng.random() < 0.3:
                    invited.append(province_kpu)
            creator = self.staff_of[region]
            created = starts - timedelta(days=rng.randint(3, 30))
            meeting_rows.append(
                (
                    meeting_id,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    1 if status == MeetingStatus.CANCELLED else 0,
                    kind,
                    f"{MeetingKind(kind).label} {self.regions.name[region]} #{meeting_id}"[:200],
                    region,
                    organiser,
                    starts,
                    ends,
                    f"Aula {self.regions.name[region]}"[:300],
                    "",
                    "1. Pembukaan\n2. Laporan kesiapan\n3. Rencana tindak lanjut",
                    status,
                    "[1440, 60]",
                    "Notulen rapat: kesiapan dibahas." if status == MeetingStatus.HELD else "",
                    ends + timedelta(hours=2) if status == MeetingStatus.HELD else None,
                    created + timedelta(days=1) if status == MeetingStatus.CANCELLED else None,
                    "Bentrok dengan agenda daerah" if status == MeetingStatus.CANCELLED else "",
                    creator,
                    created,
                    created,
                )
            )
            self.meetings_of[region].append(meeting_id)
            people = [(self.liaison_of[organiser], organiser)] + [
                (self.liaison_of[agency], agency) for agency in invited
            ]
            for agency in invited:
                invited_rows.append((meeting_id, agency))
            for person, agency in people:
                response = RSVP.ACCEPTED if past else rng.choice(list(RSVP))
                invitee_rows.append(
                    (
                        meeting_id,
                        person,
                        agency,
                        response,
                        created + timedelta(days=1) if response != RSVP.PENDING else None,
                        (rng.random() < 0.9) if status == MeetingStatus.HELD else None,
                    )
                )
        copy_model(
            Meeting,
            [
                "id",
                "uid",
                "sequence",
                "kind",
                "title",
                "region_id",
                "organiser_id",
                "starts_at",
                "ends_at",
                "location",
                "online_url",
                "agenda",
                "status",
                "reminder_offsets",
                "minutes",
                "minutes_recorded_at",
                "cancelled_at",
                "cancel_reason",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
            meeting_rows,
        )
        through = Meeting.invited_agencies.through
        copy_model(through, ["meeting_id", "agency_id"], invited_rows)
        copy_model(
            MeetingInvitee,
            ["meeting_id", "person_id", "agency_id", "response", "responded_at", "attended"],
            invitee_rows,
        )
        reset_sequence(Meeting)
        self.result.counts.update(
            meetings=len(meeting_rows),
            meeting_agencies=len(invited_rows),
            meeting_invitees=len(invitee_rows),
        )

    def make_tasks(self) -> None:
        rng = self.rng("tasks")
        categories = list(TaskCategory)
        priorities = [(TaskPriority.LOW, 15), (TaskPriority.NORMAL, 55)]
        priorities += [(TaskPriority.HIGH, 22), (TaskPriority.URGENT, 8)]
        # What make_task_updates needs per task: (final status, final progress, agency, created).
        self._task_facts: list[tuple[str, int, int, datetime]] = []

        def rows() -> Iterator[tuple]:
            for task_id in range(1, self.targets.tasks + 1):
                place = self._place(rng, 0.1)
                region = place
                if len(place) == 5 and rng.random() < 0.45 and self.regions.districts_of[place]:
                    region = rng.choice(self.regions.districts_of[place])
                agency = rng.choice(self.agencies_of[place])
                category = rng.choice(categories)
                stage_id, stage_start, stage_end = rng.choice(self.stage_ids)
                due = stage_start + timedelta(days=rng.randint(0, (stage_end - stage_start).days))
                status = _weighted(rng, FINAL_STATUSES)
                progress = {
                    TaskStatus.NOT_STARTED: 0,
                    TaskStatus.DONE: 100,
                }.get(status) or rng.randrange(10, 95, 5)
                meetings = self.meetings_of.get(place)
                meeting = rng.choice(meetings) if meetings and rng.random() < 0.08 else None
                created = self.at(stage_start - timedelta(days=rng.randint(10, 60)), 2)
                self._task_facts.append((status, progress, agency, created))
                yield (
                    task_id,
                    f"{rng.choice(TASK_TITLES[category])} — {self.regions.name[place]}"[:200],
                    "",
                    category,
                    self.election_id,
                    stage_id,
                    region,
                    agency,
                    due,
                    _weighted(rng, priorities),
                    status,
                    progress,
                    meeting,
                    None,
                    self.staff_of[place],
                    created,
                    created,
                )

        with bulk_load(ReadinessTask):
            count = copy_model(
                ReadinessTask,
                [
                    "id",
                    "title",
                    "description",
                    "category",
                    "election_id",
                    "stage_id",
                    "region_id",
                    "agency_id",
                    "due_on",
                    "priority",
                    "status",
                    "progress",
                    "meeting_id",
                    "checklist_item_id",
                    "created_by_id",
                    "created_at",
                    "updated_at",
                ],
                rows(),
            )
        reset_sequence(ReadinessTask)
        self.result.counts["tasks"] = count

    def make_task_updates(self) -> None:
        """A history per task that ends in the task's status; pairs of tasks share 2 x 4 rows."""
        rng = self.rng("task_updates")
        facts = self._task_facts
        latest: dict[int, datetime] = {}

        def rows() -> Iterator[tuple]:
            update_id = 0
            for index in range(0, len(facts), 2):
                spread = rng.randint(0, UPDATES_PER_TASK - 1)
                for offset, length in (
                    (0, UPDATES_PER_TASK + spread),
                    (1, UPDATES_PER_TASK - spread),
                ):
                    status, progress, agency, created = facts[index + offset]
                    task_id = index + offset + 1
                    author = self.liaison_of[agency]
                    path = self._status_path(rng, status, length)
                    previous, previous_progress = TaskStatus.NOT_STARTED, 0
                    moment = created
                    for step, next_status in enumerate(path, start=1):
                        next_progress = (
                            progress
                            if step == length
                            else max(previous_progress, progress * step // length)
                        )
                        moment = moment + timedelta(hours=rng.randint(6, 240))
                        update_id += 1
                        yield (
                            update_id,
                            task_id,
                            author,
                            moment,
                            previous,
                            next_status,
                            previous_progress,
                            next_progress,
                            rng.choice(NOTES),
                            "",
                            "",
                            "",
                        )
                        previous, previous_progress = next_status, next_progress
                    latest[task_id] = moment

        with bulk_load(TaskUpdate):
            count = copy_model(
                TaskUpdate,
                [
                    "id",
                    "task_id",
                    "author_id",
                    "created_at",
                    "from_status",
                    "to_status",
                    "from_progress",
                    "to_progress",
                    "note",
                    "evidence_file",
                    "evidence_name",
                    "evidence_url",
                ],
                rows(),
            )
        reset_sequence(TaskUpdate)
        # A task's updated_at is its last change.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE coordination_readinesstask t SET updated_at = u.last "
                "FROM (SELECT task_id, MAX(created_at) AS last FROM coordination_taskupdate "
                "GROUP BY task_id) u WHERE u.task_id = t.id"
            )
        self.result.counts["task_updates"] = count
        del self._task_facts

    @staticmethod
    def _status_path(rng: random.Random, final: str, length: int) -> list[str]:
        """`length` statuses that a task plausibly went through, the last being `final`."""
        middle = [TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS, TaskStatus.AT_RISK]
        middle += [TaskStatus.BLOCKED]
        path = [rng.choice(middle) for _ in range(length - 1)] + [final]
        return path

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
        anchor=anchor or date.today(),
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
