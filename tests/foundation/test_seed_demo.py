"""`seed_demo` builds the demo organisation and is idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alignment.models import (
    BetOutcome,
    KpiReading,
    Membership,
    Organization,
    Role,
    Status,
    User,
    Workshop,
)

pytestmark = pytest.mark.django_db

DEMO_LOGINS = [
    "lead@demo.test",
    "ceo@demo.test",
    "cfo@demo.test",
    "cmo@demo.test",
    "viewer@demo.test",
    "admin@demo.test",
]


def test_it_creates_the_demo_people_with_their_roles(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    organization = Organization.objects.get(slug="demo-telco")
    roles = dict(
        Membership.objects.filter(organization=organization).values_list("user__email", "role")
    )
    assert roles["lead@demo.test"] == Role.LEAD
    assert roles["ceo@demo.test"] == Role.LEADER
    assert roles["viewer@demo.test"] == Role.OBSERVER
    assert User.objects.get(email="admin@demo.test").is_staff
    for email in DEMO_LOGINS:
        assert User.objects.get(email=email).check_password("demo-pass-2026")


def test_running_it_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    with CaptureQueriesContext(connection) as queries:
        call_command("seed_demo", verbosity=0)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_without_debug_the_demo_people_get_no_password(settings):
    settings.DEBUG = False
    call_command("seed_demo", verbosity=0)
    assert not User.objects.get(email="lead@demo.test").has_usable_password()


def test_with_passwords_flag_sets_them_even_without_debug(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--with-passwords", verbosity=0)
    assert User.objects.get(email="lead@demo.test").check_password("demo-pass-2026")


def test_the_demo_lead_can_sign_in(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    response = client.post(
        "/accounts/login/", {"username": "lead@demo.test", "password": "demo-pass-2026"}
    )
    assert response.status_code == 302
    assert client.get("/", follow=True).status_code == 200


def test_the_demo_q4_opens_on_the_results_of_q3(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    q3, q4 = (
        Workshop.objects.get(organization__slug="demo-telco", quarter=quarter)
        for quarter in ("2026-Q3", "2026-Q4")
    )
    assert q4.previous == q3 and q3.status == Status.SIGNED
    assert q4.current_step == "results"
    # Q3 has what the step shows: readings for its KPIs, an outcome for each bet.
    assert KpiReading.objects.filter(kpi__workshop=q3).count() >= q3.kpis.count()
    assert BetOutcome.objects.filter(bet__workshop=q3).count() == q3.bets.count()
