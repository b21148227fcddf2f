"""Choices of the integration API: what a key may do, and the events a system can subscribe to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What an API key may do, per resource. Regions and public outreach events need no scope."""

    AGENCIES_READ = "agencies:read", _("Lembaga: baca")
    MEETINGS_READ = "meetings:read", _("Rapat: baca")
    TASKS_READ = "tasks:read", _("Tugas kesiapan: baca")
    TASKS_WRITE = "tasks:write", _("Tugas kesiapan: perbarui status")
    RISKS_READ = "risks:read", _("Kerawanan: baca")
    INCIDENTS_READ = "incidents:read", _("Insiden: baca")
    INCIDENTS_WRITE = "incidents:write", _("Insiden: lapor dan ubah status")


class EventType(models.TextChoices):
    MEETING_CREATED = "meeting.created", _("Rapat dibuat")
    MEETING_UPDATED = "meeting.updated", _("Rapat diubah")
    MEETING_CANCELLED = "meeting.cancelled", _("Rapat dibatalkan")
    TASK_UPDATED = "task.updated", _("Tugas diperbarui")
    TASK_ASSIGNED = "task.assigned", _("Tugas diberikan kepada lembaga")
    TASK_DUE_SOON = "task.due_soon", _("Tugas mendekati tenggat")
    RISK_CREATED = "risk.created", _("Kerawanan dicatat")
    RISK_UPDATED = "risk.updated", _("Kerawanan diubah")
    INCIDENT_ASSIGNED = "incident.assigned", _("Insiden diteruskan ke lembaga")
    INCIDENT_ESCALATED = "incident.escalated", _("Insiden dieskalasi")
    TEST = "webhook.test", _("Peristiwa uji")


# The scope a subscription's events need: an agency's system hears only what its key could read.
EVENT_RESOURCE = {
    EventType.MEETING_CREATED: "meetings",
    EventType.MEETING_UPDATED: "meetings",
    EventType.MEETING_CANCELLED: "meetings",
    EventType.TASK_UPDATED: "tasks",
    EventType.TASK_ASSIGNED: "tasks",
    EventType.TASK_DUE_SOON: "tasks",
    EventType.RISK_CREATED: "risks",
    EventType.RISK_UPDATED: "risks",
    EventType.INCIDENT_ASSIGNED: "incidents",
    EventType.INCIDENT_ESCALATED: "incidents",
}


# The outbox's names for webhook rows (coordination.notifications): the channel, the kind of a
# webhook message, and the mail that tells a subscription's owner it was switched off.
WEBHOOK_CHANNEL = "webhook"
WEBHOOK_KIND = "webhook_event"
WEBHOOK_DISABLED_KIND = "webhook_disabled"
