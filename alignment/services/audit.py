"""The audit log: who did what, where. Every workflow records its change here."""

from __future__ import annotations

from alignment.models import AuditEntry, Organization, Workshop


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
