"""Access in one place: every view reaches organisation data through these helpers.

A person who is not a member of an organisation gets a 404 for anything in it,
so that the existence of other organisations' data is never revealed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from alignment.models import Membership


def get_membership_or_404(user, organization_slug: str) -> Membership:
    return get_object_or_404(
        Membership.objects.for_user(user).select_related("organization", "user"),
        organization__slug=organization_slug,
    )


def require(allowed: bool) -> None:
    """Refuse a member who may see a page but not do this action on it."""
    if not allowed:
        raise PermissionDenied
