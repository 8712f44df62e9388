"""Writing the lives: the request store's own `commit` with the counters' recorder on a clock set to each step's time.

The stores are wired as chalicelib/bootstrap.py wires them (the request store with the counter recorder; the
customer service for the people), except for the clock, which is set to the time of the step being written —
so a step that changes a month already closed is recorded as a correction, exactly as it would have been then.
A life's steps of one month share a transaction (`Batches`), which keeps those counters exact and the seed fast.
The counters are never written here: each commit adds what its step changes, in its own transaction.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.audit.store import AuditStore
from chalicelib.customers.schemas import CustomerIdentity
from chalicelib.customers.service import CustomerService
from chalicelib.customers.store import CustomerStore
from chalicelib.notifications.store import OutboxStore
from chalicelib.reports.recording import CounterRecorder
from chalicelib.reports.store import DynamoCounterStore
from chalicelib.requests.domain import Escalation, Request
from chalicelib.requests.ports import Change, SurveyLink
from chalicelib.requests.store import DynamoRequestStore
from chalicelib.shared.clock import to_local
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.permissions import Role
from chalicelib.shared.tenancy import acting_for

from ..demo_requests import _principal


def _month(at: datetime) -> tuple[int, int]:
    local = to_local(at)
    return local.year, local.month


class StepClock:
    """The time of the step being written, per thread (each writer thread writes its own life)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def set(self, at: datetime) -> None:
        """The instant the next commit happens at."""
        self._local.at = at

    def now(self) -> datetime:
        """The step's time (the real time before any was set)."""
        return getattr(self._local, "at", None) or datetime.now(UTC)


@dataclass
class Stores:
    """The stores a year is written through, on the step clock."""

    clock: StepClock
    requests: DynamoRequestStore
    recorder: CounterRecorder
    counters: DynamoCounterStore
    customers: CustomerService
    written: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def commit(self, at: datetime, change: Change) -> None:
        """One transaction at `at`, as the service's step commits it."""
        self.clock.set(at)
        self.requests.commit(change)
        with self.lock:
            self.written.update(r.id for r in change.requests)


def stores(calendars: Any) -> Stores:
    """The request store with its counter recorder, and the customers, on a step clock (`calendars`: the SLA service)."""
    clock, audit = StepClock(), AuditStore()
    customer_store = CustomerStore(journal=audit)
    counters = DynamoCounterStore()
    recorder = CounterRecorder(calendars=calendars, store=counters, clock=clock)
    requests = DynamoRequestStore(outbox=OutboxStore(clock=clock), journal=audit, customers=customer_store, counters=recorder)
    return Stores(clock, requests, recorder, counters, CustomerService(store=customer_store, audit=audit, clock=clock))


def customer(stores: Stores, *, tenant: str, at: datetime, name: str, id_number: str, phone: str) -> tuple[str, str]:
    """A person on the office's records (created at `at`, or the one already holding the ID number): id and name."""
    actor = _principal(tenant, Role.FOCAL_OFFICER)
    data = CustomerIdentity(kind="individual", full_name=name, id_number=id_number, phone=phone)
    stores.clock.set(at)
    with acting_for(tenant):
        try:
            made = stores.customers.create(tenant=tenant, actor=actor, data=data)
        except ConflictError:  # seeded before (same ID number): the intake would find that record
            made = stores.customers.match(tenant=tenant, actor=actor, data=data).customer
    return made.id, made.display_name


class Batches:
    """A life's steps held and written in one transaction at the time of the last, as long as they fall in one month.

    The counters come out exactly as if each step were committed at its own time: within a month, every period is
    either closed for all the steps or for none (periods end at month ends), so the sum of the steps' differences,
    corrections included, is the difference of the batch. What differs is only the version numbers. A step that
    cannot share the transaction (a second survey link, another request's escalations) writes what is held first.
    """

    def __init__(self, stores: Stores) -> None:
        self._stores = stores
        self._held: dict[str, Request] = {}
        self._escalated: list[Escalation] = []
        self._answered: list[Escalation] = []
        self._link: SurveyLink | None = None
        self._at: datetime | None = None

    def step(
        self,
        at: datetime,
        requests: list[Request],
        *,
        escalated: list[Escalation] | None = None,
        answered: list[Escalation] | None = None,
        link: SurveyLink | None = None,
    ) -> None:
        """Hold the step; write what is held first when this one cannot join it."""
        first = next(iter(self._held), None)
        if first is not None and (
            (link and self._link)
            or ((escalated or answered) and first != requests[0].id)
            or (self._at is not None and _month(at) != _month(self._at))
        ):
            self.flush()
        for request in requests:
            self._held.setdefault(request.id, request)
        self._escalated += escalated or []
        self._answered += answered or []
        self._link = link or self._link
        self._at = at

    def flush(self) -> None:
        """Write what is held in one transaction (an escalation added and answered meanwhile leaves no queue item)."""
        if not self._held or self._at is None:
            return
        added, done = {e.id for e in self._escalated}, {e.id for e in self._answered}
        change = Change(
            list(self._held.values()),
            escalated=[e for e in self._escalated if e.id not in done],
            answered=[e for e in self._answered if e.id not in added],
            survey_link=self._link,
        )
        self._stores.commit(self._at, change)
        self._held, self._escalated, self._answered, self._link, self._at = {}, [], [], None, None
