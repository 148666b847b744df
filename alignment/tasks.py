"""Celery tasks, found here by autodiscovery. Each is a thin wrapper over a
service and keeps the name it is queued under."""

from __future__ import annotations

from alignment.services.reports import render_report

__all__ = ["render_report"]
