"""The workshop agenda as registered steps. Later steps register themselves here too."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from alignment import forms
from alignment.models import (
    Alternative,
    BusinessObjective,
    MajorInitiative,
    Need,
    Persona,
    StrategicBet,
    StrategyStatement,
)
from alignment.steps import Step, register

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
        votable=False,
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
