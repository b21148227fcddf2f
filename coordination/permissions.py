"""Who may do what: named predicates used by views, templates and tests alike.

The matrix (the README's role table):
- superusers administer everything;
- KPU staff of a province manage everything in the province; KPU staff of a regency manage their
  regency (a "managed region" is the region of a KPU agency where the person is KPU staff);
- liaisons see their agency's meetings and tasks and update only their agency's tasks; on a
  meeting page they see every follow-up of the shared minutes (title, agency, due date, status),
  but only the tasks `can_view_task` grants are links;
- everyone else gets 403/404.

The person's memberships are read once per request and kept on the user object, so asking many
predicates on one page costs one query.
"""

from dataclasses import dataclass

from django.db.models import Q

from coordination.enums import AgencyKind, Role


@dataclass(frozen=True)
class Access:
    is_superuser: bool
    staff_region_codes: tuple[str, ...]
    agency_ids: frozenset[int]
    liaison_agency_ids: frozenset[int]
    staff_agency_ids: frozenset[int]
    # The regions of every agency the person is an active member of (outermost only): what
    # "agencies in that region or above" means for registers that follow the region hierarchy.
    agency_region_codes: tuple[str, ...] = ()

    @property
    def is_kpu_staff(self) -> bool:
        return self.is_superuser or bool(self.staff_region_codes)


NO_ACCESS = Access(False, (), frozenset(), frozenset(), frozenset())
_CACHE_ATTR = "_pilkada_access"


def access_for(user) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from coordination.models import Membership

    rows = Membership.objects.filter(
        person=user, is_active=True, agency__is_active=True
    ).values_list("agency_id", "role", "agency__kind", "agency__region_id")
    staff_codes, agencies, liaison, staff, agency_codes = set(), set(), set(), set(), set()
    for agency_id, role, kind, region_code in rows:
        agencies.add(agency_id)
        agency_codes.add(region_code)
        if role == Role.KPU_STAFF and kind == AgencyKind.KPU:
            staff.add(agency_id)
            staff_codes.add(region_code)
        elif role == Role.LIAISON:
            liaison.add(agency_id)
    access = Access(
        is_superuser=user.is_superuser,
        staff_region_codes=_outermost(staff_codes),
        agency_ids=frozenset(agencies),
        liaison_agency_ids=frozenset(liaison),
        staff_agency_ids=frozenset(staff),
        agency_region_codes=_outermost(agency_codes),
    )
    setattr(user, _CACHE_ATTR, access)
    return access


def assume_access(user, access: Access) -> None:
    """Let `user` act with `access` for this request instead of their memberships' rights: the
    account of an API key acts with its agency's rights (`api.rest.authentication`), so every
    predicate and selector answers for the key as for a member of that agency."""
    setattr(user, _CACHE_ATTR, access)


def forget_access(user) -> None:
    """Drop the cached memberships, after a service changed them."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _outermost(codes: set[str]) -> tuple[str, ...]:
    # A province already covers its regencies; keeping only the outermost makes filters shorter.
    return tuple(
        sorted(c for c in codes if not any(_within(c, other) and c != other for other in codes))
    )


def _within(code: str, ancestor: str) -> bool:
    return code == ancestor or code.startswith(ancestor + ".")


def region_code_in_scope(code: str, scope_codes: tuple[str, ...]) -> bool:
    return any(_within(code, root) for root in scope_codes)


def subtree_q(codes, field: str = "region") -> Q:
    """A filter for rows whose `field` (a Region foreign key) lies in any of the subtrees.

    With field="code" it filters Region itself. Either way the database compares the stored code
    (no join): an equality or a prefix LIKE that PostgreSQL's pattern index answers.
    """
    column = "code" if field == "code" else f"{field}__pk"
    query = Q(pk__in=[])
    for code in codes:
        # Official codes have fixed-width segments (2, 2, 2 and 4 digits: "17.01.03.2004"), so no
        # code is a prefix of a sibling and one prefix match is exact. One condition is one
        # index range, which lets a covering index answer counts without visiting the table.
        query |= Q(**{f"{column}__startswith": code})
    return query


# --- predicates -----------------------------------------------------------------------------


def is_kpu_staff(user) -> bool:
    return access_for(user).is_kpu_staff


def can_manage_region(user, region) -> bool:
    """KPU staff whose scope contains the region (or superusers)."""
    access = access_for(user)
    if access.is_superuser:
        return True
    code = region if isinstance(region, str) else region.pk
    return region_code_in_scope(code, access.staff_region_codes)


def can_manage_agency(user, agency) -> bool:
    return can_manage_region(user, agency.region_id)


def can_create_agency(user) -> bool:
    return is_kpu_staff(user)


def can_invite_people(user, agency=None) -> bool:
    """KPU staff invite people, only into agencies within their own regions."""
    if agency is None:
        return is_kpu_staff(user)
    return can_manage_agency(user, agency)


def can_view_agency(user, agency) -> bool:
    access = access_for(user)
    return agency.pk in access.agency_ids or can_manage_agency(user, agency)


def is_member_of(user, agency_id: int) -> bool:
    return agency_id in access_for(user).agency_ids


def is_liaison_of(user, agency_id: int) -> bool:
    return agency_id in access_for(user).liaison_agency_ids


def can_use_staff_area(user) -> bool:
    """Anyone with a role somewhere (or a superuser) has a staff home."""
    access = access_for(user)
    return access.is_superuser or bool(access.agency_ids)


# --- meetings -------------------------------------------------------------------------------
# A meeting belongs to its region: KPU staff whose scope holds the region manage it. Members of
# the organising agency and of every invited agency, and each invited person, may see it.


def _meeting_agency_ids(meeting) -> set[int]:
    # `all()` so a list page can prefetch the invited agencies once for every row.
    return {agency.pk for agency in meeting.invited_agencies.all()} | {meeting.organiser_id}


def can_manage_meeting(user, meeting) -> bool:
    return can_manage_region(user, meeting.region_id)


def can_create_meeting(user) -> bool:
    return is_kpu_staff(user)


def is_meeting_invitee(user, meeting) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return meeting.invitees.filter(person_id=user.pk).exists()


def can_view_meeting(user, meeting) -> bool:
    if can_manage_meeting(user, meeting):
        return True
    if access_for(user).agency_ids & _meeting_agency_ids(meeting):
        return True
    return is_meeting_invitee(user, meeting)


def can_respond_to_invitation(user, meeting) -> bool:
    """Invited people and members of invited agencies answer while the meeting is ahead."""
    from django.utils import timezone

    from coordination.enums import MeetingStatus

    if meeting.status != MeetingStatus.SCHEDULED or meeting.ends_at <= timezone.now():
        return False
    access = access_for(user)
    invited = {agency.pk for agency in meeting.invited_agencies.all()}
    return bool(access.agency_ids & invited) or is_meeting_invitee(user, meeting)


def can_view_meeting_documents(user, meeting) -> bool:
    return can_view_meeting(user, meeting)


def can_delete_meeting_document(user, meeting) -> bool:
    """Those who manage the meeting attach documents and remove them."""
    return can_manage_meeting(user, meeting)


# --- readiness tasks ------------------------------------------------------------------------
# A task belongs to its region and to its responsible agency: KPU staff of the region manage it;
# the agency's liaisons (and its KPU staff) see and update it; nobody else learns it exists.


def can_view_task(user, task) -> bool:
    return can_manage_region(user, task.region_id) or is_member_of(user, task.agency_id)


def can_update_task(user, task) -> bool:
    """Status updates: the region's KPU staff and the responsible agency's liaisons."""
    return can_manage_region(user, task.region_id) or is_liaison_of(user, task.agency_id)


def can_manage_task(user, task) -> bool:
    """Editing the task itself (title, due date, agency, ...) is for KPU staff of the region."""
    return can_manage_region(user, task.region_id)


def can_create_task(user) -> bool:
    return is_kpu_staff(user)


def can_view_dashboard(user) -> bool:
    return is_kpu_staff(user)


def can_view_national_summary(user) -> bool:
    """The whole country at once: only superusers administer more than one province."""
    return access_for(user).is_superuser


def can_view_update_feed(user) -> bool:
    return is_kpu_staff(user)


def can_manage_elections(user) -> bool:
    """Election timelines and checklists apply to many regions: province staff and superusers."""
    access = access_for(user)
    if access.is_superuser:
        return True
    return any("." not in code for code in access.staff_region_codes)


def can_view_elections(user) -> bool:
    """Every KPU staff member reads the timeline and the checklists; regency staff only read."""
    return is_kpu_staff(user)


def can_view_meeting_deliveries(user, meeting) -> bool:
    """The delivery log of a meeting: KPU staff who manage the meeting's region."""
    return can_manage_region(user, meeting.region_id)


def can_set_reminder_defaults(user, region=None) -> bool:
    if region is None:
        return is_kpu_staff(user)
    return can_manage_region(user, region)
