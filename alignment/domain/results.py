"""How a signed quarter's KPIs are doing against their targets: pure reads.

A KPI's standing compares its latest actual reading with its target, in the
KPI's direction (higher or lower is better), and with how far the time to the
target has run: the team committed at the start of the workshop's quarter and
aimed at the end of the KPI's target quarter (that quarter itself, when no
target quarter is set).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from alignment import agenda
from alignment.models import Direction, KpiReading
from alignment.models.workshop import QUARTER_RE


class Standing(enum.StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return str(STANDING_LABELS[self])


STANDING_LABELS = {
    Standing.MET: _("Met"),
    Standing.ON_TRACK: _("On track"),
    Standing.OFF_TRACK: _("Off track"),
    Standing.NO_DATA: _("No data"),
}


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """The first and the last day of a quarter such as 2026-Q3."""
    year, number = (int(part) for part in QUARTER_RE.match(quarter).groups())
    first = date(year, 3 * number - 2, 1)
    last = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


@dataclass(frozen=True)
class Progress:
    standing: Standing
    # How far from the baseline to the target the latest actual has come (1 = there),
    # and how much of the time to the target had run when it was read.
    done: Decimal | None = None
    expected: Decimal | None = None


def progress(
    *,
    direction: str,
    baseline: Decimal | None,
    target: Decimal | None,
    actual: Decimal | None,
    taken_on: date | None,
    quarter: str,
    target_quarter: str = "",
) -> Progress:
    """The standing of one KPI from its latest actual reading."""
    if actual is None or taken_on is None or target is None:
        return Progress(Standing.NO_DATA)
    lower_is_better = direction == Direction.DOWN
    reached = actual <= target if lower_is_better else actual >= target
    if reached:
        return Progress(Standing.MET, done=Decimal(1))
    start, _end = quarter_bounds(quarter)
    _start, end = quarter_bounds(target_quarter or quarter)
    span = max((end - start).days, 1)
    expected = Decimal(min(max((taken_on - start).days, 0), span)) / Decimal(span)
    if taken_on > end:
        return Progress(Standing.OFF_TRACK, expected=Decimal(1))
    if baseline is None or baseline == target:
        # Nothing to measure the way by: not there yet, and still time.
        return Progress(Standing.ON_TRACK, expected=expected)
    done = (actual - baseline) / (target - baseline)
    standing = Standing.ON_TRACK if done >= expected else Standing.OFF_TRACK
    return Progress(standing, done=done, expected=expected)


def recorded(workshop) -> dict:
    """What a signed quarter led to, for its JSON export: every KPI's readings and
    every bet's outcome, named by their keys in the snapshot (K1, B1...). Beside
    the signed content, never in it; two queries whatever their number."""
    from_kinds = {kind.name: kind.prefix for kind in agenda.item_kinds()}
    kpis = workshop.kpis.order_by("order", "created").prefetch_related(
        Prefetch("readings", queryset=KpiReading.objects.order_by("taken_on", "id"))
    )
    bets = workshop.bets.order_by("order", "created").select_related("outcome")
    return {
        "kpis": [
            {
                "key": f"{from_kinds['kpis']}{number}",
                "readings": [
                    {
                        "taken_on": reading.taken_on.isoformat(),
                        "value": f"{reading.value:f}",
                        "source": reading.source,
                        "comment": reading.comment,
                    }
                    for reading in kpi.readings.all()
                ],
            }
            for number, kpi in enumerate(kpis, start=1)
        ],
        "bets": [
            {
                "key": f"{from_kinds['bets']}{number}",
                "outcome": outcome.outcome,
                "note": outcome.note,
            }
            for number, bet in enumerate(bets, start=1)
            if (outcome := getattr(bet, "outcome", None)) is not None
        ],
    }
