"""Showing evidence as precisely as the sources give it."""

from django import template
from django.utils.dateformat import format as date_format

register = template.Library()

DAY = "j M Y"


@register.filter
def said_when(record):
    """A statement's (or event's, or status's) date, never more precise than its source:
    "27 Nov 2025", "week of 24 Nov 2025", "November 2025", "between 21 and 27 Nov 2025"."""
    on = getattr(record, "said_on", None) or getattr(record, "occurred_on", None)
    on = on or getattr(record, "on", None)
    if on is None:
        return ""
    precision = getattr(record, "precision", "day")
    if precision == "week":
        return f"week of {date_format(on, DAY)}"
    if precision == "month":
        return date_format(on, "F Y")
    until = getattr(record, "said_until", None)
    if precision == "range" and until:
        if (on.year, on.month) == (until.year, until.month):
            return f"between {on.day} and {date_format(until, DAY)}"
        if on.year == until.year:
            return f"between {date_format(on, 'j M')} and {date_format(until, DAY)}"
        return f"between {date_format(on, DAY)} and {date_format(until, DAY)}"
    return date_format(on, DAY)


@register.filter
def english_first(translations):
    """Renderings with the English ones first, beside the original (no query)."""
    return sorted(translations, key=lambda t: (not t.language.startswith("en"), t.language))
