"""Use cases of customers: look-up by any identifier, find-or-create at intake, audited reads (Art. 7.1)."""

from __future__ import annotations

import re
from dataclasses import asdict, replace

from chalicelib.audit.domain import AuditEvent
from chalicelib.audit.store import AuditStore
from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from chalicelib.shared.ids import new_id
from chalicelib.shared.permissions import CENTRAL_TENANT
from chalicelib.shared.tenancy import Principal
from chalicelib.tenancy.catalog import TENANT_BY_CODE

from .domain import (
    IDENTIFIERS,
    MESSAGES,
    MIN_PREFIX,
    Customer,
    CustomerRecord,
    CustomerSummary,
    Identity,
    TimelineSource,
    changed_fields,
    compact,
    fold,
    name_prefix,
    normalise_identity,
    search_prefixes,
)
from .schemas import CustomerIdentity
from .store import CustomerStore

_ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def _identity(data: CustomerIdentity) -> Identity:
    return normalise_identity(data.kind, data.model_dump(exclude={"kind", "version"}))


class CustomerService:
    """Customers of a tenant (cá nhân, tổ chức); staff of the tenant and the CCC may read them, every read audited."""

    def __init__(self, *, store: CustomerStore, audit: AuditStore, clock: Clock, timeline: TimelineSource | None = None) -> None:
        self._store = store
        self._audit = audit
        self._clock = clock
        self._timeline = timeline

    def match(self, *, tenant: str, actor: Principal, data: CustomerIdentity) -> CustomerRecord:
        """Intake (Art. 6.1 step 2): the customer holding any of the identifiers, unchanged; else a new one — unsaved.

        The caller writes the record with its own change (requests/store.py): the new customer, or the audited read
        of the one found. Two intakes creating the same person race on the identifier claims; the loser's change is
        a conflict, and matching again finds the winner's record. The CCC may also do this in a province's tenant:
        a transfer gives the province its own copy (Art. 6.1 step 3).
        """
        self._reach(tenant, actor)
        identity = _identity(data)
        claimed = self._store.claimed(tenant=tenant, identifiers=identity.unique_identifiers())
        matched = next((name for name in IDENTIFIERS if name in claimed), None)
        if matched is None and not identity.unique_identifiers() and identity.phone:
            claimed = self._same_caller(tenant, identity)
            matched = "phone" if claimed else None
        if matched is None:
            now, customer_id = self._clock.now(), new_id()
            customer = Customer(**asdict(identity), id=customer_id, created_at=now, updated_at=now)
            event = self._event(actor, "customer.create", customer_id, tenant, {"kind": identity.kind})
            return CustomerRecord(tenant, customer, event, tenant, new=True)
        return self._read(tenant, actor, self._load(tenant, claimed[matched]), {"via": "intake", "matched": matched})

    def read(self, *, tenant: str, actor: Principal, customer_id: str, via: str) -> CustomerRecord:
        """One customer for another capability's command (`via`: what it is read for), its audited read unsaved."""
        self._reach(tenant, actor)
        customer = self._load(tenant, customer_id)
        if via == "intake" and customer.anonymised_at is not None:  # nobody to answer: the caller is a new record
            raise RuleViolationError(
                MESSAGES["anonymised_intake"], code="customer_anonymised", fields={"customer.id": "anonymised"}
            )
        return self._read(tenant, actor, customer, {"via": via})

    def _read(self, tenant: str, actor: Principal, customer: Customer, detail: dict[str, str]) -> CustomerRecord:
        event = self._event(actor, "customer.read", customer.id, tenant, detail)
        return CustomerRecord(tenant, customer, event, actor.tenant, new=False)

    def _same_caller(self, tenant: str, identity: Identity) -> dict[str, str]:
        """With only a phone to go on, the customer at that number with the same name (a household shares phones)."""
        name = fold(identity.display_name)
        same = [c for c in self._store.by_phone(tenant=tenant, phone=identity.phone or "") if fold(c.display_name) == name]
        return {"phone": same[0].id} if len(same) == 1 and name else {}

    def get(self, *, tenant: str, actor: Principal, customer_id: str) -> Customer:
        """One customer with the timeline; 404 for unknown ids (another tenant's too). Audited."""
        self._reach(tenant, actor)
        customer = self._load(tenant, customer_id)
        self._audit_read(tenant, actor, customer.id, {})
        entries = self._timeline.entries(tenant=tenant, customer_id=customer.id) if self._timeline else []
        return replace(customer, timeline=tuple(sorted(entries, key=lambda e: e.at, reverse=True)))

    def search(
        self, *, tenant: str, actor: Principal, identifier: str | None, name: str | None, limit: int = 10
    ) -> list[CustomerSummary]:
        """By an identifier or its first 3+ characters (every identifier type), or by a name prefix without diacritics."""
        self._reach(tenant, actor)
        identifier, name = (identifier or "").strip(), (name or "").strip()
        if identifier:
            found, by = self._by_identifier(tenant, identifier, limit), "identifier"
        elif name:
            found, by = self._store.search_name(tenant=tenant, prefix=name_prefix(name), limit=limit), "name"
        else:
            raise RuleViolationError(MESSAGES["search_needs_input"], fields={"identifier": "required"})
        detail = {"by": by, "count": str(len(found))}
        self._audit.append(tenant=actor.tenant, event=self._event(actor, "customer.search", "-", tenant, detail))
        return found

    def create(self, *, tenant: str, actor: Principal, data: CustomerIdentity) -> Customer:
        """A new customer; an identifier already on record is 409 `duplicate_customer` pointing at that record."""
        self._own(tenant, actor)
        return self._add(tenant, actor, _identity(data))

    def update(self, *, tenant: str, actor: Principal, customer_id: str, version: int, data: CustomerIdentity) -> Customer:
        """Replace the record's fields if nobody changed it since `version`; identifiers move with it."""
        self._own(tenant, actor)
        current = self._load(tenant, customer_id)
        if current.anonymised_at is not None:
            raise ConflictError(MESSAGES["anonymised"], code="customer_anonymised")
        if current.version != version:
            raise ConflictError()
        after = Customer(**asdict(_identity(data)), id=current.id, created_at=current.created_at, updated_at=self._clock.now())
        fields = changed_fields(current, after)
        if not fields:
            return current
        event = self._event(actor, "customer.update", current.id, tenant, {"fields": ",".join(fields)})
        return self._store.replace(tenant=tenant, before=current, after=after, event=event)

    def _add(self, tenant: str, actor: Principal, identity: Identity) -> Customer:
        now, customer_id = self._clock.now(), new_id()
        customer = Customer(**asdict(identity), id=customer_id, created_at=now, updated_at=now)
        event = self._event(actor, "customer.create", customer_id, tenant, {"kind": identity.kind})
        return self._store.add(tenant=tenant, customer=customer, event=event)

    def _by_identifier(self, tenant: str, identifier: str, limit: int) -> list[CustomerSummary]:
        prefixes = search_prefixes(identifier)
        if not prefixes and len(compact(identifier)) < MIN_PREFIX:
            raise RuleViolationError(MESSAGES["search_too_short"], fields={"identifier": "too_short"})
        found: dict[str, CustomerSummary] = {}
        for kind, prefix in prefixes.items():
            for summary in self._store.search_identifier(tenant=tenant, kind=kind, prefix=prefix, limit=limit):
                found.setdefault(summary.id, summary)
        return list(found.values())[:limit]

    def _load(self, tenant: str, customer_id: str) -> Customer:
        customer = self._store.get(tenant=tenant, customer_id=customer_id) if _ULID.match(customer_id) else None
        if customer is None:
            raise NotFoundError(MESSAGES["not_found"])
        return customer

    def _audit_read(self, tenant: str, actor: Principal, customer_id: str, detail: dict[str, str]) -> None:
        """A read of personal data goes into the reader's own trail (the CCC's for a cross-tenant read)."""
        self._audit.append(tenant=actor.tenant, event=self._event(actor, "customer.read", customer_id, tenant, detail))

    def _event(self, actor: Principal, action: str, target: str, tenant: str, detail: dict[str, str]) -> AuditEvent:
        extra = {"tenant": tenant} if tenant != actor.tenant else {}
        return AuditEvent(actor.username, action, "customer", target, self._clock.now(), {**detail, **extra})

    @staticmethod
    def _reach(tenant: str, actor: Principal) -> None:
        """Staff read their own tenant's customers; the CCC reads every tenant's (DOMAIN.md §1)."""
        if tenant not in TENANT_BY_CODE:
            raise NotFoundError(MESSAGES["not_found"])
        if actor.tenant not in (tenant, CENTRAL_TENANT):
            raise ForbiddenError(MESSAGES["other_tenant"])

    @staticmethod
    def _own(tenant: str, actor: Principal) -> None:
        """Only the tenant's own staff change its customers."""
        if actor.tenant != tenant:
            raise ForbiddenError(MESSAGES["other_tenant"])
