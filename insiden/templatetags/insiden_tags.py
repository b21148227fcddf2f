from django import template

from insiden.selectors.situation import Cell

register = template.Library()


@register.filter
def get_cell(cells, category):
    """The grid cell of a category (an empty one when the row has none)."""
    return cells.get(category) or Cell()
