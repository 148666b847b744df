"""The demo's signed quarter comes with its report as the worker renders it: PDF/A,
tagged, sealed, and checking out against its own record."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command
from pyhanko.sign.validation.status import SignatureCoverageLevel

from alignment.models import Report, ReportStatus
from alignment.report import seal
from alignment.report.verification import Verdict, inspect_pdf
from tests.report.pdf_tools import embedded, pdfinfo, qpdf_check, validate, xmp

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_report(settings, django_capture_on_commit_callbacks) -> Report:
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    report = Report.objects.get(workshop__organization__slug="demo-telco")
    assert report.status == ReportStatus.READY, report.error
    return report


def test_the_demo_report_is_a_sealed_pdf_a_that_verifies(demo_report):
    pdf = demo_report.pdf.read()
    assert hashlib.sha256(pdf).hexdigest() == demo_report.pdf_sha256

    info = pdfinfo(pdf)
    assert info["Tagged"] == "yes" and info["Metadata Stream"] == "yes"
    assert b'pdfaid:part="3"' in xmp(pdf) and b'pdfaid:conformance="B"' in xmp(pdf)
    check = qpdf_check(pdf)
    assert check.returncode == 0, check.stdout + check.stderr

    _signature, status = validate(pdf, seal.load().der)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE

    content = embedded(pdf)["snapshot.json"]
    assert hashlib.sha256(content).hexdigest() == demo_report.content_hash
    assert inspect_pdf(pdf).verdict == Verdict.OK
