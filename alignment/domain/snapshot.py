"""The canonical snapshot of a workshop: what leaders sign and the report shows.

Stable order, no database ids (items are named P1, N1, B1, ... by their position,
so a clone has the same snapshot as its original), decimals as strings, and one
canonical JSON encoding whose SHA-256 is the content hash.
"""

from __future__ import annotations

import hashlib
import json

from django.db.models import Prefetch
from django.utils import translation

from alignment import agenda
from alignment.agenda.kinds import decimal_text
from alignment.domain import coherence, comparison, results, trends
from alignment.models import AnswerGroup, KpiReading, Status
from flavors.models import Flavor

FORMAT = "cvm-align/1"


def item_keys(data: coherence.WorkshopData) -> dict:
    """Item id -> its key in the snapshot (P1, N1, ...): its kind's letter and its
    position, so a clone has the keys of its original."""
    return {
        item.pk: f"{kind.prefix}{n}"
        for kind in agenda.item_kinds()
        for n, item in enumerate(getattr(data, kind.name), start=1)
    }


def lineages(workshop) -> dict[str, str]:
    """Snapshot key -> the item's lineage. Not part of the signed content: it travels
    beside the snapshot in an export, so a restored quarter still compares with the
    one before it."""
    data = coherence.load(workshop)
    keys = item_keys(data)
    return {
        keys[item.pk]: str(item.lineage)
        for kind in agenda.item_kinds()
        for item in getattr(data, kind.name)
    }


def build_snapshot(workshop, *, data: coherence.WorkshopData | None = None) -> dict:
    """Everything the team agreed, in canonical form, in the workshop's language
    (labels are part of the signed content, so they must not depend on the reader)."""
    with translation.override(workshop.language):
        return _build(workshop, data)


def _build(workshop, data) -> dict:
    data = data or coherence.load(workshop)
    review = coherence.evaluate(data)
    keys = item_keys(data)

    def rows(kind) -> list[dict]:
        return [kind.dump(item, keys) for item in getattr(data, kind.name)]

    result = workshop.flavor_result
    flavor = None
    if result is not None:
        leading = Flavor.objects.with_details().filter(code=result.leading).first()
        flavor = {
            "code": result.primary,
            "name": leading.name if leading else result.leading,
            "headline": str(result.headline),
            "scores": {code: round(value, 4) for code, value in sorted(result.scores.items())},
            "confidence": round(result.confidence, 4),
            "answers": dict(sorted(workshop.flavor_answers.items())),
            "activities": [a.text for a in leading.activities.all()] if leading else [],
            "challenges": [
                {"title": c.title, "example": c.example} for c in leading.challenges.all()
            ]
            if leading
            else [],
        }

    changes = None
    if workshop.previous_id:
        compared = comparison.compare(workshop.previous, workshop, after_data=data)
        changes = {
            "previous_quarter": workshop.previous.quarter,
            "flavor": {
                "from": str(compared.flavor_before.headline) if compared.flavor_before else None,
                "to": str(compared.flavor_after.headline) if compared.flavor_after else None,
            }
            if compared.flavor_changed
            else None,
            "steps": [
                {
                    "title": str(row.step.title),
                    "added": [i.title for i in row.added],
                    "removed": [i.title for i in row.removed],
                    "changed": [new.title for _old, new, _c in row.changed],
                }
                for row in compared.steps
                if not row.unchanged
            ],
            "kpi_targets": [
                {"kpi": title, "from": decimal_text(old), "to": decimal_text(new)}
                for title, old, new in compared.kpi_targets
            ],
        }

    return {
        "format": FORMAT,
        "organization": {"name": workshop.organization.name, "slug": workshop.organization.slug},
        "workshop": {
            "quarter": workshop.quarter,
            "title": workshop.title,
            "language": workshop.language,
            "facilitator": str(workshop.facilitator) if workshop.facilitator else "",
        },
        "flavor": flavor,
        "aspects": {kind.name: rows(kind) for kind in agenda.item_kinds() if kind.in_aspects},
        **{kind.name: rows(kind) for kind in agenda.item_kinds() if not kind.in_aspects},
        "coherence": {
            "score": round(review.score, 4),
            "rules_met": review.rules_met,
            "rules_total": len(review.rules),
            "findings": [
                {"rule": f.rule, "severity": f.severity, "message": f.message}
                for f in review.findings
            ],
            "override": None,
        },
        "changes": changes,
        # Only where this quarter follows a signed one: a first quarter's
        # snapshot (a signed one among them) keeps exactly its keys.
        **({"results": results} if (results := previous_results(workshop)) else {}),
        # Likewise only where a brainstorm's answers were grouped.
        **({"groups": groups} if (groups := answer_groups(workshop, data, keys)) else {}),
    }


def answer_groups(workshop, data: coherence.WorkshopData, keys: dict) -> dict:
    """Each kind's groups of similar answers, in their order: the title the team
    gave it and its answers' keys. A group none of whose answers is revealed yet
    is not there. No query unless some answer is in a group."""
    members: dict = {}
    for kind in agenda.item_kinds():
        for item in getattr(data, kind.name):
            if item.group_id is not None:
                members.setdefault(item.group_id, (kind.name, []))[1].append(keys[item.pk])
    if not members:
        return {}
    groups: dict[str, list] = {}
    for group in AnswerGroup.objects.filter(pk__in=members).order_by("order", "created"):
        kind, answers = members[group.pk]
        groups.setdefault(kind, []).append({"title": group.title, "answers": answers})
    return groups


def previous_results(workshop) -> dict | None:
    """What the signed quarter this one continues led to, as it stands now: each
    KPI's target and latest actual with its standing, each bet's outcome. Frozen
    with this quarter's content at its sign-off, as the team saw it then."""
    previous = workshop.previous if workshop.previous_id else None
    if previous is None or previous.status != Status.SIGNED:
        return None
    kpis = previous.kpis.order_by("order", "created").prefetch_related(
        Prefetch("readings", queryset=KpiReading.objects.order_by("-taken_on", "-id"))
    )
    bets = previous.bets.order_by("order", "created").select_related("outcome")
    kpi_prefix = next(k.prefix for k in agenda.item_kinds() if k.name == "kpis")
    bet_prefix = next(k.prefix for k in agenda.item_kinds() if k.name == "bets")

    # Each KPI followed back by its lineage through the quarters before, and on
    # into this one (the target it now aims at): the report draws it as a chart.
    followed = trends.last_results(previous, later=workshop)
    axis = sorted({point.quarter for trend in followed.kpis for point in trend.points})
    trend_of = {trend.kpi.pk: trend.points for trend in followed.kpis}

    def trend_point(point: trends.QuarterPoint) -> dict:
        return {
            "quarter": point.quarter,
            "title": point.title,
            "signed": point.signed,
            "baseline": decimal_text(point.baseline),
            "target": decimal_text(point.target),
            "target_quarter": point.target_quarter,
            "actual": decimal_text(point.actual),
            "taken_on": point.taken_on.isoformat() if point.taken_on else None,
            "standing": str(point.standing),
        }

    def kpi_row(number, kpi) -> dict:
        latest = next(iter(kpi.readings.all()), None)
        standing = results.progress(
            direction=kpi.direction,
            baseline=kpi.baseline,
            target=kpi.target,
            actual=latest.value if latest else None,
            taken_on=latest.taken_on if latest else None,
            quarter=previous.quarter,
            target_quarter=kpi.target_quarter,
        ).standing
        return {
            "key": f"{kpi_prefix}{number}",
            "title": kpi.title,
            "unit": kpi.unit,
            "direction": kpi.direction,
            "baseline": decimal_text(kpi.baseline),
            "target": decimal_text(kpi.target),
            "target_quarter": kpi.target_quarter,
            "actual": decimal_text(latest.value) if latest else None,
            "taken_on": latest.taken_on.isoformat() if latest else None,
            "readings": len(kpi.readings.all()),
            "standing": str(standing),
            "trend": [trend_point(point) for point in trend_of.get(kpi.pk, [])],
        }

    def bet_row(number, bet) -> dict:
        outcome = getattr(bet, "outcome", None)
        return {
            "key": f"{bet_prefix}{number}",
            "title": bet.title,
            "outcome": outcome.outcome if outcome else None,
            "note": outcome.note if outcome else "",
        }

    return {
        "quarter": previous.quarter,
        "quarters": axis,
        "kpis": [kpi_row(n, kpi) for n, kpi in enumerate(kpis, start=1)],
        "bets": [bet_row(n, bet) for n, bet in enumerate(bets, start=1)],
    }


def canonical_json(snapshot: dict) -> str:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(snapshot: dict) -> str:
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()
