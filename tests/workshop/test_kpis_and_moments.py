"""CVM KPIs from the catalogue or custom, and Moments of Truth with their priority."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alignment.models import HIGH_PRIORITY, CatalogueKpi, Kpi, MomentOfTruth, StrategicBet

pytestmark = pytest.mark.django_db


def test_the_catalogue_ships_the_cvmbok_kpis():
    codes = set(CatalogueKpi.objects.values_list("code", flat=True))
    assert {
        "base_size",
        "churn_rate",
        "onboarding_rate",
        "arpu",
        "ampu",
        "clv",
        "nps",
        "csat",
        "cost_to_serve",
        "time_to_campaign",
        "time_to_close",
        "time_to_revenue",
        "time_to_fix",
    } <= codes
    assert CatalogueKpi.objects.get(code="clv").overarching
    assert set(CatalogueKpi.objects.values_list("category", flat=True)) == {
        "customer_base",
        "revenue",
        "customer_experience",
        "costs",
        "internal_processes",
    }


def test_one_click_adds_a_kpi_from_the_catalogue(as_lead, workshop):
    churn = CatalogueKpi.objects.get(code="churn_rate")
    as_lead.post(f"/w/{workshop.pk}/s/kpis/items", {"new-catalogue": churn.pk})
    kpi = Kpi.objects.get(workshop=workshop)
    assert (kpi.title, kpi.direction, kpi.unit, kpi.category) == (
        "Churn rate",
        "down",
        "% per month",
        "customer_base",
    )


def test_a_custom_kpi_needs_a_name_and_a_direction(as_leader, workshop):
    response = as_leader.post(
        f"/w/{workshop.pk}/s/kpis/items", {"new-title": "", "new-direction": ""}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Name the KPI, or pick one from the catalogue." in body
    assert "Say whether higher or lower is better." in body
    assert not Kpi.objects.exists()


def test_numbers_are_validated_and_a_wrong_direction_is_only_a_warning(as_leader, workshop):
    bad = as_leader.post(
        f"/w/{workshop.pk}/s/kpis/items",
        {"new-title": "Churn", "new-direction": "down", "new-baseline": "lots"},
    )
    assert bad.status_code == 422 and "Enter a number." in bad.content.decode()
    ok = as_leader.post(
        f"/w/{workshop.pk}/s/kpis/items",
        {"new-title": "Churn", "new-direction": "down", "new-baseline": "1.0", "new-target": "1.5"},
    )
    assert ok.status_code == 302
    kpi = Kpi.objects.get()
    assert kpi.target == Decimal("1.5")
    assert "lower is better" in kpi.direction_warning
    page = as_leader.get(f"/w/{workshop.pk}/s/kpis/").content.decode()
    assert "The target is above the baseline, but lower is better." in page


def test_a_kpi_traces_to_bets_of_its_workshop_only(
    as_lead, workshop, rival_workshop, outsider, lead
):
    ours = StrategicBet.objects.create(workshop=workshop, title="Ours", author=lead)
    theirs = StrategicBet.objects.create(workshop=rival_workshop, title="Theirs", author=outsider)
    response = as_lead.post(
        f"/w/{workshop.pk}/s/kpis/items",
        {"new-title": "NPS", "new-direction": "up", "new-bets": [str(ours.pk), str(theirs.pk)]},
    )
    assert response.status_code == 422
    as_lead.post(
        f"/w/{workshop.pk}/s/kpis/items",
        {"new-title": "NPS", "new-direction": "up", "new-bets": [str(ours.pk)]},
    )
    assert list(Kpi.objects.get().bets.all()) == [ours]


@pytest.mark.parametrize(
    ("impact", "performance", "priority", "high"),
    [(5, 1, 25, True), (5, 3, 15, True), (4, 3, 12, False), (3, 1, 15, True), (1, 5, 1, False)],
)
def test_priority_is_impact_times_six_minus_performance(
    workshop, impact, performance, priority, high
):
    moment = MomentOfTruth(workshop=workshop, title="m", impact=impact, performance=performance)
    assert moment.priority == priority
    assert moment.is_high_priority is high
    assert (priority >= HIGH_PRIORITY) is high


def test_the_facilitator_marks_a_moment_high_with_a_reason(as_lead, workshop):
    data = {
        "new-title": "Roaming bill shock",
        "new-journey_stage": "use_and_fix",
        "new-lifecycle_stage": "retention",
        "new-channel": "inbound_assisted",
        "new-impact": "3",
        "new-performance": "4",
        "new-marked_high": "on",
    }
    response = as_lead.post(f"/w/{workshop.pk}/s/mots/items", data)
    assert (
        response.status_code == 422
        and "Say why this moment is high priority." in response.content.decode()
    )
    as_lead.post(
        f"/w/{workshop.pk}/s/mots/items", {**data, "new-high_reason": "Regulator is watching"}
    )
    moment = MomentOfTruth.objects.get()
    assert moment.priority == 6 and moment.is_high_priority


def test_leaders_cannot_mark_a_moment_high(as_leader, workshop):
    as_leader.post(
        f"/w/{workshop.pk}/s/mots/items",
        {
            "new-title": "Store visit",
            "new-journey_stage": "use_and_fix",
            "new-lifecycle_stage": "adoption",
            "new-channel": "inbound_assisted",
            "new-impact": "2",
            "new-performance": "4",
            "new-marked_high": "on",
            "new-high_reason": "I say so",
        },
    )
    moment = MomentOfTruth.objects.get()
    assert not moment.marked_high and not moment.is_high_priority
    assert (
        'name="new-marked_high"' not in as_leader.get(f"/w/{workshop.pk}/s/mots/").content.decode()
    )


def test_impact_out_of_range_is_refused(as_lead, workshop):
    response = as_lead.post(
        f"/w/{workshop.pk}/s/mots/items",
        {
            "new-title": "X",
            "new-journey_stage": "buy",
            "new-lifecycle_stage": "onboarding",
            "new-channel": "inbound_assisted",
            "new-impact": "9",
            "new-performance": "0",
        },
    )
    assert response.status_code == 422
    assert "less than or equal to 5" in response.content.decode()
    assert "greater than or equal to 1" in response.content.decode()
    assert not MomentOfTruth.objects.exists()
