"""A Celery worker killed (SIGKILL) in the middle of rendering a signed report: the
task is delivered again and completes, and exactly one report file exists. A real
worker process, real Redis, the test's PostgreSQL database.

Two ways a render dies:
- the whole worker (an OOM kill, a lost node): nothing is left to reject the task,
  but it is acknowledged late (acks_late), so Redis still holds it and hands it to
  the restarted worker once its visibility timeout has passed;
- only the pool process running the task: the worker sees it lost and, because
  the task says reject_on_worker_lost, puts it straight back on the queue.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from alignment.models import Report, ReportStatus
from alignment.services import reports, signoff
from cvm_align.celery import app

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.integration,
    # The worker is another process: it must see committed rows.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url_for_workers() -> str:
    """The test database (pytest-django's test_<name>), as the worker must see it."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(queue: str, env: dict, pool: str = "solo") -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "tests.faults.celery_worker",
            "worker",
            "--pool",
            pool,
            "--concurrency",
            "1",
            "--queues",
            queue,
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


def report_status(report_id):
    return Report.objects.filter(pk=report_id).values_list("status", flat=True).first()


@pytest.fixture
def render_queue(broker, tmp_path, monkeypatch):
    """A queue of this test's own, the real sign-off's render task sent to it, and the
    environment of a worker whose first render is slow."""
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    slow_once = tmp_path / "slow-once"
    slow_once.touch()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url_for_workers(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CVM_TEST_SLOW_RENDER_ONCE": str(slow_once),
    }
    real_task = reports.render_report

    class ToThisQueue:
        @staticmethod
        def delay(report_id):
            return real_task.apply_async(args=[report_id], queue=queue)

    monkeypatch.setattr(reports, "render_report", ToThisQueue)
    app.conf.task_always_eager = False  # the autouse fixture puts it back
    workers = []
    yield queue, env, slow_once, workers
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)


def sign_and_wait_for_rendering(signing, leader, slow_once) -> tuple[Report, int]:
    report = signoff.sign(
        signing, unread_ok=True, by=leader, content_hash=signoff.current_content(signing)[1]
    )
    assert report is not None, "the only leader's signature freezes the workshop"
    wait_for(lambda: report_status(report.pk) == ReportStatus.RENDERING, 60, "rendering")
    pid = wait_for(lambda: _read(Path(f"{slow_once}.pid")), 30, "the slow render")
    return report, int(pid)


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def assert_one_good_report_file(report_id) -> None:
    report = Report.objects.get(pk=report_id)
    assert report.status == ReportStatus.READY
    assert report.attempts == 2  # delivered again, rendered again
    media = Path(settings.MEDIA_ROOT)
    files = [f.relative_to(media).as_posix() for f in media.rglob("*") if f.is_file()]
    assert files == [f"reports/{report.pk}.pdf"]
    pdf = (media / report.pdf.name).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == report.pdf_sha256
    assert len(PdfReader(media / report.pdf.name).pages) > 1


def test_a_worker_killed_mid_render_is_replaced_and_the_report_completes(
    render_queue, signing, leader
):
    queue, env, slow_once, workers = render_queue
    env["CVM_TEST_VISIBILITY_TIMEOUT"] = "2"
    workers.append(start_worker(queue, env))

    report, _pid = sign_and_wait_for_rendering(signing, leader, slow_once)
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait(timeout=10)
    assert report_status(report.pk) == ReportStatus.RENDERING  # killed mid-render
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))

    workers.append(start_worker(queue, env))
    wait_for(lambda: report_status(report.pk) == ReportStatus.READY, 60, "the report")
    assert_one_good_report_file(report.pk)


def test_a_pool_process_killed_mid_render_is_retried_at_once(render_queue, signing, leader):
    queue, env, slow_once, workers = render_queue
    # Redis's redelivery would take ten minutes: only the rejection can bring it back.
    env["CVM_TEST_VISIBILITY_TIMEOUT"] = "600"
    workers.append(start_worker(queue, env, pool="prefork"))

    report, pid = sign_and_wait_for_rendering(signing, leader, slow_once)
    assert pid != workers[0].pid
    os.kill(pid, signal.SIGKILL)

    wait_for(lambda: report_status(report.pk) == ReportStatus.READY, 60, "the report")
    assert workers[0].poll() is None  # the worker lived on
    assert_one_good_report_file(report.pk)
