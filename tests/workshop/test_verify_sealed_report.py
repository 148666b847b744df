"""The verify page reads an uploaded report PDF: each check of its seal and content,
and the organisation's signed workshop it is, for members only."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alignment.models import Report, ReportStatus
from alignment.report import seal
from tests.report.conftest import GENERATED_AT
from tests.report.pdf_tools import SIGNED, render_signed, swap_attachment
from tests.report.sample_snapshot import CONTENT_HASH

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def sealed() -> bytes:
    return render_signed()


@pytest.fixture(scope="module")
def tampered(sealed) -> bytes:
    return swap_attachment(sealed, b'{"workshop":{"title":"Another plan"}}')


def _report(workshop, **fields) -> Report:
    return Report.objects.create(
        workshop=workshop,
        snapshot=SIGNED,
        content_hash=CONTENT_HASH,
        signatures=[],
        status=ReportStatus.READY,
        **fields,
    )


@pytest.fixture
def issued(workshop, sealed) -> Report:
    """Acme's signed report, whose issued PDF is `sealed`."""
    return _report(workshop, pdf_sha256=hashlib.sha256(sealed).hexdigest())


def post_pdf(client, pdf: bytes, slug: str = "acme"):
    upload = SimpleUploadedFile("report.pdf", pdf, "application/pdf")
    return client.post(f"/o/{slug}/verify", {"pdf": upload})


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_a_sealed_report_shows_every_check_passed_and_its_workshop(request, who, issued, sealed):
    response = post_pdf(request.getfixturevalue(who), sealed)
    assert response.status_code == 200
    body = response.content.decode()
    assert "All checks passed" in body and "Verified" in body
    for label in (
        "Readable as a PDF",
        "A digital signature (PAdES)",
        "The signature is intact and valid",
        "Signed with this site&#x27;s seal",
        "Not changed after signing",
        "Carries the signed content (snapshot.json)",
        "The signed content hashes to the hash the document prints",
    ):
        assert label in body
    assert body.count('class="badge badge--ok">yes<') == 7
    assert seal.identity()["fingerprint"] in body
    assert CONTENT_HASH in body
    assert "2026-Q4 · Q4 alignment" in body
    assert "Matched by the file itself" in body


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_a_report_changed_after_sealing_fails_and_matches_nothing(request, who, issued, tampered):
    body = post_pdf(request.getfixturevalue(who), tampered).content.decode()
    assert "A check failed" in body
    assert "the file was changed after it was sealed" in body
    assert 'class="badge badge--bad">no<' in body
    assert "No match" in body and "Verified" not in body
    assert hashlib.sha256(tampered).hexdigest() in body


def test_a_sealed_file_that_is_not_the_one_issued_matches_by_its_content(as_leader, workshop):
    # The report was rendered again (or by another version): another file, the same
    # signed content under this site's intact seal.
    _report(workshop, pdf_sha256="0" * 64)
    again = seal.seal_pdf(render_signed(draft=True), at=GENERATED_AT)
    body = post_pdf(as_leader, again).content.decode()
    assert "Verified" in body
    assert "Matched by the signed content it carries" in body


def test_a_pdf_sealed_elsewhere_says_by_whom_and_gives_this_sites_seal(
    as_leader, workshop, sealed, tmp_path, settings
):
    draft = render_signed(draft=True)
    settings.REPORT_SIGNING_P12 = str(
        seal.create_self_signed(tmp_path / "other.p12", organisation="Impostor", passphrase=b"x")
    )
    settings.REPORT_SIGNING_PASSPHRASE = "x"
    other = seal.seal_pdf(draft, at=GENERATED_AT)
    settings.REPORT_SIGNING_P12 = ""
    _report(workshop, pdf_sha256="")
    body = post_pdf(as_leader, other).content.decode()
    assert "not with this site&#x27;s seal" in body
    assert "O=Impostor" in body
    assert "This site seals its reports with the certificate" in body
    assert seal.identity()["fingerprint"] in body
    assert "No match" in body


def test_outsiders_get_404_with_a_pdf(as_outsider, issued, sealed):
    assert post_pdf(as_outsider, sealed).status_code == 404


def test_outsiders_see_the_seal_but_not_the_other_organisations_workshop(
    as_outsider, issued, sealed
):
    body = post_pdf(as_outsider, sealed, slug="rival").content.decode()
    assert "All checks passed" in body
    assert "No match" in body and "Q4 alignment" not in body
