from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..models import Stance

register = template.Library()

NO_POSITION = (
    '<td class="cell"><span class="stance stance-none" title="No stated position">–</span></td>'
)


def _stance_cell(stance):
    label = escape(Stance(stance).label) if stance in Stance.values else escape(stance)
    return f'<td class="cell"><span class="stance stance-{escape(stance)}">{label}</span></td>'


@register.filter
def stance_cells(cells):
    """A row's stance cells as table cells, one per party.

    Each cell is a stance value, an object with a ``stance`` or None. Built
    here rather than with an ``{% include %}`` per cell: a plan page at 50
    parties × 300 points has 15,000 cells, and the include machinery cost
    over a second of rendering there.
    """
    rendered = {}
    html = []
    for cell in cells:
        stance = getattr(cell, "stance", cell) or ""
        if stance not in rendered:
            rendered[stance] = _stance_cell(stance) if stance else NO_POSITION
        html.append(rendered[stance])
    # Every stance and label was escaped above.
    return mark_safe("".join(html))  # noqa: S308
