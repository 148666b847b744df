from __future__ import annotations

from cvm_align.celery import app as celery_app

__all__ = ["celery_app"]
