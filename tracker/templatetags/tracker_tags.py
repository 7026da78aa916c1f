from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..models import Stance

register = template.Library()

NO_POSITION = (
    '<td class="cell"><span class="stance stance-none" title="No stated position">–</span></td>'
)


LABELS = dict(Stance.choices)
_cells = {}


def _stance_cell(stance):
    """One stance's cell, kept: there are only a handful of stances."""
    key = str(stance)  # a Stance member and its stored value share one entry
    html = _cells.get(key)
    if html is None:
        if not key:
            html = NO_POSITION
        else:
            label = escape(LABELS.get(key, key))
            html = f'<td class="cell"><span class="stance stance-{escape(key)}">{label}</span></td>'
        if len(_cells) < 100:
            _cells[key] = html
    return html


@register.filter
def stance_cells(cells):
    """A row's stance cells as table cells, one per party.

    Each cell is a stance value, an object with a ``stance``, a (party,
    stance) pair or None. Built here rather than with an ``{% include %}``
    per cell: a plan page at 50 parties × 300 points has 15,000 cells, and
    the include machinery cost over a second of rendering there.
    """
    html = []
    for cell in cells:
        # A position read as a named row is a tuple too: its stance is not its last item.
        if isinstance(cell, tuple) and not hasattr(cell, "stance"):
            cell = cell[-1]
        html.append(_stance_cell(getattr(cell, "stance", cell) or ""))
    # Every stance and label was escaped above.
    return mark_safe("".join(html))  # noqa: S308
