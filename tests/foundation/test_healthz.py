"""GET /healthz tells a load balancer whether the database and broker answer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_reports_database_and_broker(client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    expected_broker = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    assert response.json() == {"database": "ok", "broker": expected_broker}


def test_it_answers_without_signing_in(client, db):
    assert client.get("/healthz").status_code == 200


def test_it_answers_503_and_names_the_database_when_it_is_down():
    # A real server that is not there: nothing listens on port 1.
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "REDIS_URL")},
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "cvm_align.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, _, body = result.stdout.strip().partition(" ")
    assert status == "503", result.stdout + result.stderr
    assert '"database": "unavailable"' in body
