"""The production settings, with static files collected into the benchmark's own directory.

Everything comes from tracker.settings (``TRACKER_ENV=production`` is set by the
benchmark); STATIC_ROOT moves, so that ``collectstatic`` never touches the
project's ``staticfiles/``, and the URLconf adds the benchmark's ceiling view,
which the production app does not ship.
"""

import os

from tracker.settings import *  # noqa: F403

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]

ROOT_URLCONF = "bench.urls"
