"""Fixtures for the fault tests: real services when the test needs them.

Locally, a test that needs PostgreSQL or a Redis broker is skipped when it is not
configured; in CI (CVM_REQUIRE_REAL_SERVICES) a missing service is a failure.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection

from alignment.models import Status
from alignment.services import workshops
from tests.factories import MembershipFactory, UserFactory
from tests.workshop.builders import build_coherent


def require(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("CVM_REQUIRE_REAL_SERVICES"):
        pytest.fail(f"{what} is required when real services are required")
    pytest.skip(f"{what} is not configured")


@pytest.fixture
def postgres():
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.fixture
def broker(postgres):
    # A worker in another process must see the test's rows: PostgreSQL, not SQLite.
    require(not settings.CELERY_TASK_ALWAYS_EAGER, "a Celery broker (CELERY_BROKER_URL)")


@pytest.fixture
def second_leader(organization, workshop):
    user = UserFactory(email="leader2@acme.test", display_name="Lea Second")
    MembershipFactory(organization=organization, user=user, title="CFO")
    workshop.participants.create(user=user)
    return user


@pytest.fixture
def workshop(organization, lead, leader, observer):
    workshop = workshops.create_workshop(
        organization, quarter="2026-Q4", title="Q4 alignment", language="en", by=lead
    )
    workshops.transition(workshop, Status.LIVE, by=lead)
    workshop.refresh_from_db()
    return workshop


@pytest.fixture
def signing(workshop, lead):
    """A small coherent workshop, open for signatures."""
    build_coherent(workshop, lead)
    workshops.transition(workshop, Status.REVIEW, by=lead)
    workshops.transition(workshop, Status.SIGNING, by=lead)
    workshop.refresh_from_db()
    return workshop


@pytest.fixture
def demo_organization(db, django_capture_on_commit_callbacks):
    """The demo telco: a signed 2026-Q3 (report not rendered) and a 2026-Q4 from it."""
    from django.core.management import call_command

    from alignment.models import Organization

    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", verbosity=0)
    return Organization.objects.get(slug="demo-telco")
