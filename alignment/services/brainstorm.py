"""A brainstorm's answers shaped by the facilitator: moderated before the reveal,
grouped by similarity at it, then merged, split, renamed and moved by hand.

Groups are part of the content the leaders sign (the snapshot lists them), so
every change here is a content change of its step: it bumps the revision, voids
signatures given so far, and reaches every open page. Only the facilitator's
rights (the lead's) come this far; the views check them first.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from alignment.domain import grouping, language
from alignment.models import AnswerGroup, Workshop
from alignment.models.workshop import TITLE_MAX
from alignment.services.audit import record
from alignment.services.errors import Refused
from alignment.services.revision import bump, ensure_editable

REASON_MAX = 300


def _answers(workshop: Workshop, step):
    return step.model.objects.filter(workshop=workshop)


def _title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1].rstrip() + "\u2026"


def _next_order(workshop: Workshop, step) -> int:
    last = AnswerGroup.objects.filter(workshop=workshop, step=step.slug).aggregate(
        last=Max("order")
    )["last"]
    return (last or 0) + 1


def _changed(workshop: Workshop, step, by, action: str, target: str = "", **detail) -> None:
    bump(workshop, step=step.slug)
    record(workshop.organization, by, action, target or step.slug, workshop=workshop, **detail)


def _drop_empty(workshop: Workshop, step) -> None:
    in_use = _answers(workshop, step).exclude(group=None).values("group")
    AnswerGroup.objects.filter(workshop=workshop, step=step.slug).exclude(pk__in=in_use).delete()


# Grouping ---------------------------------------------------------------------------


def shown_groups(workshop: Workshop, step):
    """The step's groups that everyone sees: those with a revealed answer."""
    shown = _answers(workshop, step).filter(revealed=True).exclude(group=None).values("group")
    return AnswerGroup.objects.filter(workshop=workshop, step=step.slug, pk__in=shown)


def propose_groups(workshop: Workshop, step) -> int:
    """Groups the step's revealed answers that are in no group yet by what they
    say (offline: `alignment.domain.grouping`); groups already made stay as they
    are. Returns how many groups it made. The caller bumps and records."""
    answers = list(
        _answers(workshop, step)
        .filter(revealed=True, group=None)
        .order_by("order", "created")
        .only("pk", "title", "description")
    )
    texts = [answer.title for answer in answers]
    languages = [language.guess(text, default=workshop.language) for text in texts]
    proposals = grouping.propose(texts, languages, language=workshop.language)
    order = _next_order(workshop, step)
    for number, proposal in enumerate(proposals):
        group = AnswerGroup.objects.create(
            workshop=workshop, step=step.slug, title=_title(proposal.title), order=order + number
        )
        members = [answers[index].pk for index in proposal.members]
        _answers(workshop, step).filter(pk__in=members).update(group=group)
    return len(proposals)


@transaction.atomic
def regroup(workshop: Workshop, step, *, by) -> int:
    """The facilitator asks again: the answers left out of every group are proposed
    as groups of their own."""
    ensure_editable(workshop)
    made = propose_groups(workshop, step)
    _changed(workshop, step, by, "groups.proposed", count=made)
    return made


@transaction.atomic
def ungroup_all(workshop: Workshop, step, *, by) -> None:
    ensure_editable(workshop)
    _answers(workshop, step).exclude(group=None).update(group=None)
    AnswerGroup.objects.filter(workshop=workshop, step=step.slug).delete()
    _changed(workshop, step, by, "groups.cleared")


@transaction.atomic
def rename(workshop: Workshop, step, group: AnswerGroup, title: str, *, by) -> None:
    ensure_editable(workshop)
    title = " ".join(title.split())
    if not title:
        raise Refused("group_title_missing", field="title")
    if len(title) > TITLE_MAX:
        raise Refused("group_title_too_long", {"cap": TITLE_MAX}, field="title")
    old = group.title
    group.title = title
    group.save(update_fields=["title"])
    _changed(workshop, step, by, "group.renamed", title, old=old)


@transaction.atomic
def merge(workshop: Workshop, step, group: AnswerGroup, into: AnswerGroup, *, by) -> None:
    """Every answer of `group` joins `into`, which keeps its title."""
    ensure_editable(workshop)
    if group.pk == into.pk:
        raise Refused("group_merge_itself", field="into")
    _answers(workshop, step).filter(group=group).update(group=into)
    group.delete()
    _changed(workshop, step, by, "group.merged", into.title, merged=group.title)


@transaction.atomic
def ungroup(workshop: Workshop, step, group: AnswerGroup, *, by) -> None:
    """The group's answers are in no group again."""
    ensure_editable(workshop)
    _answers(workshop, step).filter(group=group).update(group=None)
    group.delete()
    _changed(workshop, step, by, "group.ungrouped", group.title)


@transaction.atomic
def move(workshop: Workshop, step, answer, to: AnswerGroup | None, *, by, new: bool = False):
    """Drags one answer to another group, out of every group (`to` None), or into a
    group of its own (`new`: the split), titled by the answer. Returns its group."""
    ensure_editable(workshop)
    if new:
        to = AnswerGroup.objects.create(
            workshop=workshop,
            step=step.slug,
            title=_title(answer.title),
            order=_next_order(workshop, step),
        )
    _answers(workshop, step).filter(pk=answer.pk).update(group=to)
    _drop_empty(workshop, step)
    target = to.title if to is not None else ""
    _changed(workshop, step, by, "group.answer_moved", target, answer=_named(answer))
    return to


def _named(answer) -> str:
    # The audit log is the lead's to read: an answer still hidden is named by its
    # kind alone, as `services.items` names it.
    return answer.title if answer.revealed else str(answer._meta.verbose_name)


# Moderation, before the reveal ---------------------------------------------------------


def _moderating(workshop: Workshop, step, answer) -> None:
    if not (workshop.brainstorm_step == step.slug and workshop.brainstorm_moderated):
        raise Refused("not_moderating")
    if answer.revealed:
        raise Refused("answer_already_revealed")


@transaction.atomic
def set_aside(workshop: Workshop, step, answer, reason: str, *, by) -> None:
    """Keeps one hidden answer out of the reveal; its author sees why."""
    ensure_editable(workshop)
    _moderating(workshop, step, answer)
    reason = " ".join(reason.split())
    if not reason:
        raise Refused("set_aside_reason_missing", field="reason")
    if len(reason) > REASON_MAX:
        raise Refused("set_aside_reason_too_long", {"cap": REASON_MAX}, field="reason")
    _answers(workshop, step).filter(pk=answer.pk).update(set_aside=reason, group=None)
    _drop_empty(workshop, step)
    _changed(workshop, step, by, "answer.set_aside", _named(answer), reason=reason)


@transaction.atomic
def put_back(workshop: Workshop, step, answer, *, by) -> None:
    """Takes a set-aside answer back into the reveal."""
    ensure_editable(workshop)
    _moderating(workshop, step, answer)
    _answers(workshop, step).filter(pk=answer.pk).update(set_aside="")
    _changed(workshop, step, by, "answer.put_back", _named(answer))


@transaction.atomic
def join_duplicates(workshop: Workshop, step, answer, duplicate_of, *, by) -> AnswerGroup:
    """Two hidden answers that say the same: revealed as one group, titled by the
    first, each keeping its own text and author."""
    ensure_editable(workshop)
    _moderating(workshop, step, answer)
    _moderating(workshop, step, duplicate_of)
    if answer.pk == duplicate_of.pk:
        raise Refused("group_merge_itself", field="duplicate_of")
    group = duplicate_of.group
    if group is None:
        group = AnswerGroup.objects.create(
            workshop=workshop,
            step=step.slug,
            title=_title(duplicate_of.title),
            order=_next_order(workshop, step),
        )
        _answers(workshop, step).filter(pk=duplicate_of.pk).update(group=group)
    _answers(workshop, step).filter(pk=answer.pk).update(group=group, set_aside="")
    _drop_empty(workshop, step)
    _changed(workshop, step, by, "answer.joined", step.slug)
    return group
