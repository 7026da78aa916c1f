"""Reading a timeline page as its reader sees it: the entries it lists, in its order.

Each entry carries its place in the timeline (``data-place="DAY.KIND.ID"``), the
same place the page's links continue from. The list is drawn once per state of the
record and kept, so a test reads the page, not the view's context.
"""

import datetime
import re

from tests.tables import drawn
from tracker.models import Event, PointStatus, Statement

KINDS = {"event": Event, "status": PointStatus, "statement": Statement}
PLACE = re.compile(r'data-place="(\d{4}-\d{2}-\d{2})\.(\w+)\.(\d+)"')


def places(body):
    """(kind, id, day) of each entry ``body`` lists, in its order."""
    found = PLACE.findall(body)
    return [(kind, int(pk), datetime.date.fromisoformat(day)) for day, kind, pk in found]


def listed(response):
    """The records a timeline response lists, in its order."""
    return [KINDS[kind].objects.get(pk=pk) for kind, pk, _ in places(response.content.decode())]


def drawn_chart(response):
    """The chart's coordinates behind the page's SVG (drawn on this request, not kept)."""
    return drawn(response, "chart", dict)
