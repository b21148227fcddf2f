"""The one-tap "Terima" under an escalation's chat message (coordination/notifications/chat.py):
the person linked to the chat acknowledges the incident as themselves, with the same permission
and the same service as the web's button. Registered from this layer because it calls the
incident desk's service; imported when the app is ready."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from coordination.notifications.chat import Action, Done
from coordination.notifications.registry import register_action
from insiden import permissions
from insiden.enums import UNACKNOWLEDGED
from insiden.models import Incident
from insiden.notifications.escalation import ACKNOWLEDGE, KIND, parse_key
from insiden.services.incidents import incident_acknowledge


def acknowledge_from_chat(*, delivery, person) -> Done:
    """Acknowledge the delivery's incident as `person`; a second press (by anyone who may)
    answers who acknowledged it and when."""
    pk, _round, _step = parse_key(delivery.key)
    incident = Incident.objects.select_related("region", "acknowledged_by").filter(pk=pk).first()
    if incident is None or not permissions.is_responsible(person, incident):
        raise PermissionDenied
    first = incident.status in UNACKNOWLEDGED
    if first:
        incident = incident_acknowledge(actor=person, incident=incident)
    by = incident.acknowledged_by
    return Done(
        by=by.full_name if by is not None else str(_("sistem")),
        at=incident.acknowledged_at,
        place=incident.region,
        now=first and incident.acknowledged_by_id == person.pk,
    )


register_action(
    KIND,
    Action(
        name=ACKNOWLEDGE,
        label=_("Terima"),
        perform=acknowledge_from_chat,
        done_text=_("Diterima oleh %(by)s, %(when)s"),
    ),
)
