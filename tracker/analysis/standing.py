"""Where the negotiation stood on a day (``?on=``, negotiation time): what had
been said by then, and each point's status step as dated then.

Apart from ``?as_of=``, which is record time (the audit view): a statement
entered today but said on 20 November counts from 20 November here.
"""

from collections import defaultdict

from ..models import PointStatus

# Status steps after which a point is no longer on the table as it was.
SETTLED = {
    PointStatus.Status.AGREED,
    PointStatus.Status.AGREED_IN_PRINCIPLE,
    PointStatus.Status.REMOVED,
    PointStatus.Status.MOVED,
}


def said_by(positions, day):
    """Codings of statements said on or before ``day`` (all of them when None)."""
    return positions if day is None else positions.filter(stated_on__lte=day)


def latest_day(positions, key):
    """``positions`` (newest first) grouped by ``key``, keeping for each key all
    those said on its latest day: two statements of one day both stand."""
    grouped = defaultdict(list)
    for position in positions:
        mine = grouped[key(position)]
        if not mine or mine[0].stated_on == position.stated_on:
            mine.append(position)
    return grouped


def status_steps_on(day, points):
    """Each point's latest status step dated on or before ``day`` (one query)."""
    steps = (
        PointStatus.objects.filter(point__in=points, on__lte=day)
        .select_related("source")
        .prefetch_related("agreed_by")
        .order_by("point", "-on", "-pk")
    )
    latest = {}
    for step in steps:
        latest.setdefault(step.point_id, step)
    return latest
