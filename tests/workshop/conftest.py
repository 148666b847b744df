from __future__ import annotations

import pytest

from alignment import demo
from alignment.models import Persona, Status
from alignment.services import workshops


@pytest.fixture
def workshop(organization, lead, leader, observer):
    """A live workshop of Acme with a lead, a leader and an observer taking part."""
    workshop = workshops.create_workshop(
        organization, quarter="2026-Q4", title="Q4 alignment", language="en", by=lead
    )
    workshops.transition(workshop, Status.LIVE, by=lead)
    workshop.refresh_from_db()
    return workshop


@pytest.fixture
def rival_workshop(other_organization, outsider):
    return workshops.create_workshop(
        other_organization, quarter="2026-Q4", title="Rival Q4", language="en", by=outsider
    )


@pytest.fixture
def filled_workshop(workshop, lead):
    demo.build_workshop(workshop, author=lead)
    return workshop


@pytest.fixture
def leaders_persona(workshop, leader):
    return Persona.objects.create(
        workshop=workshop, title="Leader's persona", author=leader, order=1
    )


@pytest.fixture
def leads_persona(workshop, lead):
    return Persona.objects.create(workshop=workshop, title="Lead's persona", author=lead, order=2)
