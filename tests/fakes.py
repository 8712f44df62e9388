"""In-memory stand-ins for the stores and Cognito, honouring the same contracts (tests/integration checks both)."""

from __future__ import annotations

import copy
import math
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from chalicelib.adapters.cognito import CognitoDirectory, NewPasswordChallenge, Tokens
from chalicelib.adapters.dynamo import BaseItem
from chalicelib.adapters.files import FileMissingError
from chalicelib.approvals.domain import INBOX_PAGE, Pending
from chalicelib.approvals.store import PendingApprovalItem, PendingApprovals, of_item
from chalicelib.audit.domain import AuditEvent
from chalicelib.audit.store import AuditStore
from chalicelib.customers.domain import Customer, CustomerSummary, TimelineEntry, duplicate_error, summarise
from chalicelib.customers.privacy_store import RetentionRun, RetentionStore
from chalicelib.customers.retention import NationalBounds, RetentionMarks, RetentionPolicy
from chalicelib.customers.store import ACTIVITY, CustomerStore, marks_of
from chalicelib.identity.domain import StaffUser
from chalicelib.identity.sessions import Sessions
from chalicelib.identity.store import UserStore
from chalicelib.identity.verifier import CognitoTokenVerifier
from chalicelib.jobs.domain import FAILED as JOB_FAILED
from chalicelib.jobs.domain import PROBLEMS_KEPT, Job, Output, Problem
from chalicelib.jobs.domain import QUEUED as JOB_QUEUED
from chalicelib.jobs.domain import RUNNING as JOB_RUNNING
from chalicelib.jobs.domain import SUCCEEDED as JOB_SUCCEEDED
from chalicelib.jobs.store import JobStore
from chalicelib.knowledge import query as knowledge_query
from chalicelib.knowledge.search import ANSWERABLE, SearchFilters, SearchHit, SearchIndex
from chalicelib.knowledge.search import IndexedEntry as KnowledgeEntry
from chalicelib.knowledge.text import analyse, index_terms, normalise
from chalicelib.knowledge.transfer import EntryRecord
from chalicelib.limits.domain import SIGN_IN_LOCKED, TOO_MANY_REQUESTS, TOO_MANY_SIGN_INS, Limit, SignInPolicy, wait_text
from chalicelib.limits.store import Attempt, RateCounters, SignInAttempts
from chalicelib.links.deliveries import PENDING as DLV_PENDING
from chalicelib.links.deliveries import STATUSES as DLV_STATUSES
from chalicelib.links.deliveries import Delivery, address_hash
from chalicelib.links.domain import Link
from chalicelib.links.store import LinkUse, link_of
from chalicelib.requests.domain import SYSTEM, Event, Request, Status
from chalicelib.requests.ports import (
    Change,
    CustomerRequest,
    IntakeRecord,
    Listing,
    RequestFilter,
    RequestStore,
    SurveyLink,
    SystemNote,
)
from chalicelib.shared.errors import ConflictError, RuleViolationError, TooManyRequestsError, UnauthorizedError
from chalicelib.shared.tenancy import Principal
from chalicelib.shared.text import fold
from chalicelib.sla.domain import CalendarOverrides
from chalicelib.sla.policy import SlaPolicy
from chalicelib.sla.store import SlaStore
from chalicelib.surveys.frames import Frame
from chalicelib.surveys.tally import COUNTERS as TALLY_COUNTERS
from chalicelib.surveys.tally import STATUSES as TALLY_STATUSES
from chalicelib.surveys.tally import DayCount, SurveyTally, Tally, TallyStore, UnknownStatusError
from chalicelib.tenancy.domain import Unit
from chalicelib.tenancy.store import UnitStore

# Each fake subclasses the class (or protocol) it stands for, so mypy checks that every method it overrides keeps
# the real signature. A fake never calls the real __init__: it holds no connection, only dicts.


@dataclass
class FakeAudit(AuditStore):
    """Records audit events per tenant."""

    events: dict[str, list[AuditEvent]] = field(default_factory=dict)

    def append(self, *, tenant: str, event: AuditEvent) -> None:
        self.events.setdefault(tenant, []).append(event)

    def list_month(self, *, tenant: str, month: str, limit: int = 100) -> list[AuditEvent]:
        found = [e for e in self.events.get(tenant, []) if e.at.strftime("%Y-%m") == month]
        return sorted(found, key=lambda e: e.at, reverse=True)[:limit]

    def purge_month(self, *, tenant: str, month: str) -> int:
        kept = [e for e in self.events.get(tenant, []) if e.at.strftime("%Y-%m") != month]
        gone = len(self.events.get(tenant, [])) - len(kept)
        self.events[tenant] = kept
        return gone


class FakeUnitStore(UnitStore):
    """UnitStore in a dict; versions and conflicts as the table has them."""

    def __init__(self, audit: FakeAudit | None = None) -> None:
        self.rows: dict[tuple[str, str], Unit] = {}
        self.audit = audit or FakeAudit()

    def list(self, *, tenant: str) -> list[Unit]:
        return sorted((u for (t, _), u in self.rows.items() if t == tenant), key=lambda u: u.id)

    def get(self, *, tenant: str, unit_id: str) -> Unit | None:
        return self.rows.get((tenant, unit_id))

    def add(self, *, tenant: str, unit: Unit, event: AuditEvent) -> Unit:
        if (tenant, unit.id) in self.rows:
            raise ConflictError("Mã đơn vị đã tồn tại.")
        stored = replace(unit, version=1)
        self.rows[(tenant, unit.id)] = stored
        self.audit.append(tenant=tenant, event=event)
        return stored

    def replace(self, *, tenant: str, unit: Unit, event: AuditEvent) -> Unit:
        current = self.rows.get((tenant, unit.id))
        if current is None or current.version != unit.version:
            raise ConflictError()
        stored = replace(unit, version=unit.version + 1)
        self.rows[(tenant, unit.id)] = stored
        self.audit.append(tenant=tenant, event=event)
        return stored


class FakeUserStore(UserStore):
    """UserStore in a dict; like the table, it refuses a unit that is not the tenant's active unit."""

    def __init__(self, audit: FakeAudit | None = None, units: FakeUnitStore | None = None) -> None:
        self.rows: dict[tuple[str, str], StaffUser] = {}
        self.audit = audit or FakeAudit()
        self.units = units or FakeUnitStore()
        self.fail_next_add = False

    def _check_unit(self, tenant: str, unit_id: str | None) -> None:
        unit = self.units.get(tenant=tenant, unit_id=unit_id) if unit_id else None
        if unit_id and (unit is None or not unit.active):
            raise RuleViolationError(fields={"unit_id": "unknown"})

    def list(self, *, tenant: str) -> list[StaffUser]:
        return [u for (t, _), u in self.rows.items() if t == tenant]

    def get(self, *, tenant: str, login: str) -> StaffUser | None:
        return self.rows.get((tenant, login))

    def add(self, *, tenant: str, user: StaffUser, event: AuditEvent | None) -> StaffUser:
        if self.fail_next_add:
            self.fail_next_add = False
            raise RuntimeError("table unavailable")
        if (tenant, user.login) in self.rows:
            raise ConflictError()
        self._check_unit(tenant, user.unit_id)
        stored = replace(user, version=1)
        self.rows[(tenant, user.login)] = stored
        if event:
            self.audit.append(tenant=tenant, event=event)
        return stored

    def replace(self, *, tenant: str, user: StaffUser, event: AuditEvent) -> StaffUser:
        current = self.rows.get((tenant, user.login))
        if current is None or current.version != user.version:
            raise ConflictError()
        self._check_unit(tenant, user.unit_id)
        stored = replace(user, version=user.version + 1)
        self.rows[(tenant, user.login)] = stored
        self.audit.append(tenant=tenant, event=event)
        return stored


@dataclass
class FakeAccount:
    tenant: str
    password: str
    roles: set[str]
    enabled: bool = True
    temporary: bool = True
    attributes: dict[str, str] = field(default_factory=dict)


class FakeDirectory(CognitoDirectory):
    """Cognito as a dict of accounts; tokens are the username itself (FakeVerifier reads them back)."""

    def __init__(self) -> None:
        self.accounts: dict[str, FakeAccount] = {}
        self.calls: list[str] = []

    def sign_in(self, username: str, password: str) -> Tokens | NewPasswordChallenge:
        account = self.accounts.get(username)
        if account is None or not account.enabled or account.password != password:
            raise UnauthorizedError(code="invalid_credentials")
        return (
            NewPasswordChallenge(session=f"session:{username}")
            if account.temporary
            else Tokens(id_token=username, expires_in=3600)
        )

    def choose_password(self, username: str, session: str, new_password: str) -> Tokens | NewPasswordChallenge:
        account = self.accounts[username]
        account.password, account.temporary = new_password, False
        return Tokens(id_token=username, expires_in=3600)

    def create_user(
        self,
        *,
        username: str,
        tenant: str,
        full_name: str,
        email: str | None,
        unit_id: str | None,
        roles: list[str],
        temporary_password: str,
    ) -> None:
        self.calls.append(f"create {username}")
        if username in self.accounts:
            raise ConflictError(code="username_taken")
        self.accounts[username] = FakeAccount(tenant, temporary_password, set(roles))

    def set_password(self, *, username: str, password: str, permanent: bool) -> None:
        account = self.accounts[username]
        account.password, account.temporary = password, not permanent

    def set_roles(self, *, username: str, add: list[str], remove: list[str]) -> None:
        self.calls.append(f"roles {username} +{','.join(add)} -{','.join(remove)}")
        account = self.accounts[username]
        account.roles = (account.roles | set(add)) - set(remove)

    def set_attributes(self, *, username: str, full_name: str | None = None, unit_id: str | None = None) -> None:
        if unit_id is not None:
            self.accounts[username].attributes["custom:unit"] = unit_id

    def set_enabled(self, *, username: str, enabled: bool) -> None:
        self.accounts[username].enabled = enabled

    def delete_user(self, *, username: str) -> None:
        self.calls.append(f"delete {username}")
        self.accounts.pop(username, None)


class FakeVerifier(CognitoTokenVerifier):
    """Turns a FakeDirectory token (the username) into its principal."""

    def __init__(self, directory: FakeDirectory) -> None:
        self.directory = directory

    def verify(self, token: str) -> Principal:
        account = self.directory.accounts[token]
        return Principal(token, account.tenant, frozenset(account.roles))


class FakeCustomerStore(CustomerStore):
    """CustomerStore in dicts: profiles, one claim per unique identifier, phones shared; duplicates point at the holder."""

    def __init__(self, audit: FakeAudit | None = None) -> None:
        self.rows: dict[tuple[str, str], Customer] = {}
        self.claims: dict[tuple[str, str, str], str] = {}  # (tenant, type, value) -> customer id
        self.audit = audit or FakeAudit()

    def get(self, *, tenant: str, customer_id: str) -> Customer | None:
        return self.rows.get((tenant, customer_id))

    def claimed(self, *, tenant: str, identifiers: dict[str, str]) -> dict[str, str]:
        found = {name: self.claims.get((tenant, name, value)) for name, value in identifiers.items()}
        return {name: cid for name, cid in found.items() if cid}

    def by_phone(self, *, tenant: str, phone: str, limit: int = 20) -> list[CustomerSummary]:
        return [summarise(c, c.id, "phone") for (t, _), c in sorted(self.rows.items()) if t == tenant and c.phone == phone][
            :limit
        ]

    def search_identifier(self, *, tenant: str, kind: str, prefix: str, limit: int) -> list[CustomerSummary]:
        if kind == "phone":
            phones = sorted(
                (c.phone, c.id) for (t, _), c in self.rows.items() if t == tenant and c.phone and c.phone.startswith(prefix)
            )
            return [summarise(self.rows[(tenant, i)], i, kind) for _, i in phones[:limit]]
        hits = sorted((v, c) for (t, k, v), c in self.claims.items() if t == tenant and k == kind and v.startswith(prefix))
        return [summarise(self.rows[(tenant, c)], c, kind) for _, c in hits[:limit]]

    def search_name(self, *, tenant: str, prefix: str, limit: int) -> list[CustomerSummary]:
        hits = sorted((fold(c.display_name), c.id) for (t, _), c in self.rows.items() if t == tenant and not c.anonymised_at)
        return [summarise(self.rows[(tenant, i)], i) for n, i in hits if n.startswith(prefix)][:limit]

    def _take(self, tenant: str, before: Customer | None, after: Customer) -> None:
        old = before.unique_identifiers() if before else {}
        taken = {
            n: self.claims[(tenant, n, v)]
            for n, v in after.unique_identifiers().items()
            if old.get(n) != v and (tenant, n, v) in self.claims
        }
        if taken:
            raise duplicate_error(taken)
        for n, v in old.items():
            self.claims.pop((tenant, n, v), None)
        for n, v in after.unique_identifiers().items():
            self.claims[(tenant, n, v)] = after.id

    def add(self, *, tenant: str, customer: Customer, event: AuditEvent) -> Customer:
        if (tenant, customer.id) in self.rows:
            raise ConflictError()
        stored = self.place(tenant, customer)
        self.audit.append(tenant=tenant, event=event)
        return stored

    def can_place(self, tenant: str, customer: Customer) -> bool:
        """Whether a new customer's profile and claims are all still absent (what the transaction's conditions ask)."""
        taken = any((tenant, n, v) in self.claims for n, v in customer.unique_identifiers().items())
        return (tenant, customer.id) not in self.rows and not taken

    def place(self, tenant: str, customer: Customer) -> Customer:
        """Write a new customer with its claims (another change's transaction does this in the real store)."""
        self._take(tenant, None, customer)
        stored = replace(customer, version=1, marks=marks_of(customer))
        self.rows[(tenant, customer.id)] = stored
        return stored

    def replace(self, *, tenant: str, before: Customer, after: Customer, event: AuditEvent) -> Customer:
        current = self.rows.get((tenant, before.id))
        if current is None or current.version != before.version:
            raise ConflictError()
        self._take(tenant, before, after)
        stored = replace(after, version=before.version + 1)
        self.rows[(tenant, after.id)] = replace(stored, marks=before.marks)
        self.audit.append(tenant=tenant, event=event)
        return stored

    def due(
        self, *, tenant: str, mark: str, before: datetime, limit: int, cursor: str | None = None
    ) -> tuple[list[str], str | None]:
        def at(c: Customer) -> datetime:
            assert c.marks is not None
            return c.marks.activity if mark == ACTIVITY else c.marks.content

        found = sorted((at(c), c.id) for (t, _), c in self.rows.items() if t == tenant and c.marks and at(c) < before)
        start = int(cursor or 0)
        window = [cid for _, cid in found[start : start + limit]]
        return window, str(start + limit) if start + limit < len(found) else None

    def set_marks(self, *, tenant: str, customer_id: str, marks: RetentionMarks) -> bool:
        current = self.rows.get((tenant, customer_id))
        if current is None or current.anonymised_at is not None:
            return False
        self.rows[(tenant, customer_id)] = replace(current, marks=marks)
        return True

    def anonymise(self, *, tenant: str, before: Customer, after: Customer, event: AuditEvent) -> Customer:
        current = self.rows.get((tenant, before.id))
        if current is None or current.version != before.version:
            raise ConflictError()
        for name, value in before.unique_identifiers().items():
            self.claims.pop((tenant, name, value), None)
        stored = replace(after, version=before.version + 1, marks=None)
        self.rows[(tenant, before.id)] = stored
        self.audit.append(tenant=tenant, event=event)
        return stored


class FakeTimeline:
    """A timeline source with fixed entries per customer."""

    def __init__(self, entries: dict[tuple[str, str], list[TimelineEntry]] | None = None) -> None:
        self.by_customer = entries or {}

    def entries(self, *, tenant: str, customer_id: str) -> list[TimelineEntry]:
        return list(self.by_customer.get((tenant, customer_id), []))


class FakeSlaStore(SlaStore):
    """SlaStore in dicts: calendar overrides by year, policies by tenant; versions, conflicts and audit as the table has them."""

    def __init__(self, audit: FakeAudit | None = None) -> None:
        self.calendars: dict[int, CalendarOverrides] = {}
        self.policies: dict[str, SlaPolicy] = {}
        self.audit = audit or FakeAudit()
        self.reads: list[str] = []

    def overrides(self, *, year: int) -> CalendarOverrides:
        self.reads.append(f"calendar {year}")
        return self.calendars.get(year) or CalendarOverrides(year)

    def save_overrides(self, *, overrides: CalendarOverrides, event: AuditEvent) -> CalendarOverrides:
        current = self.calendars.get(overrides.year)
        if (current.version if current else 0) != overrides.version:
            raise ConflictError()
        stored = replace(overrides, version=overrides.version + 1)
        self.calendars[overrides.year] = stored
        self.audit.append(tenant="ccc", event=event)
        return stored

    def policy(self, *, tenant: str) -> SlaPolicy:
        self.reads.append(f"policy {tenant}")
        return self.policies.get(tenant) or SlaPolicy(tenant)

    def save_policy(self, *, policy: SlaPolicy, event: AuditEvent) -> SlaPolicy:
        current = self.policies.get(policy.tenant)
        if (current.version if current else 0) != policy.version:
            raise ConflictError()
        stored = replace(policy, custom=dict(policy.custom), version=policy.version + 1)
        self.policies[policy.tenant] = stored
        self.audit.append(tenant=policy.tenant, event=event)
        return stored


class FakeRetentionStore(RetentionStore):
    """RetentionStore in dicts: national bounds, policies by tenant, the job's runs; versions and audit as the table has them."""

    def __init__(self, audit: FakeAudit | None = None) -> None:
        self.bounds = NationalBounds()
        self.policies: dict[str, RetentionPolicy] = {}
        self.runs: dict[str, RetentionRun] = {}
        self.audit = audit or FakeAudit()

    def national(self) -> NationalBounds:
        return self.bounds

    def save_national(self, *, bounds: NationalBounds, event: AuditEvent) -> NationalBounds:
        if self.bounds.version != bounds.version:
            raise ConflictError()
        self.bounds = replace(bounds, bounds=dict(bounds.bounds), version=bounds.version + 1)
        self.audit.append(tenant="ccc", event=event)
        return self.bounds

    def policy(self, *, tenant: str, national: NationalBounds) -> RetentionPolicy:
        found = self.policies.get(tenant)
        return replace(found, national=national) if found else RetentionPolicy(tenant, national=national)

    def save_policy(self, *, policy: RetentionPolicy, event: AuditEvent) -> RetentionPolicy:
        current = self.policies.get(policy.tenant)
        if (current.version if current else 0) != policy.version:
            raise ConflictError()
        stored = replace(policy, custom=dict(policy.custom), version=policy.version + 1)
        self.policies[policy.tenant] = stored
        self.audit.append(tenant=policy.tenant, event=event)
        return stored

    def last_run(self, *, tenant: str) -> RetentionRun | None:
        return self.runs.get(tenant)

    def save_run(self, *, tenant: str, run: RetentionRun) -> None:
        self.runs[tenant] = run


class FakeSessions(Sessions):
    """Records revocations (identity.sessions.Sessions without the table)."""

    def __init__(self) -> None:
        self.revoked: list[tuple[str, str]] = []

    def check(self, principal: Principal) -> None:
        if (principal.tenant, principal.login) in self.revoked:
            raise UnauthorizedError(code="session_revoked")

    def revoke(self, *, tenant: str, login: str) -> None:
        self.revoked.append((tenant, login))

    def forget(self, *, tenant: str, login: str) -> None:
        self.revoked = [r for r in self.revoked if r != (tenant, login)]


class FakeRateCounters(RateCounters):
    """RateCounters in a dict: hits per (tenant, scope, subject, window); a full window refuses and adds nothing."""

    def __init__(self) -> None:
        self.hits: dict[tuple[str, str, str, int, int], int] = {}

    def hit(self, *, tenant: str, scope: str, subject: str, limit: Limit, now: int) -> None:
        start, end = limit.window(now)
        key = (tenant, scope, subject, limit.seconds, start)
        if self.hits.get(key, 0) >= limit.requests:
            wait = max(end - now, 1)
            raise TooManyRequestsError(TOO_MANY_REQUESTS.format(wait=wait_text(wait)), retry_after=wait)
        self.hits[key] = self.hits.get(key, 0) + 1

    def refuses(self, *, tenant: str, scope: str, subject: str, limit: Limit, now: int) -> None:
        start, end = limit.window(now)
        if self.hits.get((tenant, scope, subject, limit.seconds, start), 0) >= limit.requests:
            wait = max(end - now, 1)
            raise TooManyRequestsError(TOO_MANY_REQUESTS.format(wait=wait_text(wait)), retry_after=wait)


@dataclass
class _SignInRow:
    failures: int = 0
    locked_until: int | None = None
    busy_until: int | None = None
    busy_by: str | None = None


class FakeSignInAttempts(SignInAttempts):
    """SignInAttempts in a dict, with the table's conditions: locked, or at the threshold while held, refuses."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], _SignInRow] = {}

    def begin(self, *, tenant: str, login: str, client: str, policy: SignInPolicy, now: int) -> Attempt:
        start, _ = policy.window(now)
        key = (f"{tenant}#{login}", f"{client}#{start}")
        row = self.rows.get(key)
        locked = row is not None and row.locked_until is not None and row.locked_until > now
        busy = row is not None and row.busy_until is not None and row.busy_until > now
        if row is not None and (locked or (row.failures >= policy.free_attempts() and busy)):
            wait = max(max(row.locked_until or 0, row.busy_until or 0) - now, 1)
            raise TooManyRequestsError(TOO_MANY_SIGN_INS.format(wait=wait_text(wait)), code=SIGN_IN_LOCKED, retry_after=wait)
        row = self.rows.setdefault(key, _SignInRow())
        row.failures += 1
        row.busy_until, row.busy_by = now + policy.attempt_seconds, f"token-{len(self.rows)}-{row.failures}"
        return Attempt(key[0], key[1], row.failures, row.busy_by)

    def failed(self, attempt: Attempt, *, policy: SignInPolicy, now: int) -> None:
        row = self.rows.get((attempt.pk, attempt.sk))
        lock = policy.lock_seconds(attempt.failures)
        if row is not None and (lock or row.busy_by == attempt.token):
            row.busy_until = row.busy_by = None
            if lock:
                row.locked_until = now + lock

    def released(self, attempt: Attempt) -> None:
        row = self.rows.get((attempt.pk, attempt.sk))
        if row is not None:
            row.failures -= 1
            if row.busy_by == attempt.token:
                row.busy_until = row.busy_by = None

    def succeeded(self, attempt: Attempt) -> None:
        self.rows.pop((attempt.pk, attempt.sk), None)


class FakeCounterStore:
    """reports.store.DynamoCounterStore in dicts (tests/integration/test_counter_store_contract.py): an update is
    the (key, values) pair the request store's fake transaction applies."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, int]] = {}

    def parts(self, *, tenant: str, key: str, values: Mapping[str, int]) -> list[tuple[tuple[str, str], dict[str, int]]]:
        """A period's totals and its dimension values apart, as the table keeps them (the same item here)."""
        from chalicelib.reports.facts import sliced

        split = ({n: v for n, v in values.items() if not sliced(n)}, {n: v for n, v in values.items() if sliced(n)})
        return [((tenant, key), part) for part in split if part]

    def apply(self, parts: Iterable[tuple[Any, Any]]) -> None:
        """What the caller's transaction does with the parts."""
        for (tenant, key), values in parts:
            item = self.items.setdefault((tenant, key), {})
            for name, n in values.items():
                item[name] = item.get(name, 0) + n

    def adjust(self, *, tenant: str, deltas: Mapping[str, Mapping[str, int]]) -> None:
        self.apply(((tenant, key), values) for key, values in deltas.items() if values)

    def values(self, *, tenant: str, key: str, consistent: bool = False) -> dict[str, int]:
        return dict(self.items.get((tenant, key), {}))

    def many(
        self,
        keys: Iterable[tuple[str, str]],
        *,
        dimensions: bool = True,
        consistent: bool = False,
        names: Sequence[str] | None = None,
    ) -> dict[tuple[str, str], dict[str, int]]:
        from chalicelib.reports.facts import sliced

        def kept(n: str) -> bool:
            return n in names if names is not None else dimensions or not sliced(n)

        return {key: {n: v for n, v in self.items.get(key, {}).items() if kept(n)} for key in keys}


class FakeRequestStore(RequestStore):
    """requests.ports.RequestStore in dicts, with the table's transaction semantics: all or nothing, versions
    checked, new items must not exist, units checked, notes on a condition; lists in the indexes' orders."""

    def __init__(
        self,
        units: set[tuple[str, str]] | None = None,
        customers: FakeCustomerStore | None = None,
        counters: Any = None,  # a reports CounterRecorder over a FakeCounterStore (`counter_items`)
        counter_items: FakeCounterStore | None = None,
    ) -> None:
        self.counters = counters
        self.counter_items = counter_items
        self.customers = customers or FakeCustomerStore()
        self.rows: dict[tuple[str, str], Request] = {}
        self.events: dict[tuple[str, str], list[Event]] = {}
        self.notes: dict[tuple[str, str], set[str]] = {}
        self.tokens: dict[tuple[str, str], dict[str, str]] = {}
        self.intakes: dict[tuple[str, str], IntakeRecord] = {}
        self.survey_links: dict[tuple[str, str], SurveyLink] = {}
        self.outbox: list[tuple[str, str]] = []  # (tenant, notice id) written with a change or a note
        self.queues: dict[tuple[str, str], set[tuple[str, str]]] = {}  # (tenant, unit) -> {(request, escalation)}
        self.units = units if units is not None else set()
        self.commits = 0

    def _copy(self, request: Request) -> Request:
        stored = copy.deepcopy(request)
        stored.new_events, stored.history = [], []
        return stored

    def get(self, *, tenant: str, request_id: str) -> Request | None:
        stored = self.rows.get((tenant, request_id))
        if stored is None:
            return None
        request = copy.deepcopy(stored)
        request.history = sorted(self.events.get((tenant, request_id), []), key=lambda e: e.at)
        tokens = self.tokens.get((tenant, request_id), {})
        for draft in request.drafts:
            draft.task_token = tokens.get(draft.id, "")
        if request.counted is None and self.counters is not None:
            request.counted = self.counters.counted(request)
        return request

    def intake_record(self, *, tenant: str, key: str) -> IntakeRecord | None:
        return self.intakes.get((tenant, key))

    def received_between(self, *, tenant: str, start: datetime, end: datetime) -> Iterator[Request]:
        for (t, _), stored in sorted(self.rows.items()):
            if t == tenant and start <= stored.received_at < end:
                yield copy.deepcopy(stored)

    def commit(self, change: Change) -> None:
        for unit in change.units:
            if (unit.tenant, unit.unit_id) not in self.units:
                raise RuleViolationError(fields={unit.field: "unknown"})
        for request in change.requests:
            current = self.rows.get((request.tenant, request.id))
            if (current.version if current else 0) != request.version:
                raise ConflictError()
        tenant = change.requests[0].tenant
        if change.intake and (tenant, change.intake.key) in self.intakes:
            raise ConflictError()
        if any(found.new and not self.customers.can_place(found.tenant, found.customer) for found in change.customers):
            raise ConflictError()
        for found in change.customers:
            if found.new:
                self.customers.place(found.tenant, found.customer)
            self.customers.audit.append(tenant=found.trail, event=found.event)
        counted = [self.counters.counted(r) if self.counters else r.counted for r in change.requests]
        if self.counters is not None and self.counter_items is not None:
            self.counter_items.apply(
                self.counters.updates((r.tenant, r.counted, c) for r, c in zip(change.requests, counted, strict=True))
            )
        for request, facts in zip(change.requests, counted, strict=True):
            request.counted = facts
            stored = self._copy(request)
            stored.version = request.version + 1
            self.rows[(request.tenant, request.id)] = stored
            self.events.setdefault((request.tenant, request.id), []).extend(request.new_events)
        first = change.requests[0]
        for escalation in change.escalated:
            self.queues.setdefault((tenant, escalation.unit_id), set()).add((first.id, escalation.id))
        for escalation in change.answered:
            self.queues.get((tenant, escalation.unit_id), set()).discard((first.id, escalation.id))
        self.outbox.extend((tenant, n.id) for n in change.notices)
        if change.intake:
            self.intakes[(tenant, change.intake.key)] = change.intake
        if change.survey_link:
            self.survey_links[(tenant, change.survey_link.link_id)] = change.survey_link
        for request in change.requests:
            request.version += 1
            request.history.extend(request.new_events)
            request.new_events = []
        self.commits += 1

    def note(self, note: SystemNote) -> bool:
        stored = self.rows.get((note.tenant, note.request_id))
        if stored is None or note.key in self.notes.get((note.tenant, note.request_id), set()):
            return False
        if note.timer_id is not None and not (stored.is_open and stored.timer_id == note.timer_id):
            return False
        if note.draft_id is not None and not stored.awaits_decision_on(note.draft_id):
            return False
        self.notes.setdefault((note.tenant, note.request_id), set()).add(note.key)
        self.events.setdefault((note.tenant, note.request_id), []).append(note.event)
        self.outbox.extend((note.tenant, n.id) for n in note.notices)
        return True

    def keep_approval_token(self, *, tenant: str, request_id: str, draft_id: str, task_token: str) -> None:
        self.tokens.setdefault((tenant, request_id), {})[draft_id] = task_token

    # -- lists, in the orders of the indexes; cursors are offsets --------------------------------------------

    def _matches(self, request: Request, only: RequestFilter) -> bool:
        return (
            (only.channel is None or request.channel.value == only.channel)
            and (only.category is None or request.category.value == only.category)
            and (only.text is None or fold(only.text) in f"{fold(request.subject)} {request.reference.lower()}")
            and (only.status is None or request.status is only.status)
            and (only.kind is None or request.kind.value == only.kind)
            and (only.unit is None or request.unit_id == only.unit)
            and (only.assignee is None or request.assignee == only.assignee)
            and (only.due_before is None or (request.due_at is not None and request.due_at < only.due_before))
        )

    def _page(self, found: list[Request], only: RequestFilter, limit: int, cursor: str | None) -> Listing:
        start = int(cursor or 0)
        matched = [copy.deepcopy(r) for r in found if self._matches(r, only)]
        window = matched[start : start + limit]
        return window, str(start + limit) if start + limit < len(matched) else None

    @staticmethod
    def _due_order(request: Request) -> tuple[datetime, str]:
        return (request.due_at or datetime.max.replace(tzinfo=request.received_at.tzinfo), request.id)

    def by_status(self, *, tenant: str, status: Status, only: RequestFilter, limit: int, cursor: str | None) -> Listing:
        found = sorted(
            (r for (t, _), r in self.rows.items() if t == tenant and r.status is status),
            key=lambda r: (r.received_at, r.id),
            reverse=True,
        )
        return self._page(found, only, limit, cursor)

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
        found = sorted(
            (r for (t, _), r in self.rows.items() if t == tenant and r.status in statuses and start <= r.received_at < end),
            key=lambda r: (r.received_at, r.id),
            reverse=True,
        )
        return self._page(found, only, limit, cursor)

    def open_by_due(
        self, *, tenant: str, before: datetime | None, only: RequestFilter, limit: int, cursor: str | None
    ) -> Listing:
        found = sorted(
            (
                r
                for (t, _), r in self.rows.items()
                if t == tenant and r.is_open and (before is None or (r.due_at is not None and r.due_at < before))
            ),
            key=self._due_order,
        )
        return self._page(found, only, limit, cursor)

    def assigned(self, *, tenant: str, login: str, only: RequestFilter, limit: int, cursor: str | None) -> Listing:
        found = sorted(
            (r for (t, _), r in self.rows.items() if t == tenant and r.is_open and r.assignee == login), key=self._due_order
        )
        return self._page(found, only, limit, cursor)

    def unit_inbox(self, *, tenant: str, unit_id: str, limit: int) -> list[Request]:
        queued = {rid for rid, _ in self.queues.get((tenant, unit_id), set())}
        found = [
            r
            for (t, rid), r in self.rows.items()
            if t == tenant and r.is_open and (rid in queued or (r.unit_id == unit_id and r.assignee is None))
        ]
        return [copy.deepcopy(r) for r in sorted(found, key=lambda r: (r.due_at is None, r.due_at or r.received_at))][:limit]

    def national_open(self, *, before: datetime | None, only: RequestFilter, limit: int, cursor: str | None) -> Listing:
        found = sorted(
            (r for r in self.rows.values() if r.is_open and (before is None or (r.due_at is not None and r.due_at < before))),
            key=lambda r: (*self._due_order(r)[:1], r.tenant, r.id),
        )
        return self._page(found, only, limit, cursor)

    def for_customer(self, *, tenant: str, customer_id: str) -> list[CustomerRequest]:
        found = sorted(
            (r for (t, _), r in self.rows.items() if t == tenant and r.customer_id == customer_id),
            key=lambda r: (r.received_at, r.id),
            reverse=True,
        )
        return [
            CustomerRequest(
                r.id,
                r.reference,
                r.subject,
                r.status,
                r.received_at,
                None if r.rating is None else r.rating.satisfied,
                self._last_step(tenant, r),
                r.redacted_at is not None,
            )
            for r in found
        ]

    def _last_step(self, tenant: str, request: Request) -> datetime:
        steps = [e.at for e in self.events.get((tenant, request.id), []) if e.actor != SYSTEM and e.action != "content_redacted"]
        return max(steps, default=request.recorded_at)

    def commit_redaction(self, request: Request, *, event: AuditEvent) -> None:
        current = self.rows.get((request.tenant, request.id))
        if current is None or current.version != request.version:
            raise ConflictError()
        stored = self._copy(request)
        stored.version = request.version + 1
        self.rows[(request.tenant, request.id)] = stored
        self.events[(request.tenant, request.id)] = [copy.copy(e) for e in (*request.history, *request.new_events)]
        self.tokens.pop((request.tenant, request.id), None)
        self.customers.audit.append(tenant=request.tenant, event=event)
        request.version += 1
        request.history.extend(request.new_events)
        request.new_events = []


class FakeSearchIndex(SearchIndex):
    """The knowledge bank's `SearchIndex` in memory: the same query plan as tantivy, scored by idf of the words
    present (no term frequency, no length norm) — enough for service tests, held to the same contract."""

    def __init__(self, entries: list[KnowledgeEntry]) -> None:
        self.entries = list(entries)
        # (entry, scenario or None, {field: terms}) for the question (with the answer) and every scenario
        self.docs: list[tuple[KnowledgeEntry, int | None, dict[str, set[str]]]] = []
        for entry in self.entries:
            for scenario, text in [(None, entry.question), *enumerate(entry.scenarios)]:
                phrase = index_terms(analyse(text))
                fields = {"phrase_exact": set(phrase.exact), "phrase_folded": set(phrase.folded)}
                fields |= {"phrase_exact2": set(phrase.exact_bigrams), "phrase_folded2": set(phrase.folded_bigrams)}
                if scenario is None:
                    answer = index_terms(analyse(entry.answer))
                    fields |= {"answer_exact": set(answer.exact), "answer_folded": set(answer.folded)}
                    fields |= {"answer_folded2": set(answer.folded_bigrams)}
                self.docs.append((entry, scenario, fields))
        self.frequency: dict[tuple[str, str], int] = {}
        for _, _, fields in self.docs:
            for name, terms in fields.items():
                for term in terms:
                    self.frequency[name, term] = self.frequency.get((name, term), 0) + 1

    def _frequency(self, word: str) -> int:
        return self.frequency.get(("phrase_folded", word), 0) + self.frequency.get(("answer_folded", word), 0)

    def _idf(self, name: str, term: str) -> float:
        n = max(self.frequency.get((name, term), 0), 1)
        return math.log(1 + (len(self.docs) - n + 0.5) / (n + 0.5))

    def _score(self, fields: dict[str, set[str]], plan: knowledge_query.QueryPlan) -> float:
        q = knowledge_query
        wanted: list[tuple[str, str, float]] = []
        for word in plan.words:
            wanted += [(f"{side}_folded", t, q.FOLDED_WEIGHT * w) for t in word.folded for side, w in self._sides]
            wanted += [(f"{side}_exact", t, q.EXACT_WEIGHT * w) for t in word.exact for side, w in self._sides]
        wanted += [(f"{side}_folded2", t, q.BIGRAM_WEIGHT * w) for t in plan.folded_bigrams for side, w in self._sides]
        wanted += [("phrase_exact2", t, q.EXACT_BIGRAM_WEIGHT * q.PHRASE_WEIGHT) for t in plan.exact_bigrams]
        score = sum(weight * self._idf(name, term) for name, term, weight in wanted if term in fields.get(name, ()))
        for word in plan.words:
            if any(n in fields["phrase_folded"] for n in word.neighbours):
                score += word.neighbour_weight
        return score

    _sides = (("phrase", knowledge_query.PHRASE_WEIGHT), ("answer", knowledge_query.ANSWER_WEIGHT))

    def search(self, *, tenant: str, text: str, on: date, filters: SearchFilters = ANSWERABLE) -> list[SearchHit]:
        plan = knowledge_query.plan(text, frequency=self._frequency, size=len(self.docs))
        if plan.empty:
            return []
        scored = [
            (score, entry, scenario)
            for entry, scenario, fields in self.docs
            if filters.admit(entry, tenant=tenant, on=on) and (score := self._score(fields, plan)) > 0
        ]
        scored.sort(key=lambda s: -s[0])
        best = knowledge_query.collapse(
            ((entry.id, (score, entry, scenario)) for score, entry, scenario in scored), filters.limit
        )
        return [
            knowledge_query.hit(
                entry,
                score=score,
                query=plan,
                on=on,
                scenario=scenario,
                scenario_text="" if scenario is None else normalise(entry.scenarios[scenario]),
            )
            for _, (score, entry, scenario) in best
        ]


class FakeJobStore(JobStore):
    """Background jobs in a dict; each advance checks the status it leaves, as the conditional updates do."""

    def __init__(self) -> None:
        self.jobs: dict[tuple[str, str], Job] = {}
        self.progress_writes = 0

    def create(self, job: Job) -> None:
        if (job.tenant, job.id) in self.jobs:
            raise ConflictError()
        self.jobs[(job.tenant, job.id)] = replace(job, status=JOB_QUEUED)

    def get(self, *, tenant: str, job_id: str) -> Job | None:
        return self.jobs.get((tenant, job_id))

    def _advance(self, tenant: str, job_id: str, allowed: tuple[str, ...], **changes: object) -> bool:
        job = self.jobs.get((tenant, job_id))
        if job is None or job.status not in allowed:
            return False
        self.jobs[(tenant, job_id)] = replace(job, **changes)  # type: ignore[arg-type]
        return True

    def claim(self, *, tenant: str, job_id: str, at: datetime) -> bool:
        job = self.jobs.get((tenant, job_id))
        attempts = job.attempts + 1 if job else 0
        return self._advance(tenant, job_id, (JOB_QUEUED,), status=JOB_RUNNING, started_at=at, heartbeat_at=at, attempts=attempts)

    def progress(self, *, tenant: str, job_id: str, done: int, total: int | None, stage: str, at: datetime) -> bool:
        self.progress_writes += 1
        return self._advance(tenant, job_id, (JOB_RUNNING,), done=done, total=total, stage=stage, heartbeat_at=at)

    def succeed(self, *, tenant: str, job_id: str, output: Output | None, at: datetime) -> bool:
        return self._advance(tenant, job_id, (JOB_RUNNING,), status=JOB_SUCCEEDED, output=output, finished_at=at)

    def fail(
        self, *, tenant: str, job_id: str, error: str, problems: Sequence[Problem], problem_count: int, at: datetime
    ) -> bool:
        kept = tuple(problems[:PROBLEMS_KEPT])
        return self._advance(
            tenant,
            job_id,
            (JOB_QUEUED, JOB_RUNNING),
            status=JOB_FAILED,
            error=error,
            problems=kept,
            problem_count=problem_count,
            finished_at=at,
        )

    def requeue(self, *, tenant: str, job_id: str) -> bool:
        return self._advance(tenant, job_id, (JOB_RUNNING,), status=JOB_QUEUED)

    def recent(self, *, tenant: str, requested_by: str | None, kind: str | None, limit: int) -> list[Job]:
        jobs = [
            j
            for (t, _), j in self.jobs.items()
            if t == tenant and (requested_by is None or j.requested_by == requested_by) and (kind is None or j.kind == kind)
        ]
        return sorted(jobs, key=lambda j: (j.created_at, j.id), reverse=True)[:limit]

    def open(self, *, tenant: str, limit: int) -> list[Job]:
        jobs = [j for (t, _), j in self.jobs.items() if t == tenant and j.status in (JOB_QUEUED, JOB_RUNNING)]
        return sorted(jobs, key=lambda j: (j.created_at, j.id))[:limit]


class FakeFiles:
    """The files bucket in a dict of bytes; links are fake URLs naming the key."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}

    def put(self, *, key: str, path: Path, content_type: str) -> int:
        data = path.read_bytes()
        self.objects[key] = (data, content_type)
        return len(data)

    def fetch(self, *, key: str, path: Path) -> int:
        if key not in self.objects:
            raise FileMissingError(key)
        path.write_bytes(self.objects[key][0])
        return len(self.objects[key][0])

    def exists(self, *, key: str) -> bool:
        return key in self.objects

    def download_url(self, *, key: str, file_name: str, content_type: str, seconds: int) -> str:
        return f"https://files.test/{key}?expires={seconds}"

    def upload_form(self, *, key: str, max_bytes: int, seconds: int, redirect: str | None = None) -> tuple[str, dict[str, str]]:
        return "https://files.test/", {"key": key, **({"success_action_redirect": redirect} if redirect else {})}


class FakeQueue:
    """Records the messages sent; `fail` makes the next sends raise."""

    def __init__(self) -> None:
        self.messages: list[dict[str, object]] = []
        self.fail = False

    def send(self, message: dict[str, object], *, delay_seconds: int = 0) -> None:
        if self.fail:
            raise RuntimeError("queue down")
        self.messages.append(message)


class FakeBank:
    """A knowledge bank in a dict per tenant; `import_entries` records its batches and can fail after some."""

    def __init__(self, topics: set[str] | None = None) -> None:
        self.banks: dict[str, dict[str, EntryRecord]] = {}
        self.batches: list[int] = []
        self.fail_after: int | None = None
        self.topics = topics  # None: every topic is known

    def problems(self, *, tenant: str, record: EntryRecord) -> dict[str, str]:
        return {"topic": "unknown"} if self.topics is not None and record.topic not in self.topics else {}

    def count(self, *, tenant: str) -> int:
        return len(self.banks.get(tenant, {}))

    def entries(self, *, tenant: str) -> Iterator[EntryRecord]:
        bank = self.banks.get(tenant, {})
        for key in sorted(bank):
            yield bank[key]

    def import_entries(self, *, tenant: str, actor: str, entries: Sequence[EntryRecord]) -> None:
        if self.fail_after is not None and len(self.batches) >= self.fail_after:
            raise RuntimeError("table down")
        self.batches.append(len(entries))
        bank = self.banks.setdefault(tenant, {})
        for entry in entries:
            bank[entry.id] = entry


class FakeEntryStore:
    """The knowledge bank's entry store and counters in memory (held to tests/integration/test_knowledge_store_contract.py)."""

    def __init__(self) -> None:
        from chalicelib.knowledge.ports import Count

        self._count = Count
        self.rows: dict[tuple[str, str], Any] = {}
        self.history: dict[tuple[str, str], list[Any]] = {}
        self.counts: dict[tuple[str, str, str], tuple[int, str, str]] = {}

    def get(self, *, tenant: str, entry_id: str) -> Any:
        found = self.rows.get((tenant, entry_id))
        return copy.deepcopy(found) if found is not None else None

    def many(self, *, tenant: str, entry_ids: Any) -> dict[str, Any]:
        return {i: copy.deepcopy(self.rows[(tenant, i)]) for i in entry_ids if (tenant, i) in self.rows}

    def save(self, entry: Any) -> None:
        stored = self.rows.get((entry.tenant, entry.id))
        if (stored.version if stored else 0) != entry.version:
            raise ConflictError()
        known = {v.number for v in self.history.get((entry.tenant, entry.id), [])}
        if any(v.number in known for v in entry.new_versions):
            raise ConflictError()
        self.history.setdefault((entry.tenant, entry.id), []).extend(copy.deepcopy(entry.new_versions))
        entry.version += 1
        entry.new_versions = []
        self.rows[(entry.tenant, entry.id)] = copy.deepcopy(entry)

    def versions(self, *, tenant: str, entry_id: str) -> list[Any]:
        return sorted(copy.deepcopy(self.history.get((tenant, entry_id), [])), key=lambda v: v.number)

    def by_status(self, *, tenant: str, status: str, limit: int, cursor: str | None) -> tuple[list[Any], str | None]:
        found = [e for (t, _), e in self.rows.items() if t == tenant and e.status == status]
        found.sort(key=lambda e: (e.updated_at or e.created_at, e.id), reverse=True)
        start = int(cursor) if cursor else 0
        page = found[start : start + limit]
        return [copy.deepcopy(e) for e in page], str(start + limit) if start + limit < len(found) else None

    def every(self, *, tenant: str) -> Any:
        return iter([copy.deepcopy(e) for (t, _), e in sorted(self.rows.items()) if t == tenant])

    def review_queue(self, *, tenant: str, unit_id: str | None, before: Any, limit: int) -> list[Any]:
        found = [
            e
            for (t, _), e in self.rows.items()
            if t == tenant
            and e.status == "published"
            and (unit_id is None or e.content.owner_unit == unit_id)
            and (before is None or (e.review_due is not None and e.review_due < before))
        ]
        found.sort(key=lambda e: (e.review_due is None, e.review_due or date.max, e.id))
        return [copy.deepcopy(e) for e in found[:limit]]

    def _add(self, key: tuple[str, str, str], label: str, owner: str, keep_label: bool) -> None:
        count, old_label, _ = self.counts.get(key, (0, "", ""))
        self.counts[key] = (count + 1, old_label if keep_label and old_label else label, owner)

    def count_gap(self, *, tenant: str, month: str, query: str, label: str) -> None:
        self._add((tenant, f"gap#{month}", query), label, "", keep_label=True)

    def count_citation(self, *, tenant: str, month: str, entry: Any) -> None:
        self._add((tenant, f"cite#{month}", entry.id), entry.content.question[:300], entry.tenant, keep_label=False)

    def _counts(self, tenant: str, kind: str) -> list[Any]:
        found = [
            self._count(k, c, label, owner) for (t, m, k), (c, label, owner) in self.counts.items() if t == tenant and m == kind
        ]
        return sorted(found, key=lambda c: (-c.count, c.key))

    def gaps(self, *, tenant: str, month: str) -> list[Any]:
        return self._counts(tenant, f"gap#{month}")

    def citations(self, *, tenant: str, month: str) -> list[Any]:
        return self._counts(tenant, f"cite#{month}")


class FakeIndexes:
    """The API process's index, rebuilt from a fake store on demand (the worker's build, synchronously)."""

    def __init__(self, store: FakeEntryStore, tenants: list[str]) -> None:
        self._store = store
        self._tenants = tenants
        self.index: SearchIndex = FakeSearchIndex([])
        self.requested: list[datetime] = []

    def current(self) -> SearchIndex:
        return self.index

    def request(self, *, at: datetime) -> None:
        self.requested.append(at)

    def rebuild(self) -> None:
        self.index = FakeSearchIndex([e.indexed() for t in self._tenants for e in self._store.every(tenant=t)])


class FakeSurveyStore:
    """Surveys, members, progress and answers in memory — the same contract as surveys/store.py (its contract test).

    Like the real store it is given the approvals' inbox and the tally's counters, and applies their parts where the
    real store adds them to its transaction."""

    def __init__(
        self,
        *,
        approvals: FakePendingApprovals | None = None,
        tally: FakeTallyStore | None = None,
        kpis: FakeCounterStore | None = None,
    ) -> None:
        self.approvals = approvals or FakePendingApprovals()
        self.tally = tally or FakeTallyStore()
        self.kpis = kpis or FakeCounterStore()  # the statistics' counters a counted answer adds to
        self.surveys: dict[tuple[str, str], Any] = {}
        self.members_: dict[tuple[str, str, int, str], Any] = {}
        self.progress_: dict[tuple[str, str, int, str], Any] = {}
        self.answers: dict[tuple[str, str, int, str], Any] = {}
        self.cells: dict[tuple[str, str, int], dict[Any, dict[str, Decimal]]] = {}  # (t, survey, round) → key → values
        self.old_counters: dict[tuple[str, str, int], int] = {}  # items of the old layout, per round
        self.events: list[Any] = []

    @staticmethod
    def _copy(value: Any) -> Any:
        import copy

        return copy.deepcopy(value)

    def get(self, *, tenant: str, survey_id: str) -> Any:
        found = self.surveys.get((tenant, survey_id))
        return self._copy(found) if found else None

    def page(self, *, tenant: str, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
        mine = sorted((s for (t, _), s in self.surveys.items() if t == tenant), key=lambda s: (s.created_at, s.id), reverse=True)
        start = int(cursor) if cursor and cursor.isdigit() else 0
        chunk = mine[start : start + limit]
        return [self._copy(s) for s in chunk], (str(start + limit) if start + limit < len(mine) else None)

    def save(self, survey: Any, change: Any) -> None:
        key = (survey.tenant, survey.id)
        stored = self.surveys.get(key)
        if (stored.version if stored else 0) != (survey.version or 0):
            raise ConflictError()
        saved, deleted = [], []
        if change.pending:
            saved.append(self.approvals.pending_item(tenant=survey.tenant, **change.pending))
        if change.decided:
            deleted.append(self.approvals.decided_item(tenant=survey.tenant, **change.decided))
        self.approvals.apply(saved=saved, deleted=deleted)  # a pending entry already there refuses the whole save
        survey.version = (survey.version or 0) + 1
        self.surveys[key] = self._copy(survey)
        for part in change.parts:  # written unchecked, the copy's version moving on as PynamoDB's put does
            self.surveys[(part.tenant, part.id)] = replace(self._copy(part), version=(part.version or 0) + 1)
        self.events.append(change.event)

    def save_part(self, survey: Any) -> None:
        survey.version = (survey.version or 0) + 1
        self.surveys[(survey.tenant, survey.id)] = self._copy(survey)

    def _count(self, tenant: str, survey_id: str, changes: Any) -> None:
        from chalicelib.surveys.ports import tally_id

        for c in changes:
            tally = tally_id(survey_id, c.member.round)
            self.tally.apply(
                self.tally.increments(tenant=tenant, survey_id=tally, stratum=c.member.stratum, day=c.day, counts=c.counts)
            )

    def put_members(self, *, tenant: str, survey_id: str, changes: Any) -> None:
        for c in changes:  # unchecked puts: the stored version moves on, the caller's member is not touched
            stored = replace(self._copy(c.member), version=(c.member.version or 0) + 1)
            self.members_[(tenant, survey_id, c.member.round, c.member.id)] = stored
        self._count(tenant, survey_id, changes)

    def drop_members(self, *, tenant: str, survey_id: str, changes: Any) -> None:
        from chalicelib.surveys.ports import MemberChange

        for c in changes:
            self.members_.pop((tenant, survey_id, c.member.round, c.member.id), None)
        self._count(tenant, survey_id, [MemberChange(c.member, {k: -v for k, v in c.counts.items()}, c.day) for c in changes])

    def member(self, *, tenant: str, survey_id: str, round_number: int, member_id: str) -> Any:
        found = self.members_.get((tenant, survey_id, round_number, member_id))
        return self._copy(found) if found else None

    def _round(self, tenant: str, survey_id: str, round_number: int) -> list[Any]:
        return [m for (t, s, r, _), m in sorted(self.members_.items()) if (t, s, r) == (tenant, survey_id, round_number)]

    def members(
        self, *, tenant: str, survey_id: str, round_number: int, cursor: str | None, limit: int
    ) -> tuple[list[Any], str | None]:
        mine = self._round(tenant, survey_id, round_number)
        start = int(cursor) if cursor and cursor.isdigit() else 0
        return [self._copy(m) for m in mine[start : start + limit]], (str(start + limit) if start + limit < len(mine) else None)

    def each_member(self, *, tenant: str, survey_id: str, round_number: int) -> Any:
        yield from (self._copy(m) for m in self._round(tenant, survey_id, round_number))

    def next_reserve(self, *, tenant: str, survey_id: str, round_number: int, stratum: str) -> Any:
        unused = [
            m
            for m in self._round(tenant, survey_id, round_number)
            if m.role == "reserve" and not m.replaces and m.stratum == stratum
        ]
        return self._copy(min(unused, key=lambda m: (m.rank, m.id))) if unused else None

    def step(self, *, tenant: str, survey_id: str, changes: Any, event: Any = None) -> None:
        for c in changes:
            stored = self.members_.get((tenant, survey_id, c.member.round, c.member.id))
            if stored is None or stored.version != c.member.version:
                raise ConflictError()
        for c in changes:
            c.member.version += 1
            self.members_[(tenant, survey_id, c.member.round, c.member.id)] = self._copy(c.member)
        self._count(tenant, survey_id, changes)
        if event is not None:
            self.events.append(event)

    def progress(self, *, tenant: str, survey_id: str, round_number: int, member_id: str) -> Any:
        found = self.progress_.get((tenant, survey_id, round_number, member_id))
        return self._copy(found) if found else None

    def keep_progress(self, *, tenant: str, survey_id: str, round_number: int, member_id: str, progress: Any, until: Any) -> None:
        self.progress_[(tenant, survey_id, round_number, member_id)] = self._copy(progress)

    def submission(self, *, tenant: str, survey_id: str, submission: Any) -> Any:
        def apply(tx: Any = None) -> None:
            a = submission.answer
            if (tenant, survey_id, a.round, a.id) in self.answers:
                raise ConflictError()
            if submission.member is not None:
                m = submission.member.member
                stored = self.members_.get((tenant, survey_id, m.round, m.id))
                if stored is None or stored.version != m.version:
                    raise ConflictError()
            self.answers[(tenant, survey_id, a.round, a.id)] = a
            if submission.member is not None:
                m = submission.member.member
                self.members_[(tenant, survey_id, m.round, m.id)] = replace(self._copy(m), version=m.version + 1)
                self._count(tenant, survey_id, [submission.member])
            self.progress_.pop((tenant, survey_id, a.round, submission.progress_key), None)
            if submission.counted is not None:
                values = submission.counted.values()
                for key in submission.counted.cells(a.stratum):
                    self._add(tenant, survey_id, a.round, key, values)
            if submission.rated is not None:
                from chalicelib.reports.survey_counts import SurveyRatings

                r = submission.rated
                ratings = SurveyRatings(store=self.kpis)
                self.kpis.apply(
                    ratings.updates(tenant=tenant, survey_id=survey_id, round_number=a.round, day=r.day, satisfied=r.satisfied)
                )

        return apply

    def submitted(self, submission: Any) -> None:
        if submission.member is not None:
            submission.member.member.version += 1

    def submit(self, *, tenant: str, survey_id: str, submission: Any) -> None:
        self.submission(tenant=tenant, survey_id=survey_id, submission=submission)()
        self.submitted(submission)

    def answer(self, *, tenant: str, survey_id: str, round_number: int, answer_id: str) -> Any:
        return self.answers.get((tenant, survey_id, round_number, answer_id))

    def answer_page(
        self, *, tenant: str, survey_id: str, round_number: int, cursor: str | None, limit: int
    ) -> tuple[list[Any], str | None]:
        mine = list(self.each_answer(tenant=tenant, survey_id=survey_id, round_number=round_number))
        start = int(cursor) if cursor and cursor.isdigit() else 0
        return mine[start : start + limit], (str(start + limit) if start + limit < len(mine) else None)

    def each_answer(self, *, tenant: str, survey_id: str, round_number: int) -> Any:
        yield from (a for (t, s, r, _), a in sorted(self.answers.items()) if (t, s, r) == (tenant, survey_id, round_number))

    def _add(self, tenant: str, survey_id: str, round_number: int, key: Any, values: Any) -> None:
        cell = self.cells.setdefault((tenant, survey_id, round_number), {}).setdefault(key, {})
        for name, v in values.items():
            cell[name] = cell.get(name, Decimal(0)) + v

    def cell_values(self, *, tenant: str, survey_id: str, round_number: int) -> dict[Any, dict[str, Decimal]]:
        return self._copy(self.cells.get((tenant, survey_id, round_number), {}))

    def result_cells(self, *, tenant: str, survey_id: str, round_number: int) -> list[Any]:
        from chalicelib.surveys.counting import result_cell

        found = self.cells.get((tenant, survey_id, round_number), {})
        return [result_cell(key, values) for key, values in sorted(found.items())]

    def adjust_cells(self, *, tenant: str, survey_id: str, round_number: int, deltas: Any) -> None:
        for key, values in deltas.items():
            self._add(tenant, survey_id, round_number, key, values)

    def drop_cell(self, *, tenant: str, survey_id: str, round_number: int, key: Any, respondents: Decimal) -> bool:
        cells = self.cells.get((tenant, survey_id, round_number), {})
        if key in cells and cells[key].get("n", Decimal(0)) != respondents:
            return False
        cells.pop(key, None)
        return True

    def drop_old_counters(self, *, tenant: str, survey_id: str, round_number: int) -> int:
        return self.old_counters.pop((tenant, survey_id, round_number), 0)


class FakePendingApprovals(PendingApprovals):
    """The leader's inbox in a dict: the real store's items, applied by `apply` as a subject's transaction would."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], PendingApprovalItem] = {}

    def apply(self, *, saved: Sequence[BaseItem] = (), deleted: Sequence[BaseItem] = ()) -> None:
        """What a subject store's fake does on commit with the items it was given for its transaction."""
        for item in deleted:
            self.rows.pop((item.PK, item.SK), None)
        for item in saved:
            assert isinstance(item, PendingApprovalItem)
            if (item.PK, item.SK) in self.rows:
                raise ConflictError()
            self.rows[(item.PK, item.SK)] = copy.deepcopy(item)

    def list(self, *, tenant: str, cursor: str | None, limit: int = INBOX_PAGE) -> tuple[list[Pending], str | None]:
        start = int(cursor or 0)
        found = [of_item(item) for (pk, sk), item in sorted(self.rows.items()) if item.tenant == tenant]
        window = found[start : start + limit]
        return window, str(start + limit) if start + limit < len(found) else None


class FakeQuestionnaireStore:
    """Questionnaires and their frozen versions in memory (held to tests/integration/test_questionnaire_store_contract.py)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Any] = {}
        self.frozen: dict[tuple[str, str, int], Any] = {}

    def get(self, *, tenant: str, questionnaire_id: str) -> Any:
        return self.rows.get((tenant, questionnaire_id))

    def save(self, questionnaire: Any, *, frozen: Any = None) -> Any:
        key = (questionnaire.tenant, questionnaire.id)
        stored = self.rows.get(key)
        if (stored.version if stored else 0) != questionnaire.version:
            raise ConflictError()
        if frozen is not None and (*key, frozen.number) in self.frozen:
            raise ConflictError()
        saved = replace(questionnaire, version=questionnaire.version + 1)
        if frozen is not None:
            self.frozen[(*key, frozen.number)] = frozen
        self.rows[key] = saved
        return saved

    def get_version(self, *, tenant: str, questionnaire_id: str, number: int) -> Any:
        return self.frozen.get((tenant, questionnaire_id, number))

    def list(self, *, tenant: str, limit: int, cursor: str | None) -> tuple[list[Any], str | None]:
        found = sorted((q for (t, _), q in self.rows.items() if t == tenant), key=lambda q: (q.created_at, q.id))
        start = int(cursor) if cursor else 0
        return found[start : start + limit], str(start + limit) if start + limit < len(found) else None


class FakeContactLog:
    """The national contact log in a dict of person key → (last contact, office); same contract as ContactLog."""

    def __init__(self) -> None:
        self.contacts: dict[str, tuple[datetime, str]] = {}
        self.asked: list[int] = []

    def record(self, person_keys: Iterable[str], *, at: datetime, tenant: str) -> None:
        for key in person_keys:
            self.contacts[key] = (at, tenant)

    def recent(self, person_keys: Sequence[str], *, since: datetime) -> set[str]:
        self.asked.append(len(person_keys))
        return {k for k in person_keys if k in self.contacts and self.contacts[k][0] >= since}


class FakeFrameStore:
    """Sampling frames in a dict; same contract as surveys/frame_store.FrameStore."""

    def __init__(self) -> None:
        self.frames: dict[tuple[str, str], Frame] = {}

    def save(self, frame: Frame) -> None:
        self.frames[(frame.tenant, frame.id)] = frame

    def get(self, *, tenant: str, frame_id: str) -> Frame | None:
        return self.frames.get((tenant, frame_id))

    def list(self, *, tenant: str, limit: int = 50) -> list[Frame]:
        mine = [f for (t, _), f in self.frames.items() if t == tenant]
        return sorted(mine, key=lambda f: (f.created_at, f.id), reverse=True)[:limit]


@dataclass(frozen=True)
class FakeCounterUpdate:
    """The fake's transaction part: which counters to add, applied by `FakeTallyStore.apply` (the caller's commit)."""

    key: tuple[str, str, str]  # tenant, survey, SK
    stratum: str
    day: date | None
    counts: dict[str, int]


class FakeTallyStore(TallyStore):
    """Survey tally counters in a dict, keyed as in DynamoDB (tests/integration/test_tally_store_contract.py)."""

    def __init__(self) -> None:
        self.counters: dict[tuple[str, str, str], FakeCounterUpdate] = {}
        self.events: set[tuple[str, str, str]] = set()

    def increments(
        self, *, tenant: str, survey_id: str, stratum: str, day: date, counts: Mapping[str, int]
    ) -> list[FakeCounterUpdate]:
        unknown = set(counts) - set(TALLY_COUNTERS)
        if unknown:
            raise UnknownStatusError(", ".join(sorted(unknown)))
        added = {k: int(v) for k, v in counts.items() if v}
        events = {k: v for k, v in added.items() if k in TALLY_STATUSES}
        parts = [FakeCounterUpdate((tenant, survey_id, f"S#{stratum}"), stratum, None, added)] if added else []
        if events:
            parts.append(FakeCounterUpdate((tenant, survey_id, f"D#{day.isoformat()}#S#{stratum}"), stratum, day, events))
        return parts

    def apply(self, parts: Sequence[FakeCounterUpdate]) -> None:
        """What the caller's transaction does with the parts."""
        for part in parts:
            now = self.counters.get(part.key, replace(part, counts={}))
            sums = dict(now.counts)
            for k, v in part.counts.items():
                sums[k] = sums.get(k, 0) + v
            self.counters[part.key] = replace(now, counts=sums)

    def add(
        self, *, tenant: str, survey_id: str, stratum: str, day: date, counts: Mapping[str, int], event_id: str, at: datetime
    ) -> bool:
        parts = self.increments(tenant=tenant, survey_id=survey_id, stratum=stratum, day=day, counts=counts)
        if (tenant, survey_id, event_id) in self.events:
            return False
        self.events.add((tenant, survey_id, event_id))
        self.apply(parts)
        return True

    def read(self, *, tenant: str, survey_id: str) -> SurveyTally:
        found = sorted((k, v) for k, v in self.counters.items() if k[:2] == (tenant, survey_id))
        strata = [Tally(v.stratum, dict(v.counts)) for k, v in found if v.day is None]
        days = [DayCount(v.day, v.stratum, dict(v.counts)) for k, v in found if v.day is not None]
        return SurveyTally(survey_id, strata, days)


class FakeLinkStore:
    """Links in a dict by (tenant, link id); a use is refused when the link is used or missing, as the table does."""

    def __init__(self) -> None:
        self.links: dict[tuple[str, str], Link] = {}
        self.writes = 0  # transactions (or single writes) the table would have taken

    def get(self, *, tenant: str, link_id: str) -> Link | None:
        return self.links.get((tenant, link_id))

    def many(self, *, tenant: str, link_ids: Sequence[str]) -> dict[str, Link]:
        return {i: self.links[(tenant, i)] for i in link_ids if (tenant, i) in self.links}

    def add(self, *, links: Any) -> int:
        calls = 0
        for n, item in enumerate(links):
            link = link_of(item)
            if (link.tenant, link.link_id) in self.links:
                raise ConflictError()
            self.links[(link.tenant, link.link_id)] = link
            calls += n % 100 == 0
        self.writes += calls
        return calls

    def mark_opened(self, *, tenant: str, link_id: str, at: datetime) -> bool:
        link = self.links.get((tenant, link_id))
        if link is None or link.opened_at is not None:
            return False
        self.links[(tenant, link_id)] = replace(link, opened_at=at)
        return True

    def use(self, use: LinkUse, parts: Any) -> None:
        link = self.links.get((use.tenant, use.link_id))
        if link is None or link.used_at is not None:
            raise ConflictError()
        written: list[Any] = []
        parts(written)
        self.links[(use.tenant, use.link_id)] = replace(link, used_at=use.at)


class FakeDeliveryStore:
    """Deliveries in a dict by (tenant, group, id), counts computed, suppressions by hash; a change from a status
    the delivery is no longer in is refused as a whole, as the table's transaction is."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], Delivery] = {}
        self.blocked: dict[tuple[str, str], str] = {}
        self.writes = 0

    def add(self, *, tenant: str, group: str, deliveries: Any) -> int:
        calls = 0
        for n, delivery in enumerate(deliveries):
            key = (tenant, group, delivery.id)
            if key in self.rows:
                raise ConflictError()
            self.rows[key] = delivery
            calls += n % 99 == 0
        self.writes += calls
        return calls

    def get(self, *, tenant: str, group: str, delivery_id: str) -> Delivery | None:
        return self.rows.get((tenant, group, delivery_id))

    def pending(self, *, tenant: str, group: str, limit: int) -> list[Delivery]:
        found = sorted(
            (d for (t, g, _), d in self.rows.items() if (t, g) == (tenant, group) and d.status == DLV_PENDING), key=lambda d: d.id
        )
        return found[:limit]

    def list(self, *, tenant: str, group: str, limit: int, cursor: str | None) -> tuple[list[Delivery], str | None]:
        found = sorted((d for (t, g, _), d in self.rows.items() if (t, g) == (tenant, group)), key=lambda d: d.id)
        start = int(cursor or 0)
        page = found[start : start + limit]
        return page, str(start + limit) if start + limit < len(found) else None

    def counts(self, *, tenant: str, group: str) -> dict[str, int]:
        mine = [d for (t, g, _), d in self.rows.items() if (t, g) == (tenant, group)]
        return {"total": len(mine), **{s: sum(d.status == s for d in mine) for s in DLV_STATUSES}}

    def change(self, changes: Any) -> None:
        if not changes:
            return
        for old, _ in changes:
            stored = self.rows.get((old.tenant, old.group, old.id))
            if stored is None or stored.status != old.status:
                raise ConflictError()
        for _, new in changes:
            stored = self.rows[(new.tenant, new.group, new.id)]
            self.rows[(new.tenant, new.group, new.id)] = replace(new, provider_id=new.provider_id or stored.provider_id)
        self.writes += 1

    def sent(self, deliveries: Any) -> None:
        for d in deliveries:
            stored = self.rows[(d.tenant, d.group, d.id)]
            self.rows[(d.tenant, d.group, d.id)] = replace(stored, provider_id=d.provider_id, secret={})
        self.writes += bool(deliveries)

    def suppressed(self, *, tenant: str, addresses: Any) -> set[str]:
        return {a for a in addresses if (tenant, address_hash(a)) in self.blocked}

    def suppress(self, *, tenant: str, address: str, reason: str, at: datetime) -> bool:
        if (tenant, address_hash(address)) in self.blocked:
            return False
        self.blocked[(tenant, address_hash(address))] = reason
        return True


class FakePolicyStore:
    """Policy reports in memory — the contract of policy/store.py (tests/integration/test_policy_store_contract.py),
    with the inbox entries applied as the real store adds them to its transaction."""

    def __init__(self, *, approvals: FakePendingApprovals | None = None) -> None:
        self.approvals = approvals or FakePendingApprovals()
        self.reports: dict[tuple[str, str], Any] = {}
        self.events: list[Any] = []
        self.saves = 0

    def get(self, *, tenant: str, report_id: str) -> Any:
        found = self.reports.get((tenant, report_id))
        return copy.deepcopy(found) if found else None

    def many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        return {k: copy.deepcopy(self.reports[k]) for k in dict.fromkeys(keys) if k in self.reports}

    def list(self, *, tenant: str, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
        mine = sorted((r for (t, _), r in self.reports.items() if t == tenant), key=lambda r: (r.start, r.id), reverse=True)
        start = int(cursor) if cursor and cursor.isdigit() else 0
        chunk = mine[start : start + limit]
        return [copy.deepcopy(r) for r in chunk], (str(start + limit) if start + limit < len(mine) else None)

    def save(self, report: Any, change: Any) -> None:
        stored = self.reports.get((report.tenant, report.id))
        if (stored.version if stored else 0) != report.version:
            raise ConflictError()
        saved, deleted = [], []
        if change.pending:
            saved.append(self.approvals.pending_item(tenant=report.tenant, **change.pending))
        if change.decided:
            deleted.append(self.approvals.decided_item(tenant=report.tenant, **change.decided))
        self.approvals.apply(saved=saved, deleted=deleted)
        report.version += 1
        self.reports[(report.tenant, report.id)] = copy.deepcopy(report)
        self.events.append(change.event)
        self.saves += 1
