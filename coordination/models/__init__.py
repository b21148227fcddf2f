from .meetings import Meeting, MeetingInvitee, MeetingSeries
from .people import Agency, Invitation, Membership, Person
from .regions import Region

__all__ = [
    "Agency",
    "Invitation",
    "Meeting",
    "MeetingInvitee",
    "MeetingSeries",
    "Membership",
    "Person",
    "Region",
]
