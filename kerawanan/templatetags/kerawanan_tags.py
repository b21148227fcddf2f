"""Levels as colour, symbol and word together; history entries in the reader's language."""

from datetime import date
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
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


class _CellMarkup:
    """Builds heat-table cells as plain strings: a national table has hundreds of cells, and
    format_html, reverse() and a lazy translation per cell would cost more than the query."""

    def __init__(self, filter_name: str):
        self.filter_name = filter_name
        self.list_url = reverse("kerawanan:risk_list")
        self.levels = {
            level: (css, symbol, escape(str(RiskLevel(level).label)))
            for level, (css, symbol) in LEVEL_SYMBOLS.items()
        }

    def cell(self, cell, region: str = "") -> str:
        if not cell.top:
            return f'<td class="level-none"><span class="cell-count">{cell.count}</span></td>'
        css, symbol, word = self.levels[cell.top]
        body = (
            f'<span class="cell-count">{cell.count}</span><span class="cell-top">'
            f'<span aria-hidden="true">{symbol}</span> {word}</span>'
        )
        if region:
            query = {"wilayah": region, "terbuka": 1}
            if cell.key:
                query[self.filter_name] = cell.key
            body = f'<a href="{self.list_url}?{escape(urlencode(query))}">{body}</a>'
        return f'<td class="{css}">{body}</td>'


@lru_cache(maxsize=32)
def _markup(filter_name: str, language: str) -> _CellMarkup:
    return _CellMarkup(filter_name)  # the words in the active language, kept per language


@register.simple_tag
def heat_cells(row, filter_name: str) -> str:
    """A row's cells and its total; each (but those of the root's own row, since the list
    filters by subtree) linked to the list of the row region's open risks of that column."""
    markup = _markup(filter_name, get_language())
    region = "" if row.is_root else row.code
    cells = [markup.cell(cell, region) for cell in row.cells]
    cells.append(markup.cell(row.total, region))
    return mark_safe("".join(cells))  # noqa: S308 - every dynamic part escaped above


@register.simple_tag
def heat_totals(table) -> str:
    markup = _markup("", get_language())
    cells = [markup.cell(cell) for cell in [*table.totals, table.grand_total]]
    return mark_safe("".join(cells))  # noqa: S308 - every dynamic part escaped above
