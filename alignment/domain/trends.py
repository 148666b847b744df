"""A signed quarter's results beside the quarters before it: pure reads.

Each KPI of a quarter is followed back through the quarters it was carried over
from (`Workshop.previous`) by its `lineage`, which a clone keeps, so a KPI
renamed between quarters still reads as one line, and one added later starts
later. Only a signed quarter has actuals (its latest reading); every quarter
has the baseline and target it committed to.

The chart leaves as plain geometry the template draws, every coordinate as a
string: Django would localise a float, and an Italian decimal comma inside an
SVG attribute breaks the drawing. Text (titles, labels) stays out of the
geometry so the template escapes it like any other.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from alignment.domain.results import Progress, Standing, progress
from alignment.models import BetOutcome, Direction, Kpi, KpiReading, StrategicBet, Workshop

# The chain of quarters is short (one a quarter); the bound keeps a page
# cheap for an organisation with years of history, and ends a loop in bad data.
MAX_QUARTERS = 12

CENTS = Decimal("0.01")  # KpiReading.value's decimal places

# The chart's own units; the SVG scales to the width of its box.
WIDTH, HEIGHT = 480.0, 176.0
LEFT, RIGHT, TOP, BOTTOM = 46.0, 10.0, 12.0, 40.0


@dataclass(frozen=True)
class QuarterPoint:
    """One KPI in one quarter: what was committed, and (once signed) what happened."""

    quarter: str
    signed: bool
    title: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    target_quarter: str
    actual: Decimal | None
    taken_on: date | None
    progress: Progress

    @property
    def standing(self) -> Standing:
        return self.progress.standing


@dataclass
class KpiTrend:
    kpi: Kpi  # as in the quarter whose results these are
    point: QuarterPoint  # that quarter's point
    points: list[QuarterPoint]  # oldest first, only the quarters the KPI was in
    chart: dict | None = None

    @property
    def lower_is_better(self) -> bool:
        return self.kpi.direction == Direction.DOWN


@dataclass(frozen=True)
class BetResult:
    bet: StrategicBet
    outcome: BetOutcome | None


@dataclass
class LastResults:
    quarter: Workshop
    kpis: list[KpiTrend] = field(default_factory=list)
    bets: list[BetResult] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.kpis or self.bets)


def chain(workshop: Workshop, workshops: Iterable[Workshop] | None = None) -> list[Workshop]:
    """The workshop and the quarters it was started from, newest first.

    `workshops`: the organisation's workshops when the caller has them already
    (the compare page lists them); else they are read in one query.
    """
    if workshops is None:
        workshops = Workshop.objects.filter(organization_id=workshop.organization_id).only(
            "id", "quarter", "status", "previous_id", "organization_id"
        )
    by_id = {w.pk: w for w in workshops}
    by_id[workshop.pk] = workshop
    found = [workshop]
    while len(found) < MAX_QUARTERS:
        earlier = by_id.get(found[-1].previous_id)
        if earlier is None or earlier in found:
            break
        found.append(earlier)
    return found


def last_results(
    quarter: Workshop,
    *,
    later: Workshop | None = None,
    workshops: Iterable[Workshop] | None = None,
) -> LastResults:
    """A signed quarter's KPIs with their trends, and its bets with their outcomes.

    `later`: a quarter started (directly or not) from this one, shown at the end
    of each trend with the target it now aims at. Three queries whatever the
    number of quarters, KPIs and readings (none for the workshops when given).
    """
    workshops = list(workshops) if workshops is not None else None
    quarters = chain(quarter, workshops)
    if later is not None and later.pk != quarter.pk:
        onwards = chain(later, workshops)
        if any(w.pk == quarter.pk for w in onwards):
            quarters = onwards[: [w.pk for w in onwards].index(quarter.pk)] + quarters
    quarters.reverse()  # oldest first, as the chart reads
    trends = _kpi_trends(quarter, quarters)
    bets = (
        StrategicBet.objects.filter(workshop=quarter)
        .revealed()
        .select_related("outcome")
        .order_by("order", "created")
    )
    return LastResults(
        quarter=quarter,
        kpis=trends,
        # A bet without an outcome raises on `.outcome`.
        bets=[BetResult(bet, getattr(bet, "outcome", None)) for bet in bets],
    )


def _kpi_trends(quarter: Workshop, quarters: list[Workshop]) -> list[KpiTrend]:
    latest = KpiReading.objects.filter(kpi=OuterRef("pk")).order_by("-taken_on", "-id")
    kpis = (
        Kpi.objects.filter(
            workshop_id__in=[w.pk for w in quarters],
            lineage__in=Kpi.objects.filter(workshop=quarter).revealed().values("lineage"),
        )
        .revealed()
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_taken_on=Subquery(latest.values("taken_on")[:1]),
        )
        .order_by("order", "created")
    )
    by_quarter: dict = {w.pk: {} for w in quarters}
    for kpi in kpis:
        by_quarter[kpi.workshop_id][kpi.lineage] = kpi
    position = {w.pk: i for i, w in enumerate(quarters)}
    trends = []
    for kpi in by_quarter[quarter.pk].values():
        points = [
            _point(w, by_quarter[w.pk][kpi.lineage])
            for w in quarters
            if kpi.lineage in by_quarter[w.pk]
        ]
        columns = [position[w.pk] for w in quarters if kpi.lineage in by_quarter[w.pk]]
        trend = KpiTrend(
            kpi=kpi,
            point=next(p for p in points if p.quarter == quarter.quarter),
            points=points,
        )
        trend.chart = chart(
            points, columns, [w.quarter for w in quarters], lower_is_better=trend.lower_is_better
        )
        trends.append(trend)
    return trends


def _point(workshop: Workshop, kpi: Kpi) -> QuarterPoint:
    signed = workshop.is_frozen
    actual = kpi.latest_value if signed and kpi.latest_value is not None else None
    if actual is not None:
        # As stored: a subquery's decimal comes back unrounded on SQLite.
        actual = Decimal(actual).quantize(CENTS)
    taken_on = kpi.latest_taken_on if signed else None
    return QuarterPoint(
        quarter=workshop.quarter,
        signed=signed,
        title=kpi.title,
        unit=kpi.unit,
        baseline=kpi.baseline,
        target=kpi.target,
        target_quarter=kpi.target_quarter,
        actual=actual,
        taken_on=taken_on,
        progress=progress(
            direction=kpi.direction,
            baseline=kpi.baseline,
            target=kpi.target,
            actual=actual,
            taken_on=taken_on,
            quarter=workshop.quarter,
            target_quarter=kpi.target_quarter,
        ),
    )


# The chart ----------------------------------------------------------------------


def _fmt(number: float) -> str:
    return f"{number:.1f}"


def _ticks(low: float, high: float, wanted: int = 4) -> list[Decimal]:
    """Round values from at most `low` to at least `high`, about `wanted` steps apart."""
    if high == low:
        pad = max(abs(low) * 0.1, 1.0)
        low, high = low - pad, high + pad
    raw = (high - low) / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if raw <= m * magnitude)
    places = max(0, -math.floor(math.log10(step)) + (1 if step / magnitude == 2.5 else 0))
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [Decimal(f"{n * step:.{places}f}") for n in range(first, last + 1)]


def chart(
    points: list[QuarterPoint], columns: list[int], axis: list[str], *, lower_is_better: bool
) -> dict | None:
    """Where the template draws baseline, target and actual of one KPI.

    `axis`: the quarters on the x axis, oldest first; `columns`: each point's
    place on it (a KPI added later starts later). None when there is not a
    single number to draw.
    """
    values = [float(v) for p in points for v in (p.baseline, p.target, p.actual) if v is not None]
    if not values:
        return None
    # A little room above and below, so no mark sits on the frame and the
    # reached side of a target at either end still shows.
    pad = (max(values) - min(values)) * 0.1
    ticks = _ticks(min(values) - pad, max(values) + pad)
    low, high = float(ticks[0]), float(ticks[-1])
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / len(axis)
    bottom = TOP + plot_height

    def x(column: int) -> float:
        return LEFT + step * (column + 0.5)

    def y(value: Decimal) -> float:
        return TOP + (high - float(value)) / (high - low) * plot_height

    def series(name: str) -> dict:
        marks, lines, run = [], [], []
        for point, column in zip(points, columns, strict=True):
            value = getattr(point, name)
            if value is None:
                lines.append(run)
                run = []
                continue
            at_x, at_y = x(column), y(value)
            mark = {
                "x": _fmt(at_x),
                "y": _fmt(at_y),
                # The corner of a square marker centred on the point.
                "corner_x": _fmt(at_x - 3.5),
                "corner_y": _fmt(at_y - 3.5),
                "quarter": point.quarter,
                "standing": point.standing,
            }
            marks.append(mark)
            # A quarter skipped on the axis breaks the line, as a missing value does.
            if run and run[-1][0] != column - 1:
                lines.append(run)
                run = []
            run.append((column, mark))
        lines.append(run)
        return {
            "marks": marks,
            "lines": [" ".join(f"{m['x']},{m['y']}" for _c, m in r) for r in lines if len(r) > 1],
        }

    # The side of the target that counts as reached, quarter by quarter: above
    # it when higher is better, below it when lower is.
    zones = []
    for point, column in zip(points, columns, strict=True):
        if point.target is None:
            continue
        level = y(point.target)
        top, height = (level, bottom - level) if lower_is_better else (TOP, level - TOP)
        zones.append(
            {
                "x": _fmt(x(column) - step / 2),
                "y": _fmt(top),
                "width": _fmt(step),
                "height": _fmt(max(height, 0.0)),
            }
        )
    labels = []
    year = None
    for column, quarter in enumerate(axis):
        this_year, number = quarter.split("-")
        labels.append(
            {
                "x": _fmt(x(column)),
                "quarter": number,
                # The year under its first quarter and wherever it changes.
                "year": this_year if this_year != year else "",
            }
        )
        year = this_year
    return {
        "width": _fmt(WIDTH),
        "height": _fmt(HEIGHT),
        "left": _fmt(LEFT),
        "right": _fmt(WIDTH - RIGHT),
        "top": _fmt(TOP),
        "bottom": _fmt(bottom),
        "label_x": _fmt(LEFT - 6),
        "quarter_y": _fmt(bottom + 16),
        "year_y": _fmt(bottom + 32),
        "ticks": [{"value": t, "y": _fmt(y(t)), "text_y": _fmt(y(t) + 3.5)} for t in ticks],
        "zones": zones,
        "baseline": series("baseline"),
        "target": series("target"),
        "actual": series("actual"),
        "labels": labels,
    }
