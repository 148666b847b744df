from __future__ import annotations

import pytest

from alignment import demo
from alignment.models import Status
from alignment.services import workshops


@pytest.fixture
def workshop(organization, lead, leader, observer):
    """A live, fully worked demo workshop of Acme (reference content in the database)."""
    workshop = workshops.create_workshop(
        organization, quarter="2026-Q4", title="Q4 alignment", language="it", by=lead
    )
    workshops.transition(workshop, Status.LIVE, by=lead)
    workshop.refresh_from_db()
    demo.build_workshop(workshop, author=lead)
    return workshop


@pytest.fixture
def in_italian(as_lead):
    """The lead's browser after choosing IT in the header's language switch."""
    response = as_lead.post("/i18n/setlang/", {"language": "it", "next": "/"})
    assert response.status_code == 302
    assert as_lead.cookies["django_language"].value == "it"
    return as_lead
