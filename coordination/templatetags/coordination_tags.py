"""Task status badges (times in a region's zone come from the shared `localtime` library)."""

from django import template

from coordination.enums import TaskStatus

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
