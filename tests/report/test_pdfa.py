"""The signed report is PDF/A-3b and tagged, and carries the signed content itself:
the canonical JSON of the snapshot as its associated file snapshot.json, whose
SHA-256 is the content hash it prints. A draft is the same file, unsealed."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from alignment.domain.snapshot import canonical_json
from tests.report.conftest import pdf_reader
from tests.report.pdf_tools import (
    SIGNED,
    embedded,
    pdfinfo,
    qpdf_check,
    render_signed,
    xmp,
)
from tests.report.sample_snapshot import CONTENT_HASH


@pytest.fixture(scope="module")
def sealed() -> bytes:
    return render_signed()


@pytest.fixture(scope="module")
def draft() -> bytes:
    return render_signed(draft=True)


@pytest.mark.parametrize("which", ["sealed", "draft"])
def test_it_is_tagged_with_a_metadata_stream(request, which):
    info = pdfinfo(request.getfixturevalue(which))
    assert info["Tagged"] == "yes"
    assert info["Metadata Stream"] == "yes"
    assert info["Keywords"] == f"SHA-256 {CONTENT_HASH}"


@pytest.mark.parametrize("which", ["sealed", "draft"])
def test_its_xmp_claims_pdf_a_3b(request, which):
    metadata = xmp(request.getfixturevalue(which))
    part = re.search(rb'pdfaid:part(?:="|>)(\d)', metadata)
    conformance = re.search(rb'pdfaid:conformance(?:="|>)([A-Za-z])', metadata)
    assert part and part.group(1) == b"3"
    assert conformance and conformance.group(1) == b"B"


def test_the_sealed_file_passes_qpdf_check(sealed):
    result = qpdf_check(sealed)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_it_embeds_the_snapshot_as_signed_whose_hash_is_the_content_hash(sealed):
    content = embedded(sealed)["snapshot.json"]
    # Exactly the canonical JSON leaders signed: not the copy shown as "signed".
    assert content == canonical_json(SIGNED).encode("utf-8")
    assert hashlib.sha256(content).hexdigest() == CONTENT_HASH


def test_the_snapshot_is_an_associated_file_of_the_document_as_its_data(sealed):
    catalog = PdfReader(io.BytesIO(sealed)).trailer["/Root"]
    specs = [reference.get_object() for reference in catalog["/AF"]]
    spec = next(s for s in specs if s["/UF"] == "snapshot.json")
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"


def test_the_report_shows_the_workshop_as_signed(sealed):
    # The signed snapshot has no status; the report shows it signed...
    cover = " ".join(pdf_reader(sealed).pages[0].extract_text().split())
    assert "SIGNED" in cover.upper()


def test_a_draft_is_the_same_pdf_a_without_the_seal(sealed, draft):
    assert "/AcroForm" not in PdfReader(io.BytesIO(draft)).trailer["/Root"]
    assert "/AcroForm" in PdfReader(io.BytesIO(sealed)).trailer["/Root"]
    assert embedded(draft)["snapshot.json"] == embedded(sealed)["snapshot.json"]
