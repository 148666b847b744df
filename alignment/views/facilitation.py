"""The facilitator's controls on a step, following the facilitator, and dot votes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alignment import agenda
from alignment.access import get_workshop_for_user, require
from alignment.forms import BudgetForm, CountdownForm
from alignment.models import DotVote
from alignment.services import brainstorm, facilitation
from alignment.services.errors import Refused
from alignment.views.base import (
    get_item,
    item_step,
    items_response,
    step_url,
    unless_editable,
)

# Each control: (request, workshop, step) -> the confirmation to show, or "".
# A control refuses by raising `Refused` (from its workflow).


def _goto(request, workshop, step) -> str:
    facilitation.go_to_step(workshop, step, by=request.user)
    return _("Everyone who follows you is now on %(step)s.") % {"step": step.title}


def _countdown(request, workshop, step) -> str:
    form = CountdownForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose between 1 and 120 minutes."))
        return ""
    facilitation.start_countdown(workshop, form.cleaned_data["minutes"], by=request.user)
    return ""


def _countdown_stop(request, workshop, step) -> str:
    facilitation.stop_countdown(workshop, by=request.user)
    return ""


def _brainstorm(request, workshop, step) -> str:
    anonymous = request.POST.get("anonymous") == "1"
    moderated = request.POST.get("moderated") == "1"
    facilitation.open_brainstorm(
        workshop, item_step(step.slug), by=request.user, anonymous=anonymous, moderated=moderated
    )
    if anonymous:
        return _(
            "Anonymous private brainstorm: new answers stay hidden until you reveal them, "
            "and nobody will see who wrote them."
        )
    return _("Private brainstorm: new answers stay hidden until you reveal them.")


def _reveal(request, workshop, step) -> str:
    step = item_step(step.slug)
    count = facilitation.reveal(
        workshop, step, by=request.user, group=request.POST.get("group") == "1"
    )
    revealed = ngettext(
        "%(count)s answer revealed to everyone.",
        "%(count)s answers revealed to everyone.",
        count,
    ) % {"count": count}
    groups = brainstorm.shown_groups(workshop, step).count()
    if not groups:
        return revealed
    return " ".join(
        (
            revealed,
            ngettext(
                "%(count)s group of similar answers proposed: merge, split or rename it as you see fit.",
                "%(count)s groups of similar answers proposed: merge, split or rename them as you see fit.",
                groups,
            )
            % {"count": groups},
        )
    )


def _regroup(request, workshop, step) -> str:
    made = brainstorm.regroup(workshop, item_step(step.slug), by=request.user)
    return ngettext(
        "%(count)s group of similar answers proposed.",
        "%(count)s groups of similar answers proposed.",
        made,
    ) % {"count": made}


def _ungroup(request, workshop, step) -> str:
    brainstorm.ungroup_all(workshop, item_step(step.slug), by=request.user)
    return _("The answers are no longer grouped.")


def _vote(request, workshop, step) -> str:
    form = BudgetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give each person between 1 and 20 dots."))
        return ""
    facilitation.open_vote(
        workshop,
        item_step(step.slug),
        form.cleaned_data["budget"],
        by=request.user,
        on_groups=request.POST.get("on_groups") == "1",
    )
    return ""


def _vote_close(request, workshop, step) -> str:
    facilitation.close_vote(workshop, facilitation.open_vote_on(workshop, step), by=request.user)
    return ""


CONTROLS = {
    "goto": _goto,
    "countdown": _countdown,
    "countdown-stop": _countdown_stop,
    "brainstorm": _brainstorm,
    "reveal": _reveal,
    "regroup": _regroup,
    "ungroup": _ungroup,
    "vote": _vote,
    "vote-close": _vote_close,
}


@login_required
@require_POST
def facilitate(request: HttpRequest, workshop_id, slug: str, action: str) -> HttpResponse:
    """The facilitator's controls on a step: bring everyone here, countdown,
    brainstorm, reveal, vote. Each is one POST that changes the room for everyone."""
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    step = agenda.get_step(slug)
    control = CONTROLS.get(action)
    if control is None:
        raise Http404
    if refusal := unless_editable(request, access, step):
        return refusal
    try:
        done = control(request, access.workshop, step)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        if done:
            messages.success(request, done)
    return redirect(step_url(access.workshop, step))


@login_required
@require_POST
def follow(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    follows = request.POST.get("follows") == "1"
    # Resolve the step first: an unknown one is refused before anything is saved.
    step = agenda.get_step(request.POST.get("step") or access.workshop.current_step)
    facilitation.set_following(access.workshop, request.user, follows)
    if follows:
        messages.info(request, _("You follow the facilitator again."))
    else:
        messages.info(request, _("You move through the agenda on your own now."))
    return redirect(step_url(access.workshop, step))


@login_required
@require_POST
def dot(request: HttpRequest, workshop_id, slug: str, item_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.can_vote)
    step = item_step(slug)
    item = get_item(access, step, item_id)
    if refusal := unless_editable(request, access, step):
        return refusal
    vote = get_object_or_404(DotVote, workshop=access.workshop, step=step.slug, is_open=True)
    announce = ""
    status = 200
    try:
        if request.POST.get("take_back") == "1":
            facilitation.take_back_dot(access.workshop, vote, item.pk, by=request.user)
        else:
            facilitation.cast_dot(access.workshop, vote, item.pk, by=request.user)
    except Refused as refusal:
        announce = refusal.message
        status = 422
    if request.htmx:
        return items_response(request, access, step, status=status, extra={"announce": announce})
    if announce:
        messages.error(request, announce)
    return redirect(step_url(access.workshop, step))
