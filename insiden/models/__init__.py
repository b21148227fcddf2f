from .incidents import (
    Incident,
    IncidentComment,
    IncidentCounter,
    IncidentHistory,
    IncidentOpenCounter,
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
    "IncidentOpenCounter",
    "IncidentPhoto",
    "IncidentTask",
    "RoutingRule",
]
