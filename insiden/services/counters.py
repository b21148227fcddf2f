"""The situation room's counters, moved in the transaction of every incident write.

One row per (regency, category, severity, status, visibility); a write moves one incident from
one cell to another with a single upsert per cell (INSERT ... ON CONFLICT DO UPDATE), so two
reports at once both land (the row lock orders them) and the counts never drift from the table.
`counters_rebuild` recomputes them all from the incidents (after a bulk load, or to check).
"""

from django.db import connection, transaction

from insiden.models import Incident, IncidentCounter

# Table names from the models, values as parameters.
_UPSERT = f"""
INSERT INTO {IncidentCounter._meta.db_table}
    (regency_id, category, severity, status, visibility, count)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (regency_id, category, severity, status, visibility)
DO UPDATE SET count = {IncidentCounter._meta.db_table}.count + EXCLUDED.count
"""  # noqa: S608


def _cell(incident: Incident, status: str) -> tuple:
    return (incident.regency_id, incident.category, incident.severity, status, incident.visibility)


def counter_add(incident: Incident, *, status: str | None = None, delta: int = 1) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [*_cell(incident, status or incident.status), delta])


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


@transaction.atomic
def counters_rebuild() -> int:
    """Recompute every counter from the incidents; returns the number of cells."""
    table = IncidentCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table names from the models
        cursor.execute(
            f"""INSERT INTO {table} (regency_id, category, severity, status, visibility, count)
            SELECT regency_id, category, severity, status, visibility, COUNT(*)
            FROM {Incident._meta.db_table}
            GROUP BY regency_id, category, severity, status, visibility"""  # noqa: S608
        )
        return cursor.rowcount
