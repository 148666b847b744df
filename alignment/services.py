"""Workflows that change several rows: each runs in one transaction and is audited."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from alignment import steps
from alignment.access import ROLE_FROM_MEMBERSHIP
from alignment.models import (
    AgreementEvent,
    AuditEntry,
    Change,
    Dot,
    DotVote,
    Membership,
    Organization,
    Participant,
    Role,
    Status,
    User,
    Workshop,
)
from alignment.models.workshop import check_same_workshop
from alignment.transfer import MAX_ITEMS_PER_KIND, too_many_items


def record(
    organization: Organization | None,
    actor,
    action: str,
    target="",
    *,
    workshop: Workshop | None = None,
    **detail,
) -> None:
    AuditEntry.objects.create(
        organization=organization,
        workshop=workshop,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target=str(target)[:200],
        detail=detail,
    )


@transaction.atomic
def change_role(membership: Membership, role: str, *, by) -> Membership:
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    old = membership.role
    if old == role:
        return membership
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        membership.organization, by, "member.role_changed", membership.user.email, old=old, new=role
    )
    return membership


@transaction.atomic
def add_member(
    organization: Organization, *, email: str, display_name: str, role: str, title: str, by
) -> tuple[Membership, str | None]:
    """Add a person to an organisation.

    Returns the membership and, for a person who had no account yet, the path of a
    one-time link where they choose their password (Django's password-reset token).
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    invite_path = None
    if user is None:
        user = User.objects.create_user(email=email, password=None, display_name=display_name)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        invite_path = f"/accounts/reset/{uid}/{token}/"
    membership = Membership.objects.create(
        organization=organization, user=user, role=role, title=title
    )
    record(organization, by, "member.added", email, role=role)
    return membership, invite_path


# Workshops ------------------------------------------------------------------------


class ServiceError(Exception):
    """A refusal with a message meant for the person who asked."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class Frozen(ServiceError):
    pass


class Conflict(ServiceError):
    """Someone else saved the item first; `current` is what they saved."""

    def __init__(self, message, current):
        super().__init__(message)
        self.current = current


TRANSITIONS = {
    Status.DRAFT: {Status.LIVE},
    Status.LIVE: {Status.DRAFT, Status.REVIEW},
    Status.REVIEW: {Status.LIVE, Status.SIGNING},
    Status.SIGNING: {Status.REVIEW},
    # `signed` is reached only through sign-off, which freezes the workshop.
    Status.SIGNED: set(),
}


def ensure_editable(workshop: Workshop) -> None:
    if workshop.status == Status.SIGNED:
        raise Frozen(
            _("This workshop is signed and frozen. Start the next quarter to make changes.")
        )


def bump(
    workshop: Workshop,
    *,
    step: str = "",
    facilitation: bool = False,
    content: bool = True,
    moved: bool = False,
) -> int:
    """Record a change: bump the revision (the live-sync poll compares it) and note
    what it touched, so other participants' pages swap only those parts.

    The row lock serialises concurrent edits of one workshop for a moment, so that
    two changes never get the same revision number.
    """
    revision = (
        Workshop.objects.select_for_update()
        .filter(pk=workshop.pk)
        .values_list("revision", flat=True)
        .get()
        + 1
    )
    Workshop.objects.filter(pk=workshop.pk).update(revision=revision, updated=timezone.now())
    Change.objects.create(
        workshop=workshop, revision=revision, step=step, facilitation=facilitation, moved=moved
    )
    workshop.revision = revision
    if step and content and workshop.status == Status.SIGNING:
        # The leaders signed other content than there is now.
        from alignment.signoff import void_signatures

        void_signatures(workshop, f"content changed ({step})")
    return revision


@transaction.atomic
def create_workshop(
    organization: Organization, *, quarter: str, title: str, language: str, by
) -> Workshop:
    workshop = Workshop.objects.create(
        organization=organization,
        quarter=quarter,
        title=title,
        language=language,
        facilitator=by,
        current_step=steps.first_step().slug,
    )
    Participant.objects.bulk_create(
        Participant(workshop=workshop, user_id=user_id, role=ROLE_FROM_MEMBERSHIP[role])
        for user_id, role in organization.memberships.values_list("user_id", "role")
    )
    record(organization, by, "workshop.created", workshop, workshop=workshop)
    return workshop


@transaction.atomic
def transition(workshop: Workshop, to: str, *, by) -> Workshop:
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if to not in Status.values:
        raise ServiceError(_("There is no such status."))
    if to not in TRANSITIONS[workshop.status]:
        raise ServiceError(
            _("A workshop cannot go from %(from)s to %(to)s.")
            % {"from": workshop.get_status_display(), "to": Status(to).label}
        )
    if to == Status.SIGNING and not workshop.override_reason:
        from alignment import coherence

        blockers = coherence.review(workshop).blockers
        if blockers:
            raise ServiceError(
                _(
                    "Signing needs a coherence review without blockers (%(count)s left), "
                    "or an override with a reason."
                )
                % {"count": len(blockers)}
            )
    old = workshop.status
    workshop.status = to
    workshop.save(update_fields=["status", "updated"])
    bump(workshop, facilitation=True)
    record(
        workshop.organization, by, "workshop.status", workshop, workshop=workshop, old=old, new=to
    )
    return workshop


def _audit_item(workshop: Workshop, by, action: str, item, **detail) -> None:
    record(
        workshop.organization,
        by,
        action,
        f"{item._meta.verbose_name}: {item.title}",
        workshop=workshop,
        **detail,
    )


def _check_links(workshop: Workshop, form) -> None:
    """Defence in depth: the forms already offer only this workshop's items."""
    for name in getattr(form, "workshop_fields", ()):
        value = form.cleaned_data.get(name)
        linked = value if hasattr(value, "__iter__") else [value]
        try:
            check_same_workshop(workshop, linked)
        except ValidationError as error:
            raise ServiceError(error.messages[0]) from error


def _save_links(item, form) -> None:
    for name in getattr(form, "workshop_fields", ()):
        if name in form.cleaned_data and hasattr(form.cleaned_data[name], "__iter__"):
            getattr(item, name).set(form.cleaned_data[name])


@transaction.atomic
def add_item(workshop: Workshop, step, form, *, by):
    ensure_editable(workshop)
    item = form.save(commit=False)
    item.workshop = workshop
    item.author = by
    item.revealed = workshop.brainstorm_step != step.slug
    # One query for the cap and the position. Two adds at the same moment may both
    # pass at the cap minus one; the cap bounds the size of a workshop, one over
    # it does no harm.
    existing = step.model.objects.filter(workshop=workshop).aggregate(
        count=Count("pk"), last=Max("order")
    )
    if existing["count"] >= MAX_ITEMS_PER_KIND:
        raise ServiceError(too_many_items(step.model))
    item.order = (existing["last"] or 0) + 1
    _check_links(workshop, form)
    item.save()
    _save_links(item, form)
    if step.after_save is not None:
        step.after_save(workshop, item, form, by, None)
    bump(workshop, step=step.slug)
    _audit_item(workshop, by, "item.added", item)
    return item


@transaction.atomic
def update_item(workshop: Workshop, step, item, form, *, expected_version: int | None, by):
    """Save an edit unless someone else saved the item since the editor loaded it.

    An edit that names no version (left out or empty) is refused like a stale one:
    nobody can tell what it was based on, and saving it would replace whatever is
    there unseen. Every edit path comes through here, so this is the one check.
    """
    ensure_editable(workshop)
    current = step.model.objects.select_for_update().get(pk=item.pk)
    if expected_version is None or current.version != expected_version:
        raise Conflict(
            _(
                "Someone else changed this answer while you were editing. Their version is shown; "
                "copy what you need and save again."
            ),
            current,
        )
    old_title = current.title
    _check_links(workshop, form)
    item = form.save(commit=False)
    item.version = current.version + 1
    item.save()
    _save_links(item, form)
    if step.after_save is not None:
        step.after_save(workshop, item, form, by, current)
    bump(workshop, step=step.slug)
    _audit_item(workshop, by, "item.changed", item, old=old_title)
    return item


@transaction.atomic
def delete_item(workshop: Workshop, step, item, *, by) -> None:
    ensure_editable(workshop)
    _audit_item(workshop, by, "item.deleted", item)
    item.delete()
    bump(workshop, step=step.slug)


@transaction.atomic
def reorder(workshop: Workshop, step, ids: list[str], *, by) -> None:
    """Put a step's items in the given order; ids not of this step are refused."""
    ensure_editable(workshop)
    items = {str(i.pk): i for i in step.model.objects.filter(workshop=workshop)}
    if sorted(ids) != sorted(items) or len(set(ids)) != len(ids):
        raise ServiceError(_("The list changed while you were moving items. Please try again."))
    for position, pk in enumerate(ids, start=1):
        item = items[pk]
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])
    bump(workshop, step=step.slug)
    record(workshop.organization, by, "items.reordered", step.slug, workshop=workshop)


def move(workshop: Workshop, step, item, direction: str, *, by) -> None:
    """Keyboard alternative to dragging: one place up or down."""
    ids = [str(pk) for pk in step.items(workshop).values_list("pk", flat=True)]
    index = ids.index(str(item.pk))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        reorder(workshop, step, ids, by=by)


# Facilitation ----------------------------------------------------------------------


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
def open_brainstorm(workshop: Workshop, step, *, by) -> None:
    ensure_editable(workshop)
    workshop.brainstorm_step = step.slug
    workshop.save(update_fields=["brainstorm_step", "updated"])
    bump(workshop, step=step.slug, facilitation=True, content=False)
    record(workshop.organization, by, "brainstorm.opened", step.slug, workshop=workshop)


@transaction.atomic
def reveal(workshop: Workshop, step, *, by) -> int:
    """End the private brainstorm: everyone sees every answer."""
    ensure_editable(workshop)
    count = step.model.objects.filter(workshop=workshop, revealed=False).update(revealed=True)
    if workshop.brainstorm_step == step.slug:
        workshop.brainstorm_step = ""
        workshop.save(update_fields=["brainstorm_step", "updated"])
    bump(workshop, step=step.slug, facilitation=True)
    record(
        workshop.organization, by, "brainstorm.revealed", step.slug, workshop=workshop, count=count
    )
    return count


@transaction.atomic
def open_vote(workshop: Workshop, step, budget: int, *, by) -> DotVote:
    ensure_editable(workshop)
    if DotVote.objects.filter(workshop=workshop, step=step.slug, is_open=True).exists():
        raise ServiceError(_("A vote is already open on this step."))
    vote = DotVote.objects.create(workshop=workshop, step=step.slug, budget=budget, opened_by=by)
    bump(workshop, step=step.slug, facilitation=True, content=False)
    record(workshop.organization, by, "vote.opened", step.slug, workshop=workshop, budget=budget)
    return vote


@transaction.atomic
def close_vote(workshop: Workshop, vote: DotVote, *, by) -> None:
    ensure_editable(workshop)
    vote.is_open = False
    vote.closed = timezone.now()
    vote.save(update_fields=["is_open", "closed"])
    bump(workshop, step=vote.step, facilitation=True, content=False)
    record(workshop.organization, by, "vote.closed", vote.step, workshop=workshop)


@transaction.atomic
def cast_dot(workshop: Workshop, vote: DotVote, item_id, *, by) -> None:
    ensure_editable(workshop)
    # Lock the vote so two quick clicks cannot both pass the budget check.
    vote = DotVote.objects.select_for_update().get(pk=vote.pk)
    if not vote.is_open:
        raise ServiceError(_("This vote is closed."))
    used = Dot.objects.filter(vote=vote, voter=by).count()
    if used >= vote.budget:
        raise ServiceError(
            _("You have used all %(budget)s of your dots. Take one back to move it.")
            % {"budget": vote.budget}
        )
    Dot.objects.create(vote=vote, voter=by, item_id=item_id)
    bump(workshop, step=vote.step, content=False)


@transaction.atomic
def take_back_dot(workshop: Workshop, vote: DotVote, item_id, *, by) -> None:
    ensure_editable(workshop)
    vote = DotVote.objects.select_for_update().get(pk=vote.pk)
    if not vote.is_open:
        raise ServiceError(_("This vote is closed."))
    dot = Dot.objects.filter(vote=vote, voter=by, item_id=item_id).last()
    if dot is None:
        raise ServiceError(_("You have no dot on this item."))
    dot.delete()
    bump(workshop, step=vote.step, content=False)


@transaction.atomic
def set_following(participant: Participant, follows: bool) -> None:
    participant.follows_facilitator = follows
    participant.save(update_fields=["follows_facilitator"])


@transaction.atomic
def save_flavor_answers(workshop: Workshop, answers: dict[str, str], *, by) -> None:
    """Store the team's diagnostic answers (already validated by the form)."""
    ensure_editable(workshop)
    old = workshop.flavor_result
    workshop.flavor_answers = dict(answers)
    workshop.save(update_fields=["flavor_answers", "updated"])
    bump(workshop, step="flavor")
    new = workshop.flavor_result
    record(
        workshop.organization,
        by,
        "flavor.answered",
        str(new.headline) if new else "",
        workshop=workshop,
        old=str(old.headline) if old else None,
    )


def record_agreement_change(workshop: Workshop, agreement, form, by, before) -> None:
    """Each status change of an agreement is recorded with its comment: the
    agreement is a negotiated contract, and its history is part of it."""
    old = before.status if before is not None else ""
    comment = form.cleaned_data.get("status_comment", "")
    if before is None:
        AgreementEvent.objects.create(
            agreement=agreement,
            author=by,
            old_status="",
            new_status=agreement.status,
            comment=comment
            or _("Taken from the library (version %(version)s).")
            % {"version": agreement.template.version},
        )
    elif old != agreement.status:
        AgreementEvent.objects.create(
            agreement=agreement,
            author=by,
            old_status=old,
            new_status=agreement.status,
            comment=comment,
        )


@transaction.atomic
def comment_on_agreement(workshop: Workshop, agreement, comment: str, *, by) -> None:
    ensure_editable(workshop)
    AgreementEvent.objects.create(
        agreement=agreement,
        author=by,
        old_status=agreement.status,
        new_status=agreement.status,
        comment=comment,
    )
    bump(workshop, step="collaboration", content=False)
    record(workshop.organization, by, "agreement.commented", agreement.title, workshop=workshop)
