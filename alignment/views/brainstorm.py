"""The facilitator's tools on a brainstorm's answers: groups of similar answers
(rename, merge, ungroup, move an answer, a dot for a group) and moderation
before the reveal (set an answer aside, put it back, join duplicates).

Each is one POST from the step's list; with htmx the list comes back in place,
otherwise the step page. A refusal about what was typed comes back next to its
field with 422 and changes nothing.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from alignment.access import get_workshop_for_user, require
from alignment.models import AnswerGroup, DotVote
from alignment.services import brainstorm, facilitation
from alignment.services.errors import Refused
from alignment.views.base import get_item, item_step, items_response, step_url, unless_editable


def _answer(request, access, step, refusal: Refused | None = None, *, mark=None):
    """The list after a tool ran, or the refusal: next to its field (`mark`: the
    answer or group whose form it is) for htmx, as a message otherwise."""
    status = 200
    extra = {}
    if refusal is not None:
        status = 422
        extra = {
            "announce": refusal.message,
            "field_error": {"mark": mark, "field": refusal.field, "message": refusal.message},
        }
    if request.htmx:
        return items_response(request, access, step, status=status, extra=extra)
    if refusal is not None:
        messages.error(request, refusal.message)
    return redirect(step_url(access.workshop, step))


def _group(access, step, group_id) -> AnswerGroup:
    return get_object_or_404(AnswerGroup, workshop=access.workshop, step=step.slug, pk=group_id)


@login_required
@require_POST
def group_action(request: HttpRequest, workshop_id, slug: str, group_id, action: str):
    """rename, merge (into another group) and ungroup for the facilitator; dot
    for everyone who votes, when the vote is on groups."""
    access = get_workshop_for_user(request.user, workshop_id)
    step = item_step(slug)
    if action == "dot":
        require(access.can_vote)
    elif action in ("rename", "merge", "ungroup"):
        require(access.is_lead)
    else:
        raise Http404
    group = _group(access, step, group_id)
    if refusal := unless_editable(request, access, step):
        return refusal
    workshop = access.workshop
    try:
        if action == "rename":
            brainstorm.rename(workshop, step, group, request.POST.get("title", ""), by=request.user)
        elif action == "merge":
            into = _group(access, step, _uuid(request.POST.get("into")))
            brainstorm.merge(workshop, step, group, into, by=request.user)
        elif action == "ungroup":
            brainstorm.ungroup(workshop, step, group, by=request.user)
        else:
            vote = get_object_or_404(DotVote, workshop=workshop, step=step.slug, is_open=True)
            dot = (
                facilitation.take_back_dot
                if request.POST.get("take_back") == "1"
                else facilitation.cast_dot
            )
            dot(workshop, vote, group.pk, by=request.user, on_group=True)
    except Refused as refusal:
        return _answer(request, access, step, refusal, mark=group.pk)
    return _answer(request, access, step)


@login_required
@require_POST
def answer_group(request: HttpRequest, workshop_id, slug: str, item_id):
    """The facilitator moves one answer: to a group (`to` its id), into a new group
    of its own (`to` "new"), or out of every group (`to` empty). Dragging an
    answer onto a group posts the same."""
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    step = item_step(slug)
    answer = get_item(access, step, item_id)
    if not answer.revealed:
        raise Http404
    if refusal := unless_editable(request, access, step):
        return refusal
    to = request.POST.get("to", "")
    target = None if to in ("", "new") else _group(access, step, _uuid(to))
    brainstorm.move(access.workshop, step, answer, target, new=to == "new", by=request.user)
    return _answer(request, access, step)


@login_required
@require_POST
def moderate(request: HttpRequest, workshop_id, slug: str, item_id, action: str):
    """Before the reveal of a moderated brainstorm, the facilitator sets a hidden
    answer aside with a reason, puts it back, or joins it with its duplicate."""
    access = get_workshop_for_user(request.user, workshop_id)
    require(access.is_lead)
    step = item_step(slug)
    if action not in ("set-aside", "put-back", "duplicate"):
        raise Http404
    # The one place the facilitator reaches answers still hidden from them.
    answer = get_object_or_404(
        step.model.objects.filter(revealed=False), workshop=access.workshop, pk=item_id
    )
    if refusal := unless_editable(request, access, step):
        return refusal
    workshop = access.workshop
    try:
        if action == "set-aside":
            brainstorm.set_aside(
                workshop, step, answer, request.POST.get("reason", ""), by=request.user
            )
        elif action == "put-back":
            brainstorm.put_back(workshop, step, answer, by=request.user)
        else:
            original = get_object_or_404(
                step.model.objects.filter(revealed=False),
                workshop=workshop,
                pk=_uuid(request.POST.get("duplicate_of")),
            )
            brainstorm.join_duplicates(workshop, step, answer, original, by=request.user)
    except Refused as refusal:
        return _answer(request, access, step, refusal, mark=answer.pk)
    return _answer(request, access, step)


def _uuid(value):
    """A posted id as the URL converter would take it: anything else is not found."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None
