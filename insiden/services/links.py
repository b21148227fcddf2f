"""An incident and the rest of the portal: the risk of the kerawanan register it realises (linked,
or recorded from it), and readiness tasks made from it (through coordination.api)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coordination import api as coordination_api
from coordination import permissions as core
from coordination.enums import TaskPriority
from coordination.models import Agency, Person, ReadinessTask
from coordination.selectors.readiness import active_election
from insiden import permissions
from insiden.enums import EventKind, Severity
from insiden.models import Incident, IncidentHistory, IncidentTask
from kerawanan import api as kerawanan_api

PRIORITY_FOR_SEVERITY = {Severity.CRITICAL: TaskPriority.URGENT, Severity.HIGH: TaskPriority.HIGH}


@transaction.atomic
def incident_risk_link(*, actor: Person | None, incident: Incident, risk) -> Incident:
    """Point the incident at the risk it realises (None unlinks). Only a risk the person may
    read can be chosen, so the link never reveals one they may not."""
    if actor is not None and not permissions.can_link_risk(actor, incident):
        raise PermissionDenied(_("Anda tidak dapat menautkan kerawanan ke insiden ini."))
    if (
        risk is not None
        and actor is not None
        and not kerawanan_api.risks_visible_to(actor).filter(pk=risk.pk).exists()
    ):
        raise ValidationError({"risk": _("Kerawanan ini tidak ditemukan.")})
    Incident.objects.filter(pk=incident.pk).update(risk=risk)
    incident.risk = risk
    IncidentHistory.objects.create(
        incident=incident,
        author=actor,
        kind=EventKind.RISK,
        detail=f"#{risk.pk} {risk.title}" if risk is not None else "",
    )
    return incident


@transaction.atomic
def incident_risk_create(
    *,
    actor: Person | None,
    incident: Incident,
    owner: Agency,
    dimension,
    subdimension=None,
    likelihood: int,
    impact: int,
    title: str = "",
    category: str = "",
):
    """Record a new risk of the register from the incident (the register's own service and
    rules), in the incident's region, and link it."""
    if actor is not None and not permissions.can_link_risk(actor, incident):
        raise PermissionDenied(_("Anda tidak dapat menautkan kerawanan ke insiden ini."))
    risk = kerawanan_api.risk_create(
        actor=actor,
        title=title or incident.title,
        description=incident.description,
        category=category or RISK_CATEGORY_FOR.get(incident.category, "lainnya"),
        dimension=dimension,
        subdimension=subdimension,
        likelihood=likelihood,
        impact=impact,
        source=kerawanan_api.RiskSource.AD_HOC_REPORT,
        region=incident.region,
        tps_numbers=[incident.tps_number] if incident.tps_number else [],
        owner=owner,
        visibility=incident.visibility,
        note=_("Dicatat dari insiden #%(n)s.") % {"n": incident.pk},
    )
    incident_risk_link(actor=actor, incident=incident, risk=risk)
    return risk


RISK_CATEGORY_FOR = {
    "logistik": "logistik",
    "keamanan": "keamanan",
    "politik_uang": "politik_uang",
    "netralitas": "netralitas",
    "bencana": "bencana",
    "data_pemilih": "data_pemilih",
    "gangguan_tps": "penyelenggara",
}


def task_agencies(incident: Incident):
    parts = incident.region_id.split(".")
    ancestors = [".".join(parts[: i + 1]) for i in range(len(parts))]
    return (
        Agency.objects.filter(region_id__in=ancestors, is_active=True)
        .select_related("region")
        .order_by("region_id", "kind", "name")
    )


@transaction.atomic
def incident_task_create(
    *,
    actor: Person | None,
    incident: Incident,
    title: str,
    agency: Agency,
    due_on: date,
    category: str,
    description: str = "",
) -> ReadinessTask:
    """A readiness task made from the incident, through coordination's one task service: as the
    person for KPU staff of the region, as a system write naming them for the responsible
    agency's liaison (this desk's predicate allowed it)."""
    if actor is not None and not permissions.can_create_incident_task(actor, incident):
        raise PermissionDenied(_("Anda tidak dapat membuat tugas dari insiden ini."))
    if not task_agencies(incident).filter(pk=agency.pk).exists():
        raise ValidationError({"agency": _("Lembaga ini tidak dapat diberi tugas ini.")})
    election = active_election()
    if election is None:
        raise ValidationError(_("Belum ada pemilihan aktif; tugas tidak dapat dibuat."))
    as_staff = actor is None or core.can_manage_region(actor, incident.region_id)
    task = coordination_api.task_create(
        actor=actor if as_staff else None,
        created_by=actor,
        title=title,
        description=description,
        category=category,
        election=election,
        region=incident.region if len(incident.region_id) <= 5 else incident.regency,
        agency=agency,
        due_on=due_on,
        priority=PRIORITY_FOR_SEVERITY.get(incident.severity, TaskPriority.NORMAL),
    )
    IncidentTask.objects.create(incident=incident, task=task, created_by=actor)
    IncidentHistory.objects.create(
        incident=incident, author=actor, kind=EventKind.TASK, detail=task.title
    )
    return task
