"""Settings of the in-process measurements: the project's own settings, with a
URLconf that adds the bare baseline view next to the project's URLs.

Everything else (middleware, sessions, cache, templates) stays as configured, so
the baseline goes through exactly the stack the measured pages go through; only
a Redis cache gets the run's own key prefix (see `bench.cache`).
"""

from __future__ import annotations

from bench.cache import isolated
from cvm_align.settings import *  # noqa: F403
from cvm_align.settings import ALLOWED_HOSTS, CACHES

ROOT_URLCONF = "bench.urls"
# The test Client talks to "testserver"; setup_test_environment() is not called
# (it would instrument template rendering and skew every timing).
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
CACHES = isolated(CACHES)
