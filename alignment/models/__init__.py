from __future__ import annotations

from alignment.models.accounts import Membership, Organization, Role, User
from alignment.models.audit import AuditEntry

__all__ = ["AuditEntry", "Membership", "Organization", "Role", "User"]
