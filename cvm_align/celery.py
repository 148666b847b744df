from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cvm_align.settings")

app = Celery("cvm_align")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="cvm_align.ping")
def ping() -> str:
    """A no-op round trip used by the health check's integration test."""
    return "pong"
