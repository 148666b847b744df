"""A signed report's PDF: queued at the freeze, rendered by a Celery worker.

Every change of a report's status happens here: filed and queued (at the
freeze), rendering, ready, failed. Each one renews the workshop's live pages, so the
sign-off step shows the progress.
"""

from __future__ import annotations

import gc
import hashlib
import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.utils import timezone

from alignment.models import Report, ReportStatus
from alignment.realtime.signals import workshop_changed
from alignment.report.render import render_report_pdf

logger = logging.getLogger(__name__)


def file_report(
    workshop, snapshot: dict, content_hash: str, signatures: list[dict], *, certificate: dict
) -> Report:
    """The signed record of a workshop, queued for its PDF: the render starts once
    the freeze has committed (a rolled-back freeze renders nothing)."""
    report = Report.objects.create(
        workshop=workshop,
        snapshot=snapshot,
        content_hash=content_hash,
        signatures=signatures,
        certificate=certificate,
    )
    transaction.on_commit(lambda: render_report.delay(str(report.pk)))
    return report


def _set_status(report: Report, status: str, **fields) -> None:
    Report.objects.filter(pk=report.pk).update(status=status, **fields)
    workshop_changed(report.workshop_id)


def render_pdf_for(report: Report) -> None:
    """Render (or re-render) the report's PDF from its frozen snapshot.

    Safe to run twice: the file has a fixed name and replaces any earlier one, and
    the same snapshot renders to the same bytes (the PDF is dated by the report,
    not by the render), so a retried or redelivered task leaves one file with the
    same SHA-256 (unless a time-stamp server dates each seal: see
    alignment.report.seal).
    """
    _set_status(report, ReportStatus.RENDERING, attempts=report.attempts + 1)
    # The snapshot as signed: the PDF carries it verbatim and shows it as signed.
    pdf = render_report_pdf(
        report.snapshot,
        signatures=report.signatures,
        content_hash=report.content_hash,
        certificate=report.certificate,
        generated_at=report.created,
    )
    name = f"reports/{report.pk}.pdf"
    storage = report.pdf.storage
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(pdf))
    _set_status(
        report,
        ReportStatus.READY,
        pdf=saved,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        error="",
        rendered_at=timezone.now(),
    )


def render_again(reports) -> int:
    """Queue a new render of each report not rendering now (the admin's action);
    the signed snapshot it renders from never changes."""
    ids = [
        str(pk)
        for pk in reports.exclude(status=ReportStatus.RENDERING).values_list("pk", flat=True)
    ]
    transaction.on_commit(lambda: [render_report.delay(pk) for pk in ids])
    return len(ids)


# The task keeps the name it was queued under before it moved here: tasks may
# wait in a queue across a deploy.
@shared_task(
    name="alignment.tasks.render_report",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def render_report(self, report_id: str) -> str:
    """Render a signed report's PDF. Late acknowledgement: if the worker dies in the
    middle, the broker delivers the task again and it simply renders again."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        logger.warning("render_report: no report %s", report_id)
        return "missing"
    try:
        render_pdf_for(report)
    except (OperationalError, OSError):
        raise  # transient: retried with backoff
    except Exception as error:
        _set_status(report, ReportStatus.FAILED, error=str(error)[:2000])
        logger.exception("render_report: report %s failed", report_id)
        raise
    # The render ran with the cyclic collector paused (alignment.report.render): its
    # garbage goes now, with the report already marked ready, rather than in the
    # middle of the next task.
    gc.collect()
    return "ready"
