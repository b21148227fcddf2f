""" "Terima" from a chat message: the escalation's one-tap acknowledgement.

The escalation kind (insiden.notifications.escalation) offers the button while the incident
waits; pressing it runs `incident_acknowledge` as the person linked to the presser's chat
account, with that person's rights (only the responsible agency may acknowledge). A second press,
or a press after someone else acknowledged, writes nothing and names who did it. Registered
here, in the layer of the service the action calls (coordination.notifications.registry).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from coordination.notifications import registry
from coordination.notifications.chat import Action, Done
from insiden import permissions
from insiden.enums import UNACKNOWLEDGED
from insiden.models import Incident
from insiden.notifications.escalation import ACKNOWLEDGE, KIND, parse_key
from insiden.services.incidents import incident_acknowledge


def acknowledge_from_chat(*, delivery, person) -> Done:
    pk, _round, _step = parse_key(delivery.key)
    incident = Incident.objects.select_related("region", "acknowledged_by").filter(pk=pk).first()
    if incident is None or not permissions.can_view_incident(person, incident):
        raise PermissionDenied
    if incident.status in UNACKNOWLEDGED:
        if not permissions.can_acknowledge_incident(person, incident):
            raise PermissionDenied
        incident = incident_acknowledge(actor=person, incident=incident)
        if incident.acknowledged_by_id == person.pk:
            return Done(by=person.full_name, at=incident.acknowledged_at, place=incident.region)
        # Someone else acknowledged it between the read and the lock.
        incident = Incident.objects.select_related("region", "acknowledged_by").get(pk=pk)
    by = incident.acknowledged_by.full_name if incident.acknowledged_by else ""
    at = incident.acknowledged_at or incident.updated_at
    return Done(by=by, at=at, place=incident.region, now=False)


registry.register_action(
    KIND,
    Action(
        name=ACKNOWLEDGE,
        label=_("Terima"),
        perform=acknowledge_from_chat,
        done_text=_("Diterima oleh %(by)s, %(when)s"),
    ),
)
