"""The production settings, with static files collected into the benchmark's own directory.

Everything comes from tracker.settings (``TRACKER_ENV=production`` is set by the
benchmark); only STATIC_ROOT moves, so that ``collectstatic`` never touches the
project's ``staticfiles/``.
"""

import os

from tracker.settings import *  # noqa: F403

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
