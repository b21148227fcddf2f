"""Task status badges and delivery kinds (times in a region's zone come from the shared
`localtime` library)."""

from django import template
from django.utils.html import format_html

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


@register.simple_tag
def dashboard_cell(column, code: str) -> str:
    """One cell of an extension column: the value, linked when the provider gave a link."""
    value, link = column.cells.get(code, (0, ""))
    if link:
        return format_html('<a href="{}">{}</a>', link, value)
    return format_html("{}", value)
