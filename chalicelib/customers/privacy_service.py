"""Use cases of personal data (Decree 13/2023/NĐ-CP): retention settings, the retention job, a customer's copy of
their data (right of access) and erasure on request (right to deletion) — every one audited by ids and codes only."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.audit.domain import AuditEvent
from chalicelib.audit.store import AuditStore
from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, ForbiddenError, NotFoundError
from chalicelib.shared.observability import logger
from chalicelib.shared.permissions import CENTRAL_TENANT
from chalicelib.shared.tenancy import Principal, acting_for

from .domain import MESSAGES, Customer
from .erasure import RETENTION_EXPIRED, anonymised, check_erasure
from .privacy_ports import CustomerRecords, ExportedRequest
from .privacy_store import RetentionRun, RetentionStore
from .retention import (
    AUDIT_ENTRY,
    CUSTOMER_PROFILE,
    REQUEST_CONTENT,
    NationalBounds,
    RetentionPolicy,
    check_bounds,
    check_policy,
    purgeable_months,
    review,
)
from .store import ACTIVITY, CONTENT, CustomerStore

SYSTEM_ACTOR = "system"  # the retention job, in the audit trail and on the requests' timelines
Stop = Callable[[], bool]
_ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


@dataclass(frozen=True)
class CustomerExport:
    """A customer's data as they may ask for it (Art. 9.7, Art. 14): the profile and their requests."""

    customer: Customer
    requests: list[ExportedRequest]
    exported_at: datetime


@dataclass(frozen=True)
class Erasure:
    """What an erasure did: the anonymous record left, how many requests lost their content, which other offices hold
    copies (each erases its own: a transfer gave the province its own customer and request)."""

    customer: Customer
    requests_redacted: int
    other_offices: tuple[str, ...] = ()


@dataclass
class _Tally:
    anonymised: int = 0
    redacted: int = 0
    audit_months: int = 0
    complete: bool = True
    others: set[str] = field(default_factory=set)


class PrivacyService:
    """Personal data of one tenant's customers; the retention settings of the tenant and the nation."""

    def __init__(
        self, *, customers: CustomerStore, settings: RetentionStore, records: CustomerRecords, audit: AuditStore, clock: Clock
    ) -> None:
        self._customers = customers
        self._settings = settings
        self._records = records
        self._audit = audit
        self._clock = clock

    # -- settings -------------------------------------------------------------------------------------------------

    def national(self) -> NationalBounds:
        """The CCC's minimum and maximum months per kind, for every office."""
        return self._settings.national()

    def set_national(self, *, actor: Principal, bounds: dict[str, tuple[int, int]], version: int) -> NationalBounds:
        """Replace the national bounds (CCC only) if nobody changed them since `version`; audited under `ccc`."""
        if actor.tenant != CENTRAL_TENANT:
            raise ForbiddenError("Chỉ Trung tâm CSKH quy định giới hạn lưu trữ toàn quốc.")
        checked = check_bounds(bounds)
        detail = {"bounds": ",".join(f"{k}={lo}-{hi}" for k, (lo, hi) in sorted(checked.items())), "version": str(version)}
        event = AuditEvent(actor.username, "retention_bounds.update", "retention_bounds", "national", self._clock.now(), detail)
        return self._settings.save_national(bounds=NationalBounds(checked, version), event=event)

    def policy(self, *, tenant: str) -> RetentionPolicy:
        """The tenant's months per kind, inside the national bounds."""
        return self._settings.policy(tenant=tenant, national=self._settings.national())

    def set_policy(self, *, tenant: str, actor: Principal, months: dict[str, int], version: int) -> RetentionPolicy:
        """Replace the tenant's months (absent kinds take the default); outside the national bounds is a 422, a stale
        `version` a 409 — both write nothing."""
        if actor.tenant != tenant:
            raise ForbiddenError()
        national = self._settings.national()
        checked = check_policy(months, national)
        detail = {"months": ",".join(f"{k}={v}" for k, v in sorted(checked.items())), "version": str(version)}
        event = AuditEvent(actor.username, "retention_policy.update", "retention_policy", tenant, self._clock.now(), detail)
        return self._settings.save_policy(policy=RetentionPolicy(tenant, checked, version, national), event=event)

    def last_run(self, *, tenant: str) -> RetentionRun | None:
        """What the retention job did last in the tenant."""
        return self._settings.last_run(tenant=tenant)

    # -- the customer's rights ------------------------------------------------------------------------------------

    def export(self, *, tenant: str, actor: Principal, customer_id: str) -> CustomerExport:
        """The customer's copy of their data (Art. 9.7, 14): profile and requests; audited as a read of personal data."""
        customer = self._own_customer(tenant, actor, customer_id)
        requests = self._records.export(tenant=tenant, customer_id=customer.id)
        now = self._clock.now()
        event = AuditEvent(actor.username, "customer.export", "customer", customer.id, now, {"requests": str(len(requests))})
        self._audit.append(tenant=tenant, event=event)
        return CustomerExport(customer, requests, now)

    def erase(
        self, *, tenant: str, actor: Principal, customer_id: str, version: int, reason: str, reference: str | None
    ) -> Erasure:
        """Art. 9.5, 16: anonymise the customer at once, with the legal basis and the request's number in the audit
        entry (never the data itself). Open requests, an unknown basis or a stale `version` refuse it, writing nothing;
        erasing an anonymised customer again changes nothing."""
        customer = self._own_customer(tenant, actor, customer_id)
        if customer.anonymised_at is not None:
            return Erasure(customer, 0)
        if customer.version != version:
            raise ConflictError()
        requests = self._records.activity(tenant=tenant, customer_id=customer.id)
        check_erasure(customer=customer, requests=requests, reason=reason, reference=reference)
        now, tally = self._clock.now(), _Tally()
        self._redact(tenant, [r.request_id for r in requests if not r.redacted], actor.username, reason, now, tally)
        detail = {"reason": reason, "requests": str(tally.redacted), **({"reference": reference} if reference else {})}
        event = AuditEvent(actor.username, "customer.erase", "customer", customer.id, now, detail)
        after = self._customers.anonymise(
            tenant=tenant, before=customer, after=anonymised(customer, now=now, reason=reason), event=event
        )
        return Erasure(after, tally.redacted, tuple(sorted(tally.others - {tenant})))

    def _own_customer(self, tenant: str, actor: Principal, customer_id: str) -> Customer:
        """Only the office that holds the record answers for it (the CCC reads others', it does not export or erase them)."""
        if actor.tenant != tenant:
            raise ForbiddenError(MESSAGES["other_tenant"])
        customer = self._customers.get(tenant=tenant, customer_id=customer_id) if _ULID.match(customer_id) else None
        if customer is None:
            raise NotFoundError(MESSAGES["not_found"])
        return customer

    def _redact(self, tenant: str, request_ids: Iterable[str], actor: str, reason: str, now: datetime, tally: _Tally) -> None:
        for request_id in request_ids:
            done = self._records.redact(tenant=tenant, request_id=request_id, actor=actor, reason=reason, now=now)
            if done is not None:
                tally.redacted += 1
                tally.others.update(done.other_offices)

    # -- the retention job ------------------------------------------------------------------------------------------

    def run(self, *, tenant: str, should_stop: Stop = lambda: False, batch: int = 50) -> RetentionRun:
        """One pass over the tenant: content past its retention goes, customers inactive past theirs are anonymised,
        audit months past theirs are deleted. Each customer is one visit that leaves a consistent state, so a pass
        that stops (`should_stop`, a failure) is finished by the next; running twice changes nothing more."""
        logger.append_keys(tenant=tenant)
        now, policy, tally = self._clock.now(), self.policy(tenant=tenant), _Tally()
        for mark, kind in ((ACTIVITY, CUSTOMER_PROFILE), (CONTENT, REQUEST_CONTENT)):
            cursor: str | None = None
            while tally.complete:
                ids, cursor = self._customers.due(
                    tenant=tenant, mark=mark, before=policy.cutoff(kind, now), limit=batch, cursor=cursor
                )
                for customer_id in ids:
                    if should_stop():
                        tally.complete = False
                        break
                    self._visit(tenant, customer_id, policy, now, tally)
                if not cursor:
                    break
        previous = self._settings.last_run(tenant=tenant)
        purged_through = previous.audit_purged_through if previous else None
        if tally.complete:
            purged_through = self._purge_audit(tenant, policy, now, purged_through, tally)
        run = RetentionRun(now, tally.anonymised, tally.redacted, tally.audit_months, tally.complete, purged_through)
        self._settings.save_run(tenant=tenant, run=run)
        logger.info("retention run", extra={"anonymised": run.customers_anonymised, "redacted": run.requests_redacted})
        return run

    def run_all(self, *, tenants: Iterable[str], should_stop: Stop = lambda: False) -> dict[str, RetentionRun]:
        """The scheduled job: every tenant in turn until `should_stop` (the next run starts where this one stopped)."""
        done: dict[str, RetentionRun] = {}
        for tenant in tenants:
            if should_stop():
                break
            with acting_for(tenant):  # a system path over every office: each office's items in its own scope
                done[tenant] = self.run(tenant=tenant, should_stop=should_stop)
        return done

    def _visit(self, tenant: str, customer_id: str, policy: RetentionPolicy, now: datetime, tally: _Tally) -> None:
        """Apply the review to one customer; a person acting on it meanwhile wins (the next run looks again)."""
        customer = self._customers.get(tenant=tenant, customer_id=customer_id)
        if customer is None or customer.anonymised_at is not None or customer.updated_at is None:
            return
        requests = self._records.activity(tenant=tenant, customer_id=customer.id)
        verdict = review(last_profile_change=customer.updated_at, requests=requests, policy=policy, now=now)
        try:
            self._redact(tenant, verdict.redact, SYSTEM_ACTOR, RETENTION_EXPIRED, now, tally)
            if verdict.anonymise:
                detail = {"reason": RETENTION_EXPIRED, "requests": str(len(verdict.redact))}
                event = AuditEvent(SYSTEM_ACTOR, "customer.anonymise", "customer", customer.id, now, detail)
                after = anonymised(customer, now=now, reason=RETENTION_EXPIRED)
                self._customers.anonymise(tenant=tenant, before=customer, after=after, event=event)
                tally.anonymised += 1
            else:
                self._customers.set_marks(tenant=tenant, customer_id=customer.id, marks=verdict.marks)
        except ConflictError:
            logger.info("retention visit lost a race; the next run looks again", extra={"customer_id": customer.id})

    def _purge_audit(
        self, tenant: str, policy: RetentionPolicy, now: datetime, purged_through: str | None, tally: _Tally
    ) -> str | None:
        for month in purgeable_months(cutoff=policy.cutoff(AUDIT_ENTRY, now), purged_through=purged_through):
            count = self._audit.purge_month(tenant=tenant, month=month)
            if count:
                detail = {"entries": str(count), "reason": RETENTION_EXPIRED}
                self._audit.append(
                    tenant=tenant, event=AuditEvent(SYSTEM_ACTOR, "audit.purge", "audit_month", month, now, detail)
                )
                tally.audit_months += 1
            purged_through = month
        return purged_through
