"""Pages, report PDFs and exports for a signed-in person are never kept by a shared
cache: every response to a session says `Cache-Control: private` (or `no-store`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.conftest import client_for

pytestmark = pytest.mark.django_db


def _private(response) -> bool:
    header = response.get("Cache-Control", "")
    return "private" in header or "no-store" in header


def test_every_kind_of_member_response_is_private(victim):
    lead = client_for(victim.lead)
    signed, live = victim.signed.pk, victim.live.pk
    urls = [
        reverse("alignment:organization", args=[victim.organization.slug]),
        reverse("alignment:members", args=[victim.organization.slug]),
        reverse("alignment:workshop", args=[live]),
        reverse("alignment:step", args=[live, "persona"]),
        reverse("alignment:step", args=[live, "review"]),
        reverse("alignment:audit_log", args=[live]),
        reverse("alignment:compare", args=[live]),
        reverse("alignment:report_pdf", args=[signed]),
        reverse("alignment:export_json", args=[signed]),
        reverse("alignment:export_json", args=[live]),
        reverse("alignment:poll", args=[live]) + "?step=persona&v=0.0",
        reverse("handshakes:library"),
    ]
    for url in urls:
        # Twice: the second step page comes from the page cache.
        for _ in range(2):
            response = lead.get(url)
            assert response.status_code == 200, url
            assert _private(response), (url, response.get("Cache-Control"))


def test_the_report_pdf_says_private_not_just_no_store(victim):
    # A PDF download may be stored by the browser (to open it), never by a proxy.
    response = client_for(victim.observer).get(
        reverse("alignment:report_pdf", args=[victim.signed.pk])
    )
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_static_files_stay_cacheable_by_anyone(client, victim):
    signed_in = client_for(victim.lead)
    response = signed_in.get("/static/css/app.css")
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")
