"""Quarter over quarter: start the next quarter from this one, and compare."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alignment.domain import comparison, snapshot
from alignment.models import (
    AgreementEvent,
    HandshakeAgreement,
    Kpi,
    Persona,
    StrategicBet,
    Workshop,
)
from alignment.services import quarters
from alignment.services.errors import Refused
from flavors.diagnostic import DEMO_Q3_ANSWERS, DEMO_Q4_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def q4(filled_workshop, lead):
    filled_workshop.flavor_answers = dict(DEMO_Q3_ANSWERS)
    filled_workshop.save()
    return filled_workshop


def comparable(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("workshop", "changes")}


def test_the_clone_has_the_same_content_and_the_original_is_untouched(q4, lead):
    before = snapshot.canonical_json(snapshot.build_snapshot(q4))
    clone = quarters.start_next_quarter(q4, by=lead)
    assert clone.quarter == "2027-Q1" and clone.status == "draft" and clone.previous == q4
    original = snapshot.build_snapshot(q4)
    copied = snapshot.build_snapshot(clone)
    assert snapshot.canonical_json(original) == before
    assert comparable(copied) == comparable(original)
    assert copied["workshop"]["quarter"] == "2027-Q1"
    assert clone.flavor_answers == q4.flavor_answers
    assert set(clone.participants.values_list("user_id", flat=True)) == set(
        q4.organization.memberships.values_list("user_id", flat=True)
    )


def test_the_clone_keeps_pinned_template_versions_and_notes_the_carry_over(q4, lead):
    clone = quarters.start_next_quarter(q4, by=lead)
    pins = sorted(
        HandshakeAgreement.objects.filter(workshop=q4).values_list("template_id", flat=True)
    )
    assert (
        sorted(
            HandshakeAgreement.objects.filter(workshop=clone).values_list("template_id", flat=True)
        )
        == pins
    )
    assert AgreementEvent.objects.filter(
        agreement__workshop=clone, comment__contains="Carried over"
    ).count() == len(pins)


def test_links_point_inside_the_clone(q4, lead):
    clone = quarters.start_next_quarter(q4, by=lead)
    for bet in StrategicBet.objects.filter(workshop=clone):
        assert all(p.workshop_id == clone.pk for p in bet.personas.all())
    for kpi in Kpi.objects.filter(workshop=clone):
        assert all(b.workshop_id == clone.pk for b in kpi.bets.all())


def test_a_quarter_is_cloned_only_once(q4, lead):
    quarters.start_next_quarter(q4, by=lead)
    with pytest.raises(Refused, match="already a workshop for 2027-Q1"):
        quarters.start_next_quarter(q4, by=lead)


def test_the_comparison_shows_added_removed_changed_targets_and_flavor(q4, lead):
    clone = quarters.start_next_quarter(q4, by=lead)
    clone.flavor_answers = dict(DEMO_Q4_ANSWERS)
    clone.save()
    Persona.objects.create(workshop=clone, title="Gig worker", author=lead)
    Persona.objects.filter(workshop=clone, title="Value-seeking senior").delete()
    Persona.objects.filter(workshop=clone, title="Young digital native").update(
        description="Lives in the app"
    )
    Kpi.objects.filter(workshop=clone, title="Churn rate").update(target=Decimal("0.70"))

    result = comparison.compare(q4, clone)
    personas = next(s for s in result.steps if s.step.slug == "persona")
    assert [p.title for p in personas.added] == ["Gig worker"]
    assert [p.title for p in personas.removed] == ["Value-seeking senior"]
    assert [(new.title, [c.label for c in changes]) for _old, new, changes in personas.changed] == [
        ("Young digital native", ["description"])
    ]
    assert result.kpi_targets == [("Churn rate", Decimal("0.80"), Decimal("0.70"))]
    assert result.flavor_changed


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_members_compare_quarters(request, who, q4, lead):
    clone = quarters.start_next_quarter(q4, by=lead)
    Persona.objects.create(workshop=clone, title="Gig worker", author=lead)
    page = request.getfixturevalue(who).get(f"/w/{clone.pk}/compare").content.decode()
    assert "What changed from 2026-Q4 to 2027-Q1." in page
    assert "Gig worker" in page


def test_outsiders_cannot_compare_or_clone(as_outsider, q4):
    assert as_outsider.get(f"/w/{q4.pk}/compare").status_code == 404
    assert as_outsider.post(f"/w/{q4.pk}/next-quarter").status_code == 404


def test_comparing_with_another_organisations_workshop_is_404(as_lead, q4, rival_workshop):
    assert as_lead.get(f"/w/{q4.pk}/compare", {"with": str(rival_workshop.pk)}).status_code == 404


@pytest.mark.parametrize("who", ["as_leader", "as_observer"])
def test_only_the_lead_starts_the_next_quarter(request, who, q4):
    assert request.getfixturevalue(who).post(f"/w/{q4.pk}/next-quarter").status_code == 403
    assert Workshop.objects.count() == 1


def test_the_lead_starts_the_next_quarter_from_the_overview(as_lead, q4):
    response = as_lead.post(f"/w/{q4.pk}/next-quarter")
    clone = Workshop.objects.get(quarter="2027-Q1")
    assert response["Location"] == f"/w/{clone.pk}/"


def test_the_comparison_page_costs_the_same_queries_with_more_data(
    as_lead, q4, lead, django_assert_max_num_queries
):
    from alignment import demo

    clone = quarters.start_next_quarter(q4, by=lead)
    as_lead.get(f"/w/{clone.pk}/compare")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        as_lead.get(f"/w/{clone.pk}/compare")
    demo.build_workshop(clone, author=lead, scale=3)
    with django_assert_max_num_queries(len(first)):
        as_lead.get(f"/w/{clone.pk}/compare")
