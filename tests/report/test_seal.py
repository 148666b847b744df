"""The seal: a PAdES signature by this instance's certificate over the whole PDF,
added as an incremental update that leaves the PDF/A file as it was, the same
bytes every time; and the certificate, configured or self-signed on first use."""

from __future__ import annotations

import http.server
import socket
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation.status import SignatureCoverageLevel

from alignment.checks import report_seal_check
from alignment.report import seal
from alignment.report.verification import Verdict, inspect_pdf
from tests.report.conftest import GENERATED_AT
from tests.report.pdf_tools import pdfinfo, qpdf_check, render_signed, validate, xmp


@pytest.fixture(scope="module")
def draft() -> bytes:
    return render_signed(draft=True)


@pytest.fixture(scope="module")
def sealed(draft) -> bytes:
    return seal.seal_pdf(draft, at=GENERATED_AT)


def test_the_tests_seal_with_a_certificate_of_their_own_never_in_home():
    home = Path(settings.REPORT_SIGNING_HOME).resolve()
    assert not home.is_relative_to(Path.home() / ".local")
    assert seal.certificate_path().parent.resolve() == home


# The signature ----------------------------------------------------------------------


def test_the_seal_is_pades_over_the_whole_file_and_validates_against_our_certificate(sealed):
    signature, status = validate(sealed, seal.load().der)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.md_algorithm == "sha256"
    assert seal.fingerprint(signature.signer_cert.dump()) == seal.identity()["fingerprint"]


def test_the_seal_is_dated_by_the_report_not_by_the_clock(sealed):
    signature, _status = validate(sealed, seal.load().der)
    assert signature.self_reported_timestamp == GENERATED_AT


def test_the_seal_is_appended_and_leaves_the_pdf_a_as_it_was(draft, sealed):
    assert sealed.startswith(draft)
    assert xmp(sealed) == xmp(draft)
    before, after = pdfinfo(draft), pdfinfo(sealed)
    for key in ("Tagged", "Metadata Stream", "ModDate", "Producer", "Keywords", "Pages"):
        assert after[key] == before[key], key
    assert after["Form"] == "AcroForm"
    result = qpdf_check(sealed)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_same_pdf_sealed_again_gives_the_same_bytes(draft, sealed):
    assert seal.seal_pdf(draft, at=GENERATED_AT) == sealed
    assert seal.seal_pdf(draft, at=GENERATED_AT + timedelta(seconds=1)) != sealed


def test_the_whole_render_gives_the_same_bytes_twice(sealed):
    assert render_signed() == render_signed()


# The certificate --------------------------------------------------------------------


def test_the_identity_is_the_certificates_sha256_and_subject():
    loaded = seal.load()
    identity = seal.identity()
    assert identity["fingerprint"] == seal.fingerprint(
        loaded.certificate.public_bytes(serialization.Encoding.DER)
    )
    assert len(identity["fingerprint"]) == 64 and ":" not in identity["fingerprint"]
    assert identity["subject"] == "CN=cvm-align report seal, O=cvm-align"
    assert identity["self_signed"] is True


def test_the_key_is_opened_once_per_process_and_again_when_its_file_changes(tmp_path, settings):
    settings.REPORT_SIGNING_P12 = str(
        seal.create_self_signed(tmp_path / "org.p12", organisation="Acme", passphrase=b"pw")
    )
    settings.REPORT_SIGNING_PASSPHRASE = "pw"
    first = seal.load()
    assert seal.load() is first
    seal.create_self_signed(
        tmp_path / "org.p12", organisation="Acme", passphrase=b"pw", overwrite=True
    )
    again = seal.load()
    assert again is not first
    assert again.fingerprint != first.fingerprint


def test_a_configured_certificate_seals_the_reports(tmp_path, settings, draft):
    path = seal.create_self_signed(tmp_path / "org.p12", organisation="Acme SpA", passphrase=b"s3")
    settings.REPORT_SIGNING_P12 = str(path)
    settings.REPORT_SIGNING_PASSPHRASE = "s3"
    assert seal.identity()["subject"] == "CN=cvm-align report seal, O=Acme SpA"
    sealed = seal.seal_pdf(draft, at=GENERATED_AT)
    _signature, status = validate(sealed, seal.load().der)
    assert status.intact and status.valid and status.trusted


def test_a_wrong_passphrase_is_named(tmp_path, settings):
    path = seal.create_self_signed(tmp_path / "org.p12", organisation="Acme", passphrase=b"right")
    settings.REPORT_SIGNING_P12 = str(path)
    settings.REPORT_SIGNING_PASSPHRASE = "wrong"
    with pytest.raises(seal.SealError, match="passphrase"):
        seal.load()


def test_a_self_signed_certificate_is_made_for_sealing_documents(tmp_path):
    path = seal.create_self_signed(tmp_path / "seal.p12", organisation="Acme", passphrase=b"pw")
    loaded = seal.read_p12(path, b"pw")
    certificate = loaded.certificate
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert isinstance(certificate.public_key(), rsa.RSAPublicKey)
    assert certificate.public_key().key_size == 3072
    assert certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Acme"
    assert (
        certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        == "cvm-align report seal"
    )
    assert certificate.issuer == certificate.subject
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    years = (certificate.not_valid_after_utc - datetime.now(UTC)).days / 365.25
    assert 9.9 < years <= 10.1
    # Valid since before the reports it may seal again, which keep their own date.
    assert certificate.not_valid_before_utc <= datetime(2020, 1, 1, tzinfo=UTC)


def test_making_one_where_one_exists_is_refused_unless_asked_to_replace_it(tmp_path):
    path = seal.create_self_signed(tmp_path / "seal.p12", organisation="Acme", passphrase=b"pw")
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        seal.create_self_signed(path, organisation="Acme", passphrase=b"pw")
    assert path.read_bytes() == before
    seal.create_self_signed(path, organisation="Acme", passphrase=b"pw", overwrite=True)
    assert path.read_bytes() != before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seal.p12"]


def test_processes_racing_to_make_the_self_signed_one_end_with_one(tmp_path, settings):
    settings.REPORT_SIGNING_HOME = tmp_path / "home"
    start = threading.Barrier(4)

    def first_use(_n):
        start.wait()
        return seal.load().fingerprint

    with ThreadPoolExecutor(4) as pool:
        fingerprints = set(pool.map(first_use, range(4)))
    assert len(fingerprints) == 1
    made = sorted(p.name for p in (tmp_path / "home").iterdir())
    assert made == [".report-seal.lock", "report-seal.p12", "report-seal.passphrase"]
    for name in ("report-seal.p12", "report-seal.passphrase"):
        assert stat.S_IMODE((tmp_path / "home" / name).stat().st_mode) == 0o600


# The production check ---------------------------------------------------------------


def test_production_without_a_certificate_warns_that_the_seal_is_self_signed(settings):
    settings.DEBUG = False
    settings.REPORT_SIGNING_P12 = ""
    (warning,) = report_seal_check()
    assert warning.id == "alignment.W001"
    assert "self-signed" in warning.msg
    assert "REPORT_SIGNING_P12" in warning.hint


def test_with_a_certificate_or_in_debug_there_is_no_warning(settings, tmp_path):
    settings.DEBUG = True
    settings.REPORT_SIGNING_P12 = ""
    assert report_seal_check() == []
    settings.DEBUG = False
    settings.REPORT_SIGNING_P12 = str(tmp_path / "org.p12")
    assert report_seal_check() == []


# B-T: with a time-stamp server ------------------------------------------------------


def _time_stamp_authority():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )


@pytest.fixture
def time_stamp_server():
    """An RFC 3161 server on a loopback port (pyHanko's test TSA behind HTTP)."""
    authority = _time_stamp_authority()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = authority.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_with_a_time_stamp_server_the_seal_is_pades_b_t(settings, time_stamp_server, draft):
    settings.REPORT_SIGNING_TSA_URL = time_stamp_server
    sealed = seal.seal_pdf(draft, at=GENERATED_AT)
    _signature, status = validate(sealed, seal.load().der)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.timestamp_validity is not None and status.timestamp_validity.intact
    assert qpdf_check(sealed).returncode == 0
    inspection = inspect_pdf(sealed)
    assert inspection.verdict == Verdict.OK
    assert inspection.timestamped


def test_sealing_fetches_nothing_without_a_time_stamp_server(draft, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the seal opened a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert seal.seal_pdf(draft, at=GENERATED_AT).startswith(draft)
