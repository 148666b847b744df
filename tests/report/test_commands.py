"""`manage.py verify_report FILE` and `manage.py signing_certificate`."""

from __future__ import annotations

import hashlib
import io
import stat

import pytest
from django.core.management import CommandError, call_command

from alignment.models import Report, ReportStatus, Workshop
from alignment.report import seal
from tests.factories import OrganizationFactory
from tests.report.pdf_tools import SIGNED, render_signed, swap_attachment
from tests.report.sample_snapshot import CONTENT_HASH


@pytest.fixture(scope="module")
def sealed() -> bytes:
    return render_signed()


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_verify_report_prints_the_checks_and_the_signed_workshop(tmp_path, sealed):
    organization = OrganizationFactory(name="Acme Telco", slug="acme")
    workshop = Workshop.objects.create(organization=organization, quarter="2026-Q3", title="Q3")
    Report.objects.create(
        workshop=workshop,
        snapshot=SIGNED,
        content_hash=CONTENT_HASH,
        status=ReportStatus.READY,
        pdf_sha256=hashlib.sha256(sealed).hexdigest(),
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(sealed)
    output = run("verify_report", str(path))
    assert "yes  The signature is intact and valid" in output
    assert "yes  Not changed after signing" in output
    assert seal.identity()["fingerprint"] in output
    assert "Verdict  ok" in output
    assert "Signed workshop: Acme Telco · 2026-Q3 · Q3 (matched by the file itself)" in output


@pytest.mark.django_db
def test_verify_report_fails_with_status_1_on_a_changed_report(tmp_path, sealed):
    path = tmp_path / "report.pdf"
    path.write_bytes(swap_attachment(sealed, b"{}"))
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("verify_report", str(path), stdout=out)
    assert refused.value.returncode == 1
    assert "NO   Not changed after signing" in out.getvalue()
    assert "Verdict  changed" in out.getvalue()
    assert "Signed workshop: none here matches." in out.getvalue()


def test_verify_report_names_a_file_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("verify_report", str(tmp_path / "missing.pdf"))


def test_signing_certificate_describes_the_seal():
    identity = seal.identity()
    output = run("signing_certificate")
    assert f"Fingerprint  SHA-256 {identity['fingerprint']}" in output
    assert "Subject      CN=cvm-align report seal, O=cvm-align" in output
    assert "Self-signed  yes" in output
    assert str(seal.certificate_path()) in output
    valid_from = seal.load().certificate.not_valid_before_utc
    assert f"Valid        {valid_from:%Y-%m-%d %H:%M} UTC to " in output
    assert "digital signature, non repudiation" in output


def test_before_the_first_seal_it_says_none_is_made_yet_and_makes_none(settings, tmp_path):
    settings.REPORT_SIGNING_HOME = tmp_path / "home"
    assert "No seal certificate yet" in run("signing_certificate")
    assert not (tmp_path / "home").exists()


def test_it_makes_a_self_signed_certificate_and_refuses_to_overwrite_it(settings, tmp_path):
    out = tmp_path / "org.p12"
    made = run(
        "signing_certificate", "--create-self-signed", "--organisation", "Acme", f"--out={out}"
    )
    passphrase = seal.passphrase_path(out)
    for path in (out, passphrase):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    certificate = seal.read_p12(out, passphrase.read_bytes().strip())
    assert certificate.subject == "CN=cvm-align report seal, O=Acme"
    assert certificate.fingerprint in made
    assert f"REPORT_SIGNING_P12={out}" in made
    with pytest.raises(CommandError, match="--force"):
        run("signing_certificate", "--create-self-signed", f"--out={out}")
    assert (
        seal.read_p12(out, passphrase.read_bytes().strip()).fingerprint == certificate.fingerprint
    )
    run("signing_certificate", "--create-self-signed", f"--out={out}", "--force")
    assert (
        seal.read_p12(out, passphrase.read_bytes().strip()).fingerprint != certificate.fingerprint
    )


def test_by_default_it_makes_the_one_this_site_seals_with(settings, tmp_path):
    settings.REPORT_SIGNING_HOME = tmp_path / "home"
    made = run("signing_certificate", "--create-self-signed")
    assert seal.identity()["fingerprint"] in made
    assert "REPORT_SIGNING_P12=" not in made
