"""Workflows that change several rows: each runs in one transaction and is audited."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from alignment.models import AuditEntry, Membership, Organization, Role, User


def record(
    organization: Organization | None, actor, action: str, target: str = "", **detail
) -> None:
    AuditEntry.objects.create(
        organization=organization,
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
