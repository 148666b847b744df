"""A KPI followed across quarters, and the last quarter's results on the compare page."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from alignment.domain import trends
from alignment.domain.results import Standing
from alignment.models import Kpi, Outcome, Status, Workshop
from alignment.services import quarters, results

pytestmark = pytest.mark.django_db

HOSTILE = "NPS <script>alert(1)</script>"


def mark_signed(workshop) -> Workshop:
    # The trend reads only a quarter's status; how a quarter gets signed is
    # tested with the sign-off, and a second real sign-off here adds nothing.
    Workshop.objects.filter(pk=workshop.pk).update(status=Status.SIGNED)
    workshop.refresh_from_db()
    return workshop


def kpi(workshop, title) -> Kpi:
    return Kpi.objects.get(workshop=workshop, title=title)


@pytest.fixture
def history(signing, lead, leader, second_leader, sign):
    """Three quarters: 2026-Q4 signed, 2027-Q1 signed, 2027-Q2 a draft.

    Churn is renamed in 2027-Q1 and aims lower; Time to fix joins in 2027-Q1.
    """
    nps = Kpi.objects.create(
        workshop=signing,
        title=HOSTILE,
        unit="points",
        direction="up",
        baseline=Decimal("18"),
        target=Decimal("30"),
        author=lead,
    )
    nps.bets.add(signing.bets.get())  # coherent: every KPI traces to a bet
    sign(signing, leader)
    sign(signing, second_leader)
    q4 = Workshop.objects.get(pk=signing.pk)
    assert q4.status == Status.SIGNED
    churn = kpi(q4, "Churn")
    results.add_reading(churn, value=Decimal("0.95"), taken_on=date(2026, 10, 20), by=lead)
    results.add_reading(churn, value=Decimal("0.8"), taken_on=date(2026, 12, 20), by=lead)
    results.add_reading(kpi(q4, HOSTILE), value=Decimal("31"), taken_on=date(2026, 12, 31), by=lead)
    results.set_outcome(q4.bets.get(), outcome=Outcome.PARTLY, note="Half the shops", by=lead)

    q1 = quarters.start_next_quarter(q4, by=lead, quarter="2027-Q1")
    Kpi.objects.filter(workshop=q1, title="Churn").update(
        title="Monthly churn", target=Decimal("0.7")
    )
    Kpi.objects.create(
        workshop=q1,
        title="Time to fix",
        unit="hours",
        direction="down",
        baseline=Decimal("9"),
        target=Decimal("4"),
        author=lead,
        order=5,
    )
    q1 = mark_signed(q1)
    results.add_reading(
        kpi(q1, "Monthly churn"), value=Decimal("0.95"), taken_on=date(2027, 2, 1), by=lead
    )
    results.add_reading(
        kpi(q1, "Time to fix"), value=Decimal("6"), taken_on=date(2027, 3, 31), by=lead
    )
    q2 = quarters.start_next_quarter(q1, by=lead, quarter="2027-Q2")
    return q4, q1, q2


def trend_of(last, title) -> trends.KpiTrend:
    return next(t for t in last.kpis if t.kpi.title == title)


def compare_url(workshop, other=None) -> str:
    url = f"/w/{workshop.pk}/compare"
    return f"{url}?with={other.pk}" if other else url


# The series ------------------------------------------------------------------------


def test_a_renamed_kpi_is_followed_by_its_lineage_to_the_later_quarter(history):
    q4, q1, q2 = history
    last = trends.last_results(q1, later=q2)
    churn = trend_of(last, "Monthly churn")
    assert [p.quarter for p in churn.points] == ["2026-Q4", "2027-Q1", "2027-Q2"]
    assert [p.title for p in churn.points] == ["Churn", "Monthly churn", "Monthly churn"]
    assert [p.baseline for p in churn.points] == [Decimal("1.20")] * 3
    assert [p.target for p in churn.points] == [Decimal("0.80"), Decimal("0.70"), Decimal("0.70")]
    # The latest reading of each signed quarter; a draft has no actual.
    assert [p.actual for p in churn.points] == [Decimal("0.80"), Decimal("0.95"), None]
    assert [p.taken_on for p in churn.points] == [date(2026, 12, 20), date(2027, 2, 1), None]
    assert churn.point.quarter == "2027-Q1"


def test_a_kpi_added_later_starts_later(history):
    q4, q1, q2 = history
    last = trends.last_results(q1, later=q2)
    fix = trend_of(last, "Time to fix")
    assert [p.quarter for p in fix.points] == ["2027-Q1", "2027-Q2"]
    # On the same three-quarter axis as the others, from its second quarter.
    assert [label["quarter"] for label in fix.chart["labels"]] == ["Q4", "Q1", "Q2"]
    churn = trend_of(last, "Monthly churn")
    assert fix.chart["labels"][1]["x"] == churn.chart["actual"]["marks"][1]["x"]
    assert fix.chart["actual"]["marks"][0]["x"] == fix.chart["labels"][1]["x"]


def test_each_quarter_has_its_standing(history):
    q4, q1, q2 = history
    last = trends.last_results(q1, later=q2)
    churn, nps, fix = (trend_of(last, t) for t in ("Monthly churn", HOSTILE, "Time to fix"))
    # 0.8 reached 0.8 in 2026-Q4; in 2027-Q1 halfway to 0.7 a third of the way in.
    assert [p.standing for p in churn.points] == [
        Standing.MET,
        Standing.ON_TRACK,
        Standing.NO_DATA,
    ]
    # Nobody read the NPS in 2027-Q1.
    assert [p.standing for p in nps.points] == [Standing.MET, Standing.NO_DATA, Standing.NO_DATA]
    # 9 -> 4 hours, lower is better: 6 at the end of the quarter is off track.
    assert fix.point.standing == Standing.OFF_TRACK and fix.lower_is_better
    assert [p.signed for p in churn.points] == [True, True, False]


def test_without_a_later_quarter_the_trend_ends_at_the_results(history):
    q4, q1, q2 = history
    last = trends.last_results(q4)
    assert [t.kpi.title for t in last.kpis] == ["Churn", HOSTILE]
    assert [p.quarter for p in trend_of(last, "Churn").points] == ["2026-Q4"]
    [bet] = last.bets
    assert (bet.outcome.outcome, bet.outcome.note) == (Outcome.PARTLY, "Half the shops")
    # A quarter's bets without an outcome yet are listed without one.
    assert [b.outcome for b in trends.last_results(q1).bets] == [None]


def test_the_chain_is_bounded_and_ends_a_loop():
    workshops = [Workshop(id=uuid.uuid4(), quarter=f"20{10 + n}-Q1") for n in range(20)]
    for earlier, later in zip(workshops, workshops[1:], strict=False):
        later.previous_id = earlier.pk
    assert len(trends.chain(workshops[-1], workshops)) == trends.MAX_QUARTERS
    workshops[0].previous_id = workshops[2].pk  # bad data: a loop
    assert [w.quarter for w in trends.chain(workshops[2], workshops)] == [
        "2012-Q1",
        "2011-Q1",
        "2010-Q1",
    ]


def test_the_chart_draws_the_target_zone_on_the_better_side(history):
    q4, q1, q2 = history
    last = trends.last_results(q1, later=q2)
    up, down = trend_of(last, HOSTILE).chart, trend_of(last, "Time to fix").chart
    # Higher is better: from the frame's top down to the target; lower: target to bottom.
    assert {zone["y"] for zone in up["zones"]} == {up["top"]}
    assert all(
        float(z["y"]) + float(z["height"]) == pytest.approx(float(down["bottom"]), abs=0.11)
        for z in down["zones"]
    )
    # Every number the template writes into an attribute is a plain dot-decimal
    # string: Django would localise a float.
    assert re.fullmatch(r"-?\d+\.\d", up["zones"][0]["x"])
    assert re.fullmatch(r"(-?\d+\.\d,-?\d+\.\d ?)+", up["target"]["lines"][0])


# The page --------------------------------------------------------------------------


class Tables(HTMLParser):
    """The text of every cell of the trend tables, row by row."""

    def __init__(self):
        super().__init__()
        self.tables, self.depth, self.cell = [], 0, None

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "table" and "trend__table" in classes:
            self.tables.append([])
            self.depth = 1
        elif self.depth and tag == "tr":
            self.tables[-1].append([])
        elif self.depth and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth = 0
        elif self.depth and tag in ("th", "td") and self.cell is not None:
            self.tables[-1][-1].append(" ".join(" ".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables_of(html: str) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


@pytest.mark.parametrize("who", ["as_lead", "as_leader", "as_observer"])
def test_members_read_the_last_quarters_results(history, who, request):
    q4, q1, q2 = history
    response = request.getfixturevalue(who).get(compare_url(q2))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Results of the last quarter: 2027-Q1" in html
    assert f'href="/w/{q1.pk}/results/"' in html
    assert html.count('role="img"') == 3  # one chart per KPI of 2027-Q1


def test_outsiders_get_a_404(history, as_outsider):
    q4, q1, q2 = history
    assert as_outsider.get(compare_url(q2)).status_code == 404


def test_the_chart_is_an_image_with_a_title_and_its_numbers_as_a_table(history, as_lead):
    q4, q1, q2 = history
    html = as_lead.get(compare_url(q2)).content.decode()
    svgs = re.findall(r"<svg [^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 3
    churn_svg = next(s for s in svgs if "Monthly churn: baseline, target and actual" in s)
    title_id, desc_id = re.search(r'aria-labelledby="([^"]+)"', churn_svg).group(1).split()
    assert f'<title id="{title_id}">' in churn_svg and f'<desc id="{desc_id}">' in churn_svg
    assert "Lower is better." in churn_svg
    churn_table = next(t for t in tables_of(html) if "Churn" in " ".join(t[1]))
    assert churn_table[0] == ["Quarter", "Baseline", "Target", "Latest actual", "Status"]
    assert churn_table[1] == ["2026-Q4 Churn", "1.20", "0.80", "0.80 12/20/2026", "Met"]
    assert churn_table[2] == ["2027-Q1", "1.20", "0.70", "0.95 02/01/2027", "On track"]
    assert churn_table[3] == ["2027-Q2", "1.20", "0.70", "—", "not signed yet"]
    # The chart's description reads the same numbers.
    assert "2027-Q1: baseline 1.20, target 0.70, actual 0.95 (On track)." in churn_svg
    # And the chart draws them: three baselines and targets, two actuals, one line each.
    assert churn_svg.count("trend-chart__mark--baseline") == 3
    assert churn_svg.count("trend-chart__mark--target") == 3
    assert churn_svg.count("trend-chart__mark--actual") == 2
    assert "trend-chart__mark--met" in churn_svg and "trend-chart__mark--on_track" in churn_svg


def test_the_bets_outcomes_of_the_last_quarter(history, as_lead):
    q4, q1, q2 = history
    html = as_lead.get(compare_url(q1, q4)).content.decode()
    assert "Results of the last quarter: 2026-Q4" in html
    assert "Partly achieved" in html and "Half the shops" in html


def test_user_text_is_escaped_in_the_chart_and_the_table(history, as_lead):
    q4, q1, q2 = history
    html = as_lead.get(compare_url(q2)).content.decode()
    assert "<script>alert(1)</script>" not in html
    escaped = "NPS &lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'<title id="trend-title-2">{escaped}: baseline' in html
    assert f'<caption class="visually-hidden">{escaped} by quarter</caption>' in html
    assert f'<h4 id="trend-2">{escaped}' in html


def test_in_italian_the_numbers_read_with_a_comma_but_the_drawing_keeps_dots(history, as_lead):
    q4, q1, q2 = history
    as_lead.post("/i18n/setlang/", {"language": "it"})
    with translation.override("it"):
        html = as_lead.get(compare_url(q2)).content.decode()
    svg = re.search(r"<svg [^>]*>.*?</svg>", html, re.S).group(0)
    assert not re.search(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="[^"]*,', svg)
    assert "0,70" in html


def test_no_results_when_the_earlier_quarter_is_not_signed(workshop, lead, as_lead):
    clone = quarters.start_next_quarter(workshop, by=lead)
    html = as_lead.get(compare_url(clone)).content.decode()
    assert "Quarter over quarter" in html
    assert "Results of the last quarter" not in html


def test_the_page_costs_the_same_queries_with_more_quarters_kpis_and_readings(
    history, as_lead, lead, django_assert_max_num_queries
):
    q4, q1, q2 = history
    as_lead.get(compare_url(q2))
    with CaptureQueriesContext(connection) as first:
        assert as_lead.get(compare_url(q2)).status_code == 200
    at_first = len(first)  # now: the next request clears the connection's query log
    # Five more KPIs with readings, a fourth quarter, and the results of the third.
    for n in range(5):
        Kpi.objects.create(
            workshop=q2,
            title=f"KPI {n}",
            baseline=Decimal(n),
            target=Decimal(n + 10),
            author=lead,
            order=10 + n,
        )
    q2 = mark_signed(q2)
    for item in q2.kpis.all():
        for day in (1, 15, 28):
            results.add_reading(item, value=Decimal(day), taken_on=date(2027, 5, day), by=lead)
    q3 = quarters.start_next_quarter(q2, by=lead, quarter="2027-Q3")
    as_lead.get(compare_url(q3))
    with django_assert_max_num_queries(at_first):
        response = as_lead.get(compare_url(q3))
    assert response.content.decode().count('role="img"') == 8
