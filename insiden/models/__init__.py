from .incidents import (
    Incident,
    IncidentComment,
    IncidentCounter,
    IncidentHistory,
    IncidentPhoto,
    IncidentTask,
)
from .rules import AckDeadline, RoutingRule

__all__ = [
    "AckDeadline",
    "Incident",
    "IncidentComment",
    "IncidentCounter",
    "IncidentHistory",
    "IncidentPhoto",
    "IncidentTask",
    "RoutingRule",
]
