"""The incident desk's writes that another app may start: the integration API reports an incident
and changes its status through the very services of the desk's forms, so a system's report is
routed, escalated and counted as a person's, and the same predicates decide (`actor` set: the
desk's own rules apply to it). A new entry here is a decision, made in docs/architecture.md."""

from insiden.services.incidents import (
    incident_acknowledge,
    incident_create,
    incident_status_change,
)

__all__ = ["incident_acknowledge", "incident_create", "incident_status_change"]
