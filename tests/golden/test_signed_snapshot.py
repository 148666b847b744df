"""A signed report's hash is a promise: the canonical snapshot of a signed
workshop never changes bytes, whatever the code around it becomes.

The demo's 2026-Q3 workshop goes through the real sign-off (`seed_demo`). Its
frozen snapshot, written as canonical JSON, must hash to the value pinned here;
so must the content the same workshop yields when it is built again now. A change
that moves either breaks every signature ever given, so it is a new format, not
an edit.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import call_command

from alignment.domain import snapshot
from alignment.models import Report, Workshop
from alignment.services import signoff

# The SHA-256 of the canonical JSON of the demo's signed 2026-Q3 workshop.
DEMO_Q3_HASH = "1778a1341da3b8768181e5bb441a53bf2a61bbb28c8b5f1d01778f0d02a29e47"

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_q3(settings):
    settings.DEBUG = False  # no password hashing: the content is what matters here
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Workshop.objects.select_related("organization").get(
        organization__slug="demo-telco", quarter="2026-Q3"
    )


def test_the_signed_demo_quarter_hashes_to_its_pinned_value(demo_q3):
    report = Report.objects.get(workshop=demo_q3)
    canonical = snapshot.canonical_json(report.snapshot).encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == DEMO_Q3_HASH
    assert report.content_hash == DEMO_Q3_HASH


def test_building_the_signed_quarter_again_gives_the_same_bytes(demo_q3):
    data, content_hash = signoff.current_content(demo_q3)
    assert content_hash == DEMO_Q3_HASH
    assert data == Report.objects.get(workshop=demo_q3).snapshot
