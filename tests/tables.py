"""Reading the stance table a page drew, for assertions."""

import re

from tracker.stances import StanceTable


def stance_table(response):
    """The StanceTable behind the page's table (drawn on this request, not kept)."""
    for context in response.context:
        table = context.get("table")
        if isinstance(table, StanceTable):
            return table
    raise AssertionError("The page drew no stance table (was it kept from an earlier request?)")


def cell_classes(html, point, party):
    """The classes of the rendered cell of ``party`` on ``point``."""
    match = re.search(rf'<td id="c{point.pk}-{party.pk}" class="([^"]*)"', html)
    assert match, f"no cell for point {point.pk} and party {party.pk}"
    return match.group(1).split()
