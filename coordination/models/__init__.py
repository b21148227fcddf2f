from .meetings import Meeting, MeetingDocument, MeetingInvitee, MeetingSeries
from .people import Agency, Invitation, Membership, Person
from .readiness import (
    Checklist,
    ChecklistItem,
    Election,
    ElectionStage,
    ReadinessTask,
    TaskUpdate,
)
from .regions import Region

__all__ = [
    "Agency",
    "Checklist",
    "ChecklistItem",
    "Election",
    "ElectionStage",
    "Invitation",
    "Meeting",
    "MeetingDocument",
    "MeetingInvitee",
    "MeetingSeries",
    "Membership",
    "Person",
    "ReadinessTask",
    "Region",
    "TaskUpdate",
]
