"""Reads for meeting mail: who receives reminders, and the delivery log.

Invitations, changes and cancellations go to `selectors.meetings.meeting_recipients`.
"""

from django.db.models import Count, Q, QuerySet

from coordination.enums import RSVP, DeliveryStatus
from coordination.models import Delivery, Meeting, MeetingInvitee, Person
from coordination.selectors.meetings import meeting_recipients


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
