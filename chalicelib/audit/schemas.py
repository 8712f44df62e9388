"""The audit trail at the edge."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from chalicelib.shared.schema import BaseModel


class AuditQuery(BaseModel):
    """Which month to read (yyyy-mm, default the current one)."""

    model_config = ConfigDict(extra="forbid")
    month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    limit: int = Field(default=100, ge=1, le=500)


class AuditRead(BaseModel):
    """One audit entry."""

    id: str
    actor: str
    action: str
    target_type: str
    target_id: str
    at: datetime
    detail: dict[str, str]


class AuditPage(BaseModel):
    """A month of the trail, newest first."""

    items: list[AuditRead]
