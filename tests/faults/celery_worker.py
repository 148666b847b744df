"""The project's Celery app, for a worker that a fault test kills on purpose.

`python -m celery --app tests.faults.celery_worker worker ...` runs the real app
and tasks, with two test-only settings from the environment:

- CVM_TEST_VISIBILITY_TIMEOUT: seconds before Redis hands an unacknowledged task
  to another worker (production keeps the settings' 600), swept every second.
- CVM_TEST_SLOW_RENDER_ONCE: a file; while it exists, the next report render
  deletes it, writes the rendering process's id to "<file>.pid" and then takes a
  minute, so the test can kill the worker (or its pool process) mid-render.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery.signals import task_prerun

from cvm_align.celery import app

if timeout := os.environ.get("CVM_TEST_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options = {
        **(app.conf.broker_transport_options or {}),
        "visibility_timeout": float(timeout),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

_patched = False


@task_prerun.connect
def _slow_first_render(**kwargs) -> None:
    global _patched
    marker = os.environ.get("CVM_TEST_SLOW_RENDER_ONCE")
    if _patched or not marker:
        return
    # Imported when the first task starts: by then the worker has set Django up.
    from alignment.services import reports

    # The name the render really calls: `reports.render_pdf_for` looks it up in
    # its own module.
    real = reports.render_report_pdf

    def render_report_pdf(*args, **kw):
        path = Path(marker)
        if path.exists():
            path.unlink()
            Path(f"{marker}.pid").write_text(str(os.getpid()))
            time.sleep(60)
        return real(*args, **kw)

    reports.render_report_pdf = render_report_pdf
    _patched = True


__all__ = ["app"]
