"""Every coherence rule, met and broken, on small hand-built workshops."""

from __future__ import annotations

import pytest

from alignment import agenda
from alignment.domain import coherence
from alignment.models import (
    Alternative,
    BusinessObjective,
    HandshakeAgreement,
    Kpi,
    MajorInitiative,
    MomentOfTruth,
    Need,
    Persona,
    StrategicBet,
)
from alignment.services import items
from tests.workshop.builders import build_coherent

pytestmark = pytest.mark.django_db


@pytest.fixture
def coherent(workshop, lead):
    return build_coherent(workshop, lead)


def broken_rules(workshop) -> set[str]:
    return coherence.review(workshop).broken


def test_the_coherent_workshop_meets_every_rule(coherent):
    result = coherence.review(coherent)
    assert result.findings == ()
    assert result.score == 1.0 and result.percent == 100
    assert len(result.rules) == 14


def _first(model, workshop):
    return model.objects.filter(workshop=workshop).first()


def _unmeasured_bet(workshop):
    first = _first(StrategicBet, workshop)
    bet = StrategicBet.objects.create(workshop=workshop, title="A second bet, not measured")
    for name in ("personas", "needs", "objectives", "initiatives"):
        getattr(bet, name).set(getattr(first, name).all())


BREAKS = {
    "all_six_answered": lambda w: Alternative.objects.filter(workshop=w).delete(),
    "needs_have_persona": lambda w: Need.objects.filter(workshop=w).update(persona=None),
    "objectives_have_strategy": lambda w: BusinessObjective.objects.filter(workshop=w).update(
        strategy=None
    ),
    "initiatives_serve_objective": lambda w: MajorInitiative.objects.filter(workshop=w).update(
        objective=None
    ),
    "bets_linked": lambda w: _first(StrategicBet, w).needs.clear(),
    "bets_measured": lambda w: _unmeasured_bet(w),
    "kpis_traced": lambda w: Kpi.objects.create(
        workshop=w, title="Orphan KPI", baseline=1, target=2
    ),
    "high_mots_traced": lambda w: MomentOfTruth.objects.create(
        workshop=w,
        title="Bill shock",
        journey_stage="use_and_fix",
        lifecycle_stage="retention",
        channel="inbound_assisted",
        impact=5,
        performance=3,
    ),
    "agreed_handshakes_traced": lambda w: _first(HandshakeAgreement, w).bets.clear(),
    "alternatives_answer_need": lambda w: Alternative.objects.filter(workshop=w).update(need=None),
    "personas_have_bet": lambda w: Persona.objects.create(workshop=w, title="Forgotten persona"),
    "bets_have_initiative": lambda w: _first(StrategicBet, w).initiatives.clear(),
    "high_impact_areas_in_setup": lambda w: _first(HandshakeAgreement, w).delete(),
    "kpis_have_baseline_and_target": lambda w: Kpi.objects.filter(workshop=w).update(baseline=None),
}


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_each_rule_breaks_on_its_own_gap(coherent, rule):
    BREAKS[rule](coherent)
    assert broken_rules(coherent) == {rule}
    result = coherence.review(coherent)
    assert result.score == pytest.approx(13 / 14)
    severity = {r.code: r.severity for r in coherence.RULES}[rule]
    assert all(f.severity == severity for f in result.findings)
    assert all(f.step for f in result.findings)


# Asked only of a quarter that follows a signed one: tests/workshop/test_last_quarter.py.
AFTER_A_SIGNED_QUARTER = {"missed_bets_rethought"}


def test_every_rule_of_the_design_is_covered():
    assert set(BREAKS) | AFTER_A_SIGNED_QUARTER == {rule.code for rule in coherence.RULES}


def test_a_proposed_handshake_need_not_trace_yet(coherent):
    agreement = _first(HandshakeAgreement, coherent)
    agreement.bets.clear()
    HandshakeAgreement.objects.filter(pk=agreement.pk).update(status="proposed")
    assert broken_rules(coherent) == set()


def test_a_moment_marked_high_by_the_facilitator_must_trace(coherent):
    MomentOfTruth.objects.create(
        workshop=coherent,
        title="Regulator visit",
        journey_stage="buy",
        lifecycle_stage="onboarding",
        channel="inbound_assisted",
        impact=2,
        performance=5,
        marked_high=True,
        high_reason="Fines",
    )
    assert broken_rules(coherent) == {"high_mots_traced"}


def test_findings_name_the_item_and_the_step(coherent):
    orphan = Kpi.objects.create(workshop=coherent, title="Orphan KPI", baseline=1, target=2)
    finding = coherence.review(coherent).findings[0]
    assert finding.item == orphan and finding.step == "kpis"
    assert "Orphan KPI" in finding.message


def test_an_empty_workshop_names_all_six_missing_aspects(workshop):
    findings = [f for f in coherence.review(workshop).findings if f.rule == "all_six_answered"]
    assert {f.step for f in findings} == {
        "persona",
        "needs",
        "alternatives",
        "strategy",
        "objectives",
        "initiatives",
    }


def test_the_matrix_marks_each_trace(coherent):
    data = coherence.load(coherent)
    matrix = coherence.traceability(data)
    assert len(matrix.bets) == 1
    kinds = [kind for kind, _item in matrix.columns]
    assert kinds.count("kpi") == 1 and kinds.count("mot") == 1 and "agreement" in kinds
    assert all(matrix.row(matrix.bets[0]))
    assert matrix.untraced() == []


def test_the_review_page_shows_score_findings_and_matrix(as_observer, coherent):
    Kpi.objects.create(workshop=coherent, title="Orphan KPI", baseline=1, target=2)
    page = as_observer.get(f"/w/{coherent.pk}/s/review/").content.decode()
    assert "93%" in page
    assert "The KPI “Orphan KPI” is traced to no bet." in page
    assert f"/w/{coherent.pk}/s/kpis/#item-" in page
    assert '<table class="table matrix">' in page and "<svg" in page


def test_the_matrix_marks_each_cell_in_the_table_and_the_figure(as_observer, coherent):
    Kpi.objects.create(workshop=coherent, title="Orphan <b>KPI</b>", baseline=1, target=2)
    columns = 3 + HandshakeAgreement.objects.filter(workshop=coherent).count()
    page = as_observer.get(f"/w/{coherent.pk}/s/review/").content.decode()
    assert '<th scope="row">B1. Make the bundle the default</th>' in page
    assert (
        '<th scope="col" class="matrix__col matrix__col--kpi">'
        '<span class="matrix__kind">KPI</span> Orphan &lt;b&gt;KPI&lt;/b&gt;</th>'
    ) in page
    assert page.count(
        '<td class="matrix__cell"><span aria-hidden="true">●</span>'
        '<span class="visually-hidden">traced</span></td>'
    ) == (columns - 1)
    assert page.count("<td></td>") == 1
    # The figure: a grey dot in every cell (a pattern over the grid), a large
    # coloured one on each traced cell; the untraced KPI (column 2) has none.
    assert (
        f'<rect x="28" y="28" width="{columns * 22}" height="22" fill="url(#matrix-grid)">' in page
    )
    assert page.count(' is-on"') == columns - 1
    assert '<circle cx="39" cy="39" r="7" class="matrix-figure__dot matrix-figure__dot--kpi' in page
    assert '<circle cx="61" cy="39"' not in page


def test_outsiders_get_404_on_the_review(as_outsider, coherent):
    assert as_outsider.get(f"/w/{coherent.pk}/s/review/").status_code == 404


def test_the_review_re_evaluates_live(as_leader, coherent, lead):
    import re

    page = as_leader.get(f"/w/{coherent.pk}/s/review/").content.decode()
    token = re.search(r'<div id="live" data-v="([^"]+)"', page).group(1)
    form = agenda.get_step("kpis").form_class(
        {"title": "New KPI", "direction": "up"}, workshop=coherent
    )
    assert form.is_valid()
    items.add_item(coherent, agenda.get_step("kpis"), form, by=lead)
    answer = as_leader.get(f"/w/{coherent.pk}/poll", {"v": token, "step": "review"}).json()
    room = next(m for m in answer["messages"] if m["t"] == "room")
    assert "New KPI" in room["parts"]["review"]
