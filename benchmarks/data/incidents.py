"""The incident desk of the benchmark dataset: 1,000,000 historical incidents at scale 1.0 over
every kabupaten/kota (most closed, a few percent still open), each routed to an agency of its
regency with its involved agencies and its first history entry, and the situation room's counters
recounted from them.

Generated after the national dataset (bench_data), set-based in the database (INSERT ... SELECT
over generate_series, ids assigned here); the same seed and scale give the same rows.
`incidents_ensure` does nothing when the desk already has the size asked for, so `make bench`
reuses it.
"""

import time
from collections import defaultdict
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from benchmarks.data.copy import bulk_load, columns_of, reset_sequence
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


def incidents_ensure(
    *, scale: float, seed: int, log: Callable[[str], None], count: int | None = None
) -> None:
    """`count` overrides the scale's size (bench_data --incidents: the desk at full size beside a
    small national dataset)."""
    target = count or incidents_target(scale)
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


def make_incidents(*, target: int, seed: int) -> dict[str, int]:
    """Insert the incidents, their first history entry and their involved agency, set-based.

    One INSERT ... SELECT over generate_series per table: every value of an incident derives from
    an md5 of the seed and its id, so the same seed gives the same rows, and the rows never travel
    through Python (a million of them took minutes that way). Ids of a regency without a routable
    agency are skipped, as routing would refuse them.
    """
    with connection.cursor() as cursor:
        tables = [IncidentHistory, Incident.involved_agencies.through, IncidentCounter, Incident]
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        _plan_tables(cursor)
        through = Incident.involved_agencies.through
        with bulk_load(Incident, IncidentHistory, through):
            cursor.execute(_INSERT_INCIDENTS, _params(seed, target))
            incidents = cursor.rowcount
            cursor.execute(
                f"INSERT INTO {_table(IncidentHistory)} "  # noqa: S608 - names from _meta
                "(incident_id, created_at, kind, from_status, to_status, detail, note) "
                "SELECT id, created_at, 'reported', '', 'dilaporkan', '', '' "
                f"FROM {_table(Incident)}"
            )
            history = cursor.rowcount
            cursor.execute(
                f"INSERT INTO {_table(through)} (incident_id, agency_id) "  # noqa: S608
                f"SELECT id, agency_id FROM {_table(Incident)}"
            )
            involved = cursor.rowcount
        for table in ("_bench_regency", "_bench_route"):
            cursor.execute(f"DROP TABLE {table}")
    for model in (Incident, IncidentHistory, through):
        reset_sequence(model)
    return {"incidents": incidents, "history": history, "involved": involved}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _plan_tables(cursor) -> None:
    """Two small temporary tables: the regencies with their villages, and the agency each
    (regency, category) is routed to (the default route, else the regency's KPU)."""
    villages = defaultdict(list)
    for code in Region.objects.filter(level=RegionLevel.VILLAGE).values_list("code", flat=True):
        villages[code[:5]].append(code)
    regencies = sorted(villages)
    agencies = {}
    for pk, kind, region in Agency.objects.filter(is_active=True).values_list(
        "pk", "kind", "region_id"
    ):
        agencies.setdefault((region, kind), pk)
    cursor.execute(
        "CREATE TEMPORARY TABLE _bench_regency (idx int PRIMARY KEY, code text, villages text[])"
    )
    cursor.executemany(
        "INSERT INTO _bench_regency VALUES (%s, %s, %s)",
        [(i, code, sorted(villages[code])) for i, code in enumerate(regencies)],
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE _bench_route (regency int, category int, name text, agency int, "
        "PRIMARY KEY (regency, category))"
    )
    routes = []
    for i, code in enumerate(regencies):
        for c, category in enumerate(Category):
            agency = agencies.get((code, DEFAULT_ROUTES[category])) or agencies.get(
                (code, AgencyKind.KPU)
            )
            if agency is not None:
                routes.append((i, c, category.value, agency))
    cursor.executemany("INSERT INTO _bench_route VALUES (%s, %s, %s, %s)", routes)


def _params(seed: int, target: int) -> dict:
    return {
        "seed": f"{seed}:incidents:",
        "target": target,
        "categories": len(Category),
        "now": timezone.now(),
        "days": DAYS,
        "full": FULL_INCIDENTS,
        **{f"ack{int(s)}": DEFAULT_ACK_MINUTES[s] for s in Severity},
    }


def _cumulative(choices, column: str) -> str:
    """A CASE picking a value by weight from `column`, uniform in 0..99."""
    parts, bound = [], 0
    for value, weight in choices[:-1]:
        bound += weight
        parts.append(f"WHEN {column} < {bound} THEN {_literal(value)}")
    return f"CASE {' '.join(parts)} ELSE {_literal(choices[-1][0])} END"


def _literal(value) -> str:
    return str(int(value)) if isinstance(value, int) else f"'{value}'"


FIELDS = [
    "id", "title", "description", "category", "severity", "status", "visibility", "occurred_at",
    "region_id", "regency_id", "tps_number", "agency_id", "source", "reporter_contact",
    "ack_started_at", "ack_due_at", "escalation_round", "acknowledged_at", "resolved_at",
    "escalation_level", "next_escalation_at", "reminders_sent", "created_at", "updated_at",
    "public_outcome",
]  # fmt: skip


# Each incident: four 31-bit numbers from one md5 of the seed and the id.
_INSERT_INCIDENTS = f"""
WITH g AS (
    SELECT pk,
        ('x' || substr(h, 1, 8))::bit(32)::bigint & 2147483647 AS r1,
        ('x' || substr(h, 9, 8))::bit(32)::bigint & 2147483647 AS r2,
        ('x' || substr(h, 17, 8))::bit(32)::bigint %% 100 AS r3,
        ('x' || substr(h, 25, 8))::bit(32)::bigint %% 100 AS r4,
        %(now)s::timestamptz - make_interval(days => %(days)s)
            + make_interval(secs => (pk::bigint * %(days)s * 86400 / %(full)s)::double precision)
            AS reported
    FROM (SELECT pk, md5(%(seed)s || pk) AS h FROM generate_series(1, %(target)s) AS pk) AS s
), r AS (
    SELECT g.*, reg.code AS regency, reg.villages, route.name AS category, route.agency,
        {_cumulative(SEVERITIES, "g.r3")} AS severity,
        {_cumulative(STATUSES, "g.r4")} AS status
    FROM g
    JOIN _bench_regency AS reg ON reg.idx = g.r1 %% (SELECT COUNT(*) FROM _bench_regency)
    JOIN _bench_route AS route
        ON route.regency = reg.idx AND route.category = g.r2 %% %(categories)s
), t AS (
    SELECT r.*, make_interval(mins => CASE r.severity
            WHEN 4 THEN %(ack4)s WHEN 3 THEN %(ack3)s WHEN 2 THEN %(ack2)s ELSE %(ack1)s END
        ) AS span,
        r.status NOT IN ('dilaporkan', 'dirujuk') AS acknowledged
    FROM r
)
INSERT INTO {_table(Incident)} ({", ".join(columns_of(Incident, FIELDS))})
SELECT pk, 'Insiden ' || category || ' ' || pk, '', category, severity, status,
    CASE WHEN pk %% 10 = 0 THEN 'rahasia' ELSE 'terbatas' END, reported,
    villages[1 + pk %% cardinality(villages)], regency, 1 + pk %% 12, agency, 'anggota', '',
    reported, reported + span, 1,
    CASE WHEN acknowledged THEN reported + span / 2 END,
    CASE WHEN status = 'selesai' THEN reported + span * 4 END,
    CASE WHEN acknowledged THEN 0 ELSE 2 END, NULL, 0, reported, reported, ''
FROM t
"""  # noqa: S608 - table names from _meta, values as parameters
