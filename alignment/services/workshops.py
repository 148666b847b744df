"""A workshop's life: created, moved through its statuses, its flavor answered."""

from __future__ import annotations

from django.db import transaction

from alignment import agenda
from alignment.domain import coherence
from alignment.domain.visibility import hidden_answers
from alignment.models import (
    Membership,
    Organization,
    Participant,
    Role,
    SignerEventKind,
    Status,
    Workshop,
)
from alignment.services.audit import record, signer_event
from alignment.services.errors import Refused
from alignment.services.revision import bump, ensure_editable

TRANSITIONS = {
    Status.DRAFT: {Status.LIVE},
    Status.LIVE: {Status.DRAFT, Status.REVIEW},
    Status.REVIEW: {Status.LIVE, Status.SIGNING},
    Status.SIGNING: {Status.REVIEW},
    # `signed` is reached only through sign-off, which freezes the workshop.
    Status.SIGNED: set(),
}


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
        current_step=agenda.first_step().slug,
    )
    Participant.objects.seat_members(workshop)
    record(organization, by, "workshop.created", workshop, workshop=workshop)
    return workshop


@transaction.atomic
def transition(workshop: Workshop, to: str, *, by) -> Workshop:
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if to not in Status.values:
        raise Refused("no_such_status")
    if to not in TRANSITIONS[workshop.status]:
        raise Refused(
            "transition_impossible",
            {"from": workshop.get_status_display(), "to": Status(to).label},
        )
    if to == Status.SIGNING and (hidden := hidden_answers(workshop)):
        # Not even an override: the leaders would sign content they cannot see.
        raise Refused("hidden_answers", {"steps": hidden.steps_text})
    if to == Status.SIGNING and not workshop.override_reason:
        blockers = coherence.review(workshop).blockers
        if blockers:
            raise Refused("blockers_before_signing", {"count": len(blockers)})
    old = workshop.status
    workshop.status = to
    workshop.save(update_fields=["status", "updated"])
    bump(workshop, facilitation=True)
    if to == Status.SIGNING:
        # Each leader is invited to sign: the first line of their part of the
        # completion certificate.
        for member in (
            Membership.objects.filter(organization_id=workshop.organization_id, role=Role.LEADER)
            .select_related("user")
            .order_by("user__display_name", "user_id")
        ):
            signer_event(workshop, member.user, SignerEventKind.INVITED)
    record(
        workshop.organization, by, "workshop.status", workshop, workshop=workshop, old=old, new=to
    )
    return workshop


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
