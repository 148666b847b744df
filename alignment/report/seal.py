"""The report's seal: a PAdES signature by this instance's certificate.

The signed report is sealed once WeasyPrint has written it: an incremental update
(the PDF/A file before it stays byte for byte as it was) adds a PAdES B-B
signature (ETSI.CAdES.detached, SHA-256) over the whole file, or B-T with a
time-stamp from REPORT_SIGNING_TSA_URL.

The certificate is the PKCS#12 file REPORT_SIGNING_P12 (REPORT_SIGNING_PASSPHRASE
opens it). Without one, a self-signed certificate of the organisation is made on
first use in REPORT_SIGNING_HOME, outside the code, with a random passphrase
beside it: a PDF reader shows that seal as intact but its signer as unknown until
someone trusts the certificate; `manage.py check` warns about it in production.

The key is read once per process (and again only when its file changes): opening
a PKCS#12 and converting a key costs more than the signature itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import io
import os
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

SEAL_FILE = "report-seal.p12"
COMMON_NAME = "cvm-align report seal"
FIELD_NAME = "cvm-align seal"
REASON = "Sealed by cvm-align: the report exactly as its leadership team signed it"
VALID_FOR = timedelta(days=3653)  # ten years from the day it is made
# ...and valid since before any report it may seal: a report keeps its own date when
# it is rendered again (the seal is dated by the report, not by the render), and a
# PDF reader checks the certificate as of that date. So a certificate made today
# can seal again a report signed last year.
VALID_FROM = datetime(2020, 1, 1, tzinfo=UTC)
KEY_BITS = 3072
TSA_TIMEOUT_S = 10
# Room for the signature container (CMS), written as hex: twice the DER size. The
# certificates, the signature value and the signed attributes are known before
# signing, so the space is reckoned from them rather than by signing a dummy
# first; a time-stamp token (its own certificates included) gets room of its own.
CMS_OVERHEAD_BYTES = 2048
TIMESTAMP_TOKEN_BYTES = 16384


class SealError(Exception):
    """The seal's certificate cannot be made or opened."""


def passphrase_path(p12: Path) -> Path:
    """Where the passphrase of a self-signed certificate is kept: beside it."""
    return p12.with_suffix(".passphrase")


def certificate_path() -> Path:
    """The PKCS#12 file the reports are sealed with (it may not exist yet)."""
    if settings.REPORT_SIGNING_P12:
        return Path(settings.REPORT_SIGNING_P12).expanduser()
    return default_path()


def is_configured() -> bool:
    """True when an operator named the certificate (REPORT_SIGNING_P12)."""
    return bool(settings.REPORT_SIGNING_P12)


# The certificate ------------------------------------------------------------------


class _KeySigner(Signer):
    """pyHanko's signer over a key loaded once. (pyHanko's SimpleSigner keeps the
    key as ASN.1 and converts it back to a key object for every signature, which
    cost more than the signature itself.)"""

    def __init__(self, key, certificate: asn1_x509.Certificate, others: list):
        self._key = key
        super().__init__(
            signing_cert=certificate,
            # The certificates the signature carries besides its signer's: the chain.
            cert_registry=SimpleCertificateStore.from_certs(others),
            embed_roots=True,
        )

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), digest)
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(digest))
        if isinstance(self._key, ed25519.Ed25519PrivateKey):
            return self._key.sign(data)
        raise SealError(f"keys of type {type(self._key).__name__} cannot seal reports")


@dataclass(frozen=True)
class SealCertificate:
    """A certificate and its key, opened and ready to seal."""

    path: Path
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    signer: _KeySigner
    configured: bool

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.der)

    @property
    def subject(self) -> str:
        return describe_name(self.certificate.subject)

    @property
    def self_signed(self) -> bool:
        return self.certificate.issuer == self.certificate.subject

    def identity(self) -> dict:
        return {
            "fingerprint": self.fingerprint,
            "subject": self.subject,
            "self_signed": self.self_signed,
        }

    def bytes_reserved(self, *, timestamped: bool) -> int:
        certificates = sum(
            len(c.public_bytes(serialization.Encoding.DER)) for c in (self.certificate, *self.chain)
        )
        key_bytes = (getattr(self.signer._key, "key_size", 521) + 7) // 8
        size = certificates + 2 * key_bytes + CMS_OVERHEAD_BYTES
        if timestamped:
            size += TIMESTAMP_TOKEN_BYTES
        return 2 * size


def fingerprint(der: bytes) -> str:
    """A certificate's SHA-256 fingerprint: lower-case hex, no colons."""
    return hashlib.sha256(der).hexdigest()


def describe_name(name: x509.Name) -> str:
    """A certificate name as people read it, most specific first:
    "CN=cvm-align report seal, O=Acme"."""
    return ", ".join(rdn.rfc4514_string() for rdn in reversed(name.rdns))


def read_p12(path: Path, passphrase: bytes, *, configured: bool = True) -> SealCertificate:
    """Open a PKCS#12 file; SealError if it cannot be opened or holds no key."""
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(
            Path(path).read_bytes(), passphrase or None
        )
    except (OSError, ValueError) as error:
        raise SealError(
            f"cannot open {path}: not a PKCS#12 file, or the passphrase is wrong ({error})"
        ) from error
    if key is None or certificate is None:
        raise SealError(f"{path} holds no private key with its certificate")
    chain = tuple(others or ())

    def asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    return SealCertificate(
        path=Path(path),
        certificate=certificate,
        chain=chain,
        signer=_KeySigner(key, asn1(certificate), [asn1(c) for c in chain]),
        configured=configured,
    )


def create_self_signed(
    path: Path | str, *, organisation: str, passphrase: bytes, overwrite: bool = False
) -> Path:
    """A new self-signed seal certificate (RSA 3072, digital signature and non
    repudiation, ten years from now) as a PKCS#12 file at `path`, mode 0600.

    The file appears whole or not at all (written beside it, then linked into
    place); without `overwrite`, FileExistsError if `path` exists, even when
    another process put it there a moment ago."""
    path = Path(path)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation or "cvm-align"),
            x509.NameAttribute(NameOID.COMMON_NAME, COMMON_NAME),
        ]
    )
    now = datetime.now(UTC).replace(microsecond=0)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # non repudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        COMMON_NAME.encode(),
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(passphrase),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private_file(path, data, overwrite=overwrite)
    return path


def write_private_file(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write `data` to `path` (mode 0600) so that no reader ever sees half of it:
    to a file of its own beside it first, then linked into place (which fails
    if `path` exists) or, with `overwrite`, renamed over it."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


@contextlib.contextmanager
def _creation_lock(folder: Path):
    """One process at a time makes the self-signed certificate: the certificate
    and its passphrase are two files, and they must belong together."""
    with open(folder / ".report-seal.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def default_path() -> Path:
    """Where the self-signed certificate lives: REPORT_SIGNING_HOME/report-seal.p12."""
    return Path(settings.REPORT_SIGNING_HOME).expanduser() / SEAL_FILE


def make_self_signed(path: Path, *, organisation: str, overwrite: bool = False) -> Path:
    """A self-signed certificate at `path` with a new random passphrase beside it
    (both mode 0600). FileExistsError if one is there already, unless `overwrite`.

    Processes that race to make it end with one certificate: they take turns
    under a lock, the passphrase is in place before the certificate appears, and
    a reader that finds the certificate finds its passphrase too."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _creation_lock(path.parent):
        if path.exists() and not overwrite:
            raise FileExistsError(path)
        passphrase = secrets.token_urlsafe(32).encode()
        write_private_file(passphrase_path(path), passphrase, overwrite=True)
        create_self_signed(path, organisation=organisation, passphrase=passphrase, overwrite=True)
    return path


def ensure_self_signed() -> Path:
    """The self-signed certificate in REPORT_SIGNING_HOME, made now if there is
    none yet (by this process, or by another one a moment ago)."""
    path = default_path()
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            make_self_signed(path, organisation=settings.CVM_ORGANISATION or "cvm-align")
    return path


_loaded: dict[tuple, SealCertificate] = {}
_loaded_lock = threading.Lock()


def load(*, create: bool = True) -> SealCertificate | None:
    """This instance's seal certificate, opened once per process and again only
    when its file changes; the self-signed one is made on first use (or, with
    `create=False`, None while there is none)."""
    configured = is_configured()
    if configured:
        path = certificate_path()
    elif create:
        path = ensure_self_signed()
    else:
        path = default_path()
        if not path.exists():
            return None
    try:
        stat = path.stat()
    except OSError as error:
        raise SealError(f"cannot read the seal certificate {path}: {error}") from error
    if configured:
        passphrase = settings.REPORT_SIGNING_PASSPHRASE.encode()
    else:
        passphrase = passphrase_path(path).read_bytes().strip()
    key = (
        str(path),
        stat.st_ino,
        stat.st_mtime_ns,
        stat.st_size,
        hashlib.sha256(passphrase).digest(),
    )
    with _loaded_lock:
        seal = _loaded.get(key)
        if seal is None:
            seal = read_p12(path, passphrase, configured=configured)
            if len(_loaded) >= 8:
                _loaded.clear()
            _loaded[key] = seal
    return seal


def identity() -> dict:
    """Who seals this instance's reports: {"fingerprint": SHA-256 of the
    certificate (hex), "subject": its name as read, "self_signed": bool}."""
    return load().identity()


# Sealing --------------------------------------------------------------------------


class _SealWriter(IncrementalPdfFileWriter):
    """pyHanko's incremental writer, made deterministic: the same PDF sealed
    twice gives the same bytes."""

    @classmethod
    def _handle_id(cls, prev):
        # pyHanko gives the new revision a random second /ID; this one is
        # derived from the file it updates instead (the first /ID stays, as
        # ISO 32000 asks).
        prev.stream.seek(0)
        digest = hashlib.sha256(prev.stream.read()).digest()
        try:
            first = prev.trailer["/ID"][0]
            if isinstance(first, generic.TextStringObject):
                first = generic.ByteStringObject(first.original_bytes)
        except (KeyError, IndexError, TypeError):
            first = generic.ByteStringObject(digest[16:])
        return generic.ArrayObject([first, generic.ByteStringObject(digest[:16])])

    def _update_meta(self):
        # The metadata stays as WeasyPrint wrote it: PDF/A wants the XMP and the
        # Info dictionary to agree, and pyHanko would stamp both with the time of
        # the seal (now, not the report's date) and its own name.
        pass


class _Sealer(PdfSigner):
    """A PdfSigner that signs at a given moment (the report's date), not now."""

    def __init__(self, *args, at: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._at = at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._at
        return session


def seal_pdf(pdf: bytes, *, at: datetime) -> bytes:
    """`pdf` with this instance's PAdES seal appended (an incremental update that
    leaves every byte before it, and the PDF/A conformance, as they were).

    Deterministic without a time-stamp server: the same PDF sealed at the same
    `at` gives the same bytes (the signing time is `at`, the new /ID comes from
    the file, and RSA PKCS#1 v1.5 signatures have no randomness). With
    REPORT_SIGNING_TSA_URL set the seal is PAdES B-T and carries the server's
    time-stamp, which differs from one request to the next: the bytes differ
    too, and each render of the same report is a new file."""
    seal = load()
    timestamper = (
        HTTPTimeStamper(settings.REPORT_SIGNING_TSA_URL, timeout=TSA_TIMEOUT_S)
        if settings.REPORT_SIGNING_TSA_URL
        else None
    )
    metadata = PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=REASON,
    )
    sealer = _Sealer(metadata, seal.signer, timestamper=timestamper, at=at.astimezone(UTC))
    writer = _SealWriter(io.BytesIO(pdf))
    reserved = seal.bytes_reserved(timestamped=timestamper is not None)

    # sign_pdf runs an event loop of its own (see without_event_loop).
    return without_event_loop(lambda: sealer.sign_pdf(writer, bytes_reserved=reserved).getvalue())


def without_event_loop(function):
    """`function()`, called where no event loop runs.

    pyHanko's synchronous calls (signing, validating) run an event loop of their
    own, which fails in a thread where one is running already. Worker threads
    (Celery's, or the web server's in eager mode) have none; a caller that has
    one (an eager render started from async code, a browser test's seed) gets
    the call made in a thread of its own rather than fail."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="seal") as pool:
        return pool.submit(function).result()
