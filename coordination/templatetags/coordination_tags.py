"""Task status badges and delivery kinds (times in a region's zone come from the shared
`localtime` library)."""

from django import template

from coordination.enums import TaskStatus
from coordination.notifications import registry

register = template.Library()

STATUS_BADGES = {
    TaskStatus.NOT_STARTED: ("badge-muted", "○"),
    TaskStatus.IN_PROGRESS: ("badge-info", "◐"),
    TaskStatus.AT_RISK: ("badge-warn", "!"),
    TaskStatus.BLOCKED: ("badge-bad", "✕"),
    TaskStatus.DONE: ("badge-ok", "✓"),
}


@register.inclusion_tag("coordination/partials/status_badge.html")
def status_badge(status, label=None):
    css, symbol = STATUS_BADGES.get(status, ("badge-muted", "?"))
    return {"css": css, "symbol": symbol, "label": label or TaskStatus(status).label}


@register.filter
def delivery_kind(delivery) -> str:
    """The kind of a delivery in words, with its detail ("Pengingat (60 menit sebelum)")."""
    label, detail = registry.kind_label(delivery.kind), registry.kind_detail(delivery)
    return f"{label} ({detail})" if detail else label
