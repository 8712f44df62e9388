"""Value objects of a request (pure): channels, kinds, categories, statuses, and the parts a step attaches to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Channel(StrEnum):
    """Art. 5.1–5.7: the seven intake channels."""

    HOTLINE = "hotline"
    NATIONAL_PORTAL = "national_portal"
    WEB_PORTAL = "web_portal"
    FANPAGE = "fanpage"
    EMAIL = "email"
    POST = "post"
    OTHER = "other"


class Kind(StrEnum):
    """Annex 2 §2: information request, status look-up (needs identity fields), complaint."""

    INFORMATION = "information"
    STATUS_LOOKUP = "status_lookup"
    COMPLAINT = "complaint"


class Category(StrEnum):
    """Art. 14 step 2: the five report categories, one per request."""

    POLICY = "policy"
    PROCEDURE_EXECUTION = "procedure_execution"
    PUBLIC_SERVICE = "public_service"
    STAFF_ATTITUDE = "staff_attitude"
    COORDINATION = "coordination"


class Status(StrEnum):
    """Where a request stands."""

    OPEN = "open"  # received, being handled
    ESCALATED = "escalated"  # waiting for specialist units (Art. 6.1 step 3, 6.2 step 3)
    TRANSFERRED = "transferred"  # waiting for a provincial office to report back (Art. 6.1 step 3)
    AWAITING_APPROVAL = "awaiting_approval"  # a draft answer waits for the leader (Art. 6.2 steps 3–4)
    ANSWERED = "answered"  # the customer has the answer; rating may follow (Art. 6.1 step 4)
    CLOSED = "closed"


OPEN_STATUSES = frozenset({Status.OPEN, Status.ESCALATED, Status.TRANSFERRED, Status.AWAITING_APPROVAL})
HOTLINE_RECORD_MINUTES = 5  # Annex 2 §1 I.2: the call record is entered within 5 minutes of the call


def is_written(channel: Channel) -> bool:
    """Art. 6.2 covers every channel but the hotline: their answers need a leader's approval."""
    return channel is not Channel.HOTLINE


@dataclass
class Escalation:
    """A question sent to one specialist unit, with its own deadline (Annex 2 §1 I.3, II.3)."""

    id: str
    unit_id: str
    due_at: datetime
    status: str = "pending"  # pending | answered
    answer: str = ""
    answered_at: datetime | None = None
    answered_by: str = ""


@dataclass
class Transfer:
    """A request handed to a provincial office, which answers and reports back (Art. 6.1 step 3)."""

    id: str
    to_tenant: str
    to_unit: str | None
    due_at: datetime
    remote_request_id: str
    status: str = "pending"  # pending | reported
    result: str = ""
    reported_at: datetime | None = None


@dataclass
class Draft:
    """An answer written for approval (Art. 6.2 steps 3–4)."""

    id: str
    text: str
    author: str
    created_at: datetime
    status: str = "pending"  # pending | approved | returned
    decided_by: str = ""
    decided_at: datetime | None = None
    note: str = ""
    task_token: str = ""  # the approval wait's token: system bookkeeping, stored outside the request's version


@dataclass
class Rating:
    """The customer's rating (Art. 6.1 step 4): satisfied, or not with a reason and a proposed remedy."""

    satisfied: bool
    reason: str
    remedy: str
    at: datetime
    by: str


@dataclass
class Callback:
    """An appointment to call the customer back (Art. 6.1 step 3b), in working hours (Annex 1 §2.1)."""

    at: datetime
    note: str
    assignee: str | None


@dataclass
class Event:
    """One step of the timeline: who did what, when."""

    at: datetime
    actor: str
    action: str
    detail: str = ""


@dataclass
class Origin:
    """For a transferred-in request: where it came from."""

    tenant: str
    request_id: str
    transfer_id: str
    reported_at: datetime | None = None  # when this office reported its result back
    due_at: datetime | None = None  # the transfer's deadline, as the transferring office set it (reports: in time)
