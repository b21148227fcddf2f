"""Keeping the readiness counters right: the daily overdue roll-over, a full rebuild, and the check
that compares them with the tasks (models: coordination/models/readiness_counts.py; the trigger
that adds every task write: migration 0008_readiness_counters).

Each of these takes the exclusive side of the advisory lock whose shared side every task write's
trigger holds until its commit: while one runs, task writes wait (a rebuild at national scale:
about a second), and it never sees half of a write. PostgreSQL only; elsewhere they do nothing.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.db import connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# The same key as in migration 0008_readiness_counters.
LOCK_KEY = 7_210_014

REGENCY = "CASE WHEN length(region_id) > 5 THEN left(region_id, 5) ELSE region_id END"
TASKS = "coordination_readinesstask"

# The counts the tasks give, as of the day %(day)s: the same keys as the counter tables.
EXPECTED_REGENCY = f"""
    SELECT election_id, {REGENCY} AS region_code, agency_id, category, status,
           (status <> 'done' AND due_on < %(day)s) AS past_due, count(*) AS tasks
    FROM {TASKS} GROUP BY 1, 2, 3, 4, 5, 6
"""  # noqa: S608 - fixed text; the day is a parameter
EXPECTED_PROVINCE = f"""
    SELECT election_id, left(region_id, 2) AS province_code, category, status,
           (status <> 'done' AND due_on < %(day)s) AS past_due, count(*) AS tasks
    FROM {TASKS} GROUP BY 1, 2, 3, 4, 5
"""  # noqa: S608
REGENCY_KEY = "election_id, region_code, agency_id, category, status, past_due"
PROVINCE_KEY = "election_id, province_code, category, status, past_due"


def _enabled(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"


def counts_rebuild(*, using: str = "default", day: date | None = None) -> None:
    """Replace the counters with the counts of the tasks, overdue as of `day` (today)."""
    if not _enabled(using):
        return
    day = day or timezone.localdate()
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute("DELETE FROM coordination_readinesscountstate")
        cursor.execute("INSERT INTO coordination_readinesscountstate (as_of) VALUES (%s)", [day])
        cursor.execute("DELETE FROM coordination_readinesscount")
        cursor.execute("DELETE FROM coordination_readinessprovincecount")
        cursor.execute(
            f"INSERT INTO coordination_readinesscount ({REGENCY_KEY}, tasks) "  # noqa: S608
            f"{EXPECTED_REGENCY}",
            {"day": day},
        )
        cursor.execute(
            f"INSERT INTO coordination_readinessprovincecount ({PROVINCE_KEY}, tasks) "  # noqa: S608
            f"{EXPECTED_PROVINCE}",
            {"day": day},
        )


def counts_roll_over(*, using: str = "default", day: date | None = None) -> int:
    """Bring the overdue flags to `day` (today): the tasks not done that fell due since the last
    roll-over move from past_due=False to past_due=True (or back, if the clock went back). Returns
    how many tasks moved. Cheap when nothing is due: one small indexed count."""
    if not _enabled(using):
        return 0
    day = day or timezone.localdate()
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute("SELECT as_of FROM coordination_readinesscountstate ORDER BY id LIMIT 1")
        row = cursor.fetchone()
        if row is None:  # never built (a database restored without them): build them now
            counts_rebuild(using=using, day=day)
            return 0
        if row[0] == day:
            return 0
        as_of = row[0]
        low, high, sign = (as_of, day, 1) if as_of < day else (day, as_of, -1)
        # sign 1: these tasks were counted as not overdue and now are; -1: the reverse.
        moved = f"""
            SELECT election_id, {REGENCY} AS region_code, agency_id, category, status,
                   left(region_id, 2) AS province_code, count(*) AS n
            FROM {TASKS}
            WHERE status <> 'done' AND due_on >= %(low)s AND due_on < %(high)s
            GROUP BY 1, 2, 3, 4, 5, 6
        """  # noqa: S608 - fixed text; the days are parameters
        params = {"low": low, "high": high, "sign": sign}
        cursor.execute(
            f"""
            WITH moved AS ({moved}),
            deltas AS (
                SELECT election_id, region_code, agency_id, category, status,
                       (%(sign)s = 1) AS past_due, n AS d FROM moved
                UNION ALL
                SELECT election_id, region_code, agency_id, category, status,
                       (%(sign)s <> 1) AS past_due, -n AS d FROM moved
            )
            INSERT INTO coordination_readinesscount AS c ({REGENCY_KEY}, tasks)
            SELECT {REGENCY_KEY}, sum(d)::integer FROM deltas
            GROUP BY {REGENCY_KEY} ORDER BY {REGENCY_KEY}
            ON CONFLICT ({REGENCY_KEY}) DO UPDATE SET tasks = c.tasks + EXCLUDED.tasks
            """,  # noqa: S608 - the SQL is fixed text, the values are parameters
            params,
        )
        cursor.execute(
            f"""
            WITH moved AS ({moved}),
            deltas AS (
                SELECT election_id, province_code, category, status,
                       (%(sign)s = 1) AS past_due, n AS d FROM moved
                UNION ALL
                SELECT election_id, province_code, category, status,
                       (%(sign)s <> 1) AS past_due, -n AS d FROM moved
            )
            INSERT INTO coordination_readinessprovincecount AS p ({PROVINCE_KEY}, tasks)
            SELECT {PROVINCE_KEY}, sum(d)::integer FROM deltas
            GROUP BY {PROVINCE_KEY} ORDER BY {PROVINCE_KEY}
            ON CONFLICT ({PROVINCE_KEY}) DO UPDATE SET tasks = p.tasks + EXCLUDED.tasks
            """,  # noqa: S608
            params,
        )
        cursor.execute(
            f"SELECT count(*) FROM {TASKS} "  # noqa: S608
            "WHERE status <> 'done' AND due_on >= %(low)s AND due_on < %(high)s",
            params,
        )
        count = cursor.fetchone()[0]
        cursor.execute("UPDATE coordination_readinesscountstate SET as_of = %s", [day])
        return count


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    counted: int  # in the counter table
    expected: int  # from the tasks


def counts_compare(*, using: str = "default") -> list[Difference]:
    """Every key where a counter differs from the count of the tasks, in one snapshot of both
    (writers are not held up)."""
    if not _enabled(using):
        return []
    differences: list[Difference] = []
    outer = connections[using].in_atomic_block
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        if not outer:  # inside a caller's transaction its snapshot rules
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT as_of FROM coordination_readinesscountstate ORDER BY id LIMIT 1")
        row = cursor.fetchone()
        day = row[0] if row else date.min
        for table, expected, key in (
            ("coordination_readinesscount", EXPECTED_REGENCY, REGENCY_KEY),
            ("coordination_readinessprovincecount", EXPECTED_PROVINCE, PROVINCE_KEY),
        ):
            cursor.execute(
                f"""
                SELECT {key}, COALESCE(c.tasks, 0), COALESCE(e.tasks, 0)
                FROM (SELECT {key}, tasks FROM {table} WHERE tasks <> 0) c
                FULL OUTER JOIN ({expected}) e USING ({key})
                WHERE COALESCE(c.tasks, 0) <> COALESCE(e.tasks, 0)
                ORDER BY {key}
                """,  # noqa: S608 - fixed text
                {"day": day},
            )
            width = key.count(",") + 1
            for values in cursor.fetchall():
                differences.append(
                    Difference(
                        table=table,
                        key=tuple(values[:width]),
                        counted=values[width],
                        expected=values[width + 1],
                    )
                )
    return differences


def counts_check(*, repair: bool = True, using: str = "default") -> list[Difference]:
    """Roll over, compare, and say so in the log when counters and tasks differ (then rebuild
    them, with `repair`). What the periodic check runs."""
    counts_roll_over(using=using)
    differences = counts_compare(using=using)
    if differences:
        logger.error(
            "Readiness counters differ from the tasks at %d keys (first: %s)%s",
            len(differences),
            "; ".join(
                f"{d.table} {d.key}: counted {d.counted}, tasks {d.expected}"
                for d in differences[:5]
            ),
            ", rebuilding them" if repair else "",
        )
        if repair:
            counts_rebuild(using=using)
    else:
        logger.info("Readiness counters match the tasks.")
    return differences
