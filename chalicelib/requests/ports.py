"""What the request capability needs from outside it, in its own terms: the store and its unit of work, and the
seams to customers, the calendar, the timers and the staff directory. Adapters implement these; tests use fakes."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.audit.domain import AuditEvent
from chalicelib.customers.domain import CustomerRecord
from chalicelib.notifications.domain import Notice
from chalicelib.shared.tenancy import Principal

from .domain import Escalation, Event, Request, Status


@dataclass(frozen=True)
class IntakeRecord:
    """An intake's `Idempotency-Key`: the request it made and a fingerprint of the body it came with (kept a day)."""

    key: str
    request_id: str
    fingerprint: str
    expires_at: datetime


@dataclass(frozen=True)
class SurveyLink:
    """The single-use survey link that goes out with a written answer (Art. 6.2 step 5): a link of the links
    capability (purpose `answer`), written with the request; only its id (the token's hash) is kept."""

    link_id: str
    request_id: str
    customer_id: str
    channel: str
    valid_from: datetime
    valid_until: datetime


class SurveyLinkStates(Protocol):
    """The links capability as the request's read model sees it: a link's state by its id (links.service)."""

    def state(self, *, tenant: str, link_id: str) -> Any: ...


@dataclass(frozen=True)
class UnitRef:
    """A unit that must exist and be active when the change commits (checked in the transaction, not read first)."""

    tenant: str
    unit_id: str
    field: str  # the input field to blame when it does not


@dataclass
class Change:
    """What one step writes, all or nothing: the requests with their new timeline steps, the notices to send,
    the intake's idempotency record, the survey link, and the customers it found (their audited reads) or made —
    the unit of work of the request capability."""

    requests: list[Request]
    notices: list[Notice] = field(default_factory=list)
    escalated: list[Escalation] = field(default_factory=list)  # into their units' inboxes (of the first request)
    answered: list[Escalation] = field(default_factory=list)  # out of them
    intake: IntakeRecord | None = None
    survey_link: SurveyLink | None = None
    units: list[UnitRef] = field(default_factory=list)
    customers: list[CustomerRecord] = field(default_factory=list)

    @property
    def creates_customer(self) -> bool:
        """Whether a lost race on a customer's identifier claims could have refused it (matching again resolves it)."""
        return any(record.new for record in self.customers)


@dataclass(frozen=True)
class SystemNote:
    """A timer's step recorded beside a request without rewriting it, so it never costs a person a 409.

    `key` names the timer message (a retried message finds its note and does nothing); the note is written only
    while the request still has timer `timer_id`, or while draft `draft_id` still awaits the leader.
    """

    tenant: str
    request_id: str
    key: str
    event: Event
    notices: list[Notice] = field(default_factory=list)
    timer_id: str | None = None
    draft_id: str | None = None


@dataclass(frozen=True)
class RequestFilter:
    """Narrowing of a list after its key: channel, kind, category, words of the subject or reference, one status, the
    handling unit (`Request.unit_id`, as the statistics count it), the person assigned, due before an instant."""

    channel: str | None = None
    category: str | None = None
    text: str | None = None
    status: Status | None = None
    kind: str | None = None
    unit: str | None = None
    assignee: str | None = None
    due_before: datetime | None = None


@dataclass(frozen=True)
class CustomerRequest:
    """A request as its customer's timeline shows it."""

    request_id: str
    reference: str
    subject: str
    status: Status
    received_at: datetime
    satisfied: bool | None
    last_step_at: datetime | None = None  # None on links written before it was kept
    redacted: bool = False


Listing = tuple[list[Request], str | None]


class RequestStore(Protocol):
    """Requests in the single table, asked for in domain terms (requests/store.py; tests/fakes.py)."""

    def get(self, *, tenant: str, request_id: str) -> Request | None:
        """The request with its timeline (`history`) and any approval wait's token, or None."""
        ...

    def intake_record(self, *, tenant: str, key: str) -> IntakeRecord | None:
        """The earlier intake with this `Idempotency-Key`, or None."""
        ...

    def commit(self, change: Change) -> None:
        """Write the change in one transaction; a stale version or an existing new item is a ConflictError."""
        ...

    def note(self, note: SystemNote) -> bool:
        """Record a timer's step and its notices; False when its condition no longer holds or it was noted already."""
        ...

    def keep_approval_token(self, *, tenant: str, request_id: str, draft_id: str, task_token: str) -> None:
        """Keep the approval wait's task token beside the request (outside its version)."""
        ...

    def by_status(self, *, tenant: str, status: Status, only: RequestFilter, limit: int, cursor: str | None) -> Listing:
        """Requests in one status, newest first."""
        ...

    def open_by_due(
        self, *, tenant: str, before: datetime | None, only: RequestFilter, limit: int, cursor: str | None
    ) -> Listing:
        """Open requests, soonest deadline first; with `before`, only those due before it (overdue, due soon)."""
        ...

    def received_in(
        self,
        *,
        tenant: str,
        start: datetime,
        end: datetime,
        statuses: Collection[Status],
        only: RequestFilter,
        limit: int,
        cursor: str | None,
    ) -> Listing:
        """Requests received in [start, end) in any of `statuses`, newest first (a page may hold fewer than `limit`
        while `only` skips some; the cursor then still leads on)."""
        ...

    def assigned(self, *, tenant: str, login: str, only: RequestFilter, limit: int, cursor: str | None) -> Listing:
        """Open requests assigned to one person, soonest deadline first."""
        ...

    def unit_inbox(self, *, tenant: str, unit_id: str, limit: int) -> list[Request]:
        """A unit's pending escalations and the open requests it handles that nobody has taken, soonest first."""
        ...

    def national_open(self, *, before: datetime | None, only: RequestFilter, limit: int, cursor: str | None) -> Listing:
        """Every office's open requests, soonest deadline first (the CCC's view)."""
        ...

    def for_customer(self, *, tenant: str, customer_id: str) -> list[CustomerRequest]:
        """The customer's requests, newest first."""
        ...

    def commit_redaction(self, request: Request, *, event: AuditEvent) -> None:
        """Write a request whose personal content was removed, with its rewritten steps and the audit entry, at its version."""
        ...


class Customers(Protocol):
    """What requests need of the customers capability: customers found or made, written with the request's change."""

    def match(self, *, tenant: str, actor: Principal, data: Any) -> CustomerRecord: ...

    def read(self, *, tenant: str, actor: Principal, customer_id: str, via: str) -> CustomerRecord: ...


class Deadlines(Protocol):
    """What requests need of the working-day calendar and the tenant's SLA policy (chalicelib/sla)."""

    def due_at(self, *, tenant: str, limit_key: str, start: datetime) -> datetime: ...

    def is_working_time(self, *, at: datetime) -> bool: ...

    def reminder_points(self, *, start: datetime, due: datetime) -> tuple[datetime, ...]: ...


class Timers(Protocol):
    """The Step Functions timers (adapters/stepfunctions.py). A start returns whether the timer runs; one that
    Step Functions refused is not the user's error (the change is committed): the reconcile job starts it."""

    def start_deadline(
        self, *, tenant: str, subject_id: str, timer_id: str, reminders: tuple[datetime | None, ...], due: datetime
    ) -> bool: ...

    def start_approval(self, *, tenant: str, subject_id: str, draft_id: str, timeout_seconds: int) -> bool: ...

    def approved(self, *, task_token: str) -> None: ...


class Staff(Protocol):
    """Who works in an office (the identity capability)."""

    def is_active(self, *, tenant: str, login: str) -> bool: ...

    def email_of(self, *, tenant: str, login: str) -> str | None: ...

    def leader_emails(self, *, tenant: str) -> list[str]: ...


class Outbox(Protocol):
    """The notifications capability as the request service sees it: notices are sent after the change commits."""

    def enqueue(self, *, tenant: str, notices: list[Notice]) -> None: ...


class Citations(Protocol):
    """The knowledge bank as a hotline answer cites it (chalicelib/knowledge): checked before, counted after."""

    def require_citable(self, *, tenant: str, entry_id: str, on: date) -> None:
        """Raise 422 `knowledge_not_citable` unless the entry exists, is published, valid `on` and visible to `tenant`."""
        ...

    def cited(self, *, tenant: str, entry_id: str, at: datetime) -> None: ...


class NoCitations:
    """Before the knowledge bank is wired: nothing may be cited."""

    def require_citable(self, *, tenant: str, entry_id: str, on: date) -> None:
        """Refuse every citation."""
        from chalicelib.shared.errors import RuleViolationError

        raise RuleViolationError(code="knowledge_not_citable", fields={"knowledge_id": "not_citable"})

    def cited(self, *, tenant: str, entry_id: str, at: datetime) -> None:
        """Nothing to count."""
