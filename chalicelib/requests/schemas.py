"""Requests at the edge (API.md "Requests")."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from chalicelib.customers.schemas import CustomerIdentity
from chalicelib.shared.schema import BaseModel

Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)
ChannelName = Literal["hotline", "national_portal", "web_portal", "fanpage", "email", "post", "other"]
KindName = Literal["information", "status_lookup", "complaint"]
CategoryName = Literal["policy", "procedure_execution", "public_service", "staff_attitude", "coordination"]
StatusName = Literal["open", "escalated", "transferred", "awaiting_approval", "answered", "closed"]


class CustomerRef(BaseModel):
    """`{"id": …}` of a known customer, or the identity fields to find or create one (Annex 2 §2)."""

    model_config = Strict
    id: str | None = Field(default=None, max_length=40)
    kind: Literal["individual", "organization"] | None = None
    full_name: str | None = Field(default=None, max_length=120)
    id_number: str | None = Field(default=None, max_length=20)
    social_insurance_code: str | None = Field(default=None, max_length=20)
    health_card_code: str | None = Field(default=None, max_length=20)
    org_name: str | None = Field(default=None, max_length=200)
    unit_code: str | None = Field(default=None, max_length=20)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    address: str | None = Field(default=None, max_length=300)

    def identity(self) -> CustomerIdentity:
        """The identity fields as the customers capability takes them."""
        return CustomerIdentity(**self.model_dump(exclude={"id"}, exclude_none=True) | {"kind": self.kind or "individual"})


class RequestCreate(BaseModel):
    """A request from any channel (Art. 5); letters and walk-ins are entered after the fact with `received_at`."""

    model_config = Strict
    channel: ChannelName
    kind: KindName
    category: CategoryName
    received_at: AwareDatetime | None = None
    customer: CustomerRef
    subject: str = Field(min_length=3, max_length=200)
    question: str = Field(min_length=3, max_length=8000)


class Versioned(BaseModel):
    """Every action names the version it was decided on."""

    model_config = Strict
    version: int = Field(ge=0)


class AnswerBody(Versioned):
    """Answer at once (hotline), optionally citing a knowledge-bank entry."""

    text: str = Field(min_length=1, max_length=8000)
    knowledge_id: str | None = Field(default=None, max_length=40)


class CallbackBody(Versioned):
    """A callback appointment (Art. 6.1 step 3b)."""

    at: AwareDatetime
    note: str = Field(default="", max_length=1000)
    assignee: str | None = Field(default=None, max_length=40)


class EscalateBody(Versioned):
    """Units to escalate to (one or more)."""

    unit_ids: list[str] = Field(min_length=1, max_length=10)
    note: str = Field(default="", max_length=2000)


class TransferBody(Versioned):
    """A provincial office (and optionally its grassroots office) to hand over to."""

    to_tenant: str = Field(min_length=2, max_length=20)
    to_unit: str | None = Field(default=None, max_length=40)
    note: str = Field(default="", max_length=2000)


class TextBody(Versioned):
    """A draft answer, a unit's answer, or a report."""

    text: str = Field(min_length=1, max_length=8000)


class ReportBody(Versioned):
    """The receiving office's result."""

    result: str = Field(min_length=1, max_length=8000)


class DraftDecision(Versioned):
    """Which draft the leader decides on (and why, when returning it)."""

    draft_id: str = Field(min_length=1, max_length=40)
    note: str = Field(default="", max_length=2000)


class RateBody(Versioned):
    """The customer's rating."""

    satisfied: bool
    reason: str = Field(default="", max_length=2000)
    remedy: str = Field(default="", max_length=2000)


class ReasonBody(Versioned):
    """Why (reopening)."""

    reason: str = Field(default="", max_length=2000)


class AssignBody(Versioned):
    """Who handles it next (null: the shared queue)."""

    assignee: str | None = Field(default=None, max_length=40)


class RequestQuery(BaseModel):
    """Filters of the request list; each is served by a key or an index (docs/data-model.md)."""

    model_config = ConfigDict(extra="forbid")
    status: StatusName | None = None
    channel: ChannelName | None = None
    category: CategoryName | None = None
    unit: str | None = Field(default=None, max_length=40)
    assignee: str | None = Field(default=None, max_length=40)
    overdue: bool = False
    due_before: AwareDatetime | None = None
    q: str | None = Field(default=None, max_length=100)
    cursor: str | None = Field(default=None, max_length=2000)
    limit: int = Field(default=25, ge=1, le=100)


class CentralQuery(BaseModel):
    """Filters of the CCC's cross-province list."""

    model_config = ConfigDict(extra="forbid")
    tenant: str | None = Field(default=None, max_length=20)
    status: StatusName | None = None
    overdue: bool = False
    cursor: str | None = Field(default=None, max_length=2000)
    limit: int = Field(default=25, ge=1, le=100)


class RequestSummary(BaseModel):
    """A request in a list."""

    id: str
    reference: str
    tenant: str
    channel: str
    kind: str
    category: str
    subject: str
    status: str
    status_label: str
    customer_name: str
    received_at: datetime
    due_at: datetime | None
    overdue: bool
    assignee: str | None
    version: int


class RequestPage(BaseModel):
    """A page of requests."""

    items: list[RequestSummary]
    next_cursor: str | None = None


class RequestRead(RequestSummary):
    """A request with everything done about it."""

    question: str
    customer_id: str
    recorded_at: datetime
    late_record: bool
    answer: dict[str, Any] | None
    callback: dict[str, Any] | None
    escalations: list[dict[str, Any]]
    transfers: list[dict[str, Any]]
    drafts: list[dict[str, Any]]
    rating: dict[str, Any] | None
    origin: dict[str, Any] | None
    follow_up_of: str | None
    follow_up_id: str | None
    survey_url: str | None
    timeline: list[dict[str, Any]]
    allowed_actions: list[str]  # what the signed-in user may do now; the console offers exactly these
