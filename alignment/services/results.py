"""Recording what a signed quarter led to: KPI readings and bet outcomes.

Only a signed quarter has results, and they never touch what was signed: the
frozen snapshot, its hash and the report's PDF stay as they are. Every change
is in the audit log.
"""

from __future__ import annotations

from django.db import transaction

from alignment.models import BetOutcome, Kpi, KpiReading, Status, StrategicBet
from alignment.services.audit import record
from alignment.services.errors import Refused


def _ensure_signed(workshop) -> None:
    if workshop.status != Status.SIGNED:
        raise Refused("results_before_signing")


@transaction.atomic
def add_reading(kpi: Kpi, *, value, taken_on, source: str = "", comment: str = "", by):
    _ensure_signed(kpi.workshop)
    reading = KpiReading.objects.create(
        kpi=kpi,
        value=value,
        taken_on=taken_on,
        source=source.strip(),
        comment=comment.strip(),
        recorded_by=by,
    )
    record(
        kpi.workshop.organization,
        by,
        "kpi.reading_added",
        kpi,
        workshop=kpi.workshop,
        value=str(value),
        taken_on=taken_on.isoformat(),
        source=reading.source,
    )
    return reading


@transaction.atomic
def delete_reading(reading: KpiReading, *, by) -> None:
    kpi = reading.kpi
    _ensure_signed(kpi.workshop)
    record(
        kpi.workshop.organization,
        by,
        "kpi.reading_deleted",
        kpi,
        workshop=kpi.workshop,
        value=str(reading.value),
        taken_on=reading.taken_on.isoformat(),
    )
    reading.delete()


@transaction.atomic
def set_outcome(bet: StrategicBet, *, outcome: str, note: str = "", by) -> BetOutcome:
    _ensure_signed(bet.workshop)
    result, _created = BetOutcome.objects.update_or_create(
        bet=bet, defaults={"outcome": outcome, "note": note.strip(), "recorded_by": by}
    )
    record(
        bet.workshop.organization,
        by,
        "bet.outcome_set",
        bet,
        workshop=bet.workshop,
        outcome=outcome,
        note=result.note,
    )
    return result
