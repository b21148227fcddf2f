"""Who may see and change risks: the visibility rules, as a database filter and as predicates.

Visibility is part of the data (README, "Kerawanan"):

- terbatas: KPU staff whose regions hold the risk's region; members of agencies whose region
  is the risk's region or above it; members of the owning agency and of the acting agencies;
- rahasia: KPU staff whose regions hold the risk's region; members of the owning agency and of
  the agencies that must act; nobody else;
- dapat diringkas publik: as terbatas; besides, its count per region and category may appear in
  the public summary (never its text).

Superusers read everything. `visible_q` is the rule as a filter (kerawanan.selectors builds every
list, export, count, heat cell and dashboard cell on it) and `can_view_risk` the same rule for
one risk already loaded; the tests ask both for every role and visibility and expect the same
answers.
"""

from django.db.models import Q

from coordination import permissions as core
from kerawanan.enums import Visibility
from kerawanan.models import Risk

# --- seeing -----------------------------------------------------------------------------------


def visible_q(user, *, within=()) -> Q | None:
    """The risks `user` may read, as a filter on Risk; None when every risk is readable.

    `within`: region codes whose subtrees the caller reads anyway; when the person's KPU regions
    hold all of them, the filter is simply none. Otherwise every arm of the filter is one an
    index answers (a region prefix, the owner, a list of ids), so PostgreSQL combines index
    scans instead of reading the whole table: the risks the person's agencies act on are read
    first, as ids (one small query).
    """
    access = core.access_for(user)
    if access.is_superuser:
        return None
    within = [within] if isinstance(within, str) else list(within)
    if within and all(core.region_code_in_scope(c, access.staff_region_codes) for c in within):
        return None
    query = core.subtree_q(access.staff_region_codes)
    if access.agency_ids:
        agencies = sorted(access.agency_ids)
        acting = Risk.acting_agencies.through.objects.filter(agency_id__in=agencies)
        query |= Q(owner_id__in=agencies) | Q(pk__in=list(acting.values_list("risk_id", flat=True)))
        query |= ~Q(visibility=Visibility.SECRET) & core.subtree_q(access.agency_region_codes)
    return query


def _acting_ids(risk) -> set[int]:
    # `all()`, so a page that prefetched the acting agencies asks nothing more.
    return {agency.pk for agency in risk.acting_agencies.all()}


def can_view_risk(user, risk) -> bool:
    access = core.access_for(user)
    if access.is_superuser or core.can_manage_region(user, risk.region_id):
        return True
    if risk.owner_id in access.agency_ids or access.agency_ids & _acting_ids(risk):
        return True
    if risk.visibility == Visibility.SECRET:
        return False
    return core.region_code_in_scope(risk.region_id, access.agency_region_codes)


def can_use_register(user) -> bool:
    """The register's pages: anyone with a role somewhere (each sees what visibility allows)."""
    return core.can_use_staff_area(user)


# --- recording and changing -------------------------------------------------------------------


def can_record_risk(user) -> bool:
    """KPU staff, and liaisons (for their own agency)."""
    access = core.access_for(user)
    return access.is_kpu_staff or bool(access.liaison_agency_ids)


def can_record_risk_for(user, *, owner, region) -> bool:
    """A risk owned by `owner` in `region`: KPU staff for any agency within their regions;
    a liaison for their own agency, within that agency's region."""
    code = region if isinstance(region, str) else region.pk
    if core.can_manage_region(user, code) and core.can_manage_region(user, owner.region_id):
        return True
    if not core.is_liaison_of(user, owner.pk):
        return False
    return core.region_code_in_scope(code, (owner.region_id,))


def can_edit_risk(user, risk) -> bool:
    """KPU staff of the risk's region and the owning agency's liaisons."""
    return core.can_manage_region(user, risk.region_id) or core.is_liaison_of(user, risk.owner_id)


def can_mitigate_risk(user, risk) -> bool:
    """Creating or linking mitigation tasks: the same people who change the risk."""
    return can_edit_risk(user, risk)


def can_put_on_agenda(user, risk, meeting) -> bool:
    return can_view_risk(user, risk) and core.can_manage_meeting(user, meeting)


def can_import_risks(user) -> bool:
    return can_record_risk(user)


def can_manage_taxonomy(user) -> bool:
    """The IKP dimensions apply to every region: province KPU staff and superusers."""
    access = core.access_for(user)
    return access.is_superuser or any("." not in code for code in access.staff_region_codes)
