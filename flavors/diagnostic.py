"""The flavor diagnostic: ten questions, four perspectives, one pure scoring function.

How the scoring works, so a facilitator can explain it in the room:

- Every answer spreads one point over the three flavors (its "lean"), e.g.
  "one product brings in over 70% of revenue" gives 0.85 to product-centric,
  0.10 to coordinated and 0.05 to segment-centric.
- Each of the four perspectives counts for a quarter of the result, shared
  equally by its questions, so a perspective with more questions does not weigh
  more than one with fewer.
- A flavor's score is the weighted sum of the points it received; the three
  scores sum to 1.
- When the top two scores are closer than `NEAR_TIE_MARGIN`, the result is
  reported as "between" those two flavors and there is no primary flavor.

The questions are ordered so that their answers run from product-centric towards
segment-centric. For the multi-product question this is a guarantee, checked by
tests: a higher share of multi-product customers never gives product-centric
more weight and never gives the other flavors less, so it can never move the
result towards product-centric.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django import forms
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from flavors.models import FlavorCode, Perspective

PC = FlavorCode.PRODUCT_CENTRIC.value
CO = FlavorCode.COORDINATED.value
SC = FlavorCode.SEGMENT_CENTRIC.value
FLAVOR_ORDER: tuple[str, ...] = (PC, CO, SC)

# Top two scores closer than this are reported as "between" the two flavors.
NEAR_TIE_MARGIN = 0.06

# Flavor names as they read inside a sentence ("points to coordinated").
_IN_SENTENCE = {
    PC: _("product-centric"),
    CO: _("coordinated"),
    SC: _("segment-centric"),
}


@dataclass(frozen=True)
class Choice:
    key: str
    label: Promise
    # Completes "..., which points to X." in the explanation of this answer.
    why: Promise
    # Points given to (product-centric, coordinated, segment-centric); sum to 1.
    lean: tuple[float, float, float]


@dataclass(frozen=True)
class Question:
    key: str
    perspective: Perspective
    text: Promise
    choices: tuple[Choice, ...]
    help_text: Promise | str = ""

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


QUESTIONS: tuple[Question, ...] = (
    # Financial
    Question(
        key="largest_product_revenue",
        perspective=Perspective.FINANCIAL,
        text=_("Roughly what share of revenue comes from your largest product?"),
        choices=(
            Choice(
                "over_70",
                _("More than 70%"),
                _("One product brings in most of the revenue"),
                (0.85, 0.10, 0.05),
            ),
            Choice(
                "50_70",
                _("Between 50% and 70%"),
                _("One product still brings in over half of the revenue"),
                (0.55, 0.35, 0.10),
            ),
            Choice(
                "30_50",
                _("Between 30% and 50%"),
                _("Revenue is shared by a few major products"),
                (0.15, 0.55, 0.30),
            ),
            Choice(
                "under_30",
                _("Less than 30%: revenue is spread over many products"),
                _("No single product dominates revenue"),
                (0.05, 0.45, 0.50),
            ),
        ),
    ),
    Question(
        key="segment_budget",
        perspective=Perspective.FINANCIAL,
        text=_("Do segment owners carry a budget and commercial KPIs?"),
        choices=(
            Choice(
                "no_segments",
                _("We have no segment owners; budgets follow our main product"),
                _("Budgets follow the main product rather than segments"),
                (0.70, 0.25, 0.05),
            ),
            Choice(
                "marketing_only",
                _("Segments exist for marketing, but budgets and KPIs sit with each product"),
                _("Budgets and KPIs sit with the products, not with segments"),
                (0.25, 0.65, 0.10),
            ),
            Choice(
                "kpis_no_budget",
                _("Segment owners have commercial KPIs, but the budget stays with products"),
                _("Segment owners have targets but not yet the budget to reach them"),
                (0.05, 0.50, 0.45),
            ),
            Choice(
                "full",
                _(
                    "Yes: each segment owner has the budget and KPIs for every product in the segment"
                ),
                _("Segment owners answer for all products in their segment, budget included"),
                (0.00, 0.10, 0.90),
            ),
        ),
    ),
    # Customer base
    Question(
        key="multi_product_share",
        perspective=Perspective.CUSTOMER_BASE,
        text=_("What share of your customers use two or more of your products?"),
        choices=(
            Choice(
                "under_10",
                _("Less than 10%"),
                _("Almost every customer has a single product"),
                (0.80, 0.15, 0.05),
            ),
            Choice(
                "10_30",
                _("Between 10% and 30%"),
                _("Some customers already combine products"),
                (0.40, 0.45, 0.15),
            ),
            Choice(
                "30_60",
                _("Between 30% and 60%"),
                _("Many customers hold several products"),
                (0.10, 0.60, 0.30),
            ),
            Choice(
                "over_60",
                _("More than 60%"),
                _("Most customers hold several products"),
                (0.00, 0.60, 0.40),
            ),
        ),
        help_text=_("Count a household or company with, say, mobile and broadband once."),
    ),
    Question(
        key="base_owner",
        perspective=Perspective.CUSTOMER_BASE,
        text=_("Who owns the customer base: its size, churn and revenue?"),
        choices=(
            Choice(
                "main_product",
                _("The owner of our main product"),
                _("The main product's owner also owns the customers"),
                (0.85, 0.10, 0.05),
            ),
            Choice(
                "each_product",
                _("Each product owner, for the customers of their product"),
                _("Customers are owned product by product"),
                (0.35, 0.55, 0.10),
            ),
            Choice(
                "cvm_team",
                _("A cross-product CVM or customer team, next to the product owners"),
                _("A cross-product team looks after customers beside the product owners"),
                (0.05, 0.75, 0.20),
            ),
            Choice(
                "segment_owners",
                _("Segment owners, each for the customers of their segment"),
                _("Customers are owned segment by segment"),
                (0.00, 0.10, 0.90),
            ),
        ),
    ),
    Question(
        key="segmentation",
        perspective=Perspective.CUSTOMER_BASE,
        text=_("How do you group customers when you plan the year?"),
        choices=(
            Choice(
                "by_product",
                _("By the product they have"),
                _("Planning groups customers by product"),
                (0.75, 0.20, 0.05),
            ),
            Choice(
                "by_product_mix",
                _("By product mix, e.g. single-product versus multi-product customers"),
                _("Planning groups customers by the mix of products they hold"),
                (0.15, 0.70, 0.15),
            ),
            Choice(
                "by_value_for_campaigns",
                _("By value or behaviour, but only to target campaigns"),
                _("Value segments exist but only steer campaigns"),
                (0.20, 0.55, 0.25),
            ),
            Choice(
                "by_segment",
                _("Into segments by customer type or need, each with its own portfolio"),
                _("Each customer segment gets a portfolio of its own"),
                (0.00, 0.10, 0.90),
            ),
        ),
        help_text=_(
            "Business-to-business example: government, large enterprise and small business."
        ),
    ),
    # Customer experience
    Question(
        key="interaction_focus",
        perspective=Perspective.CUSTOMER_EXPERIENCE,
        text=_("What are most customer interactions about?"),
        choices=(
            Choice(
                "one_product",
                _("One product, through the channels that sell and service it"),
                _("Interactions centre on one product and its channels"),
                (0.85, 0.10, 0.05),
            ),
            Choice(
                "several_products",
                _("Several products at once, each with its own contacts"),
                _("Customers deal with several products at the same time"),
                (0.10, 0.75, 0.15),
            ),
            Choice(
                "segment_journeys",
                _("Journeys designed for the customer's segment, whatever the product"),
                _("Journeys are designed per segment"),
                (0.00, 0.15, 0.85),
            ),
        ),
    ),
    Question(
        key="communication_consistency",
        perspective=Perspective.CUSTOMER_EXPERIENCE,
        text=_("How consistent is what you tell a customer who has several of your products?"),
        choices=(
            Choice(
                "rarely_arises",
                _("The question rarely arises: most customers have one product"),
                _("Consistency across products is not yet an issue"),
                (0.80, 0.15, 0.05),
            ),
            Choice(
                "inconsistent",
                _("Inconsistent: products send separate, sometimes competing offers"),
                _("Products talk to the same customer separately and sometimes at odds"),
                (0.15, 0.75, 0.10),
            ),
            Choice(
                "contact_policy",
                _("Coordinated across products by a shared contact policy"),
                _("A shared contact policy coordinates the products"),
                (0.05, 0.65, 0.30),
            ),
            Choice(
                "per_segment",
                _("One voice per segment, covering all products"),
                _("Each segment speaks to its customers with one voice"),
                (0.00, 0.15, 0.85),
            ),
        ),
    ),
    Question(
        key="offer_differentiation",
        perspective=Perspective.CUSTOMER_EXPERIENCE,
        text=_(
            "Do different customer groups get the same product with different positioning or price?"
        ),
        choices=(
            Choice(
                "one_offer",
                _("No: one offer for everyone"),
                _("Everyone gets the same offer"),
                (0.70, 0.25, 0.05),
            ),
            Choice(
                "by_bundle_or_channel",
                _("Offers differ by bundle or by channel, not by customer group"),
                _("Offers vary with the bundle or the channel"),
                (0.20, 0.65, 0.15),
            ),
            Choice(
                "by_segment",
                _(
                    "Yes: the same product is packaged and priced per segment, e.g. a low-cost brand"
                ),
                _("The same product is positioned and priced differently per segment"),
                (0.00, 0.15, 0.85),
            ),
        ),
    ),
    # Internal process
    Question(
        key="commercial_leadership",
        perspective=Perspective.INTERNAL_PROCESS,
        text=_("Who brings pricing, promotion and channel decisions together?"),
        choices=(
            Choice(
                "one_leader",
                _("One leader, e.g. the marketing director or CCO, for the whole business"),
                _("One commercial leader integrates everything"),
                (0.85, 0.10, 0.05),
            ),
            Choice(
                "product_owners_and_glue",
                _("Each product owner for their product, with a coordinating role in between"),
                _("Product owners decide, joined up by a coordinating role"),
                (0.10, 0.80, 0.10),
            ),
            Choice(
                "segment_owners",
                _("Segment owners; product teams own features and technology"),
                _("Segment owners take the commercial decisions"),
                (0.00, 0.10, 0.90),
            ),
        ),
    ),
    Question(
        key="cvm_role",
        perspective=Perspective.INTERNAL_PROCESS,
        text=_("Where does the CVM role sit today?"),
        choices=(
            Choice(
                "in_product",
                _("Within the product team, on retention and upsell of that product"),
                _("CVM works inside one product"),
                (0.80, 0.15, 0.05),
            ),
            Choice(
                "central_coordination",
                _(
                    "In a central team coordinating bundles, cross-sell and migration across products"
                ),
                _("CVM coordinates across products"),
                (0.10, 0.80, 0.10),
            ),
            Choice(
                "with_segments",
                _("With each segment, managing the whole lifecycle of its customers"),
                _("CVM runs the full lifecycle per segment"),
                (0.00, 0.10, 0.90),
            ),
        ),
    ),
)

QUESTIONS_BY_KEY: Mapping[str, Question] = MappingProxyType({q.key: q for q in QUESTIONS})


def _question_weights() -> Mapping[str, float]:
    per_perspective: dict[str, int] = {}
    for question in QUESTIONS:
        per_perspective[question.perspective] = per_perspective.get(question.perspective, 0) + 1
    return MappingProxyType(
        {q.key: 1 / (len(per_perspective) * per_perspective[q.perspective]) for q in QUESTIONS}
    )


# Each perspective weighs a quarter, split equally among its questions.
QUESTION_WEIGHTS: Mapping[str, float] = _question_weights()


class DiagnosticError(ValueError):
    """The answers are incomplete or not among the choices; `errors` says which, per question."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.errors.items()))


@dataclass(frozen=True)
class Explanation:
    question_key: str
    perspective: Perspective
    question: Promise
    answer: Promise
    # The flavor(s) this answer points to: one code, or two when it sits between them.
    leans_to: tuple[str, ...]
    text: Promise

    @property
    def perspective_label(self) -> str:
        return self.perspective.label


@dataclass(frozen=True)
class ScoreRow:
    code: str
    label: Promise
    score: float
    percent: int


@dataclass(frozen=True)
class DiagnosticResult:
    """What the diagnostic found.

    - `scores`: flavor code -> share of the weighted answers, summing to 1.
    - `ranking`: the codes from highest to lowest score (ties follow the usual
      progression order).
    - `primary`: the leading flavor's code, or None when the result is a near tie.
    - `between`: when the top two are within `NEAR_TIE_MARGIN`, those two codes in
      progression order (e.g. ("coordinated", "segment_centric")); else None.
      Exactly one of `primary` and `between` is set.
    - `confidence`: (top score - runner-up score) / top score, from 0 (a dead
      heat) to 1 (every answer points only to the leader). It measures how
      clearly the leader stands out, not how true the answers are.
    - `explanations`: one per question, in question order.
    """

    scores: Mapping[str, float]
    ranking: tuple[str, ...]
    primary: str | None
    between: tuple[str, str] | None
    confidence: float
    explanations: tuple[Explanation, ...] = field(default=())

    @property
    def leading(self) -> str:
        """The top-scoring flavor, even in a near tie (for defaults, never for headlines)."""
        return self.ranking[0]

    @property
    def flavor_codes(self) -> tuple[str, ...]:
        """The flavors the result is about: the primary one, or the two it sits between."""
        return (self.primary,) if self.primary else tuple(self.between or ())

    @property
    def headline(self) -> Promise:
        if self.primary:
            return format_lazy(
                _("Your answers point to {flavor}."), flavor=_IN_SENTENCE[self.primary]
            )
        first, second = self.between
        return format_lazy(
            _("Your answers sit between {first} and {second}."),
            first=_IN_SENTENCE[first],
            second=_IN_SENTENCE[second],
        )

    @property
    def confidence_level(self) -> str:
        """ "low", "moderate" or "high", for templates and CSS classes."""
        if self.confidence < 0.25:
            return "low"
        if self.confidence < 0.5:
            return "moderate"
        return "high"

    @property
    def confidence_words(self) -> Promise:
        return {
            "low": _("Low: the answers are mixed, and no flavor clearly stands out."),
            "moderate": _("Moderate: one flavor leads, but several answers point elsewhere."),
            "high": _("High: most answers point the same way."),
        }[self.confidence_level]

    @property
    def rows(self) -> tuple[ScoreRow, ...]:
        """Scores in progression order, with whole percentages for display."""
        return tuple(
            ScoreRow(
                code, FlavorCode(code).label, self.scores[code], round(self.scores[code] * 100)
            )
            for code in FLAVOR_ORDER
        )

    def as_dict(self) -> dict:
        """Plain data (codes and numbers) for snapshots and JSON."""
        return {
            "scores": dict(self.scores),
            "ranking": list(self.ranking),
            "primary": self.primary,
            "between": list(self.between) if self.between else None,
            "confidence": self.confidence,
        }


def _leaning(lean: tuple[float, float, float]) -> tuple[str, ...]:
    ordered = sorted(zip(FLAVOR_ORDER, lean, strict=True), key=lambda item: -item[1])
    (top, top_points), (second, second_points) = ordered[0], ordered[1]
    if top_points - second_points < 0.15:
        return tuple(code for code in FLAVOR_ORDER if code in (top, second))
    return (top,)


def _explain(question: Question, choice: Choice) -> Explanation:
    leans_to = _leaning(choice.lean)
    if len(leans_to) == 1:
        text = format_lazy(
            _("{why}, which points to {flavor}."), why=choice.why, flavor=_IN_SENTENCE[leans_to[0]]
        )
    else:
        text = format_lazy(
            _("{why}, which sits between {first} and {second}."),
            why=choice.why,
            first=_IN_SENTENCE[leans_to[0]],
            second=_IN_SENTENCE[leans_to[1]],
        )
    return Explanation(
        question_key=question.key,
        perspective=question.perspective,
        question=question.text,
        answer=choice.label,
        leans_to=leans_to,
        text=text,
    )


def validate_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """Per-question error messages for missing, unknown or out-of-range answers."""
    errors: dict[str, str] = {}
    for question in QUESTIONS:
        if question.key not in answers or answers[question.key] in (None, ""):
            errors[question.key] = str(_("This question needs an answer."))
        elif question.choice(answers[question.key]) is None:
            errors[question.key] = str(_("This is not one of the answers to this question."))
    for key in answers:
        if key not in QUESTIONS_BY_KEY:
            errors[key] = str(_("There is no such question in the diagnostic."))
    return errors


def score(answers: Mapping[str, str]) -> DiagnosticResult:
    """Place an organisation among the three flavors from its answers (question key -> choice key).

    Pure: reads nothing but its argument and the question definitions. Raises
    `DiagnosticError` (a ValueError) listing every missing or invalid answer.
    """
    errors = validate_answers(answers)
    if errors:
        raise DiagnosticError(errors)

    raw = dict.fromkeys(FLAVOR_ORDER, 0.0)
    explanations = []
    for question in QUESTIONS:
        choice = question.choice(answers[question.key])
        weight = QUESTION_WEIGHTS[question.key]
        for code, points in zip(FLAVOR_ORDER, choice.lean, strict=True):
            raw[code] += weight * points
        explanations.append(_explain(question, choice))

    total = sum(raw.values())
    scores = {code: raw[code] / total for code in FLAVOR_ORDER}
    ranking = tuple(
        sorted(FLAVOR_ORDER, key=lambda code: (-scores[code], FLAVOR_ORDER.index(code)))
    )
    top, second = scores[ranking[0]], scores[ranking[1]]
    if top - second < NEAR_TIE_MARGIN:
        primary = None
        between = tuple(code for code in FLAVOR_ORDER if code in ranking[:2])
    else:
        primary, between = ranking[0], None
    confidence = (top - second) / top if top > 0 else 0.0
    return DiagnosticResult(
        scores=MappingProxyType(scores),
        ranking=ranking,
        primary=primary,
        between=between,
        confidence=confidence,
        explanations=tuple(explanations),
    )


# Demo answer sets (the seeded demo workshops use them).
# 2026-Q3: a merged mobile and fixed operator, clearly coordinated.
DEMO_Q3_ANSWERS: Mapping[str, str] = MappingProxyType(
    {
        "largest_product_revenue": "30_50",
        "segment_budget": "marketing_only",
        "multi_product_share": "30_60",
        "base_owner": "cvm_team",
        "segmentation": "by_product_mix",
        "interaction_focus": "several_products",
        "communication_consistency": "inconsistent",
        "offer_differentiation": "by_bundle_or_channel",
        "commercial_leadership": "product_owners_and_glue",
        "cvm_role": "central_coordination",
    }
)

# 2026-Q4: the same operator a quarter later, halfway into segment ownership.
DEMO_Q4_ANSWERS: Mapping[str, str] = MappingProxyType(
    {
        "largest_product_revenue": "under_30",
        "segment_budget": "kpis_no_budget",
        "multi_product_share": "over_60",
        "base_owner": "segment_owners",
        "segmentation": "by_value_for_campaigns",
        "interaction_focus": "segment_journeys",
        "communication_consistency": "contact_policy",
        "offer_differentiation": "by_bundle_or_channel",
        "commercial_leadership": "product_owners_and_glue",
        "cvm_role": "with_segments",
    }
)


@dataclass(frozen=True)
class PerspectiveGroup:
    key: str
    label: Promise
    fields: list


class DiagnosticForm(forms.Form):
    """One required radio question per field, grouped by perspective.

    Reused by the workshop's flavor step: pass the stored answers as `initial`,
    or the POST as `data`, then call `result()` once the form is valid.
    """

    template_name = "flavors/_diagnostic_fields.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=[(c.key, c.label) for c in question.choices],
                widget=forms.RadioSelect(attrs={"class": "choices"}),
                help_text=question.help_text,
                error_messages={
                    "required": _("Choose one answer to this question."),
                    "invalid_choice": _("Choose one of the answers listed for this question."),
                },
            )

    def perspective_groups(self) -> list[PerspectiveGroup]:
        groups = []
        for perspective in Perspective:
            fields = [self[q.key] for q in QUESTIONS if q.perspective == perspective]
            if fields:
                groups.append(PerspectiveGroup(perspective.value, perspective.label, fields))
        return groups

    def result(self) -> DiagnosticResult:
        """The scored result of a valid form."""
        if not self.is_valid():
            raise ValueError("DiagnosticForm.result() needs a valid form.")
        return score({q.key: self.cleaned_data[q.key] for q in QUESTIONS})
