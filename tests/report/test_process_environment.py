"""Rendering a report leaves the process as it found it.

fontTools reads SOURCE_DATE_EPOCH to date the font subsets; the render sets it to
the report's date for its own duration only. In eager mode the process that
renders is the web server, so a value left behind would date every later PDF."""

from __future__ import annotations

import os

import pytest

from alignment.report.render import render_report_pdf
from tests.report.conftest import render_kwargs
from tests.report.sample_snapshot import MINIMAL


@pytest.fixture
def no_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_an_unset_source_date_epoch_stays_unset(no_epoch):
    first = render_report_pdf(MINIMAL, **render_kwargs())
    assert "SOURCE_DATE_EPOCH" not in os.environ
    # ...and the PDF is still dated by the report, not by the render.
    assert render_report_pdf(MINIMAL, **render_kwargs()) == first


def test_a_source_date_epoch_set_before_is_put_back(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    render_report_pdf(MINIMAL, **render_kwargs())
    assert os.environ["SOURCE_DATE_EPOCH"] == "86400"
