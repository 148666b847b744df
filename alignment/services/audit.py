"""The audit log: who did what, where. Every workflow records its change here."""

from __future__ import annotations

from dataclasses import dataclass

from alignment.models import AuditEntry, Organization, SignerEvent, Workshop


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


@dataclass(frozen=True)
class Client:
    """Where a signer acted from, as their request said: recorded with what they
    did themselves, as e-signature services do."""

    ip_address: str | None = None
    user_agent: str = ""


def signer_event(
    workshop: Workshop,
    user,
    kind: str,
    *,
    content_hash: str = "",
    client: Client | None = None,
    **detail,
) -> SignerEvent:
    """One line of the completion certificate (`SignerEvent`)."""
    client = client or Client()
    return SignerEvent.objects.create(
        workshop=workshop,
        user=user,
        kind=kind,
        content_hash=content_hash,
        ip_address=client.ip_address,
        user_agent=client.user_agent[:300],
        detail=detail,
    )
