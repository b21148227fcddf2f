"""Display helpers of coordination's pages: task status badges, delivery kinds, the countdown to
voting day, icons (times in a region's zone come from the shared `localtime` library)."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


CELL_SYMBOLS = {"ok": "✓", "bad": "✕", "warn": "!"}


@register.simple_tag
def readiness_cell(cell) -> str:
    """One `<td>` of a readiness matrix: done/total with its symbol, and the at-risk, blocked and
    overdue counts in words for screen readers. Built here rather than by a template include:
    a province dashboard has hundreds of cells, and an include per cell was most of its time."""
    if not cell.total:
        return format_html('<td class="cell cell-{}"><span class="meta">–</span></td>', cell.level)
    flags = []
    if cell.at_risk:
        flags.append(
            format_html(
                '<span title="{}">! {} <span class="visually-hidden">{}</span></span> ',
                gettext("berisiko"), cell.at_risk, gettext("berisiko"),
            )
        )  # fmt: skip
    if cell.blocked:
        flags.append(
            format_html(
                '<span>✕ {} <span class="visually-hidden">{}</span></span> ',
                cell.blocked, gettext("terhambat"),
            )
        )  # fmt: skip
    if cell.overdue:
        flags.append(
            format_html(
                '<span>{} {} <span class="visually-hidden">{}</span></span>',
                icon("clock"), cell.overdue, gettext("terlambat"),
            )
        )  # fmt: skip
    return format_html(
        '<td class="cell cell-{}"><span class="cell-main"><span aria-hidden="true">{}</span> '
        "{}/{}</span>{}</td>",
        cell.level,
        CELL_SYMBOLS.get(cell.level, "◐"),
        cell.done,
        cell.total,
        format_html('<span class="cell-flags">{}</span>', mark_safe("".join(flags)))  # noqa: S308
        if flags
        else "",
    )


@register.inclusion_tag("coordination/partials/countdown.html")
def voting_countdown(election):
    """The one countdown to voting day, wherever a page shows it."""
    days = (election.voting_day - timezone.localdate()).days if election else None
    return {
        "election": election,
        "days": days,
        "days_ago": -days if days is not None else None,
        "iso": election.voting_day.isoformat() if election else "",
    }


# Symbols that carry meaning are drawn, not typed: emoji show as empty boxes where no emoji font
# is installed. Each icon is a 24x24 stroke drawing in the text's colour, hidden from screen
# readers (the words beside it say the same).
ICONS = {
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "clip": (
        '<path d="M20 11.5l-7.8 7.8a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5'
        'a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8"/>'
    ),
    "link": (
        '<path d="M10 14a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1"/>'
        '<path d="M14 10a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1"/>'
    ),
}


@register.simple_tag
def icon(name: str) -> str:
    return format_html(
        '<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" '
        'focusable="false" fill="none" stroke="currentColor" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round">{}</svg>',
        mark_safe(ICONS[name]),  # noqa: S308 - constant markup above
    )
