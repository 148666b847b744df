from __future__ import annotations

from alignment.models.accounts import Membership, Organization, Role, User
from alignment.models.audit import AuditEntry
from alignment.models.workshop import (
    Alternative,
    AlternativeKind,
    AspectItem,
    BusinessObjective,
    Change,
    Dot,
    DotVote,
    MajorInitiative,
    Need,
    Participant,
    Persona,
    Status,
    StrategicBet,
    StrategyStatement,
    Workshop,
    WorkshopRole,
)

__all__ = [
    "Alternative",
    "AlternativeKind",
    "AspectItem",
    "AuditEntry",
    "BusinessObjective",
    "Change",
    "Dot",
    "DotVote",
    "MajorInitiative",
    "Membership",
    "Need",
    "Organization",
    "Participant",
    "Persona",
    "Role",
    "Status",
    "StrategicBet",
    "StrategyStatement",
    "User",
    "Workshop",
    "WorkshopRole",
]
