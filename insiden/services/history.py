"""The append-only history of an incident: every write of the desk adds one entry, in its own
transaction."""

from insiden.models import IncidentHistory


def history_add(
    incident, actor, kind, *, before="", after="", detail="", note=""
) -> IncidentHistory:
    return IncidentHistory.objects.create(
        incident=incident,
        author=actor,
        kind=kind,
        from_status=before,
        to_status=after,
        detail=detail[:300],
        note=note.strip(),
    )
