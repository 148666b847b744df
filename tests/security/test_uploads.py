"""Uploads (a workshop export to import, a report PDF to verify) are size-limited and
checked by content, whatever their name or declared type; a refused upload writes
nothing. Oversized request bodies are refused before any view runs."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alignment.forms import MAX_IMPORT_BYTES, MAX_PDF_BYTES
from alignment.services import signoff
from tests.security.dbstate import changed_tables, database_state

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)
PDF_HEAD = b"%PDF-1.7\n"
NOT_AN_EXPORT = "This is not a JSON file exported from cvm-align."


def file(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


@pytest.fixture
def export_bytes(room) -> bytes:
    data, content_hash = signoff.current_content(room.workshop)
    return json.dumps({"content_hash": content_hash, "snapshot": data}).encode()


def post_import(client, upload, **fields):
    before = database_state()
    response = client.post("/o/acme/workshops/import", {"file": upload, **fields})
    return response, changed_tables(before, database_state())


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (file("big.json", b" " * (MAX_IMPORT_BYTES + 1), "application/json"), "larger than 2 MB"),
        (file("empty.json", b"", "application/json"), "The submitted file is empty."),
        (file("report.json", PDF_HEAD + bytes(200), "application/json"), NOT_AN_EXPORT),
        (file("image.json", PNG, "image/png"), NOT_AN_EXPORT),
        (file("noise.json", bytes(range(256)) * 8, "application/json"), NOT_AN_EXPORT),
        (file("list.json", b"[1, 2, 3]", "application/json"), NOT_AN_EXPORT),
        (file("number.json", b"12", "application/json"), NOT_AN_EXPORT),
        (
            file("utf16.json", '{"snapshot": {}}'.encode("utf-16"), "application/json"),
            NOT_AN_EXPORT,
        ),
    ],
    ids=["oversize", "empty", "pdf", "png", "binary", "list", "number", "utf-16"],
)
def test_an_import_that_is_not_an_export_is_refused(as_lead, organization, upload, message):
    response, changed = post_import(as_lead, upload, quarter="2031-Q1")
    assert response.status_code == 422
    assert message in response.content.decode()
    assert changed == []


def test_an_import_is_judged_by_its_content_not_its_name_or_type(as_lead, export_bytes):
    response, changed = post_import(
        as_lead, file("photo.png", export_bytes, "image/png"), quarter="2031-Q1"
    )
    assert response.status_code == 302
    assert "alignment_workshop" in changed


def test_an_import_without_a_file_is_refused(as_lead, organization):
    before = database_state()
    response = as_lead.post("/o/acme/workshops/import", {"quarter": "2031-Q1"})
    assert response.status_code == 422
    assert changed_tables(before, database_state()) == []


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (file("big.pdf", PDF_HEAD + bytes(MAX_PDF_BYTES), "application/pdf"), "larger than 20 MB"),
        (file("empty.pdf", b"", "application/pdf"), "The submitted file is empty."),
        (file("export.pdf", b'{"snapshot": {}}', "application/pdf"), "This file is not a PDF."),
        (file("image.pdf", PNG, "application/pdf"), "This file is not a PDF."),
        (file("noise.pdf", bytes(range(256)) * 8, "application/pdf"), "This file is not a PDF."),
        (file("short.pdf", b"%PD", "application/pdf"), "This file is not a PDF."),
    ],
    ids=["oversize", "empty", "json", "png", "binary", "truncated"],
)
def test_a_file_to_verify_that_is_not_a_pdf_is_refused(as_leader, organization, upload, message):
    before = database_state()
    response = as_leader.post("/o/acme/verify", {"pdf": upload})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert changed_tables(before, database_state()) == []


def test_a_pdf_to_verify_is_hashed_not_parsed_or_kept(as_leader, organization, settings):
    # Anything that starts like a PDF is only hashed; it is never stored or opened.
    response = as_leader.post(
        "/o/acme/verify", {"pdf": file("../../evil.pdf", PDF_HEAD + b"/JavaScript" * 100)}
    )
    assert response.status_code == 200
    assert "No match" in response.content.decode()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(media.rglob("*"))


def test_oversized_form_bodies_are_refused_before_the_view(as_leader, organization):
    before = database_state()
    too_big = as_leader.post("/o/acme/verify", {"hash": "a" * (3 * 1024 * 1024)})
    too_many = as_leader.post("/o/acme/verify", {f"f{i}": "x" for i in range(1200)})
    too_many_files = as_leader.post(
        "/o/acme/verify", {f"pdf{i}": file(f"{i}.pdf", PDF_HEAD) for i in range(120)}
    )
    assert (too_big.status_code, too_many.status_code, too_many_files.status_code) == (
        400,
        400,
        400,
    )
    assert changed_tables(before, database_state()) == []
