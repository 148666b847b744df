"""The error pages: branded, calm, and the same whether a thing is missing or is
another organisation's."""

from __future__ import annotations

import re
import uuid

import pytest

pytestmark = pytest.mark.django_db


def page_of(response, asked) -> str:
    # CSRF tokens are masked afresh on every response; the address is the one asked.
    page = response.content.decode().replace(str(asked), "ID")
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page)


def test_a_missing_page_and_another_organisations_page_read_the_same(as_outsider, workshop):
    made_up = uuid.uuid4()
    theirs = as_outsider.get(f"/w/{workshop.pk}/")
    nothing = as_outsider.get(f"/w/{made_up}/")
    assert theirs.status_code == nothing.status_code == 404
    assert "We could not find that page" in theirs.content.decode()
    assert page_of(theirs, workshop.pk) == page_of(nothing, made_up)


def test_a_refusal_says_what_to_do_and_not_why_in_code_terms(as_observer, workshop):
    response = as_observer.get(f"/w/{workshop.pk}/audit")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your role does not allow this" in page
    assert "PermissionDenied" not in page and "Traceback" not in page
