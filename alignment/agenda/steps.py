"""The workshop agenda: its thirteen steps, in order, and the kind of item each
item step collects. A new step is one `register()` here; a new kind of item is
one `Kind` in its step, plus its model, form and templates."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from alignment.agenda.kinds import (
    DESCRIPTION,
    TITLE,
    CatalogueEntry,
    Choice,
    CoveredHandshakes,
    Derived,
    Flag,
    Kind,
    LibraryTemplate,
    Links,
    Number,
    Parent,
    Text,
)
from alignment.agenda.registry import Step, register
from alignment.models import (
    AgreementEvent,
    Alternative,
    BusinessObjective,
    CatalogueKpi,
    HandshakeAgreement,
    Kpi,
    MajorInitiative,
    MomentOfTruth,
    Need,
    Persona,
    Status,
    StrategicBet,
    StrategyStatement,
)
from flavors.models import Flavor
from handshakes.models import HandshakeTemplate, Impact, current_version_subquery


def suggested_kpis(workshop) -> dict:
    """The catalogue, with the KPIs the workshop's flavor suggests listed first, and
    those already taken (among the KPIs the room sees: revealed ones) marked."""
    result = workshop.flavor_result
    codes: list[str] = []
    if result is not None:
        for flavor in Flavor.objects.filter(code__in=result.flavor_codes):
            codes += [c for c in flavor.suggested_kpi_codes if c not in codes]
    used = set(
        Kpi.objects.filter(workshop=workshop, revealed=True).values_list(
            "catalogue__code", flat=True
        )
    )
    catalogue = list(CatalogueKpi.objects.order_by("order", "name"))
    rank = {code: i for i, code in enumerate(codes)}
    catalogue.sort(key=lambda k: (k.code not in rank, rank.get(k.code, 0), k.order))
    return {
        "catalogue": [
            {"kpi": k, "suggested": k.code in rank, "used": k.code in used} for k in catalogue
        ],
        "flavor_result": result,
    }


def library_for(workshop) -> dict:
    """The published handshake templates: the flavor's suggestions first, then
    every HIGH-impact area, then the rest, in library order."""
    result = workshop.flavor_result
    suggested: list[str] = []
    if result is not None:
        for flavor in Flavor.objects.filter(code__in=result.flavor_codes):
            suggested += [a for a in flavor.suggested_handshake_areas if a not in suggested]
    used = set(
        HandshakeAgreement.objects.filter(workshop=workshop, revealed=True).values_list(
            "template__area_id", flat=True
        )
    )
    templates = list(
        HandshakeTemplate.objects.published().select_related("area").in_library_order()
    )
    rank = {slug: i for i, slug in enumerate(suggested)}

    def order(t):
        if t.area.slug in rank:
            return (0, rank[t.area.slug])
        return (1 if t.impact == Impact.HIGH else 2, t.area.order)

    templates.sort(key=order)
    return {
        "library": [
            {
                "template": t,
                "suggested": t.area.slug in rank,
                "used": t.area_id in used,
            }
            for t in templates
        ],
        "flavor_result": result,
    }


def _agreements_queryset(queryset):
    return (
        queryset.select_related("template__area")
        .annotate(current_version=current_version_subquery("template__area"))
        .prefetch_related(
            "bets", Prefetch("events", queryset=AgreementEvent.objects.select_related("author"))
        )
    )


CUSTOMER = _("Customer perspective")
BUSINESS = _("Business perspective")
COMMITMENT = _("Commitment")


def _continues_a_quarter(workshop) -> bool:
    return bool(workshop.previous_id)


def _last_quarter_reviewed(workshop) -> bool:
    """Every bet of the quarter this one continues has its outcome."""
    previous = workshop.previous
    return previous.status == Status.SIGNED and not previous.bets.filter(outcome=None).exists()


RESULTS = register(
    Step(
        slug="results",
        title=_("Last quarter's results"),
        question=_(
            "What did last quarter's KPIs actually do, and did its bets pay off? Look "
            "at each target against its latest actual, and agree on each bet's outcome "
            "before committing to this quarter."
        ),
        perspective=_("Starting point"),
        view="alignment.views.results.results_step",
        live_partial="alignment/step_results.html#results_live",
        live_context="alignment.views.results.results_live_context",
        applies=_continues_a_quarter,
        is_done=_last_quarter_reviewed,
        guidance=(
            _(
                "A bet that missed and carries on says what changes: write it in the outcome's note."
            ),
            _("No data is a finding too: agree who brings the figure next time."),
        ),
    )
)
FLAVOR = register(
    Step(
        slug="flavor",
        title=_("CVM flavor"),
        question=_(
            "How is the organisation set up for CVM today? Answer the ten questions "
            "together; the diagnostic places you among the three CVM flavors."
        ),
        perspective=_("Starting point"),
        view="alignment.views.flavor.flavor_step",
        is_done=lambda workshop: bool(workshop.flavor_answers),
        guidance=(
            _("Answer for how things work today, not how you would like them to work."),
            _("Where the team disagrees, note it: that is part of the alignment."),
        ),
    )
)
PERSONA = register(
    Step(
        slug="persona",
        title=_("Personas"),
        question=_("Who are our customers? Name the personas that make up the base."),
        perspective=CUSTOMER,
        kind=Kind(
            "personas",
            Persona,
            "P",
            ("aspects", "personas"),
            fields=(TITLE, DESCRIPTION, Number("share_of_base")),
            compared=("title", "description", "share_of_base"),
        ),
        form="alignment.forms.PersonaForm",
        item_template="alignment/items/_persona.html",
        empty_hint=_("No personas yet. Start with the groups that carry most of the base."),
        guidance=(
            _("Describe people, not products: what their life or business looks like."),
            _("Give each persona its rough share of the customer base."),
            _("Three to six personas usually cover a telco's base."),
        ),
    )
)
NEEDS = register(
    Step(
        slug="needs",
        title=_("Needs"),
        question=_("What does each persona need from us? Write the job they hire us for."),
        perspective=CUSTOMER,
        kind=Kind(
            "needs",
            Need,
            "N",
            ("aspects", "needs"),
            fields=(TITLE, DESCRIPTION, Parent("persona")),
            compared=("title", "description"),
            load_related=("persona",),
        ),
        form="alignment.forms.NeedForm",
        select_related=("persona",),
        item_template="alignment/items/_need.html",
        empty_hint=_("No needs yet. Pick a persona and write what they are trying to get done."),
        guidance=(
            _("Every need belongs to a persona."),
            _("Write the outcome the customer wants, not the feature we sell."),
        ),
    )
)
ALTERNATIVES = register(
    Step(
        slug="alternatives",
        title=_("Alternatives"),
        question=_("What would they use instead of us: a competitor, a substitute, or nothing?"),
        perspective=CUSTOMER,
        kind=Kind(
            "alternatives",
            Alternative,
            "A",
            ("aspects", "alternatives"),
            fields=(
                TITLE,
                DESCRIPTION,
                Choice("kind", label="kind_label", required=True),
                Parent("need"),
            ),
            compared=("title", "description", "kind"),
            load_related=("need",),
        ),
        form="alignment.forms.AlternativeForm",
        select_related=("need", "need__persona"),
        item_template="alignment/items/_alternative.html",
        empty_hint=_("No alternatives yet. For each important need, ask what else would serve it."),
        guidance=(
            _("Each alternative answers a need."),
            _("Doing nothing is often the strongest alternative."),
        ),
    )
)
STRATEGY = register(
    Step(
        slug="strategy",
        title=_("Strategy"),
        question=_("Where is the company going? State the chosen direction in a few sentences."),
        perspective=BUSINESS,
        kind=Kind(
            "strategies",
            StrategyStatement,
            "S",
            ("aspects", "strategies"),
            fields=(TITLE, DESCRIPTION),
            compared=("title", "description"),
        ),
        form="alignment.forms.StrategyForm",
        item_template="alignment/items/_generic.html",
        empty_hint=_("No strategy statements yet. Two or three clear choices are enough."),
        guidance=(_("A statement is a choice: it says what the company will and will not do."),),
    )
)
OBJECTIVES = register(
    Step(
        slug="objectives",
        title=_("Business objectives"),
        question=_("Which measurable objectives follow from the strategy?"),
        perspective=BUSINESS,
        kind=Kind(
            "objectives",
            BusinessObjective,
            "O",
            ("aspects", "objectives"),
            fields=(TITLE, DESCRIPTION, Parent("strategy"), Text("metric"), Text("target")),
            compared=("title", "description", "metric", "target"),
            load_related=("strategy",),
        ),
        form="alignment.forms.ObjectiveForm",
        select_related=("strategy",),
        item_template="alignment/items/_objective.html",
        empty_hint=_("No objectives yet. Give each strategy statement one or two objectives."),
        guidance=(
            _("Every objective sits under a strategy statement."),
            _("Name the metric and the target, so everyone knows when it is met."),
        ),
    )
)
INITIATIVES = register(
    Step(
        slug="initiatives",
        title=_("Major initiatives"),
        question=_("Which big programmes will deliver the objectives?"),
        perspective=BUSINESS,
        kind=Kind(
            "initiatives",
            MajorInitiative,
            "I",
            ("aspects", "initiatives"),
            fields=(TITLE, DESCRIPTION, Parent("objective"), Text("owner"), Text("due_quarter")),
            compared=("title", "description", "owner", "due_quarter"),
            load_related=("objective",),
        ),
        form="alignment.forms.InitiativeForm",
        select_related=("objective",),
        item_template="alignment/items/_initiative.html",
        empty_hint=_("No initiatives yet. List the programmes that already have money and people."),
        guidance=(_("Every initiative serves an objective and has an owner."),),
    )
)
BETS = register(
    Step(
        slug="bets",
        title=_("Strategic bets"),
        question=_(
            "What do we commit to? For a persona whose need is served today by an "
            "alternative, we will make a move, because it advances an objective "
            "through an initiative."
        ),
        perspective=COMMITMENT,
        kind=Kind(
            "bets",
            StrategicBet,
            "B",
            ("bets",),
            fields=(TITLE, DESCRIPTION, *(Links(name) for name in StrategicBet.LINK_FIELDS)),
            compared=("title", "description"),
            load_reverse=("kpis",),
        ),
        form="alignment.forms.BetForm",
        prefetch_related=("personas", "needs", "alternatives", "objectives", "initiatives"),
        item_template="alignment/items/_bet.html",
        empty_hint=_("No bets yet. A good bet names a persona, a need and an objective."),
        guidance=(
            _("Link every bet to at least one persona, one need and one objective."),
            _(
                "Later, every KPI, high-priority Moment of Truth and agreed handshake must trace to a bet."
            ),
        ),
    )
)
KPIS = register(
    Step(
        slug="kpis",
        title=_("CVM KPIs"),
        question=_(
            "How will we know the bets work? Choose the CVM KPIs, with a baseline, a "
            "target and an owner, and trace each to the bets it measures."
        ),
        perspective=COMMITMENT,
        kind=Kind(
            "kpis",
            Kpi,
            "K",
            ("kpis",),
            fields=(
                TITLE,
                DESCRIPTION,
                Choice("category", label="category_label"),
                Text("unit"),
                Choice("direction", default="up"),
                Number("baseline"),
                Number("target"),
                Text("target_quarter"),
                Text("owner"),
                CatalogueEntry(),
                Links("bets"),
            ),
            compared=(
                "title",
                "description",
                "unit",
                "direction",
                "baseline",
                "target",
                "target_quarter",
                "owner",
            ),
            load_related=("catalogue",),
        ),
        form="alignment.forms.KpiForm",
        select_related=("catalogue",),
        prefetch_related=("bets",),
        item_template="alignment/items/_kpi.html",
        extra_context=lambda access, step: suggested_kpis(access.workshop),
        add_template="alignment/items/_kpi_add.html",
        empty_hint=_(
            "No KPIs yet. Start from the catalogue; customer lifetime value balances all the others."
        ),
        guidance=(
            _("Every bet needs at least one KPI, and every KPI must trace to a bet."),
            _("Give each KPI a baseline and a target, so progress can be read next quarter."),
        ),
    )
)
MOMENTS = register(
    Step(
        slug="mots",
        title=_("Moments of Truth"),
        question=_(
            "Where in the journey is loyalty won or lost? Rate each moment's impact and "
            "how well we handle it today."
        ),
        perspective=COMMITMENT,
        kind=Kind(
            "mots",
            MomentOfTruth,
            "M",
            ("mots",),
            fields=(
                TITLE,
                DESCRIPTION,
                Choice("journey_stage", label="journey_stage_label", required=True),
                Choice("lifecycle_stage", label="lifecycle_stage_label", required=True),
                Choice("channel", label="channel_label", required=True),
                Parent("persona"),
                Number("impact", required=True),
                Number("performance", required=True),
                Derived("priority", "priority"),
                Derived("high", "is_high_priority"),
                Flag("marked_high"),
                Text("high_reason"),
                Links("bets"),
                Links("kpis"),
            ),
            compared=(
                "title",
                "description",
                "journey_stage",
                "lifecycle_stage",
                "channel",
                "impact",
                "performance",
            ),
            load_related=("persona",),
        ),
        form="alignment.forms.MomentForm",
        select_related=("persona",),
        prefetch_related=("bets", "kpis"),
        item_template="alignment/items/_mot.html",
        empty_hint=_(
            "No Moments of Truth yet. Think of the third bad invoice, the contract about to end, the data that runs out."
        ),
        guidance=(
            _("Priority is impact times (6 minus performance): 15 or more is high priority."),
            _("Every high-priority moment must trace to a bet."),
        ),
    )
)
COLLABORATION = register(
    Step(
        slug="collaboration",
        title=_("Collaboration setup"),
        question=_(
            "Which functional areas must work with CVM for the bets to succeed, and what "
            "have we agreed with each? Take the handshakes from the library and negotiate them."
        ),
        perspective=COMMITMENT,
        kind=Kind(
            "agreements",
            HandshakeAgreement,
            "H",
            ("agreements",),
            # The agreement's text is the template's: the snapshot names it by
            # area and version, with what was negotiated on top.
            fields=(
                TITLE,
                LibraryTemplate(),
                Text("owner"),
                Choice("status", label="status_label", required=True),
                Number("quality", required=True),
                Links("bets"),
                CoveredHandshakes(),
            ),
            compared=("title", "description", "owner", "status", "quality"),
            load_related=("template__area",),
        ),
        form="alignment.forms.AgreementForm",
        items_hook=_agreements_queryset,
        item_template="alignment/items/_agreement.html",
        add_template="alignment/items/_agreement_add.html",
        extra_context=lambda access, step: library_for(access.workshop),
        after_save="alignment.services.items.record_agreement_change",
        lead_adds_only=True,
        empty_hint=_("No agreements yet. Start with the areas the library marks as high impact."),
        guidance=(
            _("Every agreed handshake must trace to a bet."),
            _("High-impact areas left out of the setup show up as warnings in the review."),
        ),
    )
)


REVIEW = register(
    Step(
        slug="review",
        title=_("Coherence review"),
        question=_(
            "Does the picture hold together? Every rule below must be met, or overridden "
            "with a reason, before the leaders sign."
        ),
        perspective=_("Review"),
        view="alignment.views.review.review_step",
        live_partial="alignment/step_review.html#review_live",
        is_done=lambda workshop: workshop.status in (Status.REVIEW, Status.SIGNING, Status.SIGNED),
        live_context="alignment.views.review.review_live_context",
        guidance=(
            _("Fix blockers first: sign-off needs none of them."),
            _("The score is the share of rules met; it updates as the team fixes gaps."),
        ),
    )
)


SIGNOFF = register(
    Step(
        slug="signoff",
        title=_("Sign-off"),
        question=_(
            "Every leader signs the exact content below. When all have signed, the "
            "workshop is frozen and the signed report is produced."
        ),
        perspective=_("Review"),
        view="alignment.views.signoff.signoff_step",
        is_done=lambda workshop: workshop.status == Status.SIGNED,
        live_partial="alignment/step_signoff.html#signoff",
        live_context="alignment.views.signoff.signoff_context",
        live_personal=True,
        guidance=(
            _("A change to the content after a signature voids the signatures given so far."),
        ),
    )
)
