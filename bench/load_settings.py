"""Settings of the gunicorn server under load: the production settings, except
that static files are collected into the run's temporary directory (never into
the project's `staticfiles/`), and a Redis cache gets the run's own key prefix
(see `bench.cache`).

BENCH_STATIC_STORAGE, when set, replaces the static files storage: the load test
falls back to Django's plain storage when the production (manifest) storage
cannot collect the static files, and says so in its results.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.cache import isolated
from cvm_align.settings import *  # noqa: F403
from cvm_align.settings import CACHES, STORAGES

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
if os.environ.get("BENCH_STATIC_STORAGE"):
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": os.environ["BENCH_STATIC_STORAGE"]}}
CACHES = isolated(CACHES)
