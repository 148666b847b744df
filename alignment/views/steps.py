"""The facilitated step pages: items, inline editing, brainstorm, dot vote, live sync.

One set of views serves every step that collects items; the step registry says
which model, form and templates a step uses.
"""

from __future__ import annotations

from collections import Counter
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from alignment import live, pagecache, services, steps
from alignment.access import WorkshopAccess, get_workshop_for_user, require
from alignment.forms import BudgetForm, CommentForm, CountdownForm
from alignment.models import Change, Dot, DotVote
from alignment.views.workshops import agenda


def _step_url(workshop, step) -> str:
    return reverse("alignment:step", args=[workshop.pk, step.slug])


FROZEN = _lazy("This workshop is signed and frozen. Start the next quarter to make changes.")


def _frozen_response(request, access: WorkshopAccess, step) -> HttpResponse | None:
    """Every changing view asks this first: a signed workshop refuses with a message."""
    if not access.workshop.is_frozen:
        return None
    if request.htmx:
        return HttpResponse(str(FROZEN), status=409)
    messages.error(request, FROZEN)
    return redirect(_step_url(access.workshop, step))


def _item_step(slug: str) -> steps.Step:
    step = steps.get_step(slug)
    if not step.has_items:
        raise Http404(_("This step has no list of answers."))
    return step


def _get_item(access: WorkshopAccess, step, item_id):
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


def step_context(request: HttpRequest, access: WorkshopAccess, step, *, form=None) -> dict:
    workshop = access.workshop
    here = live.touch(workshop.pk, request.user.pk, step.slug)
    previous, following = steps.neighbours(step)
    context = {
        "access": access,
        "workshop": workshop,
        "organization": workshop.organization,
        "step": step,
        "previous": previous,
        "following": following,
        "agenda": agenda(workshop, step, viewer=request.user),
        "presence": live.presence(live.people(workshop.pk), here),
        "current": steps.get_step(workshop.current_step) if workshop.current_step else None,
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


@login_required
@require_http_methods(["GET", "POST"])
def step_page(request: HttpRequest, workshop_id, slug: str) -> HttpResponse:
    step = steps.get_step(slug)
    if step.view is not None:
        return pagecache.serve(
            request, workshop_id, step.slug, partial(step.view, request, step=step)
        )
    if request.method == "POST":
        get_workshop_for_user(request.user, workshop_id)  # outsiders: 404, as everywhere
        return HttpResponse(status=405)

    def build(access: WorkshopAccess) -> HttpResponse:
        return render(request, "alignment/step.html", step_context(request, access, step))

    return pagecache.serve(request, workshop_id, step.slug, build)


def _items_response(request, access, step, *, status=200, extra=None) -> HttpResponse:
    context = {
        "access": access,
        "workshop": access.workshop,
        "step": step,
        **items_context(access, step, request.user),
        **(extra or {}),
    }
    return render(request, "alignment/step.html#items", context, status=status)


@login_required
@require_POST
def item_create(request: HttpRequest, workshop_id, slug: str) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    step = _item_step(slug)
    require(access.is_lead if step.lead_adds_only else access.can_contribute)
    workshop = access.workshop
    if refused := _frozen_response(request, access, step):
        return refused
    form = step.form_class(request.POST, workshop=workshop, prefix="new", lead=access.is_lead)
    error = None
    if form.is_valid():
        try:
            services.add_item(workshop, step, form, by=request.user)
        except services.ServiceError as refusal:
            error = refusal.message
        else:
            if request.htmx:
                fresh = step.form_class(workshop=workshop, prefix="new", lead=access.is_lead)
                context = {
                    "access": access,
                    "workshop": workshop,
                    "step": step,
                    "form": fresh,
                    **items_context(access, step, request.user),
                    "announce": _("Added."),
                }
                return render(request, "alignment/step.html#item_added", context)
            messages.success(request, _("Added."))
            return redirect(_step_url(workshop, step))
    if error:
        form.add_error(None, error)
    if request.htmx:
        context = {"access": access, "workshop": workshop, "step": step, "form": form}
        return render(request, "alignment/step.html#add_form", context, status=422)
    return render(
        request, "alignment/step.html", step_context(request, access, step, form=form), status=422
    )


def _item_partial(request, access, step, item, *, status=200) -> HttpResponse:
    context = {
        "access": access,
        "workshop": access.workshop,
        "step": step,
        **items_context(access, step, request.user),
    }
    entry = next((e for e in context["entries"] if e["item"].pk == item.pk), None)
    if entry is None:
        return HttpResponse(status=status)
    context["entry"] = entry
    return render(request, "alignment/step.html#item", context, status=status)


@login_required
@require_GET
def item_detail(request: HttpRequest, workshop_id, slug: str, item_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    step = _item_step(slug)
    item = _get_item(access, step, item_id)
    if not request.htmx:
        return redirect(_step_url(access.workshop, step))
    return _item_partial(request, access, step, item)


@login_required
def item_edit(request: HttpRequest, workshop_id, slug: str, item_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    step = _item_step(slug)
    item = _get_item(access, step, item_id)
    require(access.can_edit(item))
    workshop = access.workshop
    prefix = f"edit-{item.pk}"
    if refused := _frozen_response(request, access, step):
        return refused
    conflict = None
    status = 200
    if request.method == "POST":
        form = step.form_class(
            request.POST, instance=item, workshop=workshop, prefix=prefix, lead=access.is_lead
        )
        if form.is_valid():
            try:
                saved = services.update_item(
                    workshop,
                    step,
                    item,
                    form,
                    expected_version=form.cleaned_data.get("version"),
                    by=request.user,
                )
            except services.Conflict as clash:
                conflict = clash.current
                # Keep what this person typed, but against the version now saved, so a
                # second save is a deliberate choice to replace the other person's text.
                data = request.POST.copy()
                data[f"{prefix}-version"] = str(conflict.version)
                # A fresh instance: validating the form writes the typed text into it,
                # and the conflict panel must keep showing what is saved.
                fresh = step.model.objects.get(pk=item.pk)
                form = step.form_class(
                    data, instance=fresh, workshop=workshop, prefix=prefix, lead=access.is_lead
                )
                form.is_valid()
                status = 409
            except services.ServiceError as refusal:
                form.add_error(None, refusal.message)
                status = 422
            else:
                if request.htmx:
                    return _item_partial(request, access, step, saved)
                messages.success(request, _("Saved."))
                return redirect(_step_url(workshop, step))
        else:
            status = 422
    else:
        form = step.form_class(instance=item, workshop=workshop, prefix=prefix, lead=access.is_lead)
    context = {
        "access": access,
        "workshop": workshop,
        "organization": workshop.organization,
        "step": step,
        "item": item,
        "form": form,
        "conflict": conflict,
    }
    template = "alignment/step.html#item_form" if request.htmx else "alignment/item_edit.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def item_delete(request: HttpRequest, workshop_id, slug: str, item_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    step = _item_step(slug)
    item = _get_item(access, step, item_id)
    require(access.can_edit(item))
    if refused := _frozen_response(request, access, step):
        return refused
    try:
        services.delete_item(access.workshop, step, item, by=request.user)
    except services.ServiceError as refusal:
        messages.error(request, refusal.message)
        return redirect(_step_url(access.workshop, step))
    if request.htmx:
        return _items_response(request, access, step, extra={"announce": _("Deleted.")})
    messages.success(request, _("Deleted."))
    return redirect(_step_url(access.workshop, step))


@login_required
@require_POST
def item_move(request: HttpRequest, workshop_id, slug: str, item_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    step = _item_step(slug)
    item = _get_item(access, step, item_id)
    if refused := _frozen_response(request, access, step):
        return refused
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(_("Move up or down."), status=400)
    try:
        services.move(access.workshop, step, item, direction, by=request.user)
    except services.ServiceError as refusal:
        messages.error(request, refusal.message)
    if request.htmx:
        return _items_response(
            request,
            access,
            step,
            extra={"announce": _("Moved %(title)s.") % {"title": item.title}, "focus": item.pk},
        )
    return redirect(_step_url(access.workshop, step))


@login_required
@require_POST
def step_reorder(request: HttpRequest, workshop_id, slug: str) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    step = _item_step(slug)
    if refused := _frozen_response(request, access, step):
        return refused
    try:
        services.reorder(access.workshop, step, request.POST.getlist("order"), by=request.user)
    except services.ServiceError as refusal:
        return _items_response(
            request, access, step, status=409, extra={"announce": refusal.message}
        )
    return _items_response(request, access, step, extra={"announce": _("New order saved.")})


# Facilitation ----------------------------------------------------------------------


def _back(request, access: WorkshopAccess, step=None) -> HttpResponse:
    step = step or steps.get_step(access.workshop.current_step or steps.first_step().slug)
    return redirect(_step_url(access.workshop, step))


@login_required
@require_POST
def facilitate(request: HttpRequest, workshop_id, slug: str, action: str) -> HttpResponse:
    """The facilitator's controls on a step: bring everyone here, countdown,
    brainstorm, reveal, vote. Each is one POST that changes the room for everyone."""
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    step = steps.get_step(slug)
    workshop = access.workshop
    if refused := _frozen_response(request, access, step):
        return refused
    try:
        if action == "goto":
            services.go_to_step(workshop, step, by=request.user)
            messages.success(
                request, _("Everyone who follows you is now on %(step)s.") % {"step": step.title}
            )
        elif action == "countdown":
            form = CountdownForm(request.POST)
            if not form.is_valid():
                raise services.ServiceError(_("Choose between 1 and 120 minutes."))
            services.start_countdown(workshop, form.cleaned_data["minutes"], by=request.user)
        elif action == "countdown-stop":
            services.stop_countdown(workshop, by=request.user)
        elif action == "brainstorm":
            services.open_brainstorm(workshop, _item_step(slug), by=request.user)
            messages.success(
                request, _("Private brainstorm: new answers stay hidden until you reveal them.")
            )
        elif action == "reveal":
            count = services.reveal(workshop, _item_step(slug), by=request.user)
            messages.success(
                request,
                ngettext(
                    "%(count)s answer revealed to everyone.",
                    "%(count)s answers revealed to everyone.",
                    count,
                )
                % {"count": count},
            )
        elif action == "vote":
            form = BudgetForm(request.POST)
            if not form.is_valid():
                raise services.ServiceError(_("Give each person between 1 and 20 dots."))
            services.open_vote(
                workshop, _item_step(slug), form.cleaned_data["budget"], by=request.user
            )
        elif action == "vote-close":
            vote = DotVote.objects.filter(workshop=workshop, step=slug, is_open=True).first()
            if vote is None:
                raise services.ServiceError(_("There is no open vote on this step."))
            services.close_vote(workshop, vote, by=request.user)
        else:
            raise Http404
    except services.ServiceError as refusal:
        messages.error(request, refusal.message)
    return _back(request, access, step)


@login_required
@require_POST
def follow(request: HttpRequest, workshop_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    follows = request.POST.get("follows") == "1"
    # Resolve the step first: an unknown one is refused before anything is saved.
    step = steps.get_step(request.POST.get("step") or access.workshop.current_step)
    services.set_following(access.workshop, request.user, follows)
    if follows:
        messages.info(request, _("You follow the facilitator again."))
    else:
        messages.info(request, _("You move through the agenda on your own now."))
    return redirect(_step_url(access.workshop, step))


@login_required
@require_POST
def dot(request: HttpRequest, workshop_id, slug: str, item_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.can_vote)
    step = _item_step(slug)
    item = _get_item(access, step, item_id)
    if refused := _frozen_response(request, access, step):
        return refused
    vote = get_object_or_404(DotVote, workshop=access.workshop, step=step.slug, is_open=True)
    announce = ""
    status = 200
    try:
        if request.POST.get("take_back") == "1":
            services.take_back_dot(access.workshop, vote, item.pk, by=request.user)
        else:
            services.cast_dot(access.workshop, vote, item.pk, by=request.user)
    except services.ServiceError as refusal:
        announce = refusal.message
        status = 422
    if request.htmx:
        return _items_response(request, access, step, status=status, extra={"announce": announce})
    if announce:
        messages.error(request, announce)
    return redirect(_step_url(access.workshop, step))


# Live sync -----------------------------------------------------------------------------

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
    step = steps.get_step(slug) if slug else None
    touched_steps: set[str] = set()
    facilitation = False
    moved = False
    if client_revision is None or client_revision > revision or revision - client_revision > 100:
        facilitation = True
        touched_steps = {s.slug for s in steps.all_steps()}
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
        return HttpResponseClientRedirect(_step_url(access.workshop, steps.get_step(current_step)))

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
        context["agenda"] = agenda(access.workshop, step, viewer=request.user)
        context["current"] = steps.get_step(current_step) if current_step else None
    if context["swap_facilitation"] and step is not None:
        context["countdown_form"] = CountdownForm()
        context["budget_form"] = BudgetForm()
    if step is not None and step.live_partial and (touched_steps or facilitation):
        context["live_partial"] = step.live_partial
        context.update(step.live_context(access))
    if context["swap_items"] or (
        context["swap_facilitation"] and step is not None and step.has_items
    ):
        context["swap_items"] = True
        editing = set(request.GET.getlist("editing"))
        context.update(items_context(access, step, request.user, editing=editing))
    response = render(request, "alignment/_live.html", context)
    response.headers["Cache-Control"] = NO_STORE
    return response


@login_required
@require_POST
def agreement_comment(request: HttpRequest, workshop_id, item_id) -> HttpResponse:
    """Leaders comment on an agreement; the lead changes its status in the edit form."""
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.can_contribute)
    step = _item_step("collaboration")
    agreement = _get_item(access, step, item_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_on_agreement(
                access.workshop, agreement, form.cleaned_data["comment"], by=request.user
            )
        except services.ServiceError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Comment added."))
    else:
        messages.error(request, form.errors["comment"][0])
    return redirect(_step_url(access.workshop, step) + f"#item-{agreement.pk}")
