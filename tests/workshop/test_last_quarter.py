"""The next quarter starts from the last one's results: they are in its signed
content and its report, and a missed bet carried on must say what changes."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from alignment import agenda
from alignment.access import Rights, RoomAccess
from alignment.agenda.kinds import decimal_text
from alignment.domain import coherence, snapshot
from alignment.models import Outcome, Report, Status
from alignment.services import quarters, results, signoff, workshops
from alignment.views.live import room_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(second_leader, signing, leader, sign):
    sign(signing, leader)
    sign(signing, second_leader)
    signing.refresh_from_db()
    return signing


@pytest.fixture
def with_results(signed, lead):
    kpi = signed.kpis.exclude(target=None).order_by("order", "created").first()
    results.add_reading(kpi, value=kpi.target, taken_on=date(2026, 9, 30), by=lead)
    return signed


@pytest.fixture
def following(with_results, lead):
    return quarters.start_next_quarter(with_results, by=lead, quarter="2027-Q1")


def missed(bet, lead, note=""):
    results.set_outcome(bet, outcome=Outcome.MISSED, note=note, by=lead)


def test_a_first_quarter_has_no_results_in_its_content(signing):
    data, _hash = signoff.current_content(signing)
    assert "results" not in data
    # Nor is the rule about them asked.
    assert "missed_bets_rethought" not in {r.code for r in coherence.review(signing).rules}


def test_the_next_quarter_carries_the_last_ones_results(following, with_results, lead):
    bet = with_results.bets.order_by("order", "created").first()
    results.set_outcome(bet, outcome=Outcome.ACHIEVED, note="Shipped in August.", by=lead)
    data, _hash = signoff.current_content(following)
    last = data["results"]
    assert last["quarter"] == with_results.quarter
    kpi = with_results.kpis.exclude(target=None).order_by("order", "created").first()
    row = next(r for r in last["kpis"] if r["title"] == kpi.title)
    assert row["standing"] == "met"
    assert row["actual"] == decimal_text(kpi.target)
    assert row["taken_on"] == "2026-09-30"
    assert last["bets"][0] == {
        "key": "B1",
        "title": bet.title,
        "outcome": "achieved",
        "note": "Shipped in August.",
    }
    # Followed by its lineage into this quarter, where it aims at its new target:
    # the report's chart reads the signed content, never the database.
    assert last["quarters"] == [with_results.quarter, following.quarter]
    assert [(p["quarter"], p["signed"], p["actual"], p["standing"]) for p in row["trend"]] == [
        (with_results.quarter, True, decimal_text(kpi.target), "met"),
        (following.quarter, False, None, "no_data"),
    ]
    assert row["trend"][1]["target"] == decimal_text(following.kpis.get(lineage=kpi.lineage).target)
    # The others have no reading yet.
    assert {r["standing"] for r in last["kpis"] if r is not row} <= {"no_data"}


def test_a_missed_bet_carried_on_must_say_what_changes(following, with_results, lead):
    bet = with_results.bets.order_by("order", "created").first()
    missed(bet, lead)
    review = coherence.review(following)
    assert "missed_bets_rethought" in review.broken
    finding = next(f for f in review.warnings if f.rule == "missed_bets_rethought")
    assert bet.title in finding.message and finding.step == "bets"
    assert finding.severity == coherence.WARNING
    missed(bet, lead, note="Smaller scope: one segment first.")
    assert "missed_bets_rethought" not in coherence.review(following).broken


def test_a_missed_bet_not_carried_on_needs_no_note(following, with_results, lead):
    bet = with_results.bets.order_by("order", "created").first()
    missed(bet, lead)
    following.bets.filter(lineage=bet.lineage).delete()
    assert "missed_bets_rethought" not in coherence.review(following).broken


def test_the_results_are_frozen_with_the_next_quarters_sign_off(
    following, with_results, lead, leader, second_leader, sign
):
    for status in (Status.LIVE, Status.REVIEW, Status.SIGNING):
        workshops.transition(following, status, by=lead)
    following.refresh_from_db()
    sign(following, leader)
    report = sign(following, second_leader)
    frozen = report.snapshot["results"]
    # A reading recorded after the freeze changes nothing that was signed.
    kpi = with_results.kpis.order_by("order", "created").last()
    results.add_reading(kpi, value=Decimal("1"), taken_on=date(2026, 12, 1), by=lead)
    report.refresh_from_db()
    assert report.snapshot["results"] == frozen
    assert snapshot.content_hash(report.snapshot) == report.content_hash
    # The report shows them, in their own chapter.
    text = re.sub(
        r"\s+",
        " ",
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(report.pdf.open("rb").read())).pages
        ),
    )
    assert "Results of the last quarter" in text
    assert f"What the CVM KPIs of {with_results.quarter} actually did" in text
    assert "Met" in text or "MET" in text
    # With each KPI's trend drawn as a chart, its quarters on the axis.
    assert "Baseline, target and actual by quarter" in text
    chapter = text[text.index("Baseline, target and actual by quarter") :]
    assert "Target reached" in chapter
    assert (
        with_results.quarter.split("-")[1] in chapter and following.quarter.split("-")[1] in chapter
    )
    # And the last quarter's own signed content is what it was.
    signed_before = Report.objects.get(workshop=with_results)
    assert snapshot.content_hash(signed_before.snapshot) == signed_before.content_hash


# The step that opens the next quarter -----------------------------------------------


def test_a_following_quarter_opens_on_the_last_ones_results(following, signing):
    assert following.current_step == "results"
    assert [s.slug for s in agenda.steps_of(following)][:2] == ["results", "flavor"]
    # A first quarter's agenda has no such step, and keeps its numbers.
    assert "results" not in [s.slug for s in agenda.steps_of(signing)]
    assert agenda.get_step("flavor").number == 1
    assert agenda.get_step("results").number == 0


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_the_results_step_shows_the_last_quarter(following, with_results, lead, who, request):
    bet = with_results.bets.order_by("order", "created").first()
    results.set_outcome(bet, outcome=Outcome.PARTLY, note="Stores only.", by=lead)
    page = request.getfixturevalue(who).get(f"/w/{following.pk}/s/results/").content.decode()
    assert f"The CVM KPIs of {with_results.quarter}" in page
    assert "standing--met" in page and "Partly achieved" in page and "Stores only." in page
    # Only the lead records outcomes here.
    assert ("Change the outcome" in page) == (who == "as_lead")


def test_the_results_step_is_a_404_for_an_outsider(following, as_outsider):
    assert as_outsider.get(f"/w/{following.pk}/s/results/").status_code == 404


def test_the_lead_records_an_outcome_from_the_step(following, with_results, as_lead):
    bet = with_results.bets.order_by("order", "created").first()
    step = f"/w/{following.pk}/s/results/"
    response = as_lead.post(
        f"/w/{with_results.pk}/results/bet/{bet.pk}/outcome",
        {f"bet-{bet.pk}-outcome": Outcome.ACHIEVED, "back": step},
    )
    assert response.status_code == 302 and response["Location"].startswith(step)
    assert bet.outcome.outcome == Outcome.ACHIEVED
    # Somewhere else than this site is not a way back.
    response = as_lead.post(
        f"/w/{with_results.pk}/results/bet/{bet.pk}/outcome",
        {f"bet-{bet.pk}-outcome": Outcome.MISSED, "back": "https://elsewhere.example/"},
    )
    assert response["Location"].startswith(f"/w/{with_results.pk}/results/")


def test_a_reading_renews_the_following_quarters_step(following, with_results, lead, as_leader):
    step = f"/w/{following.pk}/s/results/"
    kpi = with_results.kpis.order_by("order", "created").last()
    assert f'id="last-kpi-{kpi.pk}"' in (page := as_leader.get(step).content.decode())
    results.add_reading(kpi, value=Decimal("123.45"), taken_on=date(2026, 10, 15), by=lead)
    assert "123.45" in as_leader.get(step).content.decode() != page


@pytest.mark.parametrize("role", ["lead", "leader", "observer"])
def test_the_open_step_pages_are_sent_the_new_results(following, with_results, lead, role):
    """What the live connection swaps on the step for each rights class: the
    last quarter's results as they are now, the outcome forms for the lead only."""
    step = agenda.get_step("results")
    kpi = with_results.kpis.order_by("order", "created").last()
    results.add_reading(kpi, value=Decimal("123.45"), taken_on=date(2026, 10, 15), by=lead)
    parts, _personal = room_parts(RoomAccess(following, Rights(role)), step)
    html = parts["last-results"]
    assert 'hx-swap-oob="true"' in html and "123.45" in html
    assert (f"bet-{with_results.bets.first().pk}-outcome" in html) is (role == "lead")
