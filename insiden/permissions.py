"""Who may see and change incidents: the visibility rule, as a database filter and as predicates.

Visibility (README, "Insiden"), like the kerawanan register's:

- terbatas: KPU staff whose regions hold the incident's region; members of agencies whose region
  is the incident's region or above it; members of every agency involved (the reporter's, the
  responsible one, those it was referred to) and the reporter;
- rahasia: KPU staff whose regions hold the incident's region, members of the agencies involved
  and the reporter; nobody else.

Superusers read everything. `visible_q` is the rule as a filter (every list, count and page of
insiden.selectors starts from it) and `can_view_incident` the same rule for one loaded incident;
the tests ask both for every role and visibility.
"""

from django.db.models import BooleanField, F, Func, Q, Subquery

from coordination import permissions as core
from insiden.enums import CLOSED, OPEN, TRANSITIONS, UNACKNOWLEDGED, Status, Visibility
from insiden.models import Incident


class _InArray(Func):
    """`id = ANY(ARRAY(SELECT ...))`: the subquery runs once (an InitPlan) and the comparison is
    an index condition on the primary key, so an OR of such arms becomes a BitmapOr of index
    scans. As a filter it is a linear search of the array per row: see `involved_q`."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()
    conditional = True

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite (development only) has no arrays: the plain IN, the same set.
        return self.as_sql(
            compiler, connection, arg_joiner=" IN ", template="%(expressions)s", **extra_context
        )


def involved_q(agency_ids, *, as_index: bool = False) -> Q:
    """Incidents any of the agencies is involved in.

    Two forms of the same set, for two plans (docs/benchmarks.md, "Incident desk"). As a filter
    of a walk driven by another condition (a region, a status, an ordered index), `id IN
    (SELECT ...)`: PostgreSQL hashes the ids once and probes the hash per row. With
    `as_index`, when the arm itself must find the rows (the situation room's "beyond my
    regions" count), `id = ANY(ARRAY(...))`, which the primary key index answers; a correlated
    EXISTS was neither (an index probe per row, or a walk over the whole table inside an OR).
    """
    ids = Incident.involved_agencies.through.objects.filter(agency_id__in=sorted(agency_ids))
    if as_index:
        return Q(_InArray(F("pk"), Subquery(ids.values("incident_id"))))
    return Q(pk__in=ids.values("incident_id"))


def visible_q(user, *, as_index: bool = False) -> Q | None:
    """The incidents `user` may read, as a filter on Incident; None when all are readable.
    `as_index`: for a read the rule itself must drive, such as counting all of a person's
    incidents (see `involved_q`)."""
    access = core.access_for(user)
    if access.is_superuser:
        return None
    query = core.subtree_q(access.staff_region_codes)
    if access.agency_ids:
        query |= involved_q(access.agency_ids, as_index=as_index)
        query |= ~Q(visibility=Visibility.SECRET) & core.subtree_q(access.agency_region_codes)
    if user is not None and user.is_authenticated:
        query |= Q(reporter_id=user.pk)
    return query


def _involved_ids(incident) -> set[int]:
    # `all()`, so a page that prefetched the involved agencies asks nothing more.
    return {agency.pk for agency in incident.involved_agencies.all()}


def can_view_incident(user, incident) -> bool:
    access = core.access_for(user)
    if access.is_superuser or core.can_manage_region(user, incident.region_id):
        return True
    if access.agency_ids & _involved_ids(incident):
        return True
    if user is not None and user.is_authenticated and incident.reporter_id == user.pk:
        return True
    if incident.visibility == Visibility.SECRET:
        return False
    return core.region_code_in_scope(incident.region_id, access.agency_region_codes)


def can_use_desk(user) -> bool:
    """The desk's pages and the situation room: anyone with a role somewhere."""
    return core.can_use_staff_area(user)


def can_report_incident(user) -> bool:
    """Any active member of an agency (a liaison or KPU staff), and superusers."""
    return core.can_use_staff_area(user)


def is_responsible(user, incident) -> bool:
    """A member of the agency that must act (any role), or a superuser."""
    access = core.access_for(user)
    return access.is_superuser or incident.agency_id in access.agency_ids


def can_acknowledge_incident(user, incident) -> bool:
    """Only the responsible agency acknowledges (that is what stops the escalation)."""
    return incident.status in UNACKNOWLEDGED and is_responsible(user, incident)


def can_handle_incident(user, incident) -> bool:
    """Changing the status, referring, merging, linking a risk: the responsible agency's
    members and KPU staff of the incident's region."""
    return is_responsible(user, incident) or core.can_manage_region(user, incident.region_id)


def can_change_status(user, incident, to_status: str) -> bool:
    if to_status not in TRANSITIONS.get(Status(incident.status), ()):
        return False
    if to_status == Status.ACKNOWLEDGED:
        return can_acknowledge_incident(user, incident)
    if incident.status == Status.UNVERIFIED:
        # Reopening a report found unverified is the region's KPU staff's call.
        return core.can_manage_region(user, incident.region_id)
    return can_handle_incident(user, incident)


def allowed_statuses(user, incident) -> list[str]:
    return [
        s
        for s in TRANSITIONS.get(Status(incident.status), ())
        if can_change_status(user, incident, s)
    ]


def can_refer_incident(user, incident) -> bool:
    return incident.status in OPEN and can_handle_incident(user, incident)


def can_merge_incident(user, incident) -> bool:
    return incident.status not in CLOSED and can_handle_incident(user, incident)


def can_comment_incident(user, incident) -> bool:
    """KPU staff of the region and members of the agencies involved."""
    access = core.access_for(user)
    if access.is_superuser or core.can_manage_region(user, incident.region_id):
        return True
    return bool(access.agency_ids & _involved_ids(incident))


def can_link_risk(user, incident) -> bool:
    return can_handle_incident(user, incident)


def can_create_incident_task(user, incident) -> bool:
    """Readiness tasks from an incident: KPU staff of its region (coordination's own rule) and
    the responsible agency's liaisons (a system write naming them, as the register does)."""
    return core.can_manage_region(user, incident.region_id) or core.is_liaison_of(
        user, incident.agency_id
    )


def can_manage_rules(user, province) -> bool:
    """Routing rules and deadlines of a province: its KPU staff and superusers."""
    code = province if isinstance(province, str) else province.pk
    return "." not in code and core.can_manage_region(user, code)


def can_manage_any_rules(user) -> bool:
    access = core.access_for(user)
    return access.is_superuser or any("." not in code for code in access.staff_region_codes)


def can_use_triage(user) -> bool:
    """The triage list of public reports: members of an agency (it shows their agencies'
    reports only) and superusers."""
    access = core.access_for(user)
    return access.is_superuser or bool(access.agency_ids)


def can_triage_report(user, incident) -> bool:
    """Verifying, archiving or merging a public report awaiting verification: the agency the
    routing rules made responsible for it (members of any role), and superusers."""
    return incident.status == Status.AWAITING and is_responsible(user, incident)


def can_view_reporter_contact(user, incident) -> bool:
    """A public reporter's contact: only the agency handling the report (UU 27/2022: no one
    else needs it)."""
    return is_responsible(user, incident)
