"""Small hand-built workshops shared by several test files."""

from __future__ import annotations

from decimal import Decimal

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
    StrategyStatement,
)
from handshakes.models import HandshakeTemplate, Impact


def build_coherent(workshop, lead):
    """The smallest workshop that meets every rule."""
    w, a = workshop, lead
    persona = Persona.objects.create(workshop=w, title="Family", author=a)
    need = Need.objects.create(workshop=w, title="One bill", persona=persona, author=a)
    Alternative.objects.create(workshop=w, title="Cable bundle", need=need, author=a)
    strategy = StrategyStatement.objects.create(workshop=w, title="Win the household", author=a)
    objective = BusinessObjective.objects.create(
        workshop=w, title="More converged homes", strategy=strategy, author=a
    )
    initiative = MajorInitiative.objects.create(
        workshop=w, title="Bundle relaunch", objective=objective, author=a
    )
    bet = StrategicBet.objects.create(workshop=w, title="Make the bundle the default", author=a)
    bet.personas.add(persona)
    bet.needs.add(need)
    bet.objectives.add(objective)
    bet.initiatives.add(initiative)
    kpi = Kpi.objects.create(
        workshop=w,
        title="Churn",
        direction="down",
        baseline=Decimal("1.2"),
        target=Decimal("0.8"),
        author=a,
    )
    kpi.bets.add(bet)
    moment = MomentOfTruth.objects.create(
        workshop=w,
        title="Contract ends",
        journey_stage="customers_for_life",
        lifecycle_stage="renewal",
        channel="outbound_assisted",
        impact=5,
        performance=2,
        author=a,
    )
    moment.bets.add(bet)
    for template in HandshakeTemplate.objects.published().filter(impact=Impact.HIGH):
        agreement = HandshakeAgreement.objects.create(
            workshop=w, template=template, title=template.area.name, status="agreed", author=a
        )
        agreement.bets.add(bet)
    return w
