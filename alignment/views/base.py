"""What the pages of a workshop share: the step page's context, a step's list of
items as one person sees it, and how a refused request is answered.

Page modules build on this module; they do not import one another.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from alignment import agenda
from alignment.access import WorkshopAccess
from alignment.forms import BudgetForm, CountdownForm
from alignment.models import Dot, DotVote
from alignment.realtime import live
from alignment.services import revision
from alignment.services.errors import Refused


def step_url(workshop, step) -> str:
    return reverse("alignment:step", args=[workshop.pk, step.slug])


def refused(request: HttpRequest, refusal: Refused, back: str, *, status: int = 409):
    """A refusal answered to whoever asked: for htmx, its message with `status`
    (plain text: it may quote what someone typed); otherwise the page they came
    from, with the message on it."""
    if request.htmx:
        return HttpResponse(refusal.message, status=status, content_type="text/plain")
    messages.error(request, refusal.message)
    return redirect(back)


def unless_editable(request: HttpRequest, access: WorkshopAccess, step) -> HttpResponse | None:
    """Every view that changes a workshop asks this first: a signed workshop is
    refused with the one message, before the view does any work."""
    try:
        revision.check_editable(access.workshop)
    except Refused as refusal:
        return refused(request, refusal, step_url(access.workshop, step))
    return None


def item_step(slug: str) -> agenda.Step:
    step = agenda.get_step(slug)
    if not step.has_items:
        raise Http404(_("This step has no list of answers."))
    return step


def get_item(access: WorkshopAccess, step, item_id):
    """An item of this workshop that this person may see: another person's hidden
    brainstorm answer is not found, whatever one does with it."""
    return get_object_or_404(
        step.model.objects.visible_to(access.membership.user).select_related("author"),
        workshop=access.workshop,
        pk=item_id,
    )


def items_context(access: WorkshopAccess, step, user, *, editing=()) -> dict:
    """The items of a step as this person sees them, with their dots."""
    workshop = access.workshop
    visible = list(step.items(workshop).visible_to(user))
    hidden_count = step.model.objects.filter(workshop=workshop).hidden_from(user).count()
    vote = DotVote.objects.filter(workshop=workshop, step=step.slug).first()
    totals: Counter = Counter()
    mine: Counter = Counter()
    if vote is not None:
        for item_id, voter_id in Dot.objects.filter(vote=vote).values_list("item_id", "voter_id"):
            totals[item_id] += 1
            if voter_id == user.pk:
                mine[item_id] += 1
    frozen = workshop.is_frozen
    entries = [
        {
            "item": item,
            "can_edit": access.can_edit(item) and not frozen,
            "hidden": not item.revealed,
            "mine": mine[item.pk],
            "mine_range": range(mine[item.pk]),
            "total": totals[item.pk],
            "preserve": str(item.pk) in editing,
        }
        for item in visible
    ]
    if vote is not None and not vote.is_open:
        entries.sort(key=lambda e: -e["total"])
    return {
        "can_add": not frozen
        and (access.is_lead if step.lead_adds_only else access.can_contribute),
        "entries": entries,
        "hidden_count": hidden_count,
        "vote": vote,
        "vote_open": vote is not None and vote.is_open,
        "dots_left": (vote.budget - sum(mine.values())) if vote is not None else 0,
        "can_reorder": access.is_lead
        and not frozen
        and not (vote is not None and not vote.is_open),
        "brainstorm": workshop.brainstorm_step == step.slug,
        # Something here to reveal: the open brainstorm, or answers left hidden
        # by an earlier one.
        "unrevealed": workshop.brainstorm_step == step.slug
        or hidden_count > 0
        or any(e["hidden"] for e in entries),
    }


def items_response(request, access, step, *, status=200, extra=None) -> HttpResponse:
    """A step's list of items as this person sees it, for htmx to swap in place."""
    context = {
        "access": access,
        "workshop": access.workshop,
        "step": step,
        **items_context(access, step, request.user),
        **(extra or {}),
    }
    return render(request, "alignment/step.html#items", context, status=status)


def step_context(request: HttpRequest, access: WorkshopAccess, step, *, form=None) -> dict:
    """Everything a step page shows around its own content: the agenda, who is
    here, the facilitator's controls and, for an item step, its list and form."""
    workshop = access.workshop
    here = live.touch(workshop.pk, request.user.pk, step.slug)
    previous, following = agenda.neighbours(step)
    context = {
        "access": access,
        "workshop": workshop,
        "organization": workshop.organization,
        "step": step,
        "previous": previous,
        "following": following,
        "agenda": agenda.progress(workshop, step, viewer=request.user),
        "presence": live.presence(live.people(workshop.pk), here),
        "current": agenda.get_step(workshop.current_step) if workshop.current_step else None,
        "countdown_form": CountdownForm(),
        "budget_form": BudgetForm(),
    }
    if step.extra_context is not None:
        context.update(step.extra_context(access, step))
    if step.has_items:
        context.update(items_context(access, step, request.user))
        context["form"] = form or step.form_class(
            workshop=workshop, prefix="new", lead=access.is_lead
        )
    context["live_token"] = live.token(workshop.revision, here)
    return context
