"""What the incident desk tells other apps, without knowing who listens (the integration API's
webhooks do: `api.signals`). Both are sent inside the transaction of the change, so a receiver
that writes a row writes it with the change or not at all.

- `incident_assigned(sender=Incident, incident=..., agency_id=...)`: an agency must acknowledge
  the incident now: it was reported and routed to it, referred to it, or reopened for it (the
  escalation's first step, `l0`).
- `incident_escalated(sender=Incident, escalations=[(incident, step, agency_ids), ...])`: a batch
  of the beat job reached step `l1` or `l2`; `agency_ids` are the agencies the step concerns
  (the responsible one and those whose members the step tells).

Defined at the bottom of the app's layers, so the services and the escalation can send them.
"""

from django.dispatch import Signal

incident_assigned = Signal()
incident_escalated = Signal()
