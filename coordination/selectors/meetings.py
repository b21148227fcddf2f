"""Reads of meetings: who receives news of a meeting, and the lists each role sees."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from coordination import permissions
from coordination.enums import RSVP, MeetingStatus, Role
from coordination.models import Agency, Meeting, MeetingInvitee, Membership, Person


def _recipient_q(meeting: Meeting) -> Q:
    # A row that says "on behalf of agency X" counts only while X is active and the person is
    # still an active member of it; a row without an agency is a personal invitation.
    in_person = MeetingInvitee.objects.filter(meeting=meeting, agency__isnull=True)
    for_agency = MeetingInvitee.objects.filter(
        Exists(
            Membership.objects.filter(
                person_id=OuterRef("person_id"), agency_id=OuterRef("agency_id"), is_active=True
            )
        ),
        meeting=meeting,
        agency__is_active=True,
    )
    members = Membership.objects.filter(
        agency__in=meeting.invited_agencies.filter(is_active=True).values("pk"),
        is_active=True,
        role__in=[Role.LIAISON, Role.KPU_STAFF],
    )
    return (
        Q(pk__in=in_person.values("person_id"))
        | Q(pk__in=for_agency.values("person_id"))
        | Q(pk__in=members.values("person_id"))
    )


def meeting_recipients(*, meeting: Meeting) -> QuerySet[Person]:
    """Everyone who hears about the meeting: people invited in person, plus active liaisons and
    KPU staff of invited agencies (and delegates standing in for them); each person once, active
    accounts only. Nobody hears through an agency that was deactivated or a membership that
    ended, even if their invitee row is still there."""
    return Person.objects.filter(_recipient_q(meeting), is_active=True).distinct().order_by("pk")


def meeting_recipient_ids(*, meeting: Meeting) -> list[int]:
    return list(meeting_recipients(meeting=meeting).values_list("pk", flat=True))


def _list_base() -> QuerySet[Meeting]:
    return (
        Meeting.objects.select_related("region", "organiser", "series")
        .annotate(
            invitee_count=Count("invitees", distinct=True),
            accepted_count=Count(
                "invitees", filter=Q(invitees__response=RSVP.ACCEPTED), distinct=True
            ),
        )
        .prefetch_related("invited_agencies")
    )


def meetings_visible_to(*, user) -> QuerySet[Meeting]:
    """Meetings in the person's KPU regions, of their agencies, or to which they are invited,
    with their region, organiser, invitee counts and invited agencies."""
    return _visible(_list_base(), user=user)


def _visible(qs: QuerySet[Meeting], *, user) -> QuerySet[Meeting]:
    access = permissions.access_for(user)
    if access.is_superuser:
        return qs
    agency_ids = list(access.agency_ids)
    invited_to = MeetingInvitee.objects.filter(person_id=user.pk).values("meeting_id")
    via_agency = Meeting.invited_agencies.through.objects.filter(agency_id__in=agency_ids).values(
        "meeting_id"
    )
    return qs.filter(
        permissions.subtree_q(access.staff_region_codes)
        | Q(organiser_id__in=agency_ids)
        | Q(pk__in=via_agency)
        | Q(pk__in=invited_to)
    )


def meetings_filtered(
    *, user, when: str = "upcoming", kind: str = "", region: str = "", q: str = ""
) -> QuerySet[Meeting]:
    """The meetings of the list, in its order, without joins or counts: page through their ids
    (answered from `meeting_list_*_idx` alone), then load the page with `meetings_for_list`.
    Counting invitees for every visible meeting before taking a page of 25 was what grew with
    the data."""
    qs = _visible(Meeting.objects.all(), user=user)
    now = timezone.now()
    if when == "past":
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    elif when == "all":
        qs = qs.order_by("-starts_at", "-pk")
    else:
        qs = qs.filter(ends_at__gte=now).order_by("starts_at", "pk")
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(permissions.subtree_q([region]))
    if q:
        qs = qs.filter(title__icontains=q)
    return qs


def meetings_for_list(*, ids: list[int]) -> list[Meeting]:
    """The meetings with these ids, in this order, with what the list shows (two queries)."""
    by_id = {meeting.pk: meeting for meeting in _list_base().filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def my_meetings(*, user) -> QuerySet[Meeting]:
    """The person's own invitations, upcoming first (soonest on top), then the past ones."""
    now = timezone.now()
    access = permissions.access_for(user)
    via_agency = Meeting.invited_agencies.through.objects.filter(
        agency_id__in=list(access.agency_ids)
    ).values("meeting_id")
    invited_to = MeetingInvitee.objects.filter(person_id=user.pk).values("meeting_id")
    return (
        _list_base()
        .filter(Q(pk__in=invited_to) | Q(pk__in=via_agency))
        .exclude(status=MeetingStatus.CANCELLED, ends_at__lt=now)
        .filter(ends_at__gte=now)
        .prefetch_related(
            Prefetch(
                "invitees",
                queryset=MeetingInvitee.objects.filter(person_id=user.pk),
                to_attr="my_rows",
            )
        )
        .order_by("starts_at", "pk")
    )


def meeting_for_detail(*, pk: int) -> Meeting | None:
    return (
        Meeting.objects.select_related("region", "organiser", "series", "created_by")
        .prefetch_related("invited_agencies")
        .filter(pk=pk)
        .first()
    )


def meeting_invitee_rows(*, meeting: Meeting) -> QuerySet[MeetingInvitee]:
    return (
        MeetingInvitee.objects.filter(meeting=meeting)
        .select_related("person", "agency", "delegate", "delegated_by")
        .order_by("agency__name", "person__full_name")
    )


def meeting_response_counts(*, meeting: Meeting) -> dict[str, int]:
    counts = dict(
        MeetingInvitee.objects.filter(meeting=meeting)
        .values_list("response")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {value: counts.get(value, 0) for value in RSVP.values}


def colleagues_for_delegation(*, user, meeting: Meeting) -> QuerySet[Person]:
    """Active colleagues in the agencies through which the person is invited."""
    row = MeetingInvitee.objects.filter(meeting=meeting, person_id=user.pk).first()
    if row is not None and row.agency_id:
        agency_ids = [row.agency_id]
    else:
        agency_ids = list(permissions.access_for(user).agency_ids)
    return (
        Person.objects.filter(
            memberships__agency_id__in=agency_ids,
            memberships__is_active=True,
            is_active=True,
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("full_name")
    )


def invitable_people(*, user) -> QuerySet[Person]:
    """People a KPU staff member may invite by name: members of agencies in their scope."""
    access = permissions.access_for(user)
    memberships = Membership.objects.filter(is_active=True)
    if not access.is_superuser:
        agencies = Agency.objects.filter(permissions.subtree_q(access.staff_region_codes))
        memberships = memberships.filter(agency__in=agencies.values("pk"))
    return Person.objects.filter(pk__in=memberships.values("person_id"), is_active=True).order_by(
        "full_name"
    )
