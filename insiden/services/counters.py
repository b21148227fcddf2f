"""The situation room's counters, moved in the transaction of every incident write.

IncidentCounter: one row per (regency, category, severity, status, visibility); a write moves one
incident from one cell to another with a single upsert per cell (INSERT ... ON CONFLICT DO
UPDATE), so two reports at once both land (the row lock orders them) and the counts never drift
from the table. IncidentOpenCounter: the open incidents per regency and per province, moved only
when an incident opens or closes. Locks are taken in one order (IncidentCounter cells by key, then
the open counter's province and regency rows), so two writes cannot deadlock on them.
`counters_rebuild` recomputes both from the incidents (after a bulk load, or to check).
"""

from django.db import connection, transaction

from insiden.enums import OPEN
from insiden.models import Incident, IncidentCounter, IncidentOpenCounter

_COUNTER = IncidentCounter._meta.db_table
_OPEN = IncidentOpenCounter._meta.db_table
_INCIDENT = Incident._meta.db_table
_OPEN_STATUSES = ", ".join(f"'{status}'" for status in OPEN)

# Table names from the models, values as parameters.
_UPSERT = f"""
INSERT INTO {_COUNTER} (regency_id, category, severity, status, visibility, count)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (regency_id, category, severity, status, visibility)
DO UPDATE SET count = {_COUNTER}.count + EXCLUDED.count
"""  # noqa: S608

_OPEN_UPSERT = f"""
INSERT INTO {_OPEN} (region_id, level, category, severity, visibility, count)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (region_id, category, severity, visibility)
DO UPDATE SET count = {_OPEN}.count + EXCLUDED.count
"""  # noqa: S608


def _cell(incident: Incident, status: str) -> tuple:
    return (incident.regency_id, incident.category, incident.severity, status, incident.visibility)


def _open_rows(incident: Incident, delta: int) -> list[list]:
    rest = [incident.category, incident.severity, incident.visibility, delta]
    province = incident.regency_id.split(".")[0]
    return [
        [province, IncidentOpenCounter.Level.PROVINCE, *rest],
        [incident.regency_id, IncidentOpenCounter.Level.REGENCY, *rest],
    ]


def counter_add(incident: Incident, *, status: str | None = None, delta: int = 1) -> None:
    status = status or incident.status
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [*_cell(incident, status), delta])
        if status in OPEN:
            cursor.executemany(_OPEN_UPSERT, _open_rows(incident, delta))


def counter_move(incident: Incident, *, from_status: str, to_status: str) -> None:
    """The incident left `from_status` for `to_status` (same regency, category, severity and
    visibility: those never change after reporting)."""
    if from_status == to_status:
        return
    with connection.cursor() as cursor:
        # In a fixed order (the cell's key), so two writes moving between the same two cells
        # lock them in the same order and cannot deadlock.
        cells = sorted([(_cell(incident, from_status), -1), (_cell(incident, to_status), 1)])
        cursor.executemany(_UPSERT, [[*cell, delta] for cell, delta in cells])
        opened = (to_status in OPEN) - (from_status in OPEN)
        if opened:
            cursor.executemany(_OPEN_UPSERT, _open_rows(incident, opened))


@transaction.atomic
def counters_rebuild() -> int:
    """Recompute every counter from the incidents; returns the number of status cells."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_COUNTER}")  # noqa: S608 - table names from the models
        cursor.execute(
            f"""INSERT INTO {_COUNTER} (regency_id, category, severity, status, visibility, count)
            SELECT regency_id, category, severity, status, visibility, COUNT(*)
            FROM {_INCIDENT}
            GROUP BY regency_id, category, severity, status, visibility"""  # noqa: S608
        )
        cells = cursor.rowcount
        cursor.execute(f"DELETE FROM {_OPEN}")  # noqa: S608
        for level, region in (
            (IncidentOpenCounter.Level.REGENCY, "regency_id"),
            (IncidentOpenCounter.Level.PROVINCE, "substr(regency_id, 1, 2)"),
        ):
            cursor.execute(
                f"""INSERT INTO {_OPEN} (region_id, level, category, severity, visibility, count)
                SELECT {region}, %s, category, severity, visibility, SUM(count)
                FROM {_COUNTER} WHERE status IN ({_OPEN_STATUSES})
                GROUP BY 1, category, severity, visibility""",  # noqa: S608
                [level],
            )
        return cells
