"""JSON export and import of a workshop, and verification of a signed report."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alignment.domain import snapshot
from alignment.models import Status, Workshop
from alignment.services import signoff

pytestmark = pytest.mark.django_db


def export(client, workshop) -> dict:
    response = client.get(f"/w/{workshop.pk}/export.json")
    assert response.status_code == 200
    return json.loads(response.content)


def upload(data: dict, name="export.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(data).encode(), content_type="application/json")


def comparable(data: dict) -> dict:
    body = dict(data["snapshot"])
    body["workshop"] = {
        k: v for k, v in body["workshop"].items() if k not in ("quarter", "facilitator")
    }
    return body


def test_export_import_export_gives_the_same_content(as_lead, filled_workshop):
    first = export(as_lead, filled_workshop)
    response = as_lead.post(
        "/o/acme/workshops/import", {"file": upload(first), "quarter": "2027-Q1"}
    )
    restored = Workshop.objects.get(quarter="2027-Q1")
    assert response["Location"] == f"/w/{restored.pk}/"
    assert restored.status == Status.DRAFT
    second = export(as_lead, restored)
    assert comparable(second) == comparable(first)


def test_the_exported_hash_is_the_hash_of_the_snapshot(as_lead, filled_workshop):
    data = export(as_lead, filled_workshop)
    assert data["content_hash"] == snapshot.content_hash(data["snapshot"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all", "This is not a JSON file exported from cvm-align."),
        (
            b'{"snapshot": {"format": "something-else"}}',
            "This is not a JSON file exported from cvm-align.",
        ),
        (b"\xff\xfe\x00", "This is not a JSON file exported from cvm-align."),
    ],
)
def test_a_foreign_file_is_refused_and_nothing_is_imported(as_lead, organization, content, message):
    before = Workshop.objects.count()
    response = as_lead.post(
        "/o/acme/workshops/import",
        {"file": SimpleUploadedFile("x.json", content, "application/json")},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Workshop.objects.count() == before


def test_a_damaged_export_is_refused_whole(as_lead, filled_workshop):
    data = export(as_lead, filled_workshop)
    data["snapshot"]["mots"][0]["impact"] = 9  # out of range
    response = as_lead.post(
        "/o/acme/workshops/import", {"file": upload(data), "quarter": "2027-Q1"}
    )
    assert response.status_code == 422
    assert "nothing was imported" in response.content.decode()
    assert not Workshop.objects.filter(quarter="2027-Q1").exists()


def test_an_oversized_file_is_refused(as_lead, organization):
    big = SimpleUploadedFile("big.json", b" " * (2 * 1024 * 1024 + 1), "application/json")
    response = as_lead.post("/o/acme/workshops/import", {"file": big})
    assert response.status_code == 422
    assert "larger than 2 MB" in response.content.decode()


def test_importing_into_a_taken_quarter_is_refused(as_lead, filled_workshop):
    data = export(as_lead, filled_workshop)
    response = as_lead.post("/o/acme/workshops/import", {"file": upload(data)})
    assert response.status_code == 422
    assert "already a workshop for 2026-Q4" in response.content.decode()


@pytest.mark.parametrize("who", ["as_leader", "as_observer"])
def test_only_leads_import(request, who, organization):
    assert request.getfixturevalue(who).get("/o/acme/workshops/import").status_code == 403


def test_outsiders_cannot_import_or_verify(as_outsider, organization):
    assert as_outsider.get("/o/acme/workshops/import").status_code == 404
    assert as_outsider.get("/o/acme/verify").status_code == 404


@pytest.fixture
def signed_report(filled_workshop, lead, leader, django_capture_on_commit_callbacks):
    filled_workshop.override_reason = "Demo"
    filled_workshop.status = Status.SIGNING
    filled_workshop.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = signoff.sign(
            filled_workshop,
            unread_ok=True,
            by=leader,
            content_hash=signoff.current_content(filled_workshop)[1],
        )
    report.refresh_from_db()
    return report


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_a_signed_pdf_verifies(request, who, signed_report):
    client = request.getfixturevalue(who)
    pdf = signed_report.pdf.read()
    response = client.post(
        "/o/acme/verify", {"pdf": SimpleUploadedFile("r.pdf", pdf, "application/pdf")}
    )
    body = response.content.decode()
    assert "Verified" in body and "2026-Q4" in body
    by_hash = client.post("/o/acme/verify", {"hash": signed_report.content_hash}).content.decode()
    assert "Verified" in by_hash


def test_a_changed_pdf_does_not_verify(as_leader, signed_report):
    pdf = signed_report.pdf.read() + b"\n%tampered"
    body = as_leader.post(
        "/o/acme/verify", {"pdf": SimpleUploadedFile("r.pdf", pdf, "application/pdf")}
    ).content.decode()
    assert "No match" in body
    assert hashlib.sha256(pdf).hexdigest() in body


def test_verification_only_looks_inside_the_users_organisation(
    as_outsider, signed_report, other_organization
):
    body = as_outsider.post(
        "/o/rival/verify", {"hash": signed_report.content_hash}
    ).content.decode()
    assert "No match" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a PDF or paste a hash."),
        ({"hash": "xyz"}, "A SHA-256 is 64 characters"),
        (
            {"pdf": SimpleUploadedFile("r.pdf", b"GIF89a", "application/pdf")},
            "This file is not a PDF.",
        ),
    ],
)
def test_bad_verification_input_is_explained(as_leader, organization, data, message):
    response = as_leader.post("/o/acme/verify", data)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_the_json_of_a_signed_workshop_is_the_signed_snapshot(as_observer, signed_report):
    data = json.loads(as_observer.get(f"/w/{signed_report.workshop.pk}/export.json").content)
    assert data["content_hash"] == signed_report.content_hash
    assert data["snapshot"] == signed_report.snapshot
