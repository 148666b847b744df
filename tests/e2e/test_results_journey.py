"""Between quarters: the lead records what a signed quarter's KPIs did and how its
bets turned out, in the browser; a bad figure is refused next to its field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from alignment.domain import snapshot
from alignment.models import BetOutcome, KpiReading, Report, User, Workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def q3(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    return Workshop.objects.get(quarter="2026-Q3")


def test_the_lead_records_results_of_the_signed_quarter(open_as, q3):
    report = Report.objects.get(workshop=q3)
    signed_hash = report.content_hash
    lead = open_as(User.objects.get(email="lead@demo.test"))
    lead.goto(f"/w/{q3.pk}/")
    lead.get_by_role("link", name="See and record the results").click()
    expect(lead.get_by_role("heading", name="Results of 2026-Q3")).to_be_visible()
    # K7 has no reading yet.
    kpi = q3.kpis.order_by("order", "created").last()
    row = lead.locator(f"#kpi-{kpi.pk}")
    expect(row.locator(".standing")).to_have_text("No data")
    readings = lead.locator(f"#readings-{kpi.pk}")
    readings.locator("summary").click()

    # A figure that is not a number: refused next to its field, nothing saved.
    readings.get_by_label("Actual value").fill("about six")
    readings.get_by_role("button", name="Record the reading").click()
    readings = lead.locator(f"#readings-{kpi.pk}")
    expect(readings.locator(".errorlist")).to_contain_text("Enter a number.")
    assert not KpiReading.objects.filter(kpi=kpi).exists()

    # Fixed: the reading is saved and the standing follows it.
    readings.get_by_label("Actual value").fill("3,5")
    readings.get_by_label("Date").fill("2026-09-30")
    readings.get_by_label("Source").fill("Field service report")
    readings.get_by_role("button", name="Record the reading").click()
    expect(lead.locator(".message--success")).to_contain_text("Reading recorded")
    expect(lead.locator(f"#kpi-{kpi.pk} .standing")).to_have_text("Met")
    assert KpiReading.objects.get(kpi=kpi).value == Decimal("3.50")

    # A bet's outcome, changed from what the demo recorded.
    bet = q3.bets.order_by("order", "created").first()
    outcome = lead.locator(f"#bet-{bet.pk}")
    outcome.locator("summary").click()
    outcome.get_by_label("Outcome").select_option("partly")
    outcome.get_by_label("Note").fill("Default offer in stores; online follows in Q4.")
    outcome.get_by_role("button", name="Record the outcome").click()
    expect(lead.locator(f"#bet-{bet.pk} .outcome")).to_have_text("Partly achieved")
    assert BetOutcome.objects.get(bet=bet).outcome == "partly"

    # The signed record did not move.
    report.refresh_from_db()
    assert report.content_hash == signed_hash == snapshot.content_hash(report.snapshot)
    # The refused figure was answered 422, which the browser reports; nothing else.
    others = [e for e in lead.console_errors if "status of 422" not in e]
    assert others == [], others
