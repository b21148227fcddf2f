"""Reads of agencies, people and memberships."""

from django.db.models import Count, Q, QuerySet

from coordination import permissions
from coordination.models import Agency, Invitation, Membership, Person


def memberships_of(*, person: Person) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(person=person, is_active=True)
        .select_related("agency", "agency__region")
        .order_by("agency__region_id", "agency__name")
    )


def agencies_visible_to(*, user) -> QuerySet[Agency]:
    """Agencies a person may see: all in their KPU regions, plus their own."""
    access = permissions.access_for(user)
    qs = Agency.objects.select_related("region").annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True))
    )
    if access.is_superuser:
        return qs
    return qs.filter(permissions.subtree_q(access.staff_region_codes) | Q(pk__in=access.agency_ids))


def agencies_manageable_by(*, user) -> QuerySet[Agency]:
    access = permissions.access_for(user)
    qs = Agency.objects.select_related("region").filter(is_active=True)
    if access.is_superuser:
        return qs
    return qs.filter(permissions.subtree_q(access.staff_region_codes))


def agency_members(*, agency: Agency) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(agency=agency, is_active=True)
        .select_related("person")
        .order_by("role", "person__full_name")
    )


def agency_pending_invitations(*, agency: Agency) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        agency=agency, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at")
