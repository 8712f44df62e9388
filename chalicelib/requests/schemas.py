"""Requests at the edge (API.md "Requests")."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from chalicelib.customers.schemas import CustomerIdentity
from chalicelib.shared.fields import Cursor, Day, Identifier, Instant, Line, QueryFlag, QueryInstant, QueryInt, Text, Version
from chalicelib.shared.schema import BaseModel, Input

ChannelName = Literal["hotline", "national_portal", "web_portal", "fanpage", "email", "post", "other"]
KindName = Literal["information", "status_lookup", "complaint"]
CategoryName = Literal["policy", "procedure_execution", "public_service", "staff_attitude", "coordination"]
StatusName = Literal["open", "escalated", "transferred", "awaiting_approval", "answered", "closed"]


class CustomerRef(Input):
    """`{"id": …}` of a known customer, or the identity fields to find or create one (Annex 2 §2)."""

    id: Identifier | None = Field(default=None, max_length=40)
    kind: Literal["individual", "organization"] | None = None
    full_name: Line | None = Field(default=None, max_length=120)
    id_number: Line | None = Field(default=None, max_length=20)
    social_insurance_code: Line | None = Field(default=None, max_length=20)
    health_card_code: Line | None = Field(default=None, max_length=20)
    org_name: Line | None = Field(default=None, max_length=200)
    unit_code: Line | None = Field(default=None, max_length=20)
    phone: Line | None = Field(default=None, max_length=20)
    email: Line | None = Field(default=None, max_length=254)
    address: Line | None = Field(default=None, max_length=300)

    def identity(self) -> CustomerIdentity:
        """The identity fields as the customers capability takes them."""
        return CustomerIdentity(**self.model_dump(exclude={"id"}, exclude_none=True) | {"kind": self.kind or "individual"})


class RequestCreate(Input):
    """A request from any channel (Art. 5); letters and walk-ins are entered after the fact with `received_at`."""

    channel: ChannelName
    kind: KindName
    category: CategoryName
    received_at: Instant | None = None
    customer: CustomerRef
    subject: Line = Field(min_length=3, max_length=200)
    question: Text = Field(min_length=3, max_length=8000)


class IntakeHeaders(Input):
    """`Idempotency-Key`: a retry with the same key and body returns the request the first call created."""

    idempotency_key: str | None = Field(default=None, alias="Idempotency-Key", min_length=1, max_length=128, pattern=r"^[!-~]+$")


class Versioned(Input):
    """Every action names the version it was decided on."""

    version: Version


class AnswerBody(Versioned):
    """Answer at once (hotline), optionally citing a knowledge-bank entry."""

    text: Text = Field(min_length=1, max_length=8000)
    knowledge_id: Identifier | None = Field(default=None, max_length=40)


class CallbackBody(Versioned):
    """A callback appointment (Art. 6.1 step 3b)."""

    at: Instant
    note: Text = Field(default="", max_length=1000)
    assignee: Identifier | None = Field(default=None, max_length=40)


class EscalateBody(Versioned):
    """Units to escalate to (one or more)."""

    unit_ids: list[Identifier] = Field(min_length=1, max_length=10)
    note: Text = Field(default="", max_length=2000)


class TransferBody(Versioned):
    """A provincial office (and optionally its grassroots office) to hand over to; no `to_unit` (or null) is no unit."""

    to_tenant: Identifier = Field(min_length=2, max_length=20)
    to_unit: Identifier | None = Field(default=None, max_length=40)
    note: Text = Field(default="", max_length=2000)


class TextBody(Versioned):
    """A draft answer, a unit's answer, or a report."""

    text: Text = Field(min_length=1, max_length=8000)


class ReportBody(Versioned):
    """The receiving office's result."""

    result: Text = Field(min_length=1, max_length=8000)


class DraftDecision(Versioned):
    """Which draft the leader decides on (and why, when returning it)."""

    draft_id: Identifier = Field(max_length=40)
    note: Text = Field(default="", max_length=2000)


class RateBody(Versioned):
    """The customer's rating."""

    satisfied: bool
    reason: Text = Field(default="", max_length=2000)
    remedy: Text = Field(default="", max_length=2000)


class ReasonBody(Versioned):
    """Why (reopening)."""

    reason: Text = Field(default="", max_length=2000)


class AssignBody(Versioned):
    """Who handles it next (null: the shared queue)."""

    assignee: Identifier | None = Field(default=None, max_length=40)


class RequestQuery(Input):
    """Filters of the request list; each is served by a key or an index (docs/data-model.md). With `received_from`
    / `received_to` (days in Vietnam's time, inclusive) the list is the requests received then, of every status
    unless `status` says, newest first; `unit` then means the handling unit."""

    status: StatusName | None = None
    channel: ChannelName | None = None
    kind: KindName | None = None
    category: CategoryName | None = None
    received_from: Day | None = None
    received_to: Day | None = None
    unit: Identifier | None = Field(default=None, max_length=40)
    assignee: Identifier | None = Field(default=None, max_length=40)
    overdue: QueryFlag = False
    due_before: QueryInstant | None = None
    q: Line | None = Field(default=None, max_length=100)
    cursor: Cursor | None = None
    limit: QueryInt = Field(default=25, ge=1, le=100)


class CentralQuery(Input):
    """Filters of the CCC's cross-province list; a range of receipt days needs `tenant` (one office's requests)."""

    tenant: Identifier | None = Field(default=None, max_length=20)
    status: StatusName | None = None
    channel: ChannelName | None = None
    kind: KindName | None = None
    category: CategoryName | None = None
    unit: Identifier | None = Field(default=None, max_length=40)
    received_from: Day | None = None
    received_to: Day | None = None
    overdue: QueryFlag = False
    cursor: Cursor | None = None
    limit: QueryInt = Field(default=25, ge=1, le=100)


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
    survey: dict[str, Any] | None  # the answer's survey link: sent_at, valid_until, opened_at, answered_at
    timeline: list[dict[str, Any]]
    allowed_actions: list[str]  # what the signed-in user may do now; the console offers exactly these
