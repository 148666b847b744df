"""A step's page, and the answers on it: add, read, edit, delete, reorder.

One set of views serves every step that collects items; the step registry says
which kind of item, form and templates a step uses.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alignment import agenda
from alignment.access import WorkshopAccess, get_workshop_for_user, require
from alignment.forms import CommentForm
from alignment.realtime import pagecache
from alignment.services import items
from alignment.services.errors import Conflict, Refused
from alignment.views.base import (
    get_item,
    item_step,
    items_context,
    items_response,
    personal_context,
    refused,
    step_context,
    step_url,
    unless_editable,
)


@login_required
@require_http_methods(["GET", "POST"])
def step_page(request: HttpRequest, workshop_id, slug: str) -> HttpResponse:
    step = agenda.get_step(slug)
    if step.view_function is not None:
        return pagecache.serve(
            request, workshop_id, step.slug, partial(step.view_function, request, step=step)
        )
    if request.method == "POST":
        get_workshop_for_user(request.user, workshop_id)  # outsiders: 404, as everywhere
        return HttpResponse(status=405)

    def build(access: WorkshopAccess) -> HttpResponse:
        return render(request, "alignment/step.html", step_context(request, access, step))

    return pagecache.serve(
        request, workshop_id, step.slug, build, personal=partial(personal_slots, step=step)
    )


def personal_slots(request: HttpRequest, access: WorkshopAccess, *, step) -> dict[str, str]:
    """What is one person's on a step page shared by their rights class: their
    account, their hidden answers, their dots, whether they follow the facilitator."""
    context = {**personal_context(access, step), "csrf_token": pagecache.CSRF_MARK}
    slots = {
        name: render_to_string(f"alignment/step.html#{name}", context, request)
        for name in ("own", "mine", "follow")
    }
    account = render_to_string("base.html#account", {"csrf_token": pagecache.CSRF_MARK}, request)
    return {**slots, "account": account}


@login_required
@require_POST
def item_create(request: HttpRequest, workshop_id, slug: str) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    step = item_step(slug)
    require(access.is_lead if step.lead_adds_only else access.can_contribute)
    workshop = access.workshop
    if refusal := unless_editable(request, access, step):
        return refusal
    form = step.form_class(request.POST, workshop=workshop, prefix="new", lead=access.is_lead)
    error = None
    if form.is_valid():
        try:
            items.add_item(workshop, step, form, by=request.user)
        except Refused as refusal:
            error = refusal.message
        else:
            if request.htmx:
                fresh = step.form_class(workshop=workshop, prefix="new", lead=access.is_lead)
                context = {
                    "access": access,
                    "workshop": workshop,
                    "step": step,
                    "form": fresh,
                    **items_context(access, step),
                    "announce": _("Added."),
                }
                return render(request, "alignment/step.html#item_added", context)
            messages.success(request, _("Added."))
            return redirect(step_url(workshop, step))
    if error:
        form.add_error(None, error)
    if request.htmx:
        context = {"access": access, "workshop": workshop, "step": step, "form": form}
        return render(request, "alignment/step.html#add_form", context, status=422)
    return render(
        request, "alignment/step.html", step_context(request, access, step, form=form), status=422
    )


def _item_partial(request, access, step, item, *, status=200) -> HttpResponse:
    """One answer as this person sees it (after a save, or on cancelling an edit)."""
    context = {
        "access": access,
        "workshop": access.workshop,
        "step": step,
        **items_context(access, step),
    }
    entry = next(
        (e for e in context["entries"] + context["own_entries"] if e["item"].pk == item.pk), None
    )
    if entry is not None and not entry.get("hidden"):
        entry = {**entry, "can_edit": access.can_edit(item) and not access.workshop.is_frozen}
    if entry is None:
        return HttpResponse(status=status)
    context["entry"] = entry
    return render(request, "alignment/step.html#item", context, status=status)


@login_required
@require_GET
def item_detail(request: HttpRequest, workshop_id, slug: str, item_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    step = item_step(slug)
    item = get_item(access, step, item_id)
    if not request.htmx:
        return redirect(step_url(access.workshop, step))
    return _item_partial(request, access, step, item)


@login_required
def item_edit(request: HttpRequest, workshop_id, slug: str, item_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    step = item_step(slug)
    item = get_item(access, step, item_id)
    require(access.can_edit(item))
    workshop = access.workshop
    prefix = f"edit-{item.pk}"
    if refusal := unless_editable(request, access, step):
        return refusal
    conflict = None
    status = 200
    if request.method == "POST":
        form = step.form_class(
            request.POST, instance=item, workshop=workshop, prefix=prefix, lead=access.is_lead
        )
        if form.is_valid():
            try:
                saved = items.update_item(
                    workshop,
                    step,
                    item,
                    form,
                    expected_version=form.cleaned_data.get("version"),
                    by=request.user,
                )
            except Conflict as clash:
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
            except Refused as refusal:
                form.add_error(None, refusal.message)
                status = 422
            else:
                if request.htmx:
                    return _item_partial(request, access, step, saved)
                messages.success(request, _("Saved."))
                return redirect(step_url(workshop, step))
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
    step = item_step(slug)
    item = get_item(access, step, item_id)
    require(access.can_edit(item))
    if refusal := unless_editable(request, access, step):
        return refusal
    try:
        items.delete_item(access.workshop, step, item, by=request.user)
    except Refused as refusal:
        return refused(request, refusal, step_url(access.workshop, step))
    if request.htmx:
        return items_response(request, access, step, extra={"announce": _("Deleted.")})
    messages.success(request, _("Deleted."))
    return redirect(step_url(access.workshop, step))


@login_required
@require_POST
def item_move(request: HttpRequest, workshop_id, slug: str, item_id) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    step = item_step(slug)
    item = get_item(access, step, item_id)
    if refusal := unless_editable(request, access, step):
        return refusal
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(_("Move up or down."), status=400)
    try:
        items.move(access.workshop, step, item, direction, by=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    if request.htmx:
        return items_response(
            request,
            access,
            step,
            extra={"announce": _("Moved %(title)s.") % {"title": item.title}, "focus": item.pk},
        )
    return redirect(step_url(access.workshop, step))


@login_required
@require_POST
def step_reorder(request: HttpRequest, workshop_id, slug: str) -> HttpResponse:
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    step = item_step(slug)
    if refusal := unless_editable(request, access, step):
        return refusal
    try:
        items.reorder(access.workshop, step, request.POST.getlist("order"), by=request.user)
    except Refused as refusal:
        return items_response(
            request, access, step, status=409, extra={"announce": refusal.message}
        )
    return items_response(request, access, step, extra={"announce": _("New order saved.")})


@login_required
@require_POST
def agreement_comment(request: HttpRequest, workshop_id, item_id) -> HttpResponse:
    """Leaders comment on an agreement; the lead changes its status in the edit form."""
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.can_contribute)
    step = item_step("collaboration")
    agreement = get_item(access, step, item_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            items.comment_on_agreement(
                access.workshop, agreement, form.cleaned_data["comment"], by=request.user
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Comment added."))
    else:
        messages.error(request, form.errors["comment"][0])
    return redirect(step_url(access.workshop, step) + f"#item-{agreement.pk}")
