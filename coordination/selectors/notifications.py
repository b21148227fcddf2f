"""Reads for meeting mail: who receives it, and the delivery log."""

from django.db.models import Count, Q, QuerySet

from coordination.enums import RSVP, DeliveryStatus, Role
from coordination.models import Delivery, Meeting, MeetingInvitee, Membership, Person


def meeting_recipients(*, meeting: Meeting) -> QuerySet[Person]:
    """Everyone who must hear about the meeting: the invited people, the people they delegated
    to, and the active liaisons and KPU staff of every invited agency. Inactive accounts, and
    members of inactive agencies, are left out. Each person appears once.
    """
    invitees = MeetingInvitee.objects.filter(meeting=meeting)
    members = Membership.objects.filter(
        agency__in=meeting.invited_agencies.values("pk"),
        agency__is_active=True,
        is_active=True,
        role__in=[Role.LIAISON, Role.KPU_STAFF],
    )
    return (
        Person.objects.filter(is_active=True)
        .filter(
            Q(pk__in=invitees.values("person"))
            | Q(pk__in=invitees.filter(delegate__isnull=False).values("delegate"))
            | Q(pk__in=members.values("person"))
        )
        .order_by("pk")
    )


def reminder_recipients(*, meeting: Meeting) -> QuerySet[Person]:
    """Recipients minus those who answered that they will not come (declined or delegated):
    they still get changes and cancellations, but a reminder to attend would be noise."""
    absent = MeetingInvitee.objects.filter(
        meeting=meeting, response__in=[RSVP.DECLINED, RSVP.DELEGATED]
    ).values("person")
    return meeting_recipients(meeting=meeting).exclude(pk__in=absent)


def meeting_deliveries(*, meeting: Meeting, status: str = "") -> QuerySet[Delivery]:
    """The delivery log of one meeting, newest first."""
    qs = Delivery.objects.filter(meeting=meeting).select_related("person")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def meeting_delivery_counts(*, meeting: Meeting) -> dict[str, int]:
    """How many deliveries of the meeting are in each status (every status present, maybe 0)."""
    row = Delivery.objects.filter(meeting=meeting).aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(status=value)) for value in DeliveryStatus.values},
    )
    return row
