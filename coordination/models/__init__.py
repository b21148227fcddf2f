from .meetings import Meeting, MeetingInvitee, MeetingSeries
from .notifications import Delivery, MeetingReminder, ReminderDefault
from .people import Agency, Invitation, Membership, Person
from .regions import Region

__all__ = [
    "Agency",
    "Delivery",
    "Invitation",
    "Meeting",
    "MeetingInvitee",
    "MeetingReminder",
    "MeetingSeries",
    "Membership",
    "Person",
    "Region",
    "ReminderDefault",
]
