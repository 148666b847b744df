"""The demo leaders sign in their own browsers; the report appears and downloads."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from alignment.models import Report, User, Workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    return Workshop.objects.get(quarter="2026-Q4")


def test_the_leaders_sign_and_download_the_report(open_as, demo, tmp_path):
    lead = open_as(User.objects.get(email="lead@demo.test"))
    lead.goto(f"/w/{demo.pk}/s/signoff/")
    lead.get_by_label("Reason for signing despite the blockers").fill(
        "The board meets on Friday; the CVM lead owns the remaining gaps."
    )
    lead.get_by_role("button", name="Record the override").click()
    expect(lead.locator(".message--success")).to_contain_text("Override recorded")
    lead.goto(f"/w/{demo.pk}/")
    lead.get_by_role("button", name="Move to Review").click()
    lead.get_by_role("button", name="Move to Signing").click()
    expect(lead.locator(".message--success")).to_contain_text("The workshop is now Signing")

    for email in ("ceo@demo.test", "cfo@demo.test", "cmo@demo.test"):
        leader = open_as(User.objects.get(email=email))
        leader.goto(f"/w/{demo.pk}/s/signoff/")
        expect(leader.locator(".hash").first).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
        leader.get_by_role("button", name="I have read it and I sign").click()
        # The last signature freezes the workshop; with the embedded (eager) task
        # queue the report renders within that request.
        expect(leader.locator(".message--success")).to_contain_text("Signed", timeout=15_000)

    expect(leader.get_by_role("link", name="Download the signed report (PDF)")).to_be_visible(
        timeout=15_000
    )
    with leader.expect_download() as download:
        leader.get_by_role("link", name="Download the signed report (PDF)").click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    text = re.sub(r"\s+", " ", "".join(p.extract_text() for p in PdfReader(path).pages))
    report = Report.objects.get(workshop=demo)
    for name in ("Marco Rossi", "Giulia Conti", "Paolo Ferrari"):
        assert name in text
    assert report.content_hash in text.replace(" ", "")
    assert "The board meets on Friday" in text
    assert "Keep small businesses running with a continuity promise" in text
    # The frozen workshop says so on every step.
    leader.goto(f"/w/{demo.pk}/s/persona/")
    expect(leader.locator("#facilitation")).to_contain_text("Signed and frozen")
