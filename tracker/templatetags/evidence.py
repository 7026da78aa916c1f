"""Showing evidence as precisely as the sources give it."""

from django import template
from django.utils.dateformat import format as date_format

register = template.Library()

DAY = "j M Y"


@register.filter
def said_when(record):
    """A statement's (or event's, or status's) date, never more precise than its source:
    "27 Nov 2025", "week of 24 Nov 2025", "November 2025", "between 21 and 27 Nov 2025",
    and an event that went on for days: "23–25 Nov 2025"."""
    on = getattr(record, "said_on", None) or getattr(record, "occurred_on", None)
    on = on or getattr(record, "on", None)
    if on is None:
        return ""
    precision = getattr(record, "precision", "day")
    # A statement said in a range; an event that went on for days (or happened in a range).
    until = getattr(record, "said_until", None) or getattr(record, "ends_on", None)
    if until == on:
        until = None
    if precision == "week":
        end = f" to {date_format(until, DAY)}" if until else ""
        return f"week of {date_format(on, DAY)}{end}"
    if precision == "month":
        if until and (until.year, until.month) != (on.year, on.month):
            return f"{date_format(on, 'F Y')} to {date_format(until, 'F Y')}"
        return date_format(on, "F Y")
    if until:
        if (on.year, on.month) == (until.year, until.month):
            start = str(on.day)
        elif on.year == until.year:
            start = date_format(on, "j M")
        else:
            start = date_format(on, DAY)
        if precision == "range":
            return f"between {start} and {date_format(until, DAY)}"
        return f"{start}–{date_format(until, DAY)}"
    return date_format(on, DAY)


@register.filter
def english_first(translations):
    """Renderings with the English ones first, beside the original (no query)."""
    return sorted(translations, key=lambda t: (not t.language.startswith("en"), t.language))
