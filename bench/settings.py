"""The production settings, with the benchmark's own URLs and static files directory.

Everything comes from tracker.settings (``TRACKER_ENV=production`` is set by the
benchmark); STATIC_ROOT moves, so that ``collectstatic`` never touches the
project's ``staticfiles/``, and the URLs gain the benchmark's views (bench/urls.py).
"""

import os

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
