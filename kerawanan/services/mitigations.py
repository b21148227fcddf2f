"""Mitigations are readiness tasks: created through coordination's one task service
(`coordination.api.task_create`) and linked to the risk, or an existing task linked.

The agency that must carry out a mitigation is made one of the risk's acting agencies, so the
people who do the work can read the risk they mitigate (even a rahasia one).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from coordination import api as coordination_api
from coordination import permissions as core
from coordination.enums import TaskPriority
from coordination.models import Agency, Person, ReadinessTask
from coordination.selectors.readiness import active_election
from kerawanan import permissions
from kerawanan.enums import RiskChangeKind, RiskLevel, RiskStatus
from kerawanan.models import Mitigation, Risk, RiskChange

PRIORITY_FOR_LEVEL = {
    RiskLevel.VERY_HIGH: TaskPriority.URGENT,
    RiskLevel.HIGH: TaskPriority.HIGH,
}


def mitigation_agencies(*, risk: Risk) -> QuerySet[Agency]:
    """Who may be given a mitigation task: the owner, the acting agencies, and every active
    agency of the risk's region or a region above it (the Polres of its regency, the Polda)."""
    parts = risk.region_id.split(".")
    ancestors = [".".join(parts[: i + 1]) for i in range(len(parts))]
    acting = risk.acting_agencies.values("pk")
    return (
        Agency.objects.filter(
            Q(region_id__in=ancestors) | Q(pk=risk.owner_id) | Q(pk__in=acting), is_active=True
        )
        .select_related("region")
        .order_by("region_id", "kind", "name")
    )


def _involve(*, risk: Risk, agency: Agency) -> bool:
    """Make `agency` an acting agency of the risk; True when it was not involved before."""
    if agency.pk == risk.owner_id or risk.acting_agencies.filter(pk=agency.pk).exists():
        return False
    risk.acting_agencies.add(agency)
    return True


def _record(*, risk: Risk, actor: Person | None, task: ReadinessTask, involved: bool) -> None:
    changes = [{"field": "mitigation", "from": "", "to": task.title}]
    if involved:
        changes.append({"field": "acting_agencies_added", "from": "", "to": task.agency.name})
    if risk.status == RiskStatus.IDENTIFIED:
        changes.append(
            {"field": "status", "from": RiskStatus.IDENTIFIED, "to": RiskStatus.MITIGATING}
        )
        risk.status = RiskStatus.MITIGATING
        risk.save(update_fields=["status", "updated_at"])
    RiskChange.objects.create(
        risk=risk, author=actor, kind=RiskChangeKind.MITIGATION, changes=changes
    )


@transaction.atomic
def mitigation_create(
    *,
    actor: Person | None,
    risk: Risk,
    title: str,
    agency: Agency,
    due_on: date,
    category: str,
    priority: str | None = None,
    description: str = "",
) -> ReadinessTask:
    """Create a readiness task for `agency` in the risk's region and link it to the risk.

    KPU staff of the region create it as themselves (coordination checks its own rule); the
    owning agency's liaison, whom coordination's rule does not cover, through a system write
    that names them as the creator: this register's predicate (`can_mitigate_risk`) allowed it.
    """
    if actor is not None and not permissions.can_mitigate_risk(actor, risk):
        raise PermissionDenied(_("Anda tidak dapat membuat mitigasi untuk kerawanan ini."))
    if not mitigation_agencies(risk=risk).filter(pk=agency.pk).exists():
        raise ValidationError(
            {"agency": _("Lembaga ini tidak dapat diberi tugas untuk kerawanan ini.")}
        )
    election = active_election()
    if election is None:
        raise ValidationError(_("Belum ada pemilihan aktif; tugas tidak dapat dibuat."))
    as_staff = actor is None or core.can_manage_region(actor, risk.region_id)
    task = coordination_api.task_create(
        actor=actor if as_staff else None,
        created_by=actor,
        title=title,
        description=description,
        category=category,
        election=election,
        region=risk.region,
        agency=agency,
        due_on=due_on,
        priority=priority or PRIORITY_FOR_LEVEL.get(risk.level, TaskPriority.NORMAL),
    )
    Mitigation.objects.create(risk=risk, task=task, created_by=actor)
    _record(risk=risk, actor=actor, task=task, involved=_involve(risk=risk, agency=agency))
    return task


@transaction.atomic
def mitigation_link(*, actor: Person | None, risk: Risk, task: ReadinessTask) -> Mitigation:
    """Link an existing readiness task (one `actor` may see) to the risk as a mitigation."""
    if actor is not None and not (
        permissions.can_mitigate_risk(actor, risk) and core.can_view_task(actor, task)
    ):
        raise PermissionDenied(_("Anda tidak dapat menautkan tugas ini."))
    if Mitigation.objects.filter(risk=risk, task=task).exists():
        raise ValidationError({"task": _("Tugas ini sudah menjadi mitigasi kerawanan ini.")})
    mitigation = Mitigation.objects.create(risk=risk, task=task, created_by=actor)
    _record(risk=risk, actor=actor, task=task, involved=_involve(risk=risk, agency=task.agency))
    return mitigation
