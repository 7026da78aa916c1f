"""The benchmark's ceiling: the fastest a page can be through the full middleware stack."""

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def ceiling(request):
    """A tiny constant response: no template, no session or database read.

    Public and harmless; the benchmark compares every page's throughput to it.
    """
    return HttpResponse("ok\n", content_type="text/plain")
