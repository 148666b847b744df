"""Helpers for the PDF/A, seal and verification tests: the sample as signed, the
command-line PDF tools, and the ways a sealed report gets changed."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter

from alignment.report import seal
from alignment.report.render import render_report_pdf
from tests.report.conftest import render_kwargs
from tests.report.sample_snapshot import SAMPLE

# The snapshot leaders sign carries no status; its hash is CONTENT_HASH.
SIGNED = {**SAMPLE, "workshop": {k: v for k, v in SAMPLE["workshop"].items() if k != "status"}}


def render_signed(**overrides) -> bytes:
    return render_report_pdf(SIGNED, **render_kwargs(**overrides))


def tool(name: str) -> str:
    """The path of a command-line tool; CI installs them (.ci/run), so there a
    missing one fails the test, and locally it skips it."""
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed: apt-get install poppler-utils qpdf"
        if os.environ.get("CVM_REQUIRE_REAL_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _run(command: list[str], pdf: bytes) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            [*command, str(path)], capture_output=True, text=True, timeout=60, check=False
        )


def pdfinfo(pdf: bytes) -> dict[str, str]:
    result = _run([tool("pdfinfo")], pdf)
    assert result.returncode == 0, result.stderr
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in result.stdout.splitlines())
    }


def qpdf_check(pdf: bytes) -> subprocess.CompletedProcess:
    return _run([tool("qpdf"), "--check"], pdf)


def qpdf_rewrite(pdf: bytes) -> bytes:
    """The file as qpdf writes it anew (as a PDF editor's "save as" would)."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.pdf", Path(folder) / "out.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [tool("qpdf"), str(source), str(target)], check=True, capture_output=True, timeout=60
        )
        return target.read_bytes()


def pages_copied(pdf: bytes) -> bytes:
    """The pages alone, copied into a new file (a "print to PDF")."""
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xmp(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_data()


def embedded(pdf: bytes) -> dict[str, bytes]:
    return {name: contents[0] for name, contents in PdfReader(io.BytesIO(pdf)).attachments.items()}


# Changes ---------------------------------------------------------------------------


def signature_hex_span(pdf: bytes) -> tuple[int, int]:
    """Where the signature container's hex digits are: the gap in its /ByteRange."""
    found = re.search(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)\s*\]", pdf)
    assert found, "no /ByteRange"
    _start, first, second, _length = (int(n) for n in found.groups())
    return first + 1, second - 1  # inside the < >


def flip_in_signed_range(pdf: bytes) -> bytes:
    """One byte changed in the part the seal covers (inside a page's content)."""
    offset = pdf.index(b"stream\n", 1000) + 40
    assert offset < signature_hex_span(pdf)[0]
    changed = bytearray(pdf)
    changed[offset] ^= 0x01
    return bytes(changed)


def flip_in_signature(pdf: bytes) -> bytes:
    """One hex digit of the signature value changed (the RSA signature at the end of
    the signer info), the signed bytes untouched."""
    start, end = signature_hex_span(pdf)
    der = bytes.fromhex(pdf[start:end].decode())
    signed_data = cms.ContentInfo.load(der)["content"]
    value = signed_data["signer_infos"][0]["signature"].native
    at = start + 2 * der.index(value) + len(value)  # a hex digit in the middle of it
    changed = bytearray(pdf)
    changed[at] = ord("0") if changed[at] != ord("0") else ord("1")
    return bytes(changed)


def _incremental(pdf: bytes, change) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _snapshot_spec(writer):
    for reference in writer.root["/AF"]:
        spec = reference.get_object()
        if str(spec["/UF"]) == "snapshot.json":
            return reference, spec
    raise AssertionError("no snapshot.json")


def swap_attachment(pdf: bytes, content: bytes) -> bytes:
    """An incremental update after the seal that replaces the embedded snapshot.json."""

    def change(writer):
        reference, spec = _snapshot_spec(writer)
        stream = generic.StreamObject(
            {generic.pdf_name("/Type"): generic.pdf_name("/EmbeddedFile")},
            stream_data=content,
        )
        stream.compress()
        spec["/EF"] = generic.DictionaryObject({generic.pdf_name("/F"): writer.add_object(stream)})
        writer.mark_update(reference)

    return _incremental(pdf, change)


def flate_bomb_attachment(pdf: bytes, inflated_bytes: int, *, layers: int = 1) -> bytes:
    """snapshot.json replaced (after the seal) by a small stream that inflates to
    `inflated_bytes` of zeros, deflated `layers` times over."""

    def change(writer):
        reference, spec = _snapshot_spec(writer)
        data = bytes(inflated_bytes)
        for _layer in range(layers):
            data = zlib.compress(data, 9)
        stream = generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/EmbeddedFile"),
                generic.pdf_name("/Filter"): generic.ArrayObject(
                    [generic.pdf_name("/FlateDecode")] * layers
                ),
            },
            encoded_data=data,
        )
        spec["/EF"] = generic.DictionaryObject({generic.pdf_name("/F"): writer.add_object(stream)})
        writer.mark_update(reference)

    return _incremental(pdf, change)


def validate(pdf: bytes, trusted_der: bytes):
    """pyHanko's own validation of the (last) signature, trusting `trusted_der`
    alone and fetching nothing."""
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(trusted_der)], allow_fetching=False
    )
    # As the site does: not where a test's browser driver runs an event loop.
    return signature, seal.without_event_loop(lambda: validate_pdf_signature(signature, context))
