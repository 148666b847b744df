"""Workflows that change several rows: each runs in one transaction and is audited."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alignment import signoff, steps
from alignment.models import (
    AgreementEvent,
    AuditEntry,
    Change,
    Dot,
    DotVote,
    Invitation,
    Membership,
    Organization,
    Participant,
    Role,
    Status,
    User,
    Workshop,
)
from alignment.models.accounts import (
    INVITATION_VALIDITY,
    hash_token,
    new_token,
    normalize_email,
    validate_email_address,
)
from alignment.models.workshop import check_same_workshop
from alignment.transfer import MAX_ITEMS_PER_KIND, too_many_items

logger = logging.getLogger(__name__)


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


def _refuse_unless_others_manage(membership: Membership, *, by, leaving_admin: bool) -> None:
    """An admin never changes their own standing, and an organisation always keeps
    one admin who can manage its people."""
    if membership.user_id == getattr(by, "pk", None):
        raise ServiceError(
            _("You cannot change your own role or remove yourself; ask another organisation admin.")
        )
    if (
        leaving_admin
        and membership.role == Role.ADMIN
        and not Membership.objects.filter(
            organization_id=membership.organization_id, role=Role.ADMIN
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ServiceError(_("The organisation needs at least one organisation admin."))


def _signing_may_be_complete(organization_id) -> None:
    """A leader demoted or removed may have been the last one who had not signed."""
    for workshop in Workshop.objects.filter(organization_id=organization_id, status=Status.SIGNING):
        signoff.freeze_if_complete(workshop)


@transaction.atomic
def change_role(membership: Membership, role: str, *, by) -> Membership:
    """Give a member another role. Their rights in every workshop follow from it at
    their next request (`Membership.workshop_role`); nothing else keeps a copy."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=membership.pk)
    )
    old = membership.role
    if old == role:
        return membership
    _refuse_unless_others_manage(membership, by=by, leaving_admin=role != Role.ADMIN)
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        membership.organization, by, "member.role_changed", membership.user.email, old=old, new=role
    )
    if old == Role.LEADER:
        _signing_may_be_complete(membership.organization_id)
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, by) -> None:
    """Take a person out of an organisation: from their next request they reach
    none of its workshops, reports or exports. What they wrote stays, under their
    name; signatures in signed reports stay as signed."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=membership.pk)
    )
    _refuse_unless_others_manage(membership, by=by, leaving_admin=True)
    organization, user = membership.organization, membership.user
    Participant.objects.filter(workshop__organization=organization, user=user).exclude(
        workshop__status=Status.SIGNED
    ).delete()
    membership.delete()
    record(organization, by, "member.removed", user.email, role=membership.role)
    if membership.role == Role.LEADER:
        _signing_may_be_complete(organization.pk)


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


@dataclass(frozen=True)
class HiddenAnswers:
    """What a private brainstorm still keeps from the team: the number of
    unrevealed answers per step, and the step whose brainstorm is open.

    Leaders sign what they can see, so neither may stand when the workshop moves
    to signing or is signed: everything hidden must be revealed first."""

    counts: dict[str, int]  # step slug -> the number of unrevealed answers there
    open_on: str  # the slug of the step whose brainstorm is open, or ""

    def __bool__(self) -> bool:
        return bool(self.counts) or bool(self.open_on)

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def to_reveal(self) -> list[steps.Step]:
        """The steps where the lead reveals, in agenda order."""
        return [s for s in steps.item_steps() if s.slug in self.counts or s.slug == self.open_on]

    @property
    def message(self) -> str:
        return _(
            "Reveal the answers of the private brainstorm on %(steps)s first: leaders "
            "sign only what everyone can see."
        ) % {"steps": ", ".join(str(s.title) for s in self.to_reveal)}


def hidden_answers(workshop: Workshop) -> HiddenAnswers:
    """The unrevealed answers of a workshop and its open brainstorm, in one query."""
    counts = steps.count_items(workshop, lambda items: items.filter(revealed=False))
    return HiddenAnswers(
        counts={slug: n for slug, n in counts.items() if n}, open_on=workshop.brainstorm_step
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
    Participant.objects.seat_members(workshop)
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
    if to == Status.SIGNING and (hidden := hidden_answers(workshop)):
        # Not even an override: the leaders would sign content they cannot see.
        raise ServiceError(hidden.message)
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
    # The audit log is the lead's to read: an answer a brainstorm still hides is
    # named there by its kind alone (its title, and its old title, stay its author's).
    title = item.title if item.revealed else _("a hidden brainstorm answer")
    if not item.revealed and "old" in detail:
        detail["old"] = title
    record(
        workshop.organization,
        by,
        action,
        f"{item._meta.verbose_name}: {title}",
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
    # Whether a brainstorm is open on this step, read under the row lock: the page
    # that posted may predate the reveal (and the move to signing) that closed it.
    # The lock also queues adds to one workshop, so the cap below holds exactly.
    brainstorm_step = (
        Workshop.objects.select_for_update()
        .values_list("brainstorm_step", flat=True)
        .get(pk=workshop.pk)
    )
    item.revealed = brainstorm_step != step.slug
    # One query for the cap and the position.
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
    """Put the items of a step that this person sees in the given order; ids not of
    that list are refused. Answers hidden from them keep their places."""
    ensure_editable(workshop)
    queryset = step.model.objects.filter(workshop=workshop)
    items = {str(i.pk): i for i in queryset.visible_to(by)}
    if sorted(ids) != sorted(items) or len(set(ids)) != len(ids):
        raise ServiceError(_("The list changed while you were moving items. Please try again."))
    # The items moved take the places the hidden ones leave free.
    taken = set(queryset.hidden_from(by).values_list("order", flat=True))
    free = (n for n in range(1, len(items) + len(taken) + 1) if n not in taken)
    for pk, position in zip(ids, free, strict=False):
        item = items[pk]
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])
    bump(workshop, step=step.slug)
    record(workshop.organization, by, "items.reordered", step.slug, workshop=workshop)


def move(workshop: Workshop, step, item, direction: str, *, by) -> None:
    """Keyboard alternative to dragging: one place up or down."""
    ids = [str(pk) for pk in step.items(workshop).visible_to(by).values_list("pk", flat=True)]
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
    # The status read under the row lock: a move to signing (or the last signature)
    # at the same moment must not slip in between.
    locked = Workshop.objects.select_for_update().only("status").get(pk=workshop.pk)
    ensure_editable(locked)
    if locked.status == Status.SIGNING:
        # Answers added now would be hidden from the leaders who are signing.
        raise ServiceError(
            _(
                "A private brainstorm cannot start while the leaders sign. Move the "
                "workshop back to review first."
            )
        )
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
def set_following(workshop: Workshop, user, follows: bool) -> None:
    Participant.objects.update_or_create(
        workshop=workshop, user=user, defaults={"follows_facilitator": follows}
    )


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


# Invitations ----------------------------------------------------------------------
#
# An organisation admin never creates, sees or controls an account: adding a person
# is an invitation to an address, mailed to that address alone. Whoever reads the
# mailbox accepts, as a new account (choosing its password) or signed in as the
# existing one. The inviting admin's reply is the same in every case, so it tells
# them nothing about accounts outside their organisation.


class InvitationError(ServiceError):
    """An invitation link that cannot be used as asked."""


class InvitationGone(InvitationError):
    """Revoked, accepted or expired: the link no longer works."""


class WrongAccount(InvitationError):
    """Signed in as someone other than the invited address."""


def _already_member(organization: Organization, email: str) -> bool:
    return Membership.objects.filter(organization=organization, user__email=email).exists()


def _send_invitation(invitation: Invitation, token: str, link_for, by) -> None:
    """Mail the link to the invited address, once the transaction has committed
    (a rolled-back invitation sends nothing). The raw token exists only here and
    in the message: the row keeps its hash."""
    link = link_for(reverse("invitation_accept", args=[token]))
    language = translation.get_language()
    context = {
        "organization": invitation.organization.name,
        "inviter": str(by) if getattr(by, "is_authenticated", False) else "",
        "role": invitation.get_role_display(),
        "link": link,
        "expires": invitation.expires,
        "email": invitation.email,
    }

    def send() -> None:
        with translation.override(language):
            subject = render_to_string("alignment/email/invitation_subject.txt", context)
            message = EmailMultiAlternatives(
                " ".join(subject.split()),
                render_to_string("alignment/email/invitation.txt", context),
                to=[invitation.email],
            )
            message.attach_alternative(
                render_to_string("alignment/email/invitation.html", context), "text/html"
            )
        try:
            message.send()
        except Exception:
            # The invitation stands; the admin can send it again from the page.
            logger.exception("Could not send invitation %s", invitation.key)

    transaction.on_commit(send)


@transaction.atomic
def invite(
    organization: Organization,
    *,
    email: str,
    display_name: str,
    role: str,
    title: str,
    by,
    link_for,
) -> Invitation:
    """Invite an address to the organisation, or invite it again with these
    details (a new link and a new week) if it already has a pending invitation.

    `link_for` turns a path into the absolute URL mailed to the person
    (the request's build_absolute_uri)."""
    email = normalize_email(email)
    validate_email_address(email)
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    if _already_member(organization, email):
        raise ServiceError(_("This person is already a member."))
    token, token_hash = new_token()
    # Django's update_or_create locks the pending row, or creates it in a savepoint
    # and, should a concurrent invitation win the unique constraint, updates that.
    invitation, _created = Invitation.objects.pending().update_or_create(
        organization=organization,
        email=email,
        defaults={
            "role": role,
            "title": title,
            "display_name": display_name,
            "invited_by": by,
            "expires": timezone.now() + INVITATION_VALIDITY,
            "token_hash": token_hash,
        },
    )
    record(organization, by, "member.invited", email, role=role)
    _send_invitation(invitation, token, link_for, by)
    return invitation


def _locked_pending(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    )
    if not locked.is_pending:
        raise InvitationGone(_("This invitation was already accepted or withdrawn."))
    return locked


@transaction.atomic
def resend_invitation(invitation: Invitation, *, by, link_for) -> Invitation:
    """A new link and a new week; the link sent before stops working."""
    invitation = _locked_pending(invitation)
    token, invitation.token_hash = new_token()
    invitation.expires = timezone.now() + INVITATION_VALIDITY
    invitation.save(update_fields=["token_hash", "expires"])
    record(invitation.organization, by, "member.invitation_resent", invitation.email)
    _send_invitation(invitation, token, link_for, by)
    return invitation


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, by) -> Invitation:
    invitation = _locked_pending(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(invitation.organization, by, "member.invitation_revoked", invitation.email)
    return invitation


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link names, whatever its state; None for no such link."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def _join(invitation: Invitation, user: User) -> Membership:
    membership, _created = Membership.objects.get_or_create(
        organization=invitation.organization,
        user=user,
        defaults={"role": invitation.role, "title": invitation.title},
    )
    Participant.objects.seat_in_open_workshops(user, invitation.organization_id)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(invitation.organization, user, "member.joined", user.email, role=membership.role)
    return membership


def _locked_usable(invitation: Invitation) -> Invitation:
    invitation = _locked_pending(invitation)
    if invitation.is_expired:
        raise InvitationGone(_("This invitation has expired."))
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, *, user) -> Membership:
    """An existing account joins: only when signed in as exactly the invited address."""
    invitation = _locked_usable(invitation)
    if not user.is_authenticated or user.email != invitation.email:
        raise WrongAccount(
            _("This invitation is for %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    return _join(invitation, user)


@transaction.atomic
def accept_invitation_as_new_account(
    invitation: Invitation, *, display_name: str, password: str
) -> User:
    """The invited address has no account: make it, with the password its owner
    chose, and the membership, in one transaction."""
    invitation = _locked_usable(invitation)
    if User.objects.filter(email=invitation.email).exists():
        raise WrongAccount(
            _("An account with %(email)s exists already. Sign in with it to accept.")
            % {"email": invitation.email}
        )
    user = User.objects.create_user(
        email=invitation.email, password=password, display_name=display_name
    )
    _join(invitation, user)
    return user
