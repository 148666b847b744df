"""Sign-off: leaders sign the exact content; the last signature freezes the workshop.

Every signature names the SHA-256 of the canonical snapshot it was given. Any later
change of content voids the signatures given so far (and says so), so a frozen
report always carries signatures of exactly what it shows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from alignment.domain import coherence, snapshot
from alignment.domain.visibility import hidden_answers
from alignment.models import (
    Decision,
    Membership,
    Report,
    Role,
    Signature,
    SignerEvent,
    SignerEventKind,
    Status,
    Workshop,
    WorkshopRole,
)
from alignment.realtime import pagecache
from alignment.services import reports
from alignment.services.audit import Client, record, signer_event
from alignment.services.errors import Refused
from alignment.services.revision import bump, ensure_editable, void_signatures

logger = logging.getLogger(__name__)
VERIFIED_SECONDS = 3600
CERTIFICATE_FORMAT = "cvm-align/certificate/1"


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
    # {"member", "signature" (signed this content) or None, "declined" (a
    # decline of this content) or None, "opened_at" (first opened it) or None}
    signers: list[dict]
    has_blockers: bool
    overridden: bool

    @property
    def signed_count(self) -> int:
        return sum(1 for s in self.signers if s["signature"] is not None)

    @property
    def declines(self) -> list[dict]:
        return [s for s in self.signers if s["declined"] is not None]

    @property
    def complete(self) -> bool:
        return bool(self.signers) and self.signed_count == len(self.signers)


def state(
    workshop: Workshop, content_hash: str, *, has_blockers: bool, openings: bool = False
) -> SignOffState:
    """Each leader's decision on this content; with `openings`, when each first
    opened it too (the page shows it; deciding whether to freeze does not need it)."""
    in_force = [
        s
        for s in Signature.objects.filter(workshop=workshop, voided_at__isnull=True)
        if s.content_hash == content_hash
    ]
    signed = {s.signer_id: s for s in in_force if not s.declined}
    declined = {s.signer_id: s for s in in_force if s.declined}
    opened = (
        dict(
            SignerEvent.objects.filter(
                workshop=workshop, kind=SignerEventKind.OPENED, content_hash=content_hash
            )
            .order_by("-at")
            .values_list("user_id", "at")
        )
        if openings
        else {}
    )
    return SignOffState(
        content_hash=content_hash,
        signers=[
            {
                "member": m,
                "signature": signed.get(m.user_id),
                "declined": declined.get(m.user_id),
                "opened_at": opened.get(m.user_id),
            }
            for m in required_signers(workshop)
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


def _locked_for_decision(workshop: Workshop, by, content_hash: str) -> tuple[Workshop, Verified]:
    """The workshop, locked, once it is certain that `by` may decide on
    `content_hash` now: signing is open, they are a leader, and it is the content."""
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
    return workshop, verified


def _in_force(workshop: Workshop, current_hash: str) -> dict:
    """The decisions in force by signer, once any on older content are voided."""
    given = list(Signature.objects.filter(workshop=workshop, voided_at__isnull=True))
    # Decisions on older content are void now, whatever path changed it.
    if any(s.content_hash != current_hash for s in given):
        void_signatures(workshop, "content changed")
        return {}
    return {s.signer_id: s for s in given}


def first_opened(workshop: Workshop, user, content_hash: str):
    """When `user` first opened this content (the page's content or the draft)."""
    return (
        SignerEvent.objects.filter(
            workshop=workshop, user=user, kind=SignerEventKind.OPENED, content_hash=content_hash
        )
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )


def open_content(workshop: Workshop, *, by, content_hash: str, client: Client | None = None):
    """A leader opened the content they are to sign: recorded once per version of
    the content, while signing is open. Returns when they first opened it, or
    None when it is not a signer's reading of the content in signing now."""
    if workshop.status != Status.SIGNING or not content_hash:
        return None
    if not Membership.objects.filter(
        organization_id=workshop.organization_id, user=by, role=Role.LEADER
    ).exists():
        return None
    if (opened := first_opened(workshop, by, content_hash)) is not None:
        return opened
    return signer_event(
        workshop, by, SignerEventKind.OPENED, content_hash=content_hash, client=client
    ).at


@transaction.atomic
def sign(
    workshop: Workshop,
    *,
    by,
    content_hash: str,
    reservation: str = "",
    unread_ok: bool = False,
    client: Client | None = None,
) -> Report | None:
    """Sign the content the leader saw (`content_hash`), with a reservation if
    they have one. The last signature freezes the workshop and creates its
    report; returns the report then, else None.

    A leader who has not opened the content is asked once more (`not_opened`);
    `unread_ok` is their answer, and their signature says they had not opened it."""
    client = client or Client()
    workshop, verified = _locked_for_decision(workshop, by, content_hash)
    if verified.has_blockers and not workshop.override_reason:
        raise Refused("blockers_left")
    current_hash = verified.content_hash
    opened_at = first_opened(workshop, by, current_hash)
    if opened_at is None and not unread_ok:
        raise Refused("not_opened")
    given = _in_force(workshop, current_hash)
    mine = given.get(by.pk)
    if mine is not None and not mine.declined:
        raise Refused("signed_already_by_you")
    if mine is not None:
        # They declined this content and now sign it: the decline is withdrawn.
        void_signatures_of(workshop, mine, "withdrawn: signed instead")
    reservation = reservation.strip()
    Signature.objects.create(
        workshop=workshop,
        signer=by,
        content_hash=current_hash,
        note=reservation,
        opened_at=opened_at,
        ip_address=client.ip_address,
        user_agent=client.user_agent[:300],
    )
    signer_event(
        workshop,
        by,
        SignerEventKind.RESERVED if reservation else SignerEventKind.SIGNED,
        content_hash=current_hash,
        client=client,
        **({"reservation": reservation} if reservation else {}),
        **({} if opened_at else {"unread": True}),
    )
    record(
        workshop.organization, by, "signoff.signed", workshop, workshop=workshop, hash=current_hash
    )
    now = state(workshop, current_hash, has_blockers=verified.has_blockers)
    if now.complete:
        return freeze(workshop, verified.data, current_hash, now.signers, by=by)
    return None


@transaction.atomic
def decline(
    workshop: Workshop, *, by, content_hash: str, reason: str, client: Client | None = None
) -> None:
    """Decline to sign this content, with a reason. A decline in force blocks the
    freeze; a change of content voids it as it voids signatures."""
    client = client or Client()
    reason = reason.strip()
    if not reason:
        raise Refused("decline_needs_reason")
    workshop, verified = _locked_for_decision(workshop, by, content_hash)
    given = _in_force(workshop, verified.content_hash)
    mine = given.get(by.pk)
    if mine is not None and mine.declined:
        raise Refused("declined_already_by_you")
    if mine is not None:
        void_signatures_of(workshop, mine, "withdrawn: declined instead")
    Signature.objects.create(
        workshop=workshop,
        signer=by,
        content_hash=verified.content_hash,
        decision=Decision.DECLINED,
        note=reason,
        opened_at=first_opened(workshop, by, verified.content_hash),
        ip_address=client.ip_address,
        user_agent=client.user_agent[:300],
    )
    signer_event(
        workshop,
        by,
        SignerEventKind.DECLINED,
        content_hash=verified.content_hash,
        client=client,
        reason=reason,
    )
    record(
        workshop.organization,
        by,
        "signoff.declined",
        workshop,
        workshop=workshop,
        hash=verified.content_hash,
    )


def void_signatures_of(workshop: Workshop, signature: Signature, reason: str) -> None:
    """One signer's decision withdrawn by themselves (they decided otherwise)."""
    signature.voided_at = timezone.now()
    signature.voided_reason = reason[:200]
    signature.save(update_fields=["voided_at", "voided_reason"])
    signer_event(
        workshop,
        signature.signer,
        SignerEventKind.VOIDED,
        content_hash=signature.content_hash,
        reason=reason,
        decision=signature.decision,
    )


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


def freeze_if_complete(workshop: Workshop, *, by=None) -> Report | None:
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
    return freeze(workshop, data, current_hash, now.signers, by=by)


def freeze(
    workshop: Workshop, data: dict, content_hash: str, signers: list[dict], *, by=None
) -> Report:
    """Called inside sign()'s transaction with the workshop row locked; `signers`
    are the complete `state`'s: every leader, each with their signature of it.
    `by` froze it: the last to sign, or whoever made the last one who had not
    signed stop being a leader."""
    signed = sorted(signers, key=lambda s: (s["signature"].signed_at, s["signature"].pk))
    signatures = [
        {
            "name": str(s["member"].user),
            "email": s["member"].user.email,
            "role": str(WorkshopRole.LEADER.label),
            "title": s["member"].title,
            "signed_at": s["signature"].signed_at.isoformat(),
            "reservation": s["signature"].note,
            "opened_at": s["signature"].opened_at.isoformat() if s["signature"].opened_at else None,
        }
        for s in signed
    ]
    workshop.status = Status.SIGNED
    workshop.countdown_ends_at = None
    workshop.brainstorm_step = ""
    workshop.save(update_fields=["status", "countdown_ends_at", "brainstorm_step", "updated"])
    workshop.votes.filter(is_open=True).update(is_open=False, closed=timezone.now())
    report = reports.file_report(
        workshop,
        data,
        content_hash,
        signatures,
        certificate=completion_certificate(workshop, content_hash, by=by),
    )
    bump(workshop, step="signoff", facilitation=True)
    record(
        workshop.organization,
        by,
        "workshop.frozen",
        workshop,
        workshop=workshop,
        hash=content_hash,
    )
    return report


def completion_certificate(workshop: Workshop, content_hash: str, *, by=None) -> dict:
    """Every signer event up to now, in order, with who froze the workshop: the
    record printed as the report's last page and exported with its JSON."""
    frozen_at = timezone.now()
    events = SignerEvent.objects.filter(workshop=workshop).select_related("user")
    return {
        "format": CERTIFICATE_FORMAT,
        "content_hash": content_hash,
        "frozen_at": frozen_at.astimezone(UTC).isoformat(),
        "frozen_by": (
            {"name": str(by), "email": by.email} if getattr(by, "is_authenticated", False) else None
        ),
        "events": [
            {
                "at": event.at.astimezone(UTC).isoformat(),
                "kind": event.kind,
                "name": str(event.user),
                "email": event.user.email,
                "content_hash": event.content_hash,
                "ip_address": event.ip_address,
                "user_agent": event.user_agent,
                "detail": event.detail,
            }
            for event in events
        ],
    }
