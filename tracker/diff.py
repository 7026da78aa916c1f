"""Word-level differences between two texts, for history and version comparison."""

import difflib
import re

from django.utils.html import format_html, format_html_join

TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def tokens(text):
    return TOKEN.findall(text or "")


def word_diff(old, new):
    """The change from ``old`` to ``new`` as a list of (op, text) pairs.

    ``op`` is "equal", "delete" or "insert"; a replacement yields a delete
    followed by an insert, as a wiki diff shows it.
    """
    a, b = tokens(old), tokens(new)
    pieces = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


TAGS = {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}


def word_diff_html(old, new):
    """The word diff as escaped HTML with <del> and <ins> marks."""
    return format_html_join(
        "", "{}", ((format_html(TAGS[op], text),) for op, text in word_diff(old, new))
    )


class Sides:
    """Both texts of a change, each as escaped HTML with its own marks:
    deleted words marked in ``old``, inserted words in ``new``."""

    def __init__(self, pieces):
        self.old = format_html_join(
            "", "{}", ((format_html(TAGS[op], text),) for op, text in pieces if op != "insert")
        )
        self.new = format_html_join(
            "", "{}", ((format_html(TAGS[op], text),) for op, text in pieces if op != "delete")
        )
        self.changed = any(op != "equal" for op, _ in pieces)


def word_diff_sides(old, new):
    """The word diff split into the older and the newer text, for side-by-side reading."""
    return Sides(word_diff(old, new))


def changed(old, new):
    return (old or "") != (new or "")
