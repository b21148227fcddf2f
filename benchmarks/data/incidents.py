"""The incident desk of the benchmark dataset: 1,000,000 historical incidents at scale 1.0 over
every kabupaten/kota (most closed, a few percent still open), each routed to an agency of its
regency with its involved agencies and its first history entry, and the situation room's counters
recounted from them.

Generated after the national dataset (bench_data), through COPY with ids assigned here; the same
seed and scale give the same rows. `incidents_ensure` does nothing when the desk already has the
size asked for, so `make bench` reuses it.
"""

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from benchmarks.data.copy import bulk_load, copy_model, reset_sequence
from coordination.enums import AgencyKind, RegionLevel
from coordination.models import Agency, Region
from insiden.enums import DEFAULT_ACK_MINUTES, DEFAULT_ROUTES, Category, Severity, Status
from insiden.models import Incident, IncidentCounter, IncidentHistory
from insiden.services.counters import counters_rebuild

FULL_INCIDENTS = 1_000_000
# Historical: spread over the last two years, most closed.
DAYS = 730
STATUSES = [
    (Status.RESOLVED, 70),
    (Status.UNVERIFIED, 12),
    (Status.DUPLICATE, 8),
    (Status.HANDLING, 4),
    (Status.ACKNOWLEDGED, 3),
    (Status.REPORTED, 2),
    (Status.REFERRED, 1),
]
SEVERITIES = [
    (Severity.LOW, 35),
    (Severity.MEDIUM, 35),
    (Severity.HIGH, 22),
    (Severity.CRITICAL, 8),
]


def incidents_target(scale: float) -> int:
    return max(1, round(FULL_INCIDENTS * scale))


def incidents_ensure(*, scale: float, seed: int, log: Callable[[str], None]) -> None:
    target = incidents_target(scale)
    if Incident.objects.count() == target:
        log(f"incident desk: {target:,} incidents already there")
        return
    started = time.perf_counter()
    with transaction.atomic():
        counts = make_incidents(target=target, seed=seed)
        counters_rebuild()
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        through = Incident.involved_agencies.through
        for model in (Incident, IncidentHistory, IncidentCounter, through):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    log(
        "incident desk: "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items())
        + f" in {time.perf_counter() - started:.1f} s"
    )


def _weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def make_incidents(*, target: int, seed: int) -> dict[str, int]:
    rng = random.Random(f"{seed}:incidents")
    with connection.cursor() as cursor:
        tables = [IncidentHistory, Incident.involved_agencies.through, IncidentCounter, Incident]
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    villages = defaultdict(list)
    for code in Region.objects.filter(level=RegionLevel.VILLAGE).values_list("code", flat=True):
        villages[code[:5]].append(code)
    regencies = sorted(villages)
    agencies = {}
    for pk, kind, region in Agency.objects.filter(is_active=True).values_list(
        "pk", "kind", "region_id"
    ):
        agencies.setdefault((region, kind), pk)
    now = timezone.now()
    categories = list(Category)
    plan = []
    for pk in range(1, target + 1):
        regency = regencies[rng.randrange(len(regencies))]
        category = categories[rng.randrange(len(categories))]
        agency = agencies.get((regency, DEFAULT_ROUTES[category])) or agencies.get(
            (regency, AgencyKind.KPU)
        )
        if agency is None:
            continue
        plan.append((pk, regency, category, agency))
    rows = _rows(plan, rng, villages, now)
    with bulk_load(Incident, IncidentHistory, Incident.involved_agencies.through):
        incidents = copy_model(Incident, FIELDS, rows)
        history = copy_model(
            IncidentHistory,
            ["incident_id", "created_at", "kind", "from_status", "to_status", "detail", "note"],
            ((pk, _reported(pk, now), "reported", "", "dilaporkan", "", "") for pk, *_ in plan),
        )
        through = Incident.involved_agencies.through
        involved = copy_model(
            through, ["incident_id", "agency_id"], ((pk, agency) for pk, _r, _c, agency in plan)
        )
    for model in (Incident, IncidentHistory, through):
        reset_sequence(model)
    return {"incidents": incidents, "history": history, "involved": involved}


FIELDS = [
    "id", "title", "description", "category", "severity", "status", "visibility", "occurred_at",
    "region_id", "regency_id", "tps_number", "agency_id", "source", "reporter_contact",
    "ack_started_at", "ack_due_at", "escalation_round", "acknowledged_at", "resolved_at",
    "escalation_level", "next_escalation_at", "reminders_sent", "created_at", "updated_at",
]  # fmt: skip


def _reported(pk: int, now):
    # Deterministic from the id: spread over DAYS, older ids older.
    return now - timedelta(days=DAYS) + timedelta(seconds=pk * DAYS * 86400 // FULL_INCIDENTS)


def _rows(plan, rng, villages, now) -> Iterator[tuple]:
    for pk, regency, category, agency in plan:
        reported = _reported(pk, now)
        severity = _weighted(rng, SEVERITIES)
        status = _weighted(rng, STATUSES)
        span = timedelta(minutes=DEFAULT_ACK_MINUTES[Severity(severity)])
        acknowledged = status not in (Status.REPORTED, Status.REFERRED)
        codes = villages[regency]
        yield (
            pk, f"Insiden {category} {pk}", "", category, severity, status,
            "rahasia" if pk % 10 == 0 else "terbatas", reported, codes[pk % len(codes)], regency,
            1 + pk % 12, agency, "anggota", "", reported, reported + span, 1,
            reported + span / 2 if acknowledged else None,
            reported + span * 4 if status == Status.RESOLVED else None,
            2 if not acknowledged else 0, None, 0, reported, reported,
        )  # fmt: skip
