"""What the demo telco's signed 2026-Q3 led to: monthly KPI readings and bet outcomes.

Written as the team would record them (the results workflow, so audited too):
some KPIs reach their target, some are on their way, some fall behind, and one
KPI has no reading yet.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from alignment.models import Outcome, Workshop
from alignment.services import results

# The last day of each month of 2026-Q3: when the monthly figures come in.
MONTHS = (date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30))
# How far from baseline to target each month's reading is, by KPI, in turn.
PATHS = (
    (Decimal("0.35"), Decimal("0.7"), Decimal("1.05")),  # met
    (Decimal("0.2"), Decimal("0.5"), Decimal("0.8")),  # on track for a later target
    (Decimal("0.1"), Decimal("0.05"), Decimal("0.15")),  # off track
    (Decimal("0.4"), Decimal("0.8"), Decimal("1")),  # met on the last day
)
SOURCES = ("BI dashboard, monthly close", "Finance pack", "CRM export")

OUTCOMES = (
    (Outcome.ACHIEVED, "Bundles are now the default offer in every store and online."),
    (Outcome.PARTLY, "Done for new customers; the contract-end offers reach only half the base."),
    (Outcome.MISSED, "The app release slipped twice; self-service is not live yet."),
    (Outcome.ACHIEVED, ""),
    (Outcome.DROPPED, "Paused: the network team needed the quarter for the migration."),
)


def record_results(workshop: Workshop, *, by) -> None:
    """Readings for every KPI but the last, and an outcome for every bet."""
    kpis = list(workshop.kpis.order_by("order", "created"))
    for number, kpi in enumerate(kpis[:-1]):
        if kpi.baseline is None or kpi.target is None:
            continue
        path = PATHS[number % len(PATHS)]
        for month, share in zip(MONTHS, path, strict=True):
            value = kpi.baseline + (kpi.target - kpi.baseline) * share
            results.add_reading(
                kpi,
                value=value.quantize(Decimal("0.01")),
                taken_on=month,
                source=SOURCES[number % len(SOURCES)],
                by=by,
            )
    for number, bet in enumerate(workshop.bets.order_by("order", "created")):
        outcome, note = OUTCOMES[number % len(OUTCOMES)]
        results.set_outcome(bet, outcome=outcome, note=note, by=by)
