"""Access in one place: every view reaches organisation data through these helpers.

A person who is not a member of an organisation gets a 404 for anything in it,
so that the existence of other organisations' data is never revealed.

The rule for a workshop is membership of its organisation: `get_workshop_for_user`
applies it to a request, `workshop_members` lists it (who is here) and
`readers` gives it as a set that the live pages cache
with a workshop's state (`alignment.realtime.live`) and ask through `rights_of`.
A rule added here reaches both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from alignment.models import Invitation, Membership, Participant, Workshop, WorkshopRole
from alignment.models.accounts import WORKSHOP_ROLE


def get_membership_or_404(user, organization_slug: str) -> Membership:
    return get_object_or_404(
        Membership.objects.for_user(user).select_related("organization", "user"),
        organization__slug=organization_slug,
    )


def get_invitation_or_404(membership: Membership, key) -> Invitation:
    """An invitation of the organisation this membership belongs to (in any state)."""
    return get_object_or_404(
        Invitation.objects.select_related("organization"),
        organization_id=membership.organization_id,
        key=key,
    )


def require(allowed: bool) -> None:
    """Refuse a member who may see a page but not do this action on it."""
    if not allowed:
        raise PermissionDenied


@dataclass(frozen=True)
class Rights:
    """What everyone of one rights class may do in a workshop: the lead, a leader or
    an observer. What the live pages share by class is rendered with this in place of
    one person's access, so it can hold nothing that is one person's."""

    role: str

    @property
    def is_lead(self) -> bool:
        return self.role == WorkshopRole.LEAD

    @property
    def can_contribute(self) -> bool:
        return self.role in (WorkshopRole.LEAD, WorkshopRole.LEADER)

    @property
    def can_vote(self) -> bool:
        return self.can_contribute

    @property
    def edits_own(self) -> bool:
        """Leaders edit what they wrote (leads edit everything)."""
        return self.role == WorkshopRole.LEADER


class _ByRights:
    """What a class of people may do, asked through its `rights`."""

    @property
    def is_lead(self) -> bool:
        return self.rights.is_lead

    @property
    def can_contribute(self) -> bool:
        return self.rights.can_contribute

    @property
    def can_vote(self) -> bool:
        return self.rights.can_vote


@dataclass
class WorkshopAccess(_ByRights):
    """A workshop as one person may use it.

    Rights come from the membership, read fresh on every request: there is no
    per-workshop copy of a role that a change on People and roles could miss.
    `participant` holds only the person's own settings (following the facilitator).
    """

    workshop: Workshop
    membership: Membership
    participant: Participant | None

    @property
    def role(self) -> str:
        return self.membership.workshop_role

    @property
    def rights(self) -> Rights:
        return Rights(self.role)

    @property
    def follows_facilitator(self) -> bool:
        return self.participant is None or self.participant.follows_facilitator

    def can_edit(self, item) -> bool:
        """Leads edit everything; leaders edit what they wrote."""
        if self.is_lead:
            return True
        return self.rights.edits_own and item.author_id == self.membership.user_id


@dataclass(frozen=True)
class RoomAccess(_ByRights):
    """A workshop as everyone of one rights class sees it: what the live pages
    render once and send to all of them. It knows no person (`membership` is None),
    so nothing rendered with it can be one person's."""

    workshop: Workshop
    rights: Rights
    membership = None
    participant = None
    # Rendered for the pages that followed the facilitator to a step.
    follows_facilitator = True


def workshop_members(workshop_id):
    """The memberships whose people may open a workshop: its organisation's."""
    return Membership.objects.filter(organization__workshops=workshop_id)


def readers(workshop_id) -> dict[int, str]:
    """Who may open a workshop, and with which rights: the user ids of
    `workshop_members`, each with their role in the workshop (lead, leader, observer)."""
    return {
        user_id: WORKSHOP_ROLE[role]
        for user_id, role in workshop_members(workshop_id).values_list("user_id", "role")
    }


def rights_of(user_id: int, workshop_readers: dict[int, str]) -> str | None:
    """The rights class a person sees a workshop with (their workshop role), or None
    if they may not open it: live pages render once per class, never per person."""
    return workshop_readers.get(user_id)


def get_workshop_for_user(user, workshop_id) -> WorkshopAccess:
    workshop = get_object_or_404(
        Workshop.objects.for_user(user).select_related("organization", "facilitator"),
        pk=workshop_id,
    )
    membership = Membership.objects.select_related("user", "organization").get(
        organization_id=workshop.organization_id, user=user
    )
    participant = Participant.objects.filter(workshop=workshop, user=user).first()
    return WorkshopAccess(workshop=workshop, membership=membership, participant=participant)
