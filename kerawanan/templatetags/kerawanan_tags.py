"""Levels as colour, symbol and word together; history entries in the reader's language."""

from datetime import date

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kerawanan.enums import (
    LEVEL_SYMBOLS,
    RiskCategory,
    RiskLevel,
    RiskSource,
    RiskStatus,
    Visibility,
)
from kerawanan.models import Risk

register = template.Library()

CHOICES = {
    "category": RiskCategory,
    "source": RiskSource,
    "status": RiskStatus,
    "visibility": Visibility,
    "level": RiskLevel,
}
EXTRA_LABELS = {
    "mitigation": _("Tugas mitigasi"),
    "acting_agencies_added": _("Lembaga yang harus bertindak (ditambah)"),
    "agenda": _("Agenda rapat"),
}


@register.simple_tag
def level_badge(level) -> str:
    """`<span class="badge level-high">▆ Tinggi</span>`; the symbol is hidden from screen
    readers, which read the word."""
    if not level:
        return ""
    css, symbol = LEVEL_SYMBOLS[RiskLevel(level)]
    return format_html(
        '<span class="badge level {}"><span aria-hidden="true">{}</span> {}</span>',
        css,
        symbol,
        RiskLevel(level).label,
    )


def _value(name: str, value) -> str:
    if value in ("", None, []):
        return "—"
    if name in CHOICES:
        try:
            return str(CHOICES[name](value).label)
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if name == "review_on":
        return date_format(date.fromisoformat(value), "j F Y")
    return str(value)


@register.filter
def change_rows(change) -> list[tuple[str, str, str]]:
    """(field, from, to) of a history entry, in the active language."""
    rows = []
    for entry in change.changes or []:
        name = entry.get("field", "")
        if name in EXTRA_LABELS:
            label = EXTRA_LABELS[name]
        else:
            try:
                label = Risk._meta.get_field(name).verbose_name
            except Exception:  # noqa: BLE001 - a field removed since: show its stored name
                label = name
        rows.append(
            (capfirst(str(label)), _value(name, entry.get("from")), _value(name, entry.get("to")))
        )
    return rows


@register.simple_tag
def heat_cell(cell, row=None, filter_name: str = "") -> str:
    """One heat-table cell: the count and the highest level (symbol hidden from screen readers,
    the word read), linked to the list of the row region's open risks of that column (totals
    and the root's own row are not links: the list filters by subtree). Built here
    rather than with an include: a national table has hundreds of cells."""
    body = format_html('<span class="cell-count">{}</span>', cell.count)
    if cell.top:
        body += format_html(
            '<span class="cell-top"><span aria-hidden="true">{}</span> {}</span>',
            cell.symbol,
            cell.level_label,
        )
    if row is not None and not row.is_root and cell.count:
        query = {"wilayah": row.code, "terbuka": 1}
        if cell.key:
            query[filter_name] = cell.key
        body = format_html(
            '<a href="{}?{}">{}</a>', reverse("kerawanan:risk_list"), urlencode(query), body
        )
    return format_html('<td class="{}">{}</td>', cell.css, body)
