"""The facilitator's controls: where everyone is, the countdown, the private
brainstorm and the dot vote. Each changes the room for everyone at once."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from alignment.models import Dot, DotVote, Participant, Status, Workshop
from alignment.services import brainstorm
from alignment.services.audit import record
from alignment.services.errors import Refused
from alignment.services.revision import bump, ensure_editable


@transaction.atomic
def go_to_step(workshop: Workshop, step, *, by) -> None:
    ensure_editable(workshop)
    workshop.current_step = step.slug
    workshop.save(update_fields=["current_step", "updated"])
    bump(workshop, facilitation=True, moved=True)


@transaction.atomic
def start_countdown(workshop: Workshop, minutes: int, *, by) -> None:
    ensure_editable(workshop)
    workshop.countdown_ends_at = timezone.now() + timedelta(minutes=minutes)
    workshop.save(update_fields=["countdown_ends_at", "updated"])
    bump(workshop, facilitation=True)


@transaction.atomic
def stop_countdown(workshop: Workshop, *, by) -> None:
    ensure_editable(workshop)
    workshop.countdown_ends_at = None
    workshop.save(update_fields=["countdown_ends_at", "updated"])
    bump(workshop, facilitation=True)


@transaction.atomic
def open_brainstorm(
    workshop: Workshop, step, *, by, anonymous: bool = False, moderated: bool = False
) -> None:
    """Answers added now are their author's alone until the reveal; `anonymous`:
    and nobody else's ever after; `moderated`: the facilitator sees them first."""
    # The status read under the row lock: a move to signing (or the last signature)
    # at the same moment must not slip in between.
    locked = Workshop.objects.select_for_update().only("status").get(pk=workshop.pk)
    ensure_editable(locked)
    if locked.status == Status.SIGNING:
        # Answers added now would be hidden from the leaders who are signing.
        raise Refused("brainstorm_while_signing")
    workshop.brainstorm_step = step.slug
    workshop.brainstorm_anonymous = anonymous
    workshop.brainstorm_moderated = moderated
    workshop.save(
        update_fields=["brainstorm_step", "brainstorm_anonymous", "brainstorm_moderated", "updated"]
    )
    bump(workshop, step=step.slug, facilitation=True, content=False)
    record(
        workshop.organization,
        by,
        "brainstorm.opened",
        step.slug,
        workshop=workshop,
        anonymous=anonymous,
        moderated=moderated,
    )


@transaction.atomic
def reveal(workshop: Workshop, step, *, by, group: bool = False) -> int:
    """End the private brainstorm: everyone sees every answer but those the
    facilitator set aside. `group`: similar answers are proposed as groups."""
    ensure_editable(workshop)
    waiting = step.model.objects.filter(workshop=workshop, revealed=False, set_aside="")
    _shuffle_anonymous(waiting.filter(anonymous=True))
    count = waiting.update(revealed=True)
    if workshop.brainstorm_step == step.slug:
        workshop.brainstorm_step = ""
        workshop.brainstorm_anonymous = workshop.brainstorm_moderated = False
        workshop.save(
            update_fields=[
                "brainstorm_step",
                "brainstorm_anonymous",
                "brainstorm_moderated",
                "updated",
            ]
        )
    groups = brainstorm.propose_groups(workshop, step) if group else 0
    bump(workshop, step=step.slug, facilitation=True)
    record(
        workshop.organization,
        by,
        "brainstorm.revealed",
        step.slug,
        workshop=workshop,
        count=count,
        groups=groups,
    )
    return count


def _shuffle_anonymous(answers) -> None:
    """Anonymous answers are revealed in an order of chance: the order they were
    written in, beside who was in the room when, would tell their authors."""
    places = list(answers.order_by("order", "created").values_list("pk", "order"))
    orders = [order for _pk, order in places]
    random.SystemRandom().shuffle(orders)
    for (pk, _order), order in zip(places, orders, strict=True):
        answers.model.objects.filter(pk=pk).update(order=order)


@transaction.atomic
def open_vote(workshop: Workshop, step, budget: int, *, by, on_groups: bool = False) -> DotVote:
    """`on_groups`: the dots go to the step's groups of answers, not to each answer."""
    ensure_editable(workshop)
    if DotVote.objects.filter(workshop=workshop, step=step.slug, is_open=True).exists():
        raise Refused("vote_already_open")
    if on_groups and not brainstorm.shown_groups(workshop, step).exists():
        raise Refused("vote_needs_groups")
    vote = DotVote.objects.create(
        workshop=workshop, step=step.slug, budget=budget, opened_by=by, on_groups=on_groups
    )
    bump(workshop, step=step.slug, facilitation=True, content=False)
    record(
        workshop.organization,
        by,
        "vote.opened",
        step.slug,
        workshop=workshop,
        budget=budget,
        on_groups=on_groups,
    )
    return vote


def open_vote_on(workshop: Workshop, step) -> DotVote:
    """The vote open on a step; refused when there is none."""
    vote = DotVote.objects.filter(workshop=workshop, step=step.slug, is_open=True).first()
    if vote is None:
        raise Refused("no_open_vote")
    return vote


@transaction.atomic
def close_vote(workshop: Workshop, vote: DotVote, *, by) -> None:
    ensure_editable(workshop)
    vote.is_open = False
    vote.closed = timezone.now()
    vote.save(update_fields=["is_open", "closed"])
    bump(workshop, step=vote.step, facilitation=True, content=False)
    record(workshop.organization, by, "vote.closed", vote.step, workshop=workshop)


def _check_target(vote: DotVote, on_group: bool) -> None:
    if vote.on_groups and not on_group:
        raise Refused("vote_is_on_groups")
    if on_group and not vote.on_groups:
        raise Refused("vote_is_on_answers")


@transaction.atomic
def cast_dot(workshop: Workshop, vote: DotVote, item_id, *, by, on_group: bool = False) -> None:
    """A dot for an answer, or for a group of answers (`on_group`) when the vote
    is on groups: `item_id` is the one the person chose."""
    ensure_editable(workshop)
    # Lock the vote so two quick clicks cannot both pass the budget check.
    vote = DotVote.objects.select_for_update().get(pk=vote.pk)
    if not vote.is_open:
        raise Refused("vote_closed")
    _check_target(vote, on_group)
    used = Dot.objects.filter(vote=vote, voter=by).count()
    if used >= vote.budget:
        raise Refused("dots_used", {"budget": vote.budget})
    Dot.objects.create(vote=vote, voter=by, item_id=item_id)
    bump(workshop, step=vote.step, content=False)


@transaction.atomic
def take_back_dot(
    workshop: Workshop, vote: DotVote, item_id, *, by, on_group: bool = False
) -> None:
    ensure_editable(workshop)
    vote = DotVote.objects.select_for_update().get(pk=vote.pk)
    if not vote.is_open:
        raise Refused("vote_closed")
    _check_target(vote, on_group)
    dot = Dot.objects.filter(vote=vote, voter=by, item_id=item_id).last()
    if dot is None:
        raise Refused("no_dot")
    dot.delete()
    bump(workshop, step=vote.step, content=False)


@transaction.atomic
def set_following(workshop: Workshop, user, follows: bool) -> None:
    Participant.objects.update_or_create(
        workshop=workshop, user=user, defaults={"follows_facilitator": follows}
    )
