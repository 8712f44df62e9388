"""The audit trail at the edge."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chalicelib.shared.fields import QueryInt
from chalicelib.shared.schema import BaseModel, Input


class AuditQuery(Input):
    """Which month to read (yyyy-mm, default the current one)."""

    month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    limit: QueryInt = Field(default=100, ge=1, le=500)


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
