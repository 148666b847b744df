"""Sign-off: leaders sign the exact content; the last signature freezes the workshop.

Every signature names the SHA-256 of the canonical snapshot it was given. Any later
change of content voids the signatures given so far (and says so), so a frozen
report always carries signatures of exactly what it shows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from alignment.domain import coherence, snapshot
from alignment.domain.visibility import hidden_answers
from alignment.models import (
    Membership,
    Report,
    Role,
    Signature,
    Status,
    Workshop,
    WorkshopRole,
)
from alignment.realtime import pagecache
from alignment.services import reports
from alignment.services.audit import record
from alignment.services.errors import Refused
from alignment.services.revision import bump, ensure_editable, void_signatures

logger = logging.getLogger(__name__)
VERIFIED_SECONDS = 3600


def current_content(
    workshop: Workshop, loaded: coherence.WorkshopData | None = None
) -> tuple[dict, str]:
    """The snapshot leaders sign now, with the lead's override if any, and its hash."""
    data = snapshot.build_snapshot(workshop, data=loaded)
    if workshop.override_reason:
        data["coherence"]["override"] = {
            "by": str(workshop.override_by) if workshop.override_by else "",
            "reason": workshop.override_reason,
            "at": workshop.override_at.isoformat() if workshop.override_at else None,
        }
    return data, snapshot.content_hash(data)


def required_signers(workshop: Workshop) -> list[Membership]:
    """The organisation's leaders as they are now: a leader demoted or removed on
    People and roles no longer signs, and one promoted signs from then on."""
    return list(
        Membership.objects.filter(organization_id=workshop.organization_id, role=Role.LEADER)
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )


@dataclass
class SignOffState:
    content_hash: str
    signers: list[dict]  # {"member", "signature" or None}
    has_blockers: bool
    overridden: bool

    @property
    def signed_count(self) -> int:
        return sum(1 for s in self.signers if s["signature"] is not None)

    @property
    def complete(self) -> bool:
        return bool(self.signers) and self.signed_count == len(self.signers)


def state(workshop: Workshop, content_hash: str, *, has_blockers: bool) -> SignOffState:
    valid = {
        s.signer_id: s
        for s in Signature.objects.filter(workshop=workshop, voided_at__isnull=True)
        if s.content_hash == content_hash
    }
    return SignOffState(
        content_hash=content_hash,
        signers=[
            {"member": m, "signature": valid.get(m.user_id)} for m in required_signers(workshop)
        ],
        has_blockers=has_blockers,
        overridden=bool(workshop.override_reason),
    )


@transaction.atomic
def set_override(workshop: Workshop, reason: str, *, by) -> None:
    ensure_editable(workshop)
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    reason = reason.strip()
    workshop.override_reason = reason
    workshop.override_by = by if reason else None
    workshop.override_at = timezone.now() if reason else None
    workshop.save(update_fields=["override_reason", "override_by", "override_at", "updated"])
    bump(workshop, step="signoff")
    record(
        workshop.organization, by, "coherence.override", reason or "(withdrawn)", workshop=workshop
    )


@transaction.atomic
def sign(workshop: Workshop, *, by, content_hash: str) -> Report | None:
    """Sign the content the leader saw (`content_hash`). The last signature freezes
    the workshop and creates its report; returns the report then, else None."""
    # Lock the workshop: two leaders signing at once must not both see themselves
    # as the last one, and a freeze must happen exactly once.
    workshop = (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("organization", "facilitator", "previous")
        .get(pk=workshop.pk)
    )
    if workshop.status == Status.SIGNED:
        raise Refused("already_signed")
    if workshop.status != Status.SIGNING:
        raise Refused("signing_not_open")
    verified = cache.get(_verified_key(workshop))
    if verified is None and (hidden := hidden_answers(workshop)):
        # The hash would cover what this leader cannot see (and, after the
        # freeze, what could never be revealed).
        raise Refused("hidden_answers", {"steps": hidden.steps_text})
    if not Membership.objects.filter(
        organization_id=workshop.organization_id, user=by, role=Role.LEADER
    ).exists():
        raise Refused("only_leaders_sign")
    if verified is None:
        verified = _verify(workshop)
    if content_hash != verified.content_hash:
        raise Refused("content_changed")
    if verified.has_blockers and not workshop.override_reason:
        raise Refused("blockers_left")
    current_hash = verified.content_hash
    given = set(
        Signature.objects.filter(workshop=workshop, voided_at__isnull=True).values_list(
            "signer_id", "content_hash"
        )
    )
    if (by.pk, current_hash) in given:
        raise Refused("signed_already_by_you")
    # Signatures on older content are void now, whatever path changed it.
    if any(signed_hash != current_hash for _signer, signed_hash in given):
        void_signatures(workshop, "content changed")
    Signature.objects.create(workshop=workshop, signer=by, content_hash=current_hash)
    record(
        workshop.organization, by, "signoff.signed", workshop, workshop=workshop, hash=current_hash
    )
    now = state(workshop, current_hash, has_blockers=verified.has_blockers)
    if now.complete:
        return freeze(workshop, verified.data, current_hash, now.signers)
    return None


@dataclass(frozen=True)
class Verified:
    """The content to sign in one state of a workshop, built under its lock."""

    data: dict
    content_hash: str
    has_blockers: bool


def _verified_key(workshop: Workshop) -> str:
    # The same state: the revision (every change of content made in the workshop
    # bumps it, the admin's corrections too; signing itself does not) and the
    # site's generation (people's names, the organisation, the reference data the
    # snapshot quotes). And the same canonical form of the snapshot.
    return (
        f"signing:{workshop.pk}:{workshop.revision}:{pagecache.site_generation()}:{snapshot.FORMAT}"
    )


def _verify(workshop: Workshop) -> Verified:
    """Build the content leaders sign now, under the workshop's lock, and keep it
    for this state: the next leader to sign the same state signs these bytes
    without their being built again (the last signature, which freezes, is most
    often given moments after the others). A state that changed has a new key."""
    # Load the workshop once: the snapshot and the review both read it.
    loaded = coherence.load(workshop)
    data, content_hash = current_content(workshop, loaded)
    verified = Verified(data, content_hash, bool(coherence.evaluate(loaded).blockers))
    # Read under the lock, so it is this committed state whatever this
    # transaction does next.
    cache.set(_verified_key(workshop), verified, VERIFIED_SECONDS)
    return verified


def freeze_if_complete(workshop: Workshop) -> Report | None:
    """Freeze a workshop in signing whose leaders have all signed its content now.

    Signing usually completes with the last signature; it can also complete when
    the last leader who had not signed stops being a leader (demoted or removed),
    which `people` calls this for. Call it inside a transaction."""
    workshop = (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("organization", "facilitator", "previous")
        .get(pk=workshop.pk)
    )
    if workshop.status != Status.SIGNING or hidden_answers(workshop):
        return None
    loaded = coherence.load(workshop)
    data, current_hash = current_content(workshop, loaded)
    review = coherence.evaluate(loaded)
    if review.blockers and not workshop.override_reason:
        return None
    now = state(workshop, current_hash, has_blockers=bool(review.blockers))
    if not now.complete:
        return None
    return freeze(workshop, data, current_hash, now.signers)


def freeze(workshop: Workshop, data: dict, content_hash: str, signers: list[dict]) -> Report:
    """Called inside sign()'s transaction with the workshop row locked; `signers`
    are the complete `state`'s: every leader, each with their signature of it."""
    signed = sorted(signers, key=lambda s: (s["signature"].signed_at, s["signature"].pk))
    signatures = [
        {
            "name": str(s["member"].user),
            "email": s["member"].user.email,
            "role": str(WorkshopRole.LEADER.label),
            "title": s["member"].title,
            "signed_at": s["signature"].signed_at.isoformat(),
        }
        for s in signed
    ]
    workshop.status = Status.SIGNED
    workshop.countdown_ends_at = None
    workshop.brainstorm_step = ""
    workshop.save(update_fields=["status", "countdown_ends_at", "brainstorm_step", "updated"])
    workshop.votes.filter(is_open=True).update(is_open=False, closed=timezone.now())
    report = reports.file_report(workshop, data, content_hash, signatures)
    bump(workshop, step="signoff", facilitation=True)
    record(
        workshop.organization,
        None,
        "workshop.frozen",
        workshop,
        workshop=workshop,
        hash=content_hash,
    )
    return report
