"""A workshop's life: created, moved through its statuses, its flavor answered."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

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

logger = logging.getLogger(__name__)

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
        # A new workshop continues no quarter: it opens on the first step it has.
        current_step=agenda.first_step().slug,
    )
    Participant.objects.seat_members(workshop)
    record(organization, by, "workshop.created", workshop, workshop=workshop)
    return workshop


@transaction.atomic
def transition(workshop: Workshop, to: str, *, by, link_for=None) -> Workshop:
    """Move the workshop to another status. Opening signing invites every leader
    to sign; `link_for` (the request's build_absolute_uri) makes the link their
    invitation mails."""
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
        leaders = Membership.objects.filter(
            organization_id=workshop.organization_id, role=Role.LEADER
        ).select_related("user")
        invite_to_sign(
            workshop, leaders.order_by("user__display_name", "user_id"), by=by, link_for=link_for
        )
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


def invite_to_sign(workshop: Workshop, members, *, by, link_for=None) -> None:
    """Invite leaders to sign: the first line of each one's part of the completion
    certificate and, with `link_for`, a message with the link to the sign-off
    page, in the workshop's language, sent once the transaction has committed."""
    members = list(members)
    for member in members:
        signer_event(workshop, member.user, SignerEventKind.INVITED)
    if link_for is None or not members:
        return
    context = {
        "organization": workshop.organization.name,
        "quarter": workshop.quarter,
        "title": workshop.title,
        "lead": str(by) if getattr(by, "is_authenticated", False) else "",
        "link": link_for(reverse("alignment:step", args=[workshop.pk, "signoff"])),
    }
    language = workshop.language or settings.LANGUAGE_CODE
    addresses = [member.user.email for member in members]

    def send() -> None:
        with translation.override(language):
            subject = " ".join(
                render_to_string("alignment/email/sign_subject.txt", context).split()
            )
            text = render_to_string("alignment/email/sign.txt", context)
            html = render_to_string("alignment/email/sign.html", context)
        for address in addresses:
            message = EmailMultiAlternatives(subject, text, to=[address])
            message.attach_alternative(html, "text/html")
            try:
                message.send()
            except Exception:
                # The invitation is on record; the sign-off page is open to them.
                logger.exception("Could not send the invitation to sign to %s", address)

    transaction.on_commit(send)
