"""Who an escalation step tells and which agencies it concerns (README, "Insiden"): one query for
a whole batch of incidents, whatever its size. The steps' keys and the delivery kind are in
`escalation.py`."""

from collections import defaultdict

from django.db.models import Q

from coordination.enums import AgencyKind, Role
from coordination.models import Agency, Membership
from insiden.models import Incident

# The steps: on reporting (and referral), past the deadline, past twice the deadline; the hourly
# reminders of an acknowledged critical incident are `h<n>`.
FIRST, LATE, LATER = "l0", "l1", "l2"


def _memberships(query: Q):
    return (
        Membership.objects.filter(
            query, is_active=True, agency__is_active=True, person__is_active=True
        )
        .exclude(person__email="")
        .values_list(
            "agency_id", "agency__kind", "agency__region_id", "role", "person_id", "person__email"
        )
    )


def recipients_for(incidents: list[Incident], step: str) -> dict[int, list[tuple[int, str]]]:
    """For each incident, the (person id, address) pairs to tell at `step`; one query for a
    whole batch of incidents."""
    if step in (FIRST,) or step.startswith("h"):
        agency_ids = {i.agency_id for i in incidents}
        rows = _memberships(Q(agency_id__in=agency_ids))
        by_agency = defaultdict(set)
        for agency_id, kind, _region, role, person_id, email in rows:
            if role == Role.LIAISON or kind == AgencyKind.KPU:
                by_agency[agency_id].add((person_id, email))
        return {i.pk: sorted(by_agency[i.agency_id]) for i in incidents}
    if step == LATE:
        regencies = {i.regency_id for i in incidents}
        provinces = {i.regency_id[:2] for i in incidents}
        kinds = {i.agency.kind for i in incidents}
        rows = _memberships(
            Q(agency__kind=AgencyKind.KPU, role=Role.KPU_STAFF, agency__region_id__in=regencies)
            | Q(agency__kind__in=kinds, agency__region_id__in=provinces)
        )
        staff, upper = defaultdict(set), defaultdict(set)
        for _agency, kind, region, role, person_id, email in rows:
            if kind == AgencyKind.KPU and role == Role.KPU_STAFF and len(region) > 2:
                staff[region].add((person_id, email))
            if len(region) == 2:
                upper[(region, kind)].add((person_id, email))
        return {
            i.pk: sorted(staff[i.regency_id] | upper[(i.regency_id[:2], i.agency.kind)])
            for i in incidents
        }
    if step == LATER:
        provinces = {i.regency_id[:2] for i in incidents}
        rows = _memberships(
            Q(agency__kind=AgencyKind.KPU, role=Role.KPU_STAFF, agency__region_id__in=provinces)
        )
        staff = defaultdict(set)
        for _agency, _kind, region, _role, person_id, email in rows:
            staff[region].add((person_id, email))
        return {i.pk: sorted(staff[i.regency_id[:2]]) for i in incidents}
    raise ValueError(f"unknown escalation step {step!r}")


def agencies_concerned(incidents: list[Incident], step: str) -> dict[int, list[int]]:
    """For each incident, the agencies a step concerns: the responsible one, and those whose
    members the step tells (`l1`: the regency's KPU and the province's agency of the responsible
    one's kind; `l2`: the province's KPU). One query for a batch."""
    regencies = {i.regency_id for i in incidents}
    provinces = {i.regency_id[:2] for i in incidents}
    if step == LATE:
        kinds = {i.agency.kind for i in incidents}
        query = Q(kind=AgencyKind.KPU, region_id__in=regencies) | Q(
            kind__in=kinds, region_id__in=provinces
        )
    elif step == LATER:
        query = Q(kind=AgencyKind.KPU, region_id__in=provinces)
    else:
        raise ValueError(f"step {step!r} is not an escalation")
    rows = list(Agency.objects.filter(query, is_active=True).values_list("pk", "kind", "region_id"))
    concerned = {}
    for incident in incidents:
        regency, province = incident.regency_id, incident.regency_id[:2]
        if step == LATE:
            wanted = {
                pk
                for pk, kind, region in rows
                if (kind == AgencyKind.KPU and region == regency)
                or (kind == incident.agency.kind and region == province)
            }
        else:
            wanted = {pk for pk, kind, region in rows if region == province}
        concerned[incident.pk] = sorted(wanted | {incident.agency_id})
    return concerned
