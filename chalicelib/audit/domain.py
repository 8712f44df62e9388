"""The audit trail: who did what, to which object, when, in which tenant (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class AuditEvent:
    """One entry of the append-only trail; `detail` never holds personal data, only ids and field names."""

    actor: str
    action: str
    target_type: str
    target_id: str
    at: datetime
    detail: dict[str, str] = field(default_factory=dict)
    id: str = ""
