"""The coherence review: every rule of the design as a pure function.

`load()` reads a workshop once (a constant number of queries, whatever its size);
each rule then looks at that loaded workshop and returns its findings. Nothing
here touches the database after loading, so the rules are cheap to re-run live
and easy to test on small hand-built workshops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alignment import agenda
from alignment.agenda.kinds import Kind
from alignment.models import AgreementStatus, BetOutcome, Outcome, Status
from handshakes.models import HandshakeTemplate, Impact

BLOCKER = "blocker"
WARNING = "warning"


class WorkshopData:
    """A workshop's items, loaded once, with their links resolved: one list per
    kind of item, by the kind's name (`data.personas`, `data.bets`, ...)."""

    def __init__(
        self,
        items: dict[str, list],
        high_impact_templates: list,
        previous_outcomes: dict | None = None,
    ):
        self.items = items
        # Published HIGH-impact handshake templates of the library (for the
        # warning about high-impact areas left out of the setup).
        self.high_impact_templates = high_impact_templates
        # The outcomes of the previous quarter's bets, by lineage: (outcome,
        # note). None when this quarter does not follow a signed one.
        self.previous_outcomes = previous_outcomes

    def __getattr__(self, name: str) -> list:
        try:
            return self.__dict__["items"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def high_mots(self) -> list:
        return [m for m in self.mots if m.is_high_priority]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    step: str  # the agenda step where it is fixed
    item: object | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    check: Callable[[WorkshopData], list[Finding]]
    # Whether the rule is asked at all of this workshop (and counts in its score):
    # a rule about last quarter's results only where there was a last quarter.
    applies: Callable[[WorkshopData], bool] | None = None


@dataclass(frozen=True)
class Review:
    rules: tuple[Rule, ...]
    findings: tuple[Finding, ...]

    @property
    def broken(self) -> set[str]:
        return {f.rule for f in self.findings}

    @property
    def rules_met(self) -> int:
        return sum(1 for rule in self.rules if rule.code not in self.broken)

    @property
    def score(self) -> float:
        """The share of rules met, 0..1."""
        return self.rules_met / len(self.rules) if self.rules else 1.0

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def blockers(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == BLOCKER]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def rule_rows(self) -> list[tuple[Rule, list[Finding]]]:
        return [(rule, [f for f in self.findings if f.rule == rule.code]) for rule in self.rules]


# Loading ---------------------------------------------------------------------------------


def load(workshop) -> WorkshopData:
    """Everything the rules need, in a fixed number of queries.

    This is the team's shared view, computed once per state for everyone: the
    review, the matrix, the score, the snapshot leaders sign and the export are
    built from it. So it holds revealed items only, and links to revealed items
    only: an answer a private brainstorm still hides (and a hidden answer's links
    to the others) is its author's alone until the facilitator reveals it."""

    def links(model, name):
        # The rules and the snapshot only ask which rows a link reaches (their
        # pk): loading whole rows for every link was a fifth of the last
        # signature's time.
        related = model._meta.get_field(name).related_model
        return Prefetch(name, queryset=related.objects.revealed().only("pk").order_by())

    def items(kind: Kind):
        prefetch = [*(spec.name for spec in kind.links), *kind.load_reverse]
        return list(
            kind.model.objects.filter(workshop=workshop)
            .revealed()
            .select_related(*kind.load_related)
            .prefetch_related(*(links(kind.model, name) for name in prefetch))
            .order_by("order", "created")
        )

    return WorkshopData(
        {kind.name: items(kind) for kind in agenda.item_kinds()},
        high_impact_templates=list(
            HandshakeTemplate.objects.published().filter(impact=Impact.HIGH).select_related("area")
        ),
        previous_outcomes=_previous_outcomes(workshop),
    )


def _previous_outcomes(workshop) -> dict | None:
    """The outcomes of the bets of the signed quarter this one continues, by lineage."""
    if not workshop.previous_id:
        return None
    previous = workshop.previous
    if previous.status != Status.SIGNED:
        return None
    return {
        lineage: (outcome, note)
        for lineage, outcome, note in BetOutcome.objects.filter(
            bet__workshop_id=previous.pk
        ).values_list("bet__lineage", "outcome", "note")
    }


# Rules -------------------------------------------------------------------------------------


def _each(items, broken: Callable, rule: str, severity: str, step: str, message: Callable):
    return [Finding(rule, severity, message(i), step, i) for i in items if broken(i)]


def all_six_answered(w: WorkshopData) -> list[Finding]:
    aspects = [
        ("persona", w.personas, gettext_lazy("No personas yet.")),
        ("needs", w.needs, gettext_lazy("No needs yet.")),
        ("alternatives", w.alternatives, gettext_lazy("No alternatives yet.")),
        ("strategy", w.strategies, gettext_lazy("No strategy statements yet.")),
        ("objectives", w.objectives, gettext_lazy("No business objectives yet.")),
        ("initiatives", w.initiatives, gettext_lazy("No major initiatives yet.")),
    ]
    return [
        Finding("all_six_answered", BLOCKER, str(message), step)
        for step, items, message in aspects
        if not items
    ]


def needs_have_persona(w: WorkshopData) -> list[Finding]:
    return _each(
        w.needs,
        lambda n: n.persona_id is None,
        "needs_have_persona",
        BLOCKER,
        "needs",
        lambda n: _("The need “%(title)s” belongs to no persona.") % {"title": n.title},
    )


def objectives_have_strategy(w: WorkshopData) -> list[Finding]:
    return _each(
        w.objectives,
        lambda o: o.strategy_id is None,
        "objectives_have_strategy",
        BLOCKER,
        "objectives",
        lambda o: (
            _("The objective “%(title)s” sits under no strategy statement.") % {"title": o.title}
        ),
    )


def initiatives_serve_objective(w: WorkshopData) -> list[Finding]:
    return _each(
        w.initiatives,
        lambda i: i.objective_id is None,
        "initiatives_serve_objective",
        BLOCKER,
        "initiatives",
        lambda i: _("The initiative “%(title)s” serves no objective.") % {"title": i.title},
    )


def bets_linked(w: WorkshopData) -> list[Finding]:
    findings = []
    for bet in w.bets:
        missing = [
            message
            for message, related in (
                (_("The bet “%(title)s” names no persona."), bet.personas.all()),
                (_("The bet “%(title)s” names no need."), bet.needs.all()),
                (_("The bet “%(title)s” names no objective."), bet.objectives.all()),
            )
            if not related
        ]
        findings.extend(
            Finding("bets_linked", BLOCKER, message % {"title": bet.title}, "bets", bet)
            for message in missing
        )
    return findings


def bets_measured(w: WorkshopData) -> list[Finding]:
    return _each(
        w.bets,
        lambda b: not b.kpis.all(),
        "bets_measured",
        BLOCKER,
        "kpis",
        lambda b: _("No KPI measures the bet “%(title)s”.") % {"title": b.title},
    )


def kpis_traced(w: WorkshopData) -> list[Finding]:
    return _each(
        w.kpis,
        lambda k: not k.bets.all(),
        "kpis_traced",
        BLOCKER,
        "kpis",
        lambda k: _("The KPI “%(title)s” is traced to no bet.") % {"title": k.title},
    )


def high_mots_traced(w: WorkshopData) -> list[Finding]:
    return _each(
        w.high_mots,
        lambda m: not m.bets.all(),
        "high_mots_traced",
        BLOCKER,
        "mots",
        lambda m: (
            _("The high-priority Moment of Truth “%(title)s” (priority %(p)s) is traced to no bet.")
            % {"title": m.title, "p": m.priority}
        ),
    )


def agreed_handshakes_traced(w: WorkshopData) -> list[Finding]:
    return _each(
        w.agreements,
        lambda a: a.status == AgreementStatus.AGREED and not a.bets.all(),
        "agreed_handshakes_traced",
        BLOCKER,
        "collaboration",
        lambda a: _("The agreed handshake “%(title)s” is traced to no bet.") % {"title": a.title},
    )


def alternatives_answer_need(w: WorkshopData) -> list[Finding]:
    return _each(
        w.alternatives,
        lambda a: a.need_id is None,
        "alternatives_answer_need",
        WARNING,
        "alternatives",
        lambda a: _("The alternative “%(title)s” answers no need.") % {"title": a.title},
    )


def personas_have_bet(w: WorkshopData) -> list[Finding]:
    with_bet = {p.pk for b in w.bets for p in b.personas.all()}
    return _each(
        w.personas,
        lambda p: p.pk not in with_bet,
        "personas_have_bet",
        WARNING,
        "bets",
        lambda p: _("No bet is made for the persona “%(title)s”.") % {"title": p.title},
    )


def bets_have_initiative(w: WorkshopData) -> list[Finding]:
    return _each(
        w.bets,
        lambda b: not b.initiatives.all(),
        "bets_have_initiative",
        WARNING,
        "bets",
        lambda b: _("The bet “%(title)s” names no initiative to deliver it.") % {"title": b.title},
    )


def high_impact_areas_in_setup(w: WorkshopData) -> list[Finding]:
    in_setup = {a.template.area_id for a in w.agreements}
    return [
        Finding(
            "high_impact_areas_in_setup",
            WARNING,
            _("%(area)s has a high impact on CVM but is not in the collaboration setup.")
            % {"area": _(t.area.name)},
            "collaboration",
            None,
        )
        for t in w.high_impact_templates
        if t.area_id not in in_setup
    ]


def kpis_have_baseline_and_target(w: WorkshopData) -> list[Finding]:
    def message(k) -> str:
        if k.baseline is None and k.target is None:
            text = _("The KPI “%(title)s” has neither a baseline nor a target.")
        elif k.baseline is None:
            text = _("The KPI “%(title)s” has no baseline.")
        else:
            text = _("The KPI “%(title)s” has no target.")
        return text % {"title": k.title}

    return _each(
        w.kpis,
        lambda k: k.baseline is None or k.target is None,
        "kpis_have_baseline_and_target",
        WARNING,
        "kpis",
        message,
    )


def after_a_signed_quarter(w: WorkshopData) -> bool:
    return w.previous_outcomes is not None


def missed_bets_rethought(w: WorkshopData) -> list[Finding]:
    """A bet that missed last quarter and goes on must say what changes."""
    outcomes = w.previous_outcomes or {}
    return _each(
        w.bets,
        lambda b: (
            (o := outcomes.get(b.lineage)) is not None
            and o[0] == Outcome.MISSED
            and not o[1].strip()
        ),
        "missed_bets_rethought",
        WARNING,
        "bets",
        lambda b: (
            _(
                "The bet “%(title)s” missed last quarter and carries on with no note on what "
                "changes: record it with the bet's outcome."
            )
            % {"title": b.title}
        ),
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "all_six_answered", BLOCKER, gettext_lazy("All six aspects are answered"), all_six_answered
    ),
    Rule(
        "needs_have_persona",
        BLOCKER,
        gettext_lazy("Every need belongs to a persona"),
        needs_have_persona,
    ),
    Rule(
        "objectives_have_strategy",
        BLOCKER,
        gettext_lazy("Every objective sits under a strategy statement"),
        objectives_have_strategy,
    ),
    Rule(
        "initiatives_serve_objective",
        BLOCKER,
        gettext_lazy("Every initiative serves an objective"),
        initiatives_serve_objective,
    ),
    Rule(
        "bets_linked",
        BLOCKER,
        gettext_lazy("Every bet names a persona, a need and an objective"),
        bets_linked,
    ),
    Rule("bets_measured", BLOCKER, gettext_lazy("Every bet is measured by a KPI"), bets_measured),
    Rule("kpis_traced", BLOCKER, gettext_lazy("Every KPI traces to a bet"), kpis_traced),
    Rule(
        "high_mots_traced",
        BLOCKER,
        gettext_lazy("Every high-priority Moment of Truth traces to a bet"),
        high_mots_traced,
    ),
    Rule(
        "agreed_handshakes_traced",
        BLOCKER,
        gettext_lazy("Every agreed handshake traces to a bet"),
        agreed_handshakes_traced,
    ),
    Rule(
        "alternatives_answer_need",
        WARNING,
        gettext_lazy("Every alternative answers a need"),
        alternatives_answer_need,
    ),
    Rule("personas_have_bet", WARNING, gettext_lazy("Every persona has a bet"), personas_have_bet),
    Rule(
        "bets_have_initiative",
        WARNING,
        gettext_lazy("Every bet names an initiative"),
        bets_have_initiative,
    ),
    Rule(
        "high_impact_areas_in_setup",
        WARNING,
        gettext_lazy("Every high-impact area is in the collaboration setup"),
        high_impact_areas_in_setup,
    ),
    Rule(
        "kpis_have_baseline_and_target",
        WARNING,
        gettext_lazy("Every KPI has a baseline and a target"),
        kpis_have_baseline_and_target,
    ),
    Rule(
        "missed_bets_rethought",
        WARNING,
        gettext_lazy("A bet that missed last quarter says what changes"),
        missed_bets_rethought,
        applies=after_a_signed_quarter,
    ),
)


def evaluate(data: WorkshopData, rules: tuple[Rule, ...] = RULES) -> Review:
    asked = tuple(rule for rule in rules if rule.applies is None or rule.applies(data))
    findings: list[Finding] = []
    for rule in asked:
        findings.extend(rule.check(data))
    return Review(rules=asked, findings=tuple(findings))


def review(workshop) -> Review:
    return evaluate(load(workshop))


@dataclass(frozen=True)
class Matrix:
    """Bets against what must trace to them: KPIs, high-priority MoTs, agreements."""

    bets: list
    columns: list  # (kind, item) pairs
    cells: dict  # (bet id, item id) -> True

    def row(self, bet) -> list[bool]:
        return [(bet.pk, item.pk) in self.cells for _kind, item in self.columns]

    def untraced(self) -> list:
        traced = {item_id for _bet_id, item_id in self.cells}
        return [item for _kind, item in self.columns if item.pk not in traced]


def traceability(data: WorkshopData) -> Matrix:
    columns = (
        [("kpi", k) for k in data.kpis]
        + [("mot", m) for m in data.high_mots]
        + [("agreement", a) for a in data.agreements]
    )
    cells = {}
    for _kind, item in columns:
        for bet in item.bets.all():
            cells[(bet.pk, item.pk)] = True
    return Matrix(bets=list(data.bets), columns=columns, cells=cells)
