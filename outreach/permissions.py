"""Who may manage outreach: KPU staff, within the regions they manage (regency staff only their
regency). Built on the coordination predicates so one membership lookup serves a whole page."""

from django.db.models import Q

from coordination import permissions as core


def can_manage_outreach(user) -> bool:
    """The staff side of outreach (event management, imports, coverage): KPU staff."""
    return core.is_kpu_staff(user)


def can_manage_outreach_in(user, region) -> bool:
    """May create or move events into `region` (a Region or a code)."""
    return core.can_manage_region(user, region)


def can_manage_event(user, event) -> bool:
    return core.can_manage_region(user, event.region_id)


def can_view_coverage(user, region) -> bool:
    """Coverage of a region is for the KPU staff who manage it."""
    return core.can_manage_region(user, region)


# Event rows carry their ancestors' codes, so a subtree is an equality on an indexed column.
_EVENT_CODE_FIELDS = {2: "province_code", 5: "regency_code", 8: "district_code", 13: "village_code"}


def managed_events_q(user) -> Q:
    """A filter for the events the person manages (nothing for non-staff)."""
    access = core.access_for(user)
    if access.is_superuser:
        return Q()
    query = Q(pk__in=[])
    for code in access.staff_region_codes:
        query |= Q(**{_EVENT_CODE_FIELDS[len(code)]: code})
    return query


def manageable_agencies_q(user) -> Q:
    """Agencies in the person's regions: those that may organise their events."""
    access = core.access_for(user)
    if access.is_superuser:
        return Q()
    return core.subtree_q(access.staff_region_codes)


def managed_root_codes(user) -> tuple[str, ...]:
    """The outermost region codes the person manages; superusers get () meaning everything."""
    return core.access_for(user).staff_region_codes


def can_manage_request(user, request) -> bool:
    """A public outreach request is answered by the KPU staff who manage its desa."""
    return core.can_manage_region(user, request.region_id)


def managed_requests_q(user) -> Q:
    """A filter for the outreach requests the person answers (nothing for non-staff)."""
    # Request rows carry the same ancestor codes as events.
    return managed_events_q(user)
