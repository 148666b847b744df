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

    # The CEO reads the content on the page, then signs with a reservation.
    ceo = open_as(User.objects.get(email="ceo@demo.test"))
    ceo.goto(f"/w/{demo.pk}/s/signoff/")
    shown_hash = ceo.locator("#content-hash").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", shown_hash)
    content = ceo.locator("#signed-content")
    expect(
        content.locator(
            ".signed-block__title",
            has_text="Keep small businesses running with a continuity promise",
        )
    ).to_be_hidden()
    with ceo.expect_response(lambda r: "/signoff/opened" in r.url):
        ceo.get_by_text("Read the content you sign").click()
    expect(
        content.locator(
            ".signed-block__title",
            has_text="Keep small businesses running with a continuity promise",
        )
    ).to_be_visible()
    expect(content.get_by_role("heading", name="Moments of Truth")).to_be_visible()
    ceo.get_by_label("Reservation (optional)").fill(
        "The churn target for small businesses needs a second look in Q1."
    )
    ceo.get_by_role("button", name="I have read it and I sign").click()
    expect(ceo.locator(".message--success")).to_contain_text("Signed")
    expect(ceo.locator("#signoff")).to_contain_text("The churn target for small businesses")

    # The CFO opens the draft PDF instead: it is watermarked and carries the hash.
    cfo = open_as(User.objects.get(email="cfo@demo.test"))
    cfo.goto(f"/w/{demo.pk}/s/signoff/")
    draft = cfo.request.get(f"/w/{demo.pk}/signoff/draft.pdf")
    assert draft.headers["content-type"] == "application/pdf"
    draft_path = tmp_path / "draft.pdf"
    draft_path.write_bytes(draft.body())
    draft_text = re.sub(r"\s+", " ", "".join(p.extract_text() for p in PdfReader(draft_path).pages))
    assert "draft - not signed" in draft_text.lower()
    assert shown_hash in draft_text.replace(" ", "")
    cfo.reload()
    cfo.get_by_role("button", name="I have read it and I sign").click()
    expect(cfo.locator(".message--success")).to_contain_text("Signed")

    # The CMO signs without opening anything: asked once more, then signs.
    cmo = open_as(User.objects.get(email="cmo@demo.test"))
    cmo.goto(f"/w/{demo.pk}/s/signoff/")
    cmo.get_by_role("button", name="I have read it and I sign").click()
    expect(cmo.locator(".sign-form [role=alert]")).to_contain_text(
        "You have not opened the content"
    )
    cmo.get_by_role("button", name="Sign without having read it").click()
    # The last signature freezes the workshop; with the embedded (eager) task
    # queue the report renders within that request.
    expect(cmo.locator(".message--success")).to_contain_text("Signed", timeout=15_000)

    # The lead downloads the signed report.
    lead.goto(f"/w/{demo.pk}/s/signoff/")
    expect(lead.get_by_role("link", name="Download the signed report (PDF)")).to_be_visible(
        timeout=15_000
    )
    with lead.expect_download() as download:
        lead.get_by_role("link", name="Download the signed report (PDF)").click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    text = re.sub(r"\s+", " ", "".join(p.extract_text() for p in PdfReader(path).pages))
    report = Report.objects.get(workshop=demo)
    assert report.content_hash == shown_hash
    for name in ("Marco Rossi", "Giulia Conti", "Paolo Ferrari"):
        assert name in text
    assert report.content_hash in text.replace(" ", "")
    assert "The board meets on Friday" in text
    assert "Keep small businesses running with a continuity promise" in text
    assert "The churn target for small businesses needs a second look in Q1." in text
    # The completion certificate, the last page: each was invited, and opened
    # and signed, or signed without having opened the content.
    certificate = text[text.index("Every event of the sign-off") :]
    for event in (
        "Completion certificate",
        "Invited to sign",
        "Opened the content",
        "Signed with a reservation",
        "Signed without having opened the content.",
    ):
        assert event in certificate, event
    # The frozen workshop says so on every step.
    ceo.goto(f"/w/{demo.pk}/s/persona/")
    expect(ceo.locator("#facilitation")).to_contain_text("Signed and frozen")
