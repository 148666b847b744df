"""Between quarters: the lead records what a signed quarter's KPIs did and how its
bets turned out, in the browser; a bad figure is refused next to its field."""

from __future__ import annotations

import re
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


def test_actuals_are_imported_after_a_refused_file_and_q4_starts_from_them(open_as, q3):
    """The lead imports a BI export with a bad row (refused whole, nothing saved),
    fixes it and imports; a leader who has Q4's opening step open sees the new
    actual arrive; the compare page draws it against its target."""
    q4 = Workshop.objects.get(quarter="2026-Q4")
    lifetime_value, churn = q3.kpis.order_by("order", "created")[:2]
    ceo = open_as(User.objects.get(email="ceo@demo.test"))
    ceo.goto(f"/w/{q4.pk}/")
    # Q4 opens on the results of Q3, where the facilitator is.
    ceo.get_by_role("link", name=re.compile("Last quarter's results")).first.click()
    expect(ceo).to_have_url(re.compile(r"/s/results/$"))
    expect(ceo.get_by_role("heading", name="The CVM KPIs of 2026-Q3")).to_be_visible()
    expect(ceo.locator(f"#last-kpi-{lifetime_value.pk}")).not_to_contain_text("436.50")

    lead = open_as(User.objects.get(email="lead@demo.test"))
    lead.goto(f"/w/{q3.pk}/results/")
    lead.get_by_role("link", name="Import actuals from a CSV file").click()
    bad = "KPI,date,value,source\nK1,2026-11-30,436.5,BI\nK2,last week,0.84,BI\n"
    lead.get_by_label("CSV file of actuals").set_input_files(
        files=[{"name": "bi-november.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    lead.get_by_role("button", name="Preview").click()
    expect(lead.locator("#preview-title")).to_have_text("Preview of bi-november.csv")
    expect(lead.get_by_role("alert")).to_contain_text("1 row has an error, so nothing can be saved")
    expect(lead.locator("tbody tr").nth(1)).to_contain_text('Row 3: "last week" is not a date')
    expect(lead.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)
    assert not KpiReading.objects.filter(taken_on="2026-11-30").exists()

    fixed = bad.replace("last week", "2026-11-30")
    lead.get_by_label("CSV file of actuals").set_input_files(
        files=[{"name": "bi-november.csv", "mimeType": "text/csv", "buffer": fixed.encode()}]
    )
    lead.get_by_role("button", name="Preview").click()
    expect(lead.get_by_text("2 readings are ready to be saved.")).to_be_visible()
    lead.get_by_role("button", name="Save 2 readings").click()
    expect(lead.locator(".message--success")).to_contain_text(
        "2 readings imported from bi-november.csv."
    )
    assert KpiReading.objects.get(kpi=lifetime_value, taken_on="2026-11-30").value == Decimal(
        "436.50"
    )
    assert KpiReading.objects.get(kpi=churn, taken_on="2026-11-30").source == "BI"

    # Pushed to the leader's open step, with no reload of theirs.
    expect(ceo.locator(f"#last-kpi-{lifetime_value.pk}")).to_contain_text("436.50", timeout=10_000)

    lead.goto(f"/w/{q4.pk}/compare")
    section = lead.locator(".last-results")
    expect(
        section.get_by_role("heading", name="Results of the last quarter: 2026-Q3")
    ).to_be_visible()
    trend = section.locator(".trend").first
    expect(trend.locator("svg.trend-chart")).to_be_visible()
    expect(trend.locator(".trend-chart__mark--actual")).to_have_count(1)
    expect(trend.locator(".trend__figures")).to_contain_text("436.50")
    # The refused file was answered 422, which the browser reports; nothing else.
    others = [e for e in lead.console_errors if "status of 422" not in e]
    assert others == [] and ceo.console_errors == [], (others, ceo.console_errors)
