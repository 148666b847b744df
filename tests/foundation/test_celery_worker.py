"""A task goes through a real Celery worker and the real broker and comes back."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from cvm_align.celery import app, ping

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


@pytest.fixture
def real_worker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        if os.environ.get("CVM_REQUIRE_REAL_SERVICES"):
            pytest.fail("CELERY_BROKER_URL must be set when real services are required")
        pytest.skip("no broker configured (CELERY_BROKER_URL unset)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "cvm_align",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
    )
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_a_task_round_trips_through_worker_and_broker(real_worker):
    result = ping.apply_async(queue=real_worker)
    assert result.get(timeout=60) == "pong"
