"""What every change of a workshop passes: the frozen check, the new revision,
and the signatures it voids.

`ensure_editable` is the one place that refuses a change to a signed workshop:
every workflow that writes to a workshop calls it (the views and the admin reach
workshops only through those workflows). `bump` gives the change a revision that
the live pages compare, and voids signatures given on other content.
"""

from __future__ import annotations

from django.utils import timezone

from alignment.models import Change, Signature, SignerEvent, SignerEventKind, Status, Workshop
from alignment.services.audit import record
from alignment.services.errors import Frozen


def ensure_editable(workshop: Workshop) -> None:
    """Refuse any change to a signed workshop.

    The status is read under the workshop's row lock, not from the instance the
    caller holds: a page loaded before the last signature must not slip a change
    in after it. Call it inside the workflow's transaction."""
    status = (
        Workshop.objects.select_for_update()
        .filter(pk=workshop.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status == Status.SIGNED:
        raise Frozen


def check_editable(workshop: Workshop) -> None:
    """The same refusal, asked by a page before it does any work, from the
    workshop as the page loaded it (no lock: the workflow asks again under it)."""
    if workshop.is_frozen:
        raise Frozen


def void_signatures(workshop: Workshop, reason: str, **change) -> int:
    """Void every decision in force (signatures and declines): the content they
    were given has changed. `change` says which (its step and revision), for the
    completion certificate."""
    voided = list(
        Signature.objects.filter(workshop=workshop, voided_at__isnull=True).values_list(
            "signer_id", "content_hash", "decision"
        )
    )
    if not voided:
        return 0
    now = timezone.now()
    Signature.objects.filter(workshop=workshop, voided_at__isnull=True).update(
        voided_at=now, voided_reason=reason[:200]
    )
    SignerEvent.objects.bulk_create(
        SignerEvent(
            workshop=workshop,
            user_id=signer_id,
            kind=SignerEventKind.VOIDED,
            content_hash=content_hash,
            at=now,
            detail={"reason": reason, "decision": decision, **change},
        )
        for signer_id, content_hash, decision in voided
    )
    record(
        workshop.organization,
        None,
        "signatures.voided",
        workshop,
        workshop=workshop,
        count=len(voided),
        reason=reason,
    )
    return len(voided)


def bump(
    workshop: Workshop,
    *,
    step: str = "",
    facilitation: bool = False,
    content: bool = True,
    moved: bool = False,
) -> int:
    """Record a change: bump the revision (the live pages compare it) and note
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
        void_signatures(workshop, f"content changed ({step})", step=step, revision=revision)
    return revision
