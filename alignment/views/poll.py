"""Live sync: the request every open workshop page makes every two seconds."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from alignment import agenda
from alignment.access import get_workshop_for_user
from alignment.forms import BudgetForm, CountdownForm
from alignment.models import Change
from alignment.realtime import live
from alignment.views.base import items_context, step_url

# What @never_cache says, without the dates it computes on every call: the poll's
# answers (304 or swaps) are for this moment only.
NO_STORE = "no-store, no-cache, must-revalidate, max-age=0"


@require_GET
def poll(request: HttpRequest, workshop_id) -> HttpResponse:
    """Answer 304 from one lookup when nothing changed; otherwise swap only what did.

    Called every two seconds by every open page, so the unchanged path must not
    render, write to the database or load more than the revision.
    """
    # The person straight from the (cached) session, read with the workshop's
    # state: loading the user row would double the cost of the unchanged path.
    # The organisation's members, cached with the revision, are the access check;
    # anything beyond "nothing changed" loads the user and checks access properly.
    slug = request.GET.get("step", "")
    found = live.check(workshop_id, request.session, slug)
    if found is None:
        if not request.user.is_authenticated:
            return HttpResponse(status=401)
        raise Http404
    revision, current_step, here = found
    token = live.token(revision, here)
    client_token = request.GET.get("v", "")
    if client_token == token:
        unchanged = HttpResponseNotModified()
        unchanged.headers["Cache-Control"] = NO_STORE
        return unchanged

    client_revision, client_print = live.parse_token(client_token)
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    access = get_workshop_for_user(request.user, workshop_id)
    step = agenda.get_step(slug) if slug else None
    touched_steps: set[str] = set()
    facilitation = False
    moved = False
    if client_revision is None or client_revision > revision or revision - client_revision > 100:
        facilitation = True
        touched_steps = {s.slug for s in agenda.all_steps()}
    elif client_revision < revision:
        for step_slug, is_facilitation, is_move in Change.objects.filter(
            workshop_id=workshop_id, revision__gt=client_revision
        ).values_list("step", "facilitation", "moved"):
            touched_steps.add(step_slug)
            facilitation = facilitation or is_facilitation
            moved = moved or is_move

    if (
        moved
        and step is not None
        and access.follows_facilitator
        and not access.is_lead
        and current_step
        and current_step != step.slug
    ):
        return HttpResponseClientRedirect(step_url(access.workshop, agenda.get_step(current_step)))

    context = {
        "access": access,
        "workshop": access.workshop,
        "step": step,
        "live_token": token,
        "swap_presence": client_print != live.fingerprint(here),
        "swap_facilitation": facilitation,
        "swap_agenda": bool(touched_steps) or facilitation,
        "swap_items": step is not None and step.has_items and step.slug in touched_steps,
    }
    if context["swap_presence"]:
        context["presence"] = live.presence(live.people(access.workshop.pk), here)
    if context["swap_agenda"]:
        context["agenda"] = agenda.progress(access.workshop, step, viewer=request.user)
        context["current"] = agenda.get_step(current_step) if current_step else None
    if context["swap_facilitation"] and step is not None:
        context["countdown_form"] = CountdownForm()
        context["budget_form"] = BudgetForm()
    if step is not None and step.live_partial and (touched_steps or facilitation):
        context["live_partial"] = step.live_partial
        context.update(step.live_context_function(access))
    if context["swap_items"] or (
        context["swap_facilitation"] and step is not None and step.has_items
    ):
        context["swap_items"] = True
        editing = set(request.GET.getlist("editing"))
        context.update(items_context(access, step, request.user, editing=editing))
    response = render(request, "alignment/_live.html", context)
    response.headers["Cache-Control"] = NO_STORE
    return response
