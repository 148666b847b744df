"""Celery tasks: thin wrappers over services. They take ids and are idempotent."""

from __future__ import annotations

import gc
import logging

from celery import shared_task
from django.db import OperationalError

from alignment.models import Report, ReportStatus
from alignment.signals import workshop_changed

logger = logging.getLogger(__name__)


@shared_task(
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
    from alignment.signoff import render_pdf_for

    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        logger.warning("render_report: no report %s", report_id)
        return "missing"
    try:
        render_pdf_for(report)
    except (OperationalError, OSError):
        raise  # transient: retried with backoff
    except Exception as error:
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, error=str(error)[:2000]
        )
        workshop_changed(report.workshop_id)
        logger.exception("render_report: report %s failed", report_id)
        raise
    # The render ran with the cyclic collector paused (alignment.report): its
    # garbage goes now, with the report already marked ready, rather than in the
    # middle of the next task.
    gc.collect()
    return "ready"
