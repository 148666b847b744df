"""The database failing in the middle of a request: a calm error page that names no
internals, and nothing half-written. Every multi-row change runs in one transaction;
here the database fails at each of its writes in turn, and none leaves a trace.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.template.loader import render_to_string

from alignment import demo
from alignment.models import Workshop
from alignment.services import quarters, signoff, transfer
from tests.faults.dbfaults import FailingWrite, writes_of
from tests.security.dbstate import changed_tables, database_state

pytestmark = pytest.mark.django_db

# What a page about a failure must never show.
INTERNALS = (
    "Traceback",
    "OperationalError",
    "server closed",
    "INSERT",
    "psycopg",
    "sqlite",
    "File ",
)


def fail_at_every_write(client, total: int, request, *, most: int = 40) -> None:
    """Run `request` with the database failing at write 1, 2, ... total (at most
    `most` of them, spread evenly): each time a calm 500 page and no change at all."""
    positions = sorted({1, total, *range(1, total + 1, max(1, total // most))})
    client.raise_request_exception = False
    for n in positions:
        before = database_state()
        with connection.execute_wrapper(FailingWrite(n)):
            response = request()
        assert response.status_code == 500, n
        page = response.content.decode()
        assert "Something went wrong on our side" in page
        assert not [word for word in INTERNALS if word in page], n
        assert changed_tables(before, database_state()) == [], f"write {n} of {total}"


@pytest.fixture
def filled(workshop, lead):
    demo.build_workshop(workshop, author=lead)
    return workshop


def test_starting_the_next_quarter_is_all_or_nothing(filled, lead, as_lead):
    total = writes_of(lambda: quarters.start_next_quarter(filled, by=lead))
    assert total >= 10
    fail_at_every_write(as_lead, total, lambda: as_lead.post(f"/w/{filled.pk}/next-quarter"))
    assert Workshop.objects.count() == 1


def test_an_import_is_all_or_nothing(filled, lead, as_lead, organization):
    data, content_hash = signoff.current_content(filled)
    body = json.dumps({"content_hash": content_hash, "snapshot": data}).encode()
    total = writes_of(
        lambda: transfer.import_snapshot(organization, data, quarter="2031-Q1", by=lead)
    )
    # The workshop, its participants, one insert per kind of item and of link, the audit.
    assert total >= 20

    def request():
        upload = SimpleUploadedFile("export.json", body, "application/json")
        return as_lead.post("/o/acme/workshops/import", {"file": upload, "quarter": "2031-Q1"})

    fail_at_every_write(as_lead, total, request)
    assert not Workshop.objects.filter(quarter="2031-Q1").exists()


def test_the_last_signature_and_the_freeze_are_all_or_nothing(
    signing, leader, as_leader, django_capture_on_commit_callbacks
):
    content_hash = signoff.current_content(signing)[1]
    total = writes_of(
        lambda: signoff.sign(signing, unread_ok=True, by=leader, content_hash=content_hash)
    )
    assert total >= 5
    with django_capture_on_commit_callbacks(execute=False) as queued:
        fail_at_every_write(
            as_leader,
            total,
            lambda: as_leader.post(
                f"/w/{signing.pk}/sign", {"content_hash": content_hash, "unread": "on"}
            ),
        )
    assert queued == []  # no report task for a freeze that did not happen
    signing.refresh_from_db()
    assert signing.status == "signing"


def test_the_error_page_needs_no_database(as_lead, organization):
    def no_database(execute, sql, params, many, context):
        raise OperationalError("could not connect to server")

    as_lead.raise_request_exception = False
    with connection.execute_wrapper(no_database):
        response = as_lead.get("/o/acme/")
        page = render_to_string("500.html")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Nothing was half-saved" in page
    assert 'href="/static/css/app.css"' in page
    assert not [word for word in INTERNALS if word in page]
