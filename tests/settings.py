"""Test settings: the project's settings on the embedded defaults unless the
environment says otherwise (CI sets DATABASE_URL and CELERY_BROKER_URL)."""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "true")

from cvm_align.settings import *  # noqa: E402, F403
