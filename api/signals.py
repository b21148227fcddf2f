"""The receivers that record webhook events in the transaction of each change (see
`api.services.webhooks`): a meeting created, changed or cancelled; a task changed, or given to
an agency (created for it or reassigned to it); a risk
recorded or changed; an incident assigned to an agency or escalated (the incident desk's own
signals, `insiden.signals`: the desk never imports the API). Nothing is recorded while no
subscription is active."""

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from api.enums import EventType
from api.services.webhooks import event_record, events_record
from coordination.enums import MeetingStatus
from coordination.models import Meeting, ReadinessTask
from insiden.signals import incident_assigned, incident_escalated
from kerawanan.models import Risk


@receiver(post_save, sender=Meeting, dispatch_uid="api_meeting_event")
def meeting_saved(sender, instance, created, update_fields=None, **kwargs):
    if created:
        kind = EventType.MEETING_CREATED
    elif instance.status == MeetingStatus.CANCELLED:
        kind = EventType.MEETING_CANCELLED
    else:
        kind = EventType.MEETING_UPDATED
    event_record(type=kind, resource="meetings", object_id=instance.pk)


@receiver(post_init, sender=ReadinessTask, dispatch_uid="api_task_loaded")
def task_loaded(sender, instance, **kwargs):
    # The agency as loaded, to tell a reassignment on save; read from __dict__ so a task loaded
    # without the field (`only()`) is not fetched again.
    instance._agency_as_loaded = instance.__dict__.get("agency_id")


@receiver(post_save, sender=ReadinessTask, dispatch_uid="api_task_event")
def task_saved(sender, instance, created, **kwargs):
    event_record(type=EventType.TASK_UPDATED, resource="tasks", object_id=instance.pk)
    before = getattr(instance, "_agency_as_loaded", instance.agency_id)
    if created or (before is not None and before != instance.agency_id):
        # Only the agency that now holds the task hears that it was given it.
        event_record(
            type=EventType.TASK_ASSIGNED,
            resource="tasks",
            object_id=instance.pk,
            agencies=[instance.agency_id],
        )
    instance._agency_as_loaded = instance.agency_id


@receiver(post_save, sender=Risk, dispatch_uid="api_risk_event")
def risk_saved(sender, instance, created, **kwargs):
    kind = EventType.RISK_CREATED if created else EventType.RISK_UPDATED
    event_record(type=kind, resource="risks", object_id=instance.pk)


@receiver(incident_assigned, dispatch_uid="api_incident_assigned")
def incident_assigned_heard(sender, incident, agency_id, **kwargs):
    event_record(
        type=EventType.INCIDENT_ASSIGNED,
        resource="incidents",
        object_id=incident.pk,
        agencies=[agency_id],
    )


@receiver(incident_escalated, dispatch_uid="api_incident_escalated")
def incident_escalated_heard(sender, escalations, **kwargs):
    events_record(
        type=EventType.INCIDENT_ESCALATED,
        resource="incidents",
        targets=[(incident.pk, agencies) for incident, _step, agencies in escalations],
    )
