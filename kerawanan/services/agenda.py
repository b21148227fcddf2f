"""Risks on a coordination meeting's agenda: a rakor that reviews the high risks of a regency
lists them, with links. Both the meeting and the risks must be the actor's to use."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coordination import permissions as core
from coordination.enums import MeetingStatus
from coordination.models import Meeting, Person
from kerawanan.enums import RiskChangeKind, RiskLevel, RiskStatus
from kerawanan.models import AgendaItem, Risk, RiskChange
from kerawanan.selectors.risks import risks_visible_to

# A rakor reviews a handful of risks, not a register: "add the high risks" stops here.
MAX_AGENDA_RISKS = 100


def _check_meeting(actor: Person | None, meeting: Meeting) -> None:
    if actor is not None and not core.can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("Rapat ini di luar kewenangan Anda."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("Rapat ini sudah dibatalkan."))


@transaction.atomic
def agenda_add(*, actor: Person | None, meeting: Meeting, risks: list[Risk]) -> int:
    """Put the risks on the meeting's agenda; returns how many were new there."""
    _check_meeting(actor, meeting)
    ids = [risk.pk for risk in risks]
    if actor is not None:
        visible = set(risks_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
        if visible != set(ids):
            raise PermissionDenied(_("Kerawanan ini di luar kewenangan Anda."))
    existing = set(
        AgendaItem.objects.filter(meeting=meeting, risk_id__in=ids).values_list(
            "risk_id", flat=True
        )
    )
    new = [risk for risk in risks if risk.pk not in existing]
    AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, risk=risk, added_by=actor) for risk in new]
    )
    RiskChange.objects.bulk_create(
        [
            RiskChange(
                risk=risk,
                author=actor,
                kind=RiskChangeKind.AGENDA,
                changes=[{"field": "agenda", "from": "", "to": meeting.title}],
            )
            for risk in new
        ]
    )
    return len(new)


def agenda_add_high_risks(*, actor: Person | None, meeting: Meeting) -> int:
    """The open high and very high risks of the meeting's region that `actor` may see."""
    # A system write (actor None: the demo, a command) reads the whole region.
    base = (
        Risk.objects.filter(core.subtree_q([meeting.region_id]))
        if actor is None
        else risks_visible_to(actor, region=meeting.region_id)
    )
    risks = (
        base.filter(level__gte=RiskLevel.HIGH)
        .exclude(status=RiskStatus.CLOSED)
        .order_by("-level", "review_on", "pk")[:MAX_AGENDA_RISKS]
    )
    return agenda_add(actor=actor, meeting=meeting, risks=list(risks))


@transaction.atomic
def agenda_remove(*, actor: Person | None, meeting: Meeting, risk: Risk) -> None:
    _check_meeting(actor, meeting)
    deleted, _rows = AgendaItem.objects.filter(meeting=meeting, risk=risk).delete()
    if deleted:
        RiskChange.objects.create(
            risk=risk,
            author=actor,
            kind=RiskChangeKind.AGENDA,
            changes=[{"field": "agenda", "from": meeting.title, "to": ""}],
        )
