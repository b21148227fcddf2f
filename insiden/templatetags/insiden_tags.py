from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from insiden.enums import Severity

register = template.Library()

_WORST_CLASS = {Severity.CRITICAL: " level-very-high", Severity.HIGH: " level-high"}


@register.simple_tag
def grid_body(grid, list_url: str, status: str):
    """The situation room's grid rows. Drawn here rather than in the template: at the whole
    country's size the grid has hundreds of cells, and the template engine took most of the
    page's time resolving them (docs/benchmarks.md, "Incident desk")."""
    critical = _("%(n)s kritis")
    # Without a status filter the grid counts open incidents: its links list those.
    suffix = "" if status else mark_safe("&amp;terbuka=1")

    def cell_html(code, category, cell):
        if not cell.total:
            return mark_safe("·")
        link = format_html(
            '<a href="{}?wilayah={}&amp;kategori={}{}">{}</a>',
            list_url,
            code,
            category,
            suffix,
            localize(cell.total),
        )
        if cell.critical:
            link += format_html(
                ' <span class="sev">({})</span>', critical % {"n": localize(cell.critical)}
            )
        return link

    rows = []
    for code, name, cells, total in grid.table:
        tds = format_html_join(
            "",
            '<td class="num{}">{}</td>',
            ((_WORST_CLASS.get(cell.worst, ""), cell_html(code, cat, cell)) for cat, cell in cells),
        )
        rows.append(
            format_html(
                '<tr><th scope="row"><a href="?wilayah={}">{}</a></th>{}'
                '<td class="num">{}</td></tr>',
                code,
                name,
                tds,
                localize(total),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part built by format_html
