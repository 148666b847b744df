"""What the pages of a workshop share: the step page's context, a step's list of
items as one person sees it, and how a refused request is answered.

Page modules build on this module; they do not import one another.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from alignment import agenda
from alignment.access import Rights, WorkshopAccess
from alignment.forms import BudgetForm, CountdownForm
from alignment.models import AnswerGroup, Dot, DotVote
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


def room_items_context(workshop, step, rights: Rights) -> dict:
    """A step's list of items as everyone of a rights class sees it: the revealed
    answers (in their groups, once a reveal grouped them), the dot totals once a
    vote is closed, the controls the class has.

    Nothing personal: the same for every lead, every leader or every observer, so
    rendered once and shared (`views.live`). A leader's edit controls on their own
    answers are rendered for every answer, hidden, and shown by the page on the
    answers whose `data-author` is the person looking; the server still checks
    every edit. An anonymous answer has no `data-author`: its author's controls
    are in their own part. What is one person's alone (their dots, their hidden
    or anonymous answers) is `personal_items_context`, keyed here in `personal`
    by user id: a token that changes whenever that person's part does."""
    visible = list(step.items(workshop).filter(revealed=True))
    hidden = list(
        step.model.objects.filter(workshop=workshop, revealed=False).values_list(
            "author_id", "pk", "version", "set_aside"
        )
    )
    vote = DotVote.objects.filter(workshop=workshop, step=step.slug).first()
    totals: Counter = Counter()
    personal: dict[int, list] = defaultdict(list)
    if vote is not None:
        for item_id, voter_id in Dot.objects.filter(vote=vote).values_list("item_id", "voter_id"):
            totals[item_id] += 1
            personal[voter_id].append(f"d{item_id}")
    for author_id, pk, version, set_aside in hidden:
        personal[author_id].append(f"h{pk}.{version}.{set_aside}")
    # Read off the list already loaded: no query of its own.
    for item in visible:
        if item.anonymous:
            personal[item.author_id].append(f"a{item.pk}.{item.version}")
    frozen = workshop.is_frozen
    entries = [
        {
            "item": item,
            "can_edit": rights.is_lead and not frozen,
            "edits_own": rights.edits_own
            and not frozen
            and item.author_id is not None
            and not item.anonymous,
            "total": totals[item.pk],
        }
        for item in visible
    ]
    closed = vote is not None and not vote.is_open
    if closed:
        entries.sort(key=lambda e: -e["total"])
    groups = _group_rows(workshop, step, entries, totals, ranked=closed)
    grouped = {entry["item"].pk for row in groups for entry in row["entries"]}
    moderating = workshop.brainstorm_step == step.slug and workshop.brainstorm_moderated
    pending = [row for row in hidden if not row[3]]
    return {
        "can_add": not frozen
        and (rights.is_lead if step.lead_adds_only else rights.can_contribute),
        "entries": entries,
        "groups": groups,
        "loose_entries": [e for e in entries if e["item"].pk not in grouped],
        # The facilitator shapes groups: by hand from two answers on.
        "can_group": rights.is_lead and not frozen and len(entries) > 1,
        "hidden_count": len(pending),
        "moderation": _moderation_rows(workshop, step) if moderating and rights.is_lead else None,
        "vote": vote,
        "vote_open": vote is not None and vote.is_open,
        "can_reorder": rights.is_lead and not frozen and not closed,
        "brainstorm": workshop.brainstorm_step == step.slug,
        # Something here to reveal: the open brainstorm, or answers left hidden by an
        # earlier one (those set aside stay hidden).
        "unrevealed": workshop.brainstorm_step == step.slug or bool(pending),
        "personal": {
            user_id: hashlib.blake2s(",".join(sorted(marks)).encode(), digest_size=6).hexdigest()
            for user_id, marks in personal.items()
        },
    }


def _group_rows(workshop, step, entries: list, totals: Counter, *, ranked: bool) -> list[dict]:
    """The groups everyone sees (those with a revealed answer), each with its
    answers in the list's order. No query when no answer is in a group."""
    if not any(entry["item"].group_id for entry in entries):
        return []
    members: dict = defaultdict(list)
    for entry in entries:
        if entry["item"].group_id is not None:
            members[entry["item"].group_id].append(entry)
    rows = [
        {"group": group, "entries": members[group.pk], "total": totals[group.pk]}
        for group in AnswerGroup.objects.filter(workshop=workshop, step=step.slug)
        if members[group.pk]
    ]
    if ranked:
        rows.sort(key=lambda row: -row["total"])
    return rows


def _moderation_rows(workshop, step) -> list[dict]:
    """The answers the facilitator moderates before the reveal: every hidden one,
    with its author only where the brainstorm is not anonymous."""
    hidden = list(
        step.model.objects.filter(workshop=workshop, revealed=False)
        .select_related("author")
        .order_by("order", "created")
    )
    return [
        {
            "item": item,
            "author": None if item.anonymous else item.author,
            "others": [other for other in hidden if other.pk != item.pk and not other.set_aside],
        }
        for item in hidden
    ]


def personal_items_context(access: WorkshopAccess, step, vote) -> dict:
    """What one person sees of a step's list that nobody else does: their own
    answers still hidden by a private brainstorm, and their dots in an open vote."""
    workshop = access.workshop
    user = access.membership.user
    frozen = workshop.is_frozen
    # Most people have no hidden answer: asked with a plain query first, and the
    # step's full queryset (its joins and annotations) only for those who do.
    hidden = list(
        step.model.objects.filter(workshop=workshop, revealed=False, author=user).values_list(
            "pk", flat=True
        )
    )
    own = [
        {"item": item, "can_edit": access.can_edit(item) and not frozen, "hidden": True}
        for item in (step.items(workshop).filter(pk__in=hidden) if hidden else ())
    ]
    # Revealed, but theirs alone to know: controls that point at the answer in the list.
    anonymous = list(
        step.model.objects.filter(workshop=workshop, revealed=True, anonymous=True, author=user)
        .only("pk", "title")
        .order_by("order", "created")
    )
    mine: Counter = Counter()
    titles: dict = {}
    if vote is not None and vote.is_open:
        mine.update(Dot.objects.filter(vote=vote, voter=user).values_list("item_id", flat=True))
        if mine:
            titles = dict(step.model.objects.filter(pk__in=mine).values_list("pk", "title"))
    return {
        "own_entries": own,
        "own_anonymous": [
            {"item": item, "can_edit": access.can_edit(item) and not frozen} for item in anonymous
        ],
        "mine_json": json.dumps({str(item_id): count for item_id, count in mine.items()}),
        "mine_titles": [(titles.get(item_id, ""), count) for item_id, count in mine.items()],
        "dots_left": (vote.budget - sum(mine.values())) if vote is not None else 0,
    }


def personal_context(access: WorkshopAccess, step) -> dict:
    """The context of a step page's personal parts (#own, #mine, #follow)."""
    vote = DotVote.objects.filter(workshop=access.workshop, step=step.slug).first()
    return {
        "access": access,
        "workshop": access.workshop,
        "step": step,
        "vote": vote,
        "vote_open": vote is not None and vote.is_open,
        **personal_items_context(access, step, vote),
    }


def items_context(access: WorkshopAccess, step) -> dict:
    """A step's list for one person's own request: the class's list and their part."""
    room = room_items_context(access.workshop, step, access.rights)
    return {**room, **personal_items_context(access, step, room["vote"])}


def items_response(request, access, step, *, status=200, extra=None) -> HttpResponse:
    """A step's list after this person changed it, for htmx to swap in place: the
    list as their class sees it, and their own part with it."""
    context = {
        "access": access,
        "workshop": access.workshop,
        "step": step,
        **items_context(access, step),
        **(extra or {}),
    }
    return render(request, "alignment/step.html#items_changed", context, status=status)


def step_context(request: HttpRequest, access: WorkshopAccess, step, *, form=None) -> dict:
    """Everything a step page shows around its own content: the agenda, who is
    here, the facilitator's controls and, for an item step, its list and form."""
    here = live.touch(access.workshop.pk, request.user.pk, step.slug)
    context = page_context(access, step, here, form=form)
    if step.has_items:
        context.update(personal_items_context(access, step, context["vote"]))
    return context


def page_context(access, step, here: dict, *, form=None) -> dict:
    """A step page as a rights class sees it (`access` a person's or a class's):
    everything but what is one person's (their own answers and dots)."""
    workshop = access.workshop
    previous, following = agenda.neighbours(step, workshop)
    context = {
        "access": access,
        "workshop": workshop,
        "organization": workshop.organization,
        "step": step,
        "previous": previous,
        "following": following,
        "agenda": agenda.progress(workshop, step, viewer=None),
        "presence": live.presence(live.people(workshop.pk), here),
        "current": agenda.get_step(workshop.current_step) if workshop.current_step else None,
        "countdown_form": CountdownForm(),
        "budget_form": BudgetForm(),
    }
    if step.extra_context is not None:
        context.update(step.extra_context(access, step))
    if step.has_items:
        context.update(room_items_context(workshop, step, access.rights))
        context["form"] = form or step.form_class(
            workshop=workshop, prefix="new", lead=access.is_lead
        )
    context["live_token"] = live.token(workshop.revision, here)
    return context
