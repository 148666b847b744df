"""Every kind of page passes axe-core without serious or critical violations."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from alignment import agenda
from alignment.models import User, Workshop
from tests.e2e.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    return Workshop.objects.get(quarter="2026-Q4")


@pytest.mark.parametrize("width", [1440, 390])
def test_pages_have_no_serious_accessibility_violations(open_as, demo, width):
    q3 = Workshop.objects.get(quarter="2026-Q3")
    page = open_as(User.objects.get(email="lead@demo.test"), width=width)
    paths = [
        "/o/demo-telco/",
        "/o/demo-telco/members/",
        "/o/demo-telco/workshops/new",
        "/o/demo-telco/verify",
        "/o/demo-telco/workshops/import",
        f"/w/{demo.pk}/",
        *[f"/w/{demo.pk}/s/{step.slug}/" for step in agenda.all_steps()],
        f"/w/{demo.pk}/compare",
        f"/w/{demo.pk}/audit",
        f"/w/{q3.pk}/s/signoff/",
        "/flavors/",
        "/flavors/coordinated/",
        "/flavors/diagnostic/",
        "/handshakes/",
        "/handshakes/pricing/",
    ]
    problems = {}
    for path in paths:
        page.goto(path)
        found = serious_accessibility_violations(page)
        if found:
            problems[path] = found
    assert problems == {}, "\n".join(f"{p}: {v}" for p, vs in problems.items() for v in vs)
