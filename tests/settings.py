"""Test settings: the project's settings on the embedded defaults unless the
environment says otherwise (CI sets DATABASE_URL and CELERY_BROKER_URL)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DEBUG", "true")

# `make test` runs the suite in parallel processes (pytest-xdist): each has a test
# database of its own (pytest-django names it), and here a Redis database of its
# own, because every test starts by clearing the cache. Set in the environment, so
# that a worker process a test starts (Celery) shares its test's cache.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and os.environ.get("REDIS_URL", "").startswith("redis"):
    _base, _, _db = os.environ["REDIS_URL"].rpartition("/")
    if _db.isdigit():
        os.environ["REDIS_URL"] = f"{_base}/{10 + int(_xdist_worker[2:])}"
    # Redis pub/sub is shared by every database number: a prefix of its own too.
    os.environ["CHANNEL_PREFIX"] = f"cvm-test-{_xdist_worker}"

# The report seal: a self-signed certificate of the tests' own, made on first use in
# a temporary folder per worker (never in $HOME), whatever the developer's .env
# says. Set in the environment, so a worker process a test starts seals with the
# same certificate.
os.environ["REPORT_SIGNING_HOME"] = os.path.join(
    tempfile.gettempdir(), f"cvm-align-test-seal-{_xdist_worker or 'main'}"
)
for _name in ("REPORT_SIGNING_P12", "REPORT_SIGNING_PASSPHRASE", "REPORT_SIGNING_TSA_URL"):
    os.environ[_name] = ""

from cvm_align.settings import *  # noqa: E402, F403

# On SQLite the test database is a file, not the default shared in-memory one: the
# browser tests' live server answers from threads of its own, and SQLite's shared
# cache locks whole tables between connections ("database table is locked")
# instead of waiting for the lock as a file database does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(
            tempfile.gettempdir(), f"cvm-align-test-{_xdist_worker or 'main'}.sqlite3"
        )
    }

# Each request closes its database connection: the browser tests' live server
# answers from a pool of threads, and connections they kept open (production keeps
# them for a minute) would still be there when the test database is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
