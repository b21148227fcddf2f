from .meetings import Meeting, MeetingDocument, MeetingInvitee, MeetingSeries
from .notifications import AccountMail, Delivery, MeetingReminder, ReminderDefault
from .people import Agency, Invitation, Membership, Person
from .readiness import (
    Checklist,
    ChecklistItem,
    Election,
    ElectionStage,
    ReadinessTask,
    TaskUpdate,
)
from .readiness_counts import ReadinessCount, ReadinessCountState, ReadinessProvinceCount
from .regions import Region

__all__ = [
    "AccountMail",
    "Agency",
    "Checklist",
    "ChecklistItem",
    "Delivery",
    "Election",
    "ElectionStage",
    "Invitation",
    "Meeting",
    "MeetingDocument",
    "MeetingInvitee",
    "MeetingReminder",
    "MeetingSeries",
    "Membership",
    "Person",
    "ReadinessCount",
    "ReadinessCountState",
    "ReadinessProvinceCount",
    "ReadinessTask",
    "Region",
    "ReminderDefault",
    "TaskUpdate",
]
