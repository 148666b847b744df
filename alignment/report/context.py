"""The report's context: the frozen snapshot seen as the templates show it.

Everything here works on the snapshot dict (format "cvm-align/1") and never on
database rows, so the PDF shows exactly the content the leaders signed. Only
plain values and lists: every user string stays a str, so the templates
auto-escape it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alignment import agenda
from alignment.domain import trends
from alignment.domain.results import Progress, Standing
from alignment.models import (
    HIGH_PRIORITY,
    AgreementStatus,
    Direction,
    Outcome,
    SignerEventKind,
    Status,
    WorkshopRole,
)
from alignment.report.figures import bar, figure_view, matrix_view
from handshakes.models import Impact

SECTIONS = (
    ("summary", _("Executive summary")),
    ("aspects", _("The six alignment aspects")),
    ("bets", _("Strategic bets")),
    ("matrix", _("Traceability matrix")),
    ("kpis", _("CVM KPIs")),
    ("mots", _("Moments of Truth")),
    ("collaboration", _("Collaboration setup")),
    ("results", _("Results of the last quarter")),
    ("changes", _("Changes since last quarter")),
    ("coherence", _("Coherence review")),
    ("signoff", _("Sign-off")),
)


def report_context(snapshot: dict, signatures, content_hash: str, generated_at) -> dict:
    aspects = snapshot.get("aspects") or {}
    personas = aspects.get("personas") or []
    needs = aspects.get("needs") or []
    alternatives = aspects.get("alternatives") or []
    strategies = aspects.get("strategies") or []
    objectives = aspects.get("objectives") or []
    initiatives = aspects.get("initiatives") or []
    bets = snapshot.get("bets") or []
    kpis = [_kpi_view(kpi) for kpi in snapshot.get("kpis") or []]
    mots = [_mot_view(mot) for mot in snapshot.get("mots") or []]
    agreements = [_agreement_view(agreement) for agreement in snapshot.get("agreements") or []]
    high_mots = [mot for mot in mots if mot["high"]]

    # Every item's title by its key, whatever its kind.
    titles = {
        row["key"]: row["title"]
        for kind in agenda.item_kinds()
        for row in kind.rows_in(snapshot) or []
    }
    for mot in mots:
        mot["persona_title"] = titles.get(mot["persona"] or "", "")

    signers = [_signature_view(signature) for signature in signatures]
    generated = _as_datetime(generated_at) or timezone.now()
    signed_on = max((s["signed_at"] for s in signers if s["signed_at"]), default=None)
    content_hash = (content_hash or "").strip()
    coherence = _coherence_view(snapshot.get("coherence") or {})

    return {
        "organization": snapshot.get("organization") or {},
        "workshop": snapshot.get("workshop") or {},
        "status_label": _label(Status, (snapshot.get("workshop") or {}).get("status", "")),
        "flavor": _flavor_view(snapshot.get("flavor")),
        "sections": [
            {"id": key, "title": title}
            for key, title in SECTIONS
            if key != "results" or snapshot.get("results")
        ],
        "customer": _customer_view(personas, needs, alternatives),
        "business": _business_view(strategies, objectives, initiatives),
        "bets": [_bet_view(bet, titles, kpis, mots, agreements) for bet in bets],
        "matrix": matrix_view(bets, kpis, high_mots, agreements),
        "figure": figure_view(bets, kpis, high_mots, agreements),
        "kpis": kpis,
        "mots": sorted(mots, key=lambda mot: -mot["priority"]),
        "agreements": agreements,
        "high_threshold": HIGH_PRIORITY,
        "counts": {
            "bets": len(bets),
            "kpis": len(kpis),
            "high_mots": len(high_mots),
            "high_mots_traced": sum(1 for mot in high_mots if mot["bets"]),
            "agreements": len(agreements),
            "agreed": sum(1 for a in agreements if a["status"] == AgreementStatus.AGREED),
            "at_risk": sum(1 for a in agreements if a["status"] == AgreementStatus.AT_RISK),
            "proposed": sum(1 for a in agreements if a["status"] == AgreementStatus.PROPOSED),
            "kpis_traced": sum(1 for kpi in kpis if kpi["bets"]),
        },
        "coherence": coherence,
        "changes": _changes_view(snapshot.get("changes")),
        "last_results": _results_view(snapshot.get("results")),
        "answer_groups": _groups_view(snapshot.get("groups"), titles),
        "signers": signers,
        "signed_on": signed_on,
        "generated_at": generated,
        "content_hash": content_hash,
        "hash_lines": [content_hash[i : i + 32] for i in range(0, len(content_hash), 32)],
        "hash_short": content_hash[:12],
    }


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else value


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _number_format(*values: Decimal | None) -> str:
    """A floatformat argument shared by the numbers of one row, grouped by locale.

    Whole numbers print without decimals (212,000 households); otherwise every
    number of the row keeps the snapshot's decimals, so 1.00 -> 0.80 does not
    read as 1 -> 0.80.
    """
    present = [value for value in values if value is not None]
    if all(value == value.to_integral_value() for value in present):
        return "0g"
    places = max(-min(value.as_tuple().exponent, 0) for value in present)
    return f"{places}g"


def _percent(value) -> int:
    try:
        return round(float(value) * 100)
    except (TypeError, ValueError):
        return 0


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def _flavor_view(flavor: dict | None) -> dict | None:
    if not flavor:
        return None
    names = {
        "product_centric": _("Product-centric"),
        "coordinated": _("Coordinated"),
        "segment_centric": _("Segment-centric"),
    }
    scores = flavor.get("scores") or {}
    return {
        "name": flavor.get("name", ""),
        "headline": flavor.get("headline") or flavor.get("name", ""),
        "confidence": _percent(flavor.get("confidence")),
        "scores": [
            {
                "code": code,
                "name": names.get(code, code),
                "percent": _percent(score),
                "bar": bar(score),
                "chosen": code == flavor.get("code"),
            }
            for code, score in scores.items()
        ],
        "activities": flavor.get("activities") or [],
        "challenges": flavor.get("challenges") or [],
    }


def _customer_view(personas, needs, alternatives) -> dict:
    persona_keys = {p["key"] for p in personas}
    need_keys = {n["key"] for n in needs}
    alternatives_by_need = defaultdict(list)
    for alternative in alternatives:
        alternatives_by_need[alternative.get("need")].append(alternative)
    needs_by_persona = defaultdict(list)
    for need in needs:
        needs_by_persona[need.get("persona")].append(
            {**need, "alternatives": alternatives_by_need.get(need["key"], [])}
        )
    return {
        "personas": [
            {
                **persona,
                "share": _decimal(persona.get("share_of_base")),
                "bar": bar((_decimal(persona.get("share_of_base")) or 0) / 100),
                "needs": needs_by_persona.get(persona["key"], []),
            }
            for persona in personas
        ],
        "loose_needs": [
            need
            for persona, group in needs_by_persona.items()
            if persona not in persona_keys
            for need in group
        ],
        "loose_alternatives": [
            alternative
            for need, group in alternatives_by_need.items()
            if need not in need_keys
            for alternative in group
        ],
        "answered": bool(personas or needs or alternatives),
    }


def _business_view(strategies, objectives, initiatives) -> dict:
    strategy_keys = {s["key"] for s in strategies}
    objective_keys = {o["key"] for o in objectives}
    initiatives_by_objective = defaultdict(list)
    for initiative in initiatives:
        initiatives_by_objective[initiative.get("objective")].append(initiative)
    objectives_by_strategy = defaultdict(list)
    for objective in objectives:
        objectives_by_strategy[objective.get("strategy")].append(
            {**objective, "initiatives": initiatives_by_objective.get(objective["key"], [])}
        )
    return {
        "strategies": [
            {**strategy, "objectives": objectives_by_strategy.get(strategy["key"], [])}
            for strategy in strategies
        ],
        "loose_objectives": [
            objective
            for strategy, group in objectives_by_strategy.items()
            if strategy not in strategy_keys
            for objective in group
        ],
        "loose_initiatives": [
            initiative
            for objective, group in initiatives_by_objective.items()
            if objective not in objective_keys
            for initiative in group
        ],
        "answered": bool(strategies or objectives or initiatives),
    }


def _kpi_view(kpi: dict) -> dict:
    direction = kpi.get("direction", "")
    baseline, target = _decimal(kpi.get("baseline")), _decimal(kpi.get("target"))
    return {
        **kpi,
        "baseline_value": baseline,
        "target_value": target,
        "number_format": _number_format(baseline, target),
        "direction_label": _label(Direction, direction),
        "direction_arrow": {"up": "\u2191", "down": "\u2193"}.get(direction, ""),
        "bets": kpi.get("bets") or [],
    }


def _mot_view(mot: dict) -> dict:
    return {
        **mot,
        "priority": int(mot.get("priority") or 0),
        "high": bool(mot.get("high")),
        "bets": mot.get("bets") or [],
        "kpis": mot.get("kpis") or [],
    }


def _agreement_view(agreement: dict) -> dict:
    # 0-5; the report draws it with the image of that many filled squares.
    quality = min(max(int(agreement.get("quality") or 0), 0), 5)
    return {
        **agreement,
        # An agreement is usually named after its functional area; older or
        # hand-made snapshots may carry no title of their own.
        "title": agreement.get("title") or agreement.get("area_name") or agreement.get("area", ""),
        "impact_label": _label(Impact, agreement.get("impact", "")),
        "quality_level": quality,
        "bets": agreement.get("bets") or [],
        "covers": agreement.get("covers") or [],
    }


def _bet_view(bet: dict, titles: dict, kpis, mots, agreements) -> dict:
    def linked(keys):
        return [{"key": key, "title": titles.get(key, "")} for key in keys or []]

    key = bet["key"]
    return {
        **bet,
        # A bet must name a persona, a need and an objective; the rest is optional.
        "links": [
            {"label": _("Personas"), "items": linked(bet.get("personas")), "required": True},
            {"label": _("Needs"), "items": linked(bet.get("needs")), "required": True},
            {"label": _("Alternatives"), "items": linked(bet.get("alternatives"))},
            {"label": _("Objectives"), "items": linked(bet.get("objectives")), "required": True},
            {"label": _("Initiatives"), "items": linked(bet.get("initiatives"))},
        ],
        "kpis": [kpi for kpi in kpis if key in kpi["bets"]],
        "mots": sorted((mot for mot in mots if key in mot["bets"]), key=lambda m: -m["priority"]),
        "agreements": [agreement for agreement in agreements if key in agreement["bets"]],
    }


def _coherence_view(coherence: dict) -> dict:
    findings = coherence.get("findings") or []
    override = coherence.get("override")
    return {
        "percent": _percent(coherence.get("score")),
        "rules_met": coherence.get("rules_met", 0),
        "rules_total": coherence.get("rules_total", 0),
        "blockers": [f for f in findings if f.get("severity") == "blocker"],
        "warnings": [f for f in findings if f.get("severity") != "blocker"],
        "override": ({**override, "at": _as_datetime(override.get("at"))} if override else None),
    }


def _results_view(results: dict | None) -> dict | None:
    """The previous quarter's results as this quarter's sign-off froze them."""
    if not results:
        return None
    axis = [q for q in results.get("quarters") or [] if isinstance(q, str) and "-" in q]
    kpis = []
    for kpi in results.get("kpis") or []:
        baseline, target, actual = (
            _decimal(kpi.get("baseline")),
            _decimal(kpi.get("target")),
            _decimal(kpi.get("actual")),
        )
        standing = kpi.get("standing") or Standing.NO_DATA
        kpis.append(
            {
                **kpi,
                "baseline_value": baseline,
                "target_value": target,
                "actual_value": actual,
                "taken_on": _as_date(kpi.get("taken_on")),
                "number_format": _number_format(baseline, target, actual),
                "direction_arrow": {"up": "\u2191", "down": "\u2193"}.get(kpi.get("direction"), ""),
                "standing_label": Standing(standing).label
                if standing in Standing._value2member_map_
                else standing,
                "trend": _trend_view(kpi, axis),
            }
        )
    bets = [
        {
            **bet,
            "outcome_label": _label(Outcome, bet.get("outcome") or "")
            if bet.get("outcome")
            else "",
        }
        for bet in results.get("bets") or []
    ]
    counts = {s: sum(1 for k in kpis if k.get("standing") == s) for s in Standing}
    return {
        "quarter": results.get("quarter", ""),
        "kpis": kpis,
        "bets": bets,
        "counts": counts,
        "charted": any(kpi["trend"] and kpi["trend"]["chart"] for kpi in kpis),
    }


def _groups_view(groups: dict | None, titles: dict) -> list[dict]:
    """Each kind's groups of similar answers, in agenda order, their answers named."""
    if not groups:
        return []
    return [
        {
            "kind": kind.verbose_name_plural,
            "groups": [
                {
                    "title": group.get("title", ""),
                    "answers": [
                        {"key": key, "title": titles.get(key, "")}
                        for key in group.get("answers") or []
                    ],
                }
                for group in groups[kind.name]
            ],
        }
        for kind in agenda.item_kinds()
        if groups.get(kind.name)
    ]


def _standing(value) -> Standing:
    return Standing(value) if value in Standing._value2member_map_ else Standing.NO_DATA


def _trend_view(kpi: dict, axis: list[str]) -> dict | None:
    """One KPI across the quarters it was followed in, drawn from the snapshot as
    the compare page draws it from the database: the standings as frozen."""
    points = [
        trends.QuarterPoint(
            quarter=point.get("quarter", ""),
            signed=bool(point.get("signed")),
            title=point.get("title") or "",
            unit=kpi.get("unit") or "",
            baseline=_decimal(point.get("baseline")),
            target=_decimal(point.get("target")),
            target_quarter=point.get("target_quarter") or "",
            actual=_decimal(point.get("actual")),
            taken_on=_as_date(point.get("taken_on")),
            progress=Progress(_standing(point.get("standing"))),
        )
        for point in kpi.get("trend") or []
        if point.get("quarter") in axis
    ]
    if not points:
        return None
    lower_is_better = kpi.get("direction") == Direction.DOWN
    chart = trends.chart(
        points,
        [axis.index(point.quarter) for point in points],
        axis,
        lower_is_better=lower_is_better,
    )
    return {"points": points, "chart": chart, "lower_is_better": lower_is_better}


def _as_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _changes_view(changes: dict | None) -> dict | None:
    if not changes:
        return None
    return {
        "previous_quarter": changes.get("previous_quarter", ""),
        "flavor": changes.get("flavor"),
        "steps": [
            step
            for step in changes.get("steps") or []
            if step.get("added") or step.get("removed") or step.get("changed")
        ],
        "kpi_targets": [_target_change_view(c) for c in changes.get("kpi_targets") or []],
    }


def _target_change_view(change: dict) -> dict:
    before, after = _decimal(change.get("from")), _decimal(change.get("to"))
    return {
        **change,
        "from_value": before,
        "to_value": after,
        "number_format": _number_format(before, after),
    }


def _signature_view(signature: dict) -> dict:
    return {
        "name": signature.get("name", ""),
        "role": _label(WorkshopRole, signature.get("role", "")),
        "title": signature.get("title", ""),
        "signed_at": _as_datetime(signature.get("signed_at")),
        "reservation": signature.get("reservation", ""),
    }


def certificate_context(certificate: dict | None, *, sealed_by: dict | None = None) -> dict:
    """The completion certificate as the report's last page shows it, and the
    declines the sign-off section lists. Only the certificate's own values: it
    was written at the freeze (`services.signoff.completion_certificate`)."""
    if not certificate:
        return {"certificate": None, "sealed_by": sealed_by, "declines": []}
    events = [_event_view(event) for event in certificate.get("events") or []]
    return {
        "certificate": {
            **certificate,
            "frozen_at_utc": _utc_text(certificate.get("frozen_at")),
            "events": events,
        },
        "sealed_by": sealed_by,
        "declines": [event for event in events if event["kind"] == SignerEventKind.DECLINED],
        "certificate_section": {"id": "certificate", "title": _("Completion certificate")},
    }


def _utc_text(value) -> str:
    moment = _as_datetime(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


def _event_view(event: dict) -> dict:
    kind = event.get("kind", "")
    return {
        **event,
        "label": _label(SignerEventKind, kind),
        "at_utc": _utc_text(event.get("at")),
        "detail_text": event_detail(kind, event.get("detail") or {}),
    }


def event_detail(kind: str, detail: dict) -> str:
    """A signer event's details in words: the reservation, the reason for a
    decline, the change that voided a signature."""
    if kind == SignerEventKind.RESERVED:
        return str(_("Reservation: %(text)s") % {"text": detail.get("reservation", "")})
    if kind == SignerEventKind.DECLINED:
        return str(_("Reason: %(text)s") % {"text": detail.get("reason", "")})
    if kind == SignerEventKind.SIGNED and detail.get("unread"):
        return str(_("Signed without having opened the content."))
    if kind == SignerEventKind.VOIDED:
        what = (
            _("A decline voided")
            if detail.get("decision") == "declined"
            else _("A signature voided")
        )
        step = detail.get("step")
        if step:
            title = next((s.title for s in agenda.all_steps() if s.slug == step), step)
            return str(
                _("%(what)s by a change on the step %(step)s (revision %(revision)s).")
                % {"what": what, "step": title, "revision": detail.get("revision", "?")}
            )
        return str(_("%(what)s: %(reason)s") % {"what": what, "reason": detail.get("reason", "")})
    return ""
