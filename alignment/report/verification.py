"""Checking a report PDF: is it sealed by this instance, whole, and does it carry
the content it prints?

`inspect_pdf` reads any bytes and never raises: the file comes from a stranger.
It reports each check on its own (a PDF at all; a PAdES signature, intact and
valid, by which certificate, this instance's or another; nothing added after the
seal; the embedded `snapshot.json`, its SHA-256 and whether it is the hash the
document prints) and one verdict that sums them up.

Nothing is fetched: the signature is checked against this instance's seal
certificate alone (`seal.identity()`), never the network or the system's trust
store. Nothing is decoded without a cap: pyHanko reads the file under tight
decoding limits, and the embedded file is inflated here, at most MAX_CONTENT_BYTES.
"""

from __future__ import annotations

import enum
import hashlib
import io
import logging
import re
import zlib
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import (
    DecodeLimits,
    DocumentDecodeBudget,
    StreamDecodeLimits,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from alignment.report import seal
from alignment.report.render import ATTACHMENT_NAME

logger = logging.getLogger(__name__)

MiB = 1024 * 1024
# The signed content of a large workshop is a few hundred KB of JSON.
MAX_CONTENT_BYTES = 16 * MiB
MAX_METADATA_BYTES = MiB
MAX_SIGNATURES = 8
MAX_EMBEDDED_FILES = 64
# pyHanko's own limits, tighter than its defaults: a report's largest stream is
# a font of a few hundred KB, and the upload is at most 20 MB.
DECODE_LIMITS = DecodeLimits(
    per_stream=StreamDecodeLimits(max_ratio=200, ratio_floor=MiB, max_output_size=32 * MiB),
    document_budget=DocumentDecodeBudget(base_allowance=64 * MiB, max_ratio=10),
)
PRINTED_HASH = re.compile(rb"SHA-256\s+([0-9a-f]{64})")
PADES = "/ETSI.CAdES.detached"


class Verdict(enum.StrEnum):
    UNREADABLE = "unreadable"
    NO_SIGNATURE = "no_signature"
    BROKEN = "broken"
    OTHER_CERTIFICATE = "other_certificate"
    CHANGED = "changed"
    NO_CONTENT = "no_content"
    CONTENT_MISMATCH = "content_mismatch"
    OK = "ok"


VERDICTS = {
    Verdict.UNREADABLE: _("This file cannot be read as a PDF."),
    Verdict.NO_SIGNATURE: _(
        "This PDF carries no digital signature: it is not a sealed report, or it was "
        "saved again by a program that removed the seal."
    ),
    Verdict.BROKEN: _(
        "The seal is broken: the file was changed in the part the seal covers, or the "
        "signature itself was damaged."
    ),
    Verdict.OTHER_CERTIFICATE: _(
        "The PDF is signed, but not with this site's seal: someone else signed it."
    ),
    Verdict.CHANGED: _(
        "The seal is intact, but the file was changed after it was sealed: something was "
        "added to it later."
    ),
    Verdict.NO_CONTENT: _(
        "The seal is intact, but the PDF does not carry the signed content (snapshot.json)."
    ),
    Verdict.CONTENT_MISMATCH: _(
        "The seal is intact, but the content the PDF carries does not hash to the hash it prints."
    ),
    Verdict.OK: _(
        "Sealed by this site and unchanged since: the content it carries is the content "
        "it prints the hash of."
    ),
}


@dataclass(frozen=True)
class Check:
    """One line of the verdict: what was checked, whether it passed (None: not
    checked, since an earlier check failed), and what was found."""

    label: str
    passed: bool | None
    detail: str = ""


@dataclass
class Inspection:
    """What a PDF turned out to be, check by check."""

    file_sha256: str
    size: int
    # (a) a PDF at all
    readable: bool = False
    # (b) the signature
    signed: bool = False  # a signature field with a signature in it
    pades: bool = False  # ETSI.CAdES.detached
    intact: bool = False  # the signed bytes are the bytes the signature names
    valid: bool = False  # the signature value checks with the certificate's key
    trusted: bool = False  # the certificate is this site's seal, valid for signing
    ours: bool = False  # signed by this site's seal certificate
    seal_fingerprint: str = ""  # this site's seal certificate
    signer_fingerprint: str = ""
    signer_subject: str = ""
    signed_at: datetime | None = None  # as the signer says (B-B) or a time-stamp says
    timestamped: bool = False
    signature_count: int = 0
    # (c) nothing added after the seal
    whole_file: bool = False
    # (d) the embedded content
    content_present: bool = False
    content_readable: bool = False
    content_sha256: str = ""
    printed_hash: str = ""
    # (e)
    verdict: Verdict = Verdict.UNREADABLE

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.OK

    @property
    def sentence(self) -> str:
        return str(VERDICTS[self.verdict])

    @property
    def content_matches(self) -> bool:
        return bool(self.content_sha256) and self.content_sha256 == self.printed_hash

    def checks(self) -> list[Check]:
        """Each check in order, worded for people (the verify page and
        `manage.py verify_report` show the same)."""
        signed = self.readable and self.signed
        sealed = signed and bool(self.signer_fingerprint)
        signer = ""
        if self.signer_fingerprint:
            signer = f"SHA-256 {self.signer_fingerprint}"
            if self.signer_subject:
                signer = f"{self.signer_subject} · {signer}"
        content = self.readable and self.content_present and self.content_readable
        return [
            Check(_("Readable as a PDF"), self.readable),
            Check(
                _("A digital signature (PAdES)"),
                (self.signed and self.pades) if self.readable else None,
                "" if self.signed or not self.readable else str(_("none")),
            ),
            Check(
                _("The signature is intact and valid"),
                (self.intact and self.valid) if signed else None,
            ),
            Check(
                # Whose certificate the signature names, whether or not the
                # signature still holds (the check above says that).
                _("Signed with this site's seal"),
                (self.ours and (self.trusted or not (self.intact and self.valid)))
                if sealed
                else None,
                signer,
            ),
            Check(
                _("Not changed after signing"),
                self.whole_file if sealed and self.intact else None,
            ),
            Check(
                _("Carries the signed content (snapshot.json)"),
                content if self.readable else None,
                f"SHA-256 {self.content_sha256}" if content else "",
            ),
            Check(
                _("The signed content hashes to the hash the document prints"),
                self.content_matches if content else None,
                _("printed: %(hash)s") % {"hash": self.printed_hash} if self.printed_hash else "",
            ),
        ]


def inspect_pdf(data: bytes) -> Inspection:
    """Every check of a report PDF, on any bytes at all; never raises."""
    result = Inspection(file_sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False, decode_limits=DECODE_LIMITS)
        result.readable = isinstance(reader.root, generic.DictionaryObject)
    except Exception:  # hostile input: whatever the parser raises
        logger.debug("inspect_pdf: not a PDF", exc_info=True)
    if result.readable:
        _check_signature(reader, result)
        _check_content(reader, result)
    result.verdict = _verdict(result)
    return result


def _verdict(result: Inspection) -> Verdict:
    if not result.readable:
        return Verdict.UNREADABLE
    if not result.signed:
        return Verdict.NO_SIGNATURE
    if not (result.intact and result.valid):
        return Verdict.BROKEN
    if not result.ours:
        return Verdict.OTHER_CERTIFICATE
    if not (result.trusted and result.pades):
        return Verdict.BROKEN
    if not result.whole_file:
        return Verdict.CHANGED
    if not (result.content_present and result.content_readable):
        return Verdict.NO_CONTENT
    if not result.content_matches:
        return Verdict.CONTENT_MISMATCH
    return Verdict.OK


# (b), (c): the signature ------------------------------------------------------------


def _check_signature(reader: PdfFileReader, result: Inspection) -> None:
    try:
        fields = []
        for _number, (name, _value, field) in zip(
            range(MAX_SIGNATURES), enumerate_sig_fields(reader, filled_status=True), strict=False
        ):
            fields.append((name, field))
    except Exception:
        logger.debug("inspect_pdf: unreadable form fields", exc_info=True)
        return
    result.signed = bool(fields)
    result.signature_count = len(fields)
    signatures = []
    for name, field in fields:
        try:
            signatures.append(EmbeddedPdfSignature(reader, field, name))
        except Exception:
            # A signature whose container cannot be read: damaged, so broken.
            logger.debug("inspect_pdf: unreadable signature", exc_info=True)
    if not signatures:
        return
    try:
        # A site that has sealed nothing yet has no seal: nothing is made here.
        ours = seal.load(create=False)
    except Exception:
        logger.exception("inspect_pdf: this site's seal certificate cannot be opened")
        ours = None
    our_fingerprint = ours.fingerprint if ours else ""
    result.seal_fingerprint = our_fingerprint

    def fingerprint_of(signature) -> str:
        try:
            return seal.fingerprint(signature.signer_cert.dump())
        except Exception:
            return ""

    # The seal is this site's signature; if there is none, the first one says who signed.
    signature = next(
        (s for s in signatures if our_fingerprint and fingerprint_of(s) == our_fingerprint),
        signatures[0],
    )
    result.signer_fingerprint = fingerprint_of(signature)
    result.ours = bool(our_fingerprint) and result.signer_fingerprint == our_fingerprint
    try:
        certificate = x509.load_der_x509_certificate(signature.signer_cert.dump())
        result.signer_subject = seal.describe_name(certificate.subject)
    except Exception:
        logger.debug("inspect_pdf: unreadable signer certificate", exc_info=True)
    try:
        result.pades = str(_entry(signature.sig_object, "/SubFilter")) == PADES
        result.signed_at = signature.self_reported_timestamp
    except Exception:
        logger.debug("inspect_pdf: unreadable signature dictionary", exc_info=True)
    roots = [asn1_x509.Certificate.load(ours.der)] if ours else []
    try:
        # No network, no system trust store: this site's certificate is the only root.
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        # Whether anything follows the signed bytes is read from the coverage;
        # pyHanko's analysis of what later revisions changed is not needed for
        # that, and is the costly part on a file built to be costly.
        status = seal.without_event_loop(
            lambda: validate_pdf_signature(signature, context, skip_diff=True)
        )
    except Exception:
        logger.debug("inspect_pdf: the signature does not validate", exc_info=True)
        return
    result.intact = bool(status.intact)
    result.valid = bool(status.valid)
    result.trusted = bool(status.trusted) and result.ours
    result.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    timestamp = status.timestamp_validity
    if timestamp is not None:
        result.timestamped = True
        result.signed_at = timestamp.timestamp


# (d): the embedded content -------------------------------------------------------


def _check_content(reader: PdfFileReader, result: Inspection) -> None:
    try:
        result.printed_hash = _printed_hash(reader)
    except Exception:
        logger.debug("inspect_pdf: unreadable metadata", exc_info=True)
    try:
        stream = _embedded_file(reader.root, ATTACHMENT_NAME)
    except Exception:
        logger.debug("inspect_pdf: unreadable embedded files", exc_info=True)
        return
    if stream is None:
        return
    result.content_present = True
    try:
        content = inflate(stream, MAX_CONTENT_BYTES)
    except Exception:
        logger.debug("inspect_pdf: unreadable embedded file", exc_info=True)
        return
    if content is None:
        return
    result.content_readable = True
    result.content_sha256 = hashlib.sha256(content).hexdigest()


def _printed_hash(reader: PdfFileReader) -> str:
    """The content hash the document states in its metadata (the report's
    keywords are "SHA-256 <hash>"): the Info dictionary, else the XMP."""
    try:
        keywords = reader.trailer["/Info"]["/Keywords"]
        found = PRINTED_HASH.search(str(keywords).encode())
        if found:
            return found.group(1).decode()
    except (KeyError, TypeError, AttributeError):
        pass
    metadata = _entry(reader.root, "/Metadata")
    if isinstance(metadata, generic.StreamObject):
        xmp = inflate(metadata, MAX_METADATA_BYTES)
        found = PRINTED_HASH.search(xmp or b"")
        if found:
            return found.group(1).decode()
    return ""


def _entry(dictionary, key: str):
    """dictionary[key], resolved (pyHanko's .get() leaves references as they
    are), or None."""
    try:
        return dictionary[key]
    except (KeyError, TypeError):
        return None


def _embedded_file(root, name: str):
    """The stream of the embedded file called `name`: from the document's
    associated files (/AF), else its embedded files name tree (flat)."""
    candidates = []
    associated = _entry(root, "/AF")
    if isinstance(associated, generic.ArrayObject):
        candidates.extend(associated.raw_get(i) for i in range(len(associated)))
    names = _entry(root, "/Names")
    if isinstance(names, generic.DictionaryObject):
        tree = _entry(names, "/EmbeddedFiles")
        if isinstance(tree, generic.DictionaryObject):
            pairs = _entry(tree, "/Names")
            if isinstance(pairs, generic.ArrayObject):
                candidates.extend(pairs.raw_get(i) for i in range(1, len(pairs), 2))
    for candidate in candidates[:MAX_EMBEDDED_FILES]:
        spec = candidate.get_object() if hasattr(candidate, "get_object") else candidate
        if not isinstance(spec, generic.DictionaryObject):
            continue
        if str(_entry(spec, "/UF") or _entry(spec, "/F") or "") != name:
            continue
        embedded = _entry(spec, "/EF")
        if isinstance(embedded, generic.DictionaryObject):
            stream = _entry(embedded, "/F")
            if isinstance(stream, generic.StreamObject):
                return stream
    return None


def inflate(stream, cap: int) -> bytes | None:
    """A stream's bytes, decoded here and never past `cap` (None beyond it):
    unfiltered or /FlateDecode only, which is all a report uses."""
    filters = _entry(stream, "/Filter")
    if isinstance(filters, generic.ArrayObject):
        filters = list(filters)
    elif filters is None:
        filters = []
    else:
        filters = [filters]
    if "/DecodeParms" in stream or any(str(f) != "/FlateDecode" for f in filters):
        return None
    data = stream.encoded_data
    for _flate in filters:
        inflater = zlib.decompressobj()
        data = inflater.decompress(data, cap + 1)
        if len(data) > cap:
            return None
    return data if len(data) <= cap else None


# A matching record ----------------------------------------------------------------


class Match(enum.StrEnum):
    FILE = "file"  # the very file issued for that report
    CONTENT = "content"  # a sealed file carrying that report's signed content


def matching_report(inspection: Inspection, reports):
    """The report in `reports` (a queryset) this PDF is, and how it matches:
    (report, Match.FILE) when the file is the one issued, (report,
    Match.CONTENT) when it carries that report's signed content under an intact
    seal of this site over the whole file, else (None, None).

    The embedded content counts only under such a seal: anyone can put a copy
    of the real JSON into a PDF that shows something else."""
    report = reports.filter(pdf_sha256=inspection.file_sha256).first()
    if report is not None:
        return report, Match.FILE
    if inspection.ok:
        report = reports.filter(content_hash=inspection.content_sha256).first()
        if report is not None:
            return report, Match.CONTENT
    return None, None


def report_with_hash(digest: str, reports):
    """The report in `reports` whose file, or else whose signed content, has this
    SHA-256: (report, Match), or (None, None)."""
    report = reports.filter(pdf_sha256=digest).first()
    if report is not None:
        return report, Match.FILE
    report = reports.filter(content_hash=digest).first()
    if report is not None:
        return report, Match.CONTENT
    return None, None
