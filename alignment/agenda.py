"""The workshop agenda as registered steps. Later steps register themselves here too."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from alignment import forms
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
    StrategicBet,
    StrategyStatement,
)
from alignment.steps import Step, register


def suggested_kpis(workshop, viewer) -> dict:
    """The catalogue, with the KPIs the workshop's flavor suggests listed first, and
    those already taken (among the KPIs this person sees) marked."""
    result = workshop.flavor_result
    codes: list[str] = []
    if result is not None:
        from flavors.models import Flavor

        for flavor in Flavor.objects.filter(code__in=result.flavor_codes):
            codes += [c for c in flavor.suggested_kpi_codes if c not in codes]
    used = set(
        Kpi.objects.filter(workshop=workshop)
        .visible_to(viewer)
        .values_list("catalogue__code", flat=True)
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


def library_for(workshop, viewer) -> dict:
    """The published handshake templates: the flavor's suggestions first, then
    every HIGH-impact area, then the rest, in library order."""
    from handshakes.models import HandshakeTemplate, Impact

    result = workshop.flavor_result
    suggested: list[str] = []
    if result is not None:
        from flavors.models import Flavor

        for flavor in Flavor.objects.filter(code__in=result.flavor_codes):
            suggested += [a for a in flavor.suggested_handshake_areas if a not in suggested]
    used = set(
        HandshakeAgreement.objects.filter(workshop=workshop)
        .visible_to(viewer)
        .values_list("template__area_id", flat=True)
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
    from handshakes.models import current_version_subquery

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


def _flavor_view(request, access, step):
    from alignment.views.flavor import flavor_step

    return flavor_step(request, access, step)


FLAVOR = register(
    Step(
        slug="flavor",
        title=_("CVM flavor"),
        question=_(
            "How is the organisation set up for CVM today? Answer the ten questions "
            "together; the diagnostic places you among the three CVM flavors."
        ),
        perspective=_("Starting point"),
        view=_flavor_view,
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
        model=Persona,
        form_class=forms.PersonaForm,
        related_name="personas",
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
        model=Need,
        form_class=forms.NeedForm,
        related_name="needs",
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
        model=Alternative,
        form_class=forms.AlternativeForm,
        related_name="alternatives",
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
        model=StrategyStatement,
        form_class=forms.StrategyForm,
        related_name="strategies",
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
        model=BusinessObjective,
        form_class=forms.ObjectiveForm,
        related_name="objectives",
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
        model=MajorInitiative,
        form_class=forms.InitiativeForm,
        related_name="initiatives",
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
        model=StrategicBet,
        form_class=forms.BetForm,
        related_name="bets",
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
        model=Kpi,
        form_class=forms.KpiForm,
        related_name="kpis",
        select_related=("catalogue",),
        prefetch_related=("bets",),
        item_template="alignment/items/_kpi.html",
        extra_context=lambda access, step: suggested_kpis(access.workshop, access.membership.user),
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
        model=MomentOfTruth,
        form_class=forms.MomentForm,
        related_name="mots",
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
        model=HandshakeAgreement,
        form_class=forms.AgreementForm,
        related_name="agreements",
        items_hook=_agreements_queryset,
        item_template="alignment/items/_agreement.html",
        add_template="alignment/items/_agreement_add.html",
        extra_context=lambda access, step: library_for(access.workshop, access.membership.user),
        after_save=lambda workshop, item, form, by, before: _record_agreement(
            workshop, item, form, by, before
        ),
        lead_adds_only=True,
        empty_hint=_("No agreements yet. Start with the areas the library marks as high impact."),
        guidance=(
            _("Every agreed handshake must trace to a bet."),
            _("High-impact areas left out of the setup show up as warnings in the review."),
        ),
    )
)


def _record_agreement(workshop, item, form, by, before):
    from alignment.services import record_agreement_change

    record_agreement_change(workshop, item, form, by, before)


def _review_view(request, access, step):
    from alignment.views.review import review_step

    return review_step(request, access, step)


def _review_context(access):
    from alignment.views.review import review_html

    return {"review_html": review_html(access, oob=True)}


REVIEW = register(
    Step(
        slug="review",
        title=_("Coherence review"),
        question=_(
            "Does the picture hold together? Every rule below must be met, or overridden "
            "with a reason, before the leaders sign."
        ),
        perspective=_("Review"),
        view=_review_view,
        live_partial="alignment/step_review.html#review_live",
        is_done=lambda workshop: workshop.status in ("review", "signing", "signed"),
        live_context=_review_context,
        guidance=(
            _("Fix blockers first: sign-off needs none of them."),
            _("The score is the share of rules met; it updates as the team fixes gaps."),
        ),
    )
)


def _signoff_view(request, access, step):
    from alignment.views.signoff import signoff_step

    return signoff_step(request, access, step)


def _signoff_context(access):
    from alignment.views.signoff import signoff_context

    return signoff_context(access)


SIGNOFF = register(
    Step(
        slug="signoff",
        title=_("Sign-off"),
        question=_(
            "Every leader signs the exact content below. When all have signed, the "
            "workshop is frozen and the signed report is produced."
        ),
        perspective=_("Review"),
        view=_signoff_view,
        is_done=lambda workshop: workshop.status == "signed",
        live_partial="alignment/step_signoff.html#signoff",
        live_context=_signoff_context,
        guidance=(
            _("A change to the content after a signature voids the signatures given so far."),
        ),
    )
)
