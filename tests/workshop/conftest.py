from __future__ import annotations

import pytest

from alignment import demo
from alignment.models import Persona, Status
from alignment.services import signoff, workshops
from tests.factories import MembershipFactory, UserFactory
from tests.workshop.builders import build_coherent


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


# Sign-off: a coherent workshop in signing, a second leader, and signing.


@pytest.fixture
def second_leader(organization, workshop):
    user = UserFactory(email="leader2@acme.test", display_name="Lea Second")
    MembershipFactory(organization=organization, user=user, title="CFO")
    workshop.participants.create(user=user)
    return user


@pytest.fixture
def signing(coherent_workshop, lead):
    workshops.transition(coherent_workshop, Status.REVIEW, by=lead)
    workshops.transition(coherent_workshop, Status.SIGNING, by=lead)
    coherent_workshop.refresh_from_db()
    return coherent_workshop


@pytest.fixture
def coherent_workshop(workshop, lead):
    return build_coherent(workshop, lead)


def current_hash(workshop):
    workshop.refresh_from_db()
    return signoff.current_content(workshop)[1]


@pytest.fixture
def sign(django_capture_on_commit_callbacks):
    """Sign as a user; the report task queued on commit runs (eagerly) right away."""

    def _sign(workshop, user):
        with django_capture_on_commit_callbacks(execute=True):
            report = signoff.sign(
                workshop, unread_ok=True, by=user, content_hash=current_hash(workshop)
            )
        if report is not None:
            report.refresh_from_db()
        return report

    return _sign
