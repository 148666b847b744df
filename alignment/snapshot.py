"""The canonical snapshot of a workshop: what leaders sign and the report shows.

Stable order, no database ids (items are named P1, N1, B1, ... by their position,
so a clone has the same snapshot as its original), decimals as strings, and one
canonical JSON encoding whose SHA-256 is the content hash.
"""

from __future__ import annotations

import hashlib
import json

from django.utils import translation

from alignment import coherence

FORMAT = "cvm-align/1"


def _decimal(value) -> str | None:
    return None if value is None else f"{value:f}"


def _keys(items, prefix: str) -> dict:
    return {item.pk: f"{prefix}{n}" for n, item in enumerate(items, start=1)}


KEY_PREFIXES = [
    ("personas", "P"),
    ("needs", "N"),
    ("alternatives", "A"),
    ("strategies", "S"),
    ("objectives", "O"),
    ("initiatives", "I"),
    ("bets", "B"),
    ("kpis", "K"),
    ("mots", "M"),
    ("agreements", "H"),
]


def item_keys(data: coherence.WorkshopData) -> dict:
    """Item id -> its key in the snapshot (P1, N1, ...), by position."""
    keys = {}
    for name, prefix in KEY_PREFIXES:
        keys.update(_keys(getattr(data, name), prefix))
    return keys


def lineages(workshop) -> dict[str, str]:
    """Snapshot key -> the item's lineage. Not part of the signed content: it travels
    beside the snapshot in an export, so a restored quarter still compares with the
    one before it."""
    data = coherence.load(workshop)
    keys = item_keys(data)
    return {
        keys[item.pk]: str(item.lineage)
        for name, _prefix in KEY_PREFIXES
        for item in getattr(data, name)
    }


def build_snapshot(workshop, *, data: coherence.WorkshopData | None = None) -> dict:
    """Everything the team agreed, in canonical form, in the workshop's language
    (labels are part of the signed content, so they must not depend on the reader)."""
    with translation.override(workshop.language):
        return _build(workshop, data)


def _build(workshop, data) -> dict:
    from alignment import quarters

    data = data or coherence.load(workshop)
    review = coherence.evaluate(data)
    keys = item_keys(data)

    def ref(item_id):
        return keys.get(item_id)

    def refs(related) -> list[str]:
        return sorted((keys[i.pk] for i in related.all() if i.pk in keys), key=_natural)

    result = workshop.flavor_result
    flavor = None
    if result is not None:
        from flavors.models import Flavor

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
        comparison = quarters.compare(workshop.previous, workshop, after_data=data)
        changes = {
            "previous_quarter": workshop.previous.quarter,
            "flavor": {
                "from": str(comparison.flavor_before.headline)
                if comparison.flavor_before
                else None,
                "to": str(comparison.flavor_after.headline) if comparison.flavor_after else None,
            }
            if comparison.flavor_changed
            else None,
            "steps": [
                {
                    "title": str(row.step.title),
                    "added": [i.title for i in row.added],
                    "removed": [i.title for i in row.removed],
                    "changed": [new.title for _old, new, _c in row.changed],
                }
                for row in comparison.steps
                if not row.unchanged
            ],
            "kpi_targets": [
                {"kpi": title, "from": _decimal(old), "to": _decimal(new)}
                for title, old, new in comparison.kpi_targets
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
        "aspects": {
            "personas": [
                {
                    "key": keys[p.pk],
                    "title": p.title,
                    "description": p.description,
                    "share_of_base": _decimal(p.share_of_base),
                }
                for p in data.personas
            ],
            "needs": [
                {
                    "key": keys[n.pk],
                    "title": n.title,
                    "description": n.description,
                    "persona": ref(n.persona_id),
                }
                for n in data.needs
            ],
            "alternatives": [
                {
                    "key": keys[a.pk],
                    "title": a.title,
                    "description": a.description,
                    "kind": a.kind,
                    "kind_label": str(a.get_kind_display()),
                    "need": ref(a.need_id),
                }
                for a in data.alternatives
            ],
            "strategies": [
                {"key": keys[s.pk], "title": s.title, "description": s.description}
                for s in data.strategies
            ],
            "objectives": [
                {
                    "key": keys[o.pk],
                    "title": o.title,
                    "description": o.description,
                    "strategy": ref(o.strategy_id),
                    "metric": o.metric,
                    "target": o.target,
                }
                for o in data.objectives
            ],
            "initiatives": [
                {
                    "key": keys[i.pk],
                    "title": i.title,
                    "description": i.description,
                    "objective": ref(i.objective_id),
                    "owner": i.owner,
                    "due_quarter": i.due_quarter,
                }
                for i in data.initiatives
            ],
        },
        "bets": [
            {
                "key": keys[b.pk],
                "title": b.title,
                "description": b.description,
                "personas": refs(b.personas),
                "needs": refs(b.needs),
                "alternatives": refs(b.alternatives),
                "objectives": refs(b.objectives),
                "initiatives": refs(b.initiatives),
            }
            for b in data.bets
        ],
        "kpis": [
            {
                "key": keys[k.pk],
                "title": k.title,
                "description": k.description,
                "category": k.category,
                "category_label": str(k.get_category_display()) if k.category else "",
                "unit": k.unit,
                "direction": k.direction,
                "baseline": _decimal(k.baseline),
                "target": _decimal(k.target),
                "target_quarter": k.target_quarter,
                "owner": k.owner,
                "catalogue": k.catalogue.code if k.catalogue else None,
                "bets": refs(k.bets),
            }
            for k in data.kpis
        ],
        "mots": [
            {
                "key": keys[m.pk],
                "title": m.title,
                "description": m.description,
                "journey_stage": m.journey_stage,
                "journey_stage_label": str(m.get_journey_stage_display()),
                "lifecycle_stage": m.lifecycle_stage,
                "lifecycle_stage_label": str(m.get_lifecycle_stage_display()),
                "channel": m.channel,
                "channel_label": str(m.get_channel_display()),
                "persona": ref(m.persona_id),
                "impact": m.impact,
                "performance": m.performance,
                "priority": m.priority,
                "high": m.is_high_priority,
                "marked_high": m.marked_high,
                "high_reason": m.high_reason,
                "bets": refs(m.bets),
                "kpis": refs(m.kpis),
            }
            for m in data.mots
        ],
        "agreements": [
            {
                "key": keys[a.pk],
                "title": a.title,
                "area": a.template.area.slug,
                "area_name": a.template.area.name,
                "template_version": a.template.version,
                "impact": a.template.impact,
                "owner": a.owner,
                "status": a.status,
                "status_label": str(a.get_status_display()),
                "quality": a.quality,
                "bets": refs(a.bets),
                "covers": a.covered_handshakes,
            }
            for a in data.agreements
        ],
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
    }


def _natural(key: str) -> tuple[str, int]:
    return key[0], int(key[1:])


def canonical_json(snapshot: dict) -> str:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(snapshot: dict) -> str:
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()
