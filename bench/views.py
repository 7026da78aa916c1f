"""The benchmark's views: never part of the app (bench/urls.py adds them under bench.settings)."""

import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

_pages = {}


@require_safe
def ceiling(request):
    """A tiny constant response: no template, no session or database read.

    Public and harmless; the benchmark compares every page's throughput to it.
    """
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def same_bytes(request, name):
    """The bytes a page answered with, from memory, through the same middleware stack.

    The driver saves a page's response as ``BENCH_SAME_BYTES_DIR/<name>.html``
    before it drives this view: what the page would cost if producing its body
    were free. Read once per worker; no session, no query.
    """
    if name not in _pages:
        folder = Path(os.environ.get("BENCH_SAME_BYTES_DIR", "/nonexistent"))
        try:
            _pages[name] = (folder / f"{name}.html").read_bytes()
        except OSError as error:
            raise Http404("No saved page by that name.") from error
    return HttpResponse(_pages[name], content_type="text/html; charset=utf-8")
