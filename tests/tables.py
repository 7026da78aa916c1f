"""Reading the stance table a page drew, for assertions."""

import re

from tracker.stances import StanceTable


def drawn(response, name, kind):
    """The ``name`` of type ``kind`` that the response's templates drew with (on this
    request: a drawing kept from an earlier request leaves none)."""
    for context in response.context:
        value = context.get(name)
        if isinstance(value, kind):
            return value
    raise AssertionError(f"The page drew no {name} (was it kept from an earlier request?)")


def stance_table(response):
    """The StanceTable behind the page's table."""
    return drawn(response, "table", StanceTable)


def cell_classes(html, point, party):
    """The classes of the rendered cell of ``party`` on ``point``."""
    match = re.search(rf'<td id="c{point.pk}-{party.pk}" class="([^"]*)"', html)
    assert match, f"no cell for point {point.pk} and party {party.pk}"
    return match.group(1).split()
