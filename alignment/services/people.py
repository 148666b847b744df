"""People of an organisation: roles, removal and invitations by email."""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from alignment.models import (
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
from alignment.services import signoff, workshops
from alignment.services.audit import record
from alignment.services.errors import InvitationGone, Refused

logger = logging.getLogger(__name__)


def _refuse_unless_others_manage(membership: Membership, *, by, leaving_admin: bool) -> None:
    """An admin never changes their own standing, and an organisation always keeps
    one admin who can manage its people."""
    if membership.user_id == getattr(by, "pk", None):
        raise Refused("own_standing")
    if (
        leaving_admin
        and membership.role == Role.ADMIN
        and not Membership.objects.filter(
            organization_id=membership.organization_id, role=Role.ADMIN
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise Refused("last_admin")


def _signing_may_be_complete(organization_id, *, by) -> None:
    """A leader demoted or removed may have been the last one who had not signed."""
    for workshop in Workshop.objects.filter(organization_id=organization_id, status=Status.SIGNING):
        signoff.freeze_if_complete(workshop, by=by)


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
        _signing_may_be_complete(membership.organization_id, by=by)
    elif role == Role.LEADER:
        # A new leader signs every workshop in signing from now on.
        for workshop in Workshop.objects.filter(
            organization_id=membership.organization_id, status=Status.SIGNING
        ):
            workshops.invite_to_sign(workshop, [membership], by=by)
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
        _signing_may_be_complete(organization.pk, by=by)


# Invitations ----------------------------------------------------------------------
#
# An organisation admin never creates, sees or controls an account: adding a person
# is an invitation to an address, mailed to that address alone. Whoever reads the
# mailbox accepts, as a new account (choosing its password) or signed in as the
# existing one. The inviting admin's reply is the same in every case, so it tells
# them nothing about accounts outside their organisation.


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
        raise Refused("already_member")
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
        raise InvitationGone("invitation_used")
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
        raise InvitationGone("invitation_expired")
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, *, user) -> Membership:
    """An existing account joins: only when signed in as exactly the invited address."""
    invitation = _locked_usable(invitation)
    if not user.is_authenticated or user.email != invitation.email:
        raise Refused("wrong_account", {"email": invitation.email})
    return _join(invitation, user)


@transaction.atomic
def accept_invitation_as_new_account(
    invitation: Invitation, *, display_name: str, password: str
) -> User:
    """The invited address has no account: make it, with the password its owner
    chose, and the membership, in one transaction."""
    invitation = _locked_usable(invitation)
    if User.objects.filter(email=invitation.email).exists():
        raise Refused("account_exists", {"email": invitation.email})
    user = User.objects.create_user(
        email=invitation.email, password=password, display_name=display_name
    )
    _join(invitation, user)
    return user
