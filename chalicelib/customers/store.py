"""Customers in the single table (docs/data-model.md): the profile, one claim item per identifier, a name-index item.

- profile     PK T#{tenant}#CUST#{id}           SK PROFILE
- claim       PK T#{tenant}#IDENT#{type}         SK {normalised value}          (type: id_number, …, phone)
- name index  PK T#{tenant}#IDENT#name           SK {folded name}#{customer id}

A claim exists at most once per tenant, so creating a claim "if absent" in the same transaction as the profile is
what makes identifiers unique. Claims and the name entry carry the masked summary a search shows, so a search is
Queries only.

The profile also carries the retention job's two marks (customers/retention.py `RetentionMarks`) as sparse index
keys: GSI1 `T#{tenant}#RETAIN#activity` / `{instant}#{id}` and GSI2 `T#{tenant}#RETAIN#content` / `{instant}#{id}`,
so "whose data may be past its retention" is a Query of each. The job moves them with an UpdateItem that leaves the
version alone (a person editing the record never meets a 409 for it); an anonymised profile has neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, connection, tenant_key, translated
from chalicelib.adapters.unit_of_work import Journal
from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.pagination import decode, encode

from .domain import NAME_INDEX, PROFILE_FIELDS, UNIQUE_IDENTIFIERS, Customer, CustomerSummary, duplicate_error, fold, summarise
from .retention import RetentionMarks

PROFILE = "PROFILE"
ACTIVITY, CONTENT = "activity", "content"  # the retention marks (RetentionMarks.activity / .content)


class CustomerItem(BaseItem, discriminator="Customer"):
    """A customer's profile (personal data: read only through the audited service)."""

    kind = UnicodeAttribute()
    full_name = UnicodeAttribute(null=True)
    id_number = UnicodeAttribute(null=True)
    social_insurance_code = UnicodeAttribute(null=True)
    health_card_code = UnicodeAttribute(null=True)
    org_name = UnicodeAttribute(null=True)
    unit_code = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    anonymised_at = UnicodeAttribute(null=True)
    anonymised_reason = UnicodeAttribute(null=True)


class CustomerIndexItem(BaseItem, discriminator="CustomerIndex"):
    """An identifier claim or a name-index entry: which customer, and the masked summary a search shows."""

    customer_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    display_name = UnicodeAttribute()
    masked = MapAttribute[str, str](default=dict)


def _instant(text: str) -> datetime:
    return parse_iso(text)


def marks_of(customer: Customer) -> RetentionMarks:
    """The customer's retention marks; a new customer is first looked at counting from its creation."""
    assert customer.created_at is not None
    return customer.marks or RetentionMarks(customer.created_at, customer.created_at)


def _mark_pk(tenant: str, mark: str) -> str:
    return tenant_key(tenant, "RETAIN", mark)


def _profile_item(tenant: str, customer: Customer) -> CustomerItem:
    values = {name: getattr(customer, name) for name in PROFILE_FIELDS}
    assert customer.created_at is not None and customer.updated_at is not None
    item = CustomerItem(
        tenant_key(tenant, "CUST", customer.id),
        PROFILE,
        tenant=tenant,
        kind=customer.kind,
        created_at=iso(customer.created_at),
        updated_at=iso(customer.updated_at),
        anonymised_at=iso(customer.anonymised_at) if customer.anonymised_at else None,
        anonymised_reason=customer.anonymised_reason,
        **values,
    )
    if customer.anonymised_at is None:
        marks = marks_of(customer)
        item.GSI1PK, item.GSI1SK = _mark_pk(tenant, ACTIVITY), f"{iso(marks.activity)}#{customer.id}"
        item.GSI2PK, item.GSI2SK = _mark_pk(tenant, CONTENT), f"{iso(marks.content)}#{customer.id}"
    return item


def _to_customer(item: CustomerItem) -> Customer:
    values = {name: getattr(item, name) for name in PROFILE_FIELDS}
    marks = None
    if item.GSI1SK and item.GSI2SK:
        marks = RetentionMarks(_instant(item.GSI1SK.split("#", 1)[0]), _instant(item.GSI2SK.split("#", 1)[0]))
    return Customer(
        kind=item.kind,
        id=item.PK.rsplit("#", 1)[1],
        version=item.version or 0,
        created_at=_instant(item.created_at),
        updated_at=_instant(item.updated_at),
        marks=marks,
        anonymised_at=_instant(item.anonymised_at) if item.anonymised_at else None,
        anonymised_reason=item.anonymised_reason,
        **values,
    )


def _index_keys(tenant: str, customer: Customer) -> dict[str, tuple[str, str]]:
    """Every index item of a customer, by label (identifier type, or "name")."""
    keys = {name: (tenant_key(tenant, "IDENT", name), value) for name, value in customer.unique_identifiers().items()}
    if customer.phone:  # shared by a household: one entry per customer, not a claim
        keys["phone"] = (tenant_key(tenant, "IDENT", "phone"), f"{customer.phone}#{customer.id}")
    keys[NAME_INDEX] = (tenant_key(tenant, "IDENT", NAME_INDEX), f"{fold(customer.display_name)}#{customer.id}")
    return keys


def _index_item(tenant: str, key: tuple[str, str], customer: Customer) -> CustomerIndexItem:
    summary = summarise(customer, customer.id)
    return CustomerIndexItem(
        key[0],
        key[1],
        tenant=tenant,
        customer_id=customer.id,
        kind=customer.kind,
        display_name=summary.display_name,
        masked=summary.identifiers,
    )


def _summary_actions(customer: Customer) -> list[Any]:
    summary = summarise(customer, customer.id)
    return [
        CustomerIndexItem.kind.set(customer.kind),
        CustomerIndexItem.display_name.set(summary.display_name),
        CustomerIndexItem.masked.set(summary.identifiers),
    ]


def _to_summary(item: CustomerIndexItem, matched: str | None) -> CustomerSummary:
    masked = item.masked.as_dict() if hasattr(item.masked, "as_dict") else dict(item.masked or {})
    return CustomerSummary(item.customer_id, item.kind, item.display_name, {k: str(v) for k, v in masked.items()}, matched)


@dataclass
class _Changes:
    """The operations of one transaction, labelled, in the order DynamoDB reports cancellation reasons."""

    deletes: list[tuple[str, BaseItem]] = field(default_factory=list)
    puts: list[tuple[str, BaseItem]] = field(default_factory=list)
    updates: list[tuple[str, BaseItem, list[Any]]] = field(default_factory=list)

    def labels(self) -> list[tuple[str, str]]:
        """(operation, label) in the order pynamodb sends the items: deletes, puts, updates."""
        return (
            [("delete", d[0]) for d in self.deletes]
            + [("put", p[0]) for p in self.puts]
            + [("update", u[0]) for u in self.updates]
        )


class CustomerStore:
    """Repository of customers; every change is one transaction with its audit entry."""

    def __init__(self, *, journal: Journal) -> None:
        self._journal = journal

    def get(self, *, tenant: str, customer_id: str) -> Customer | None:
        """One customer (GetItem), or None."""
        with translated():
            try:
                return _to_customer(CustomerItem.get(tenant_key(tenant, "CUST", customer_id), PROFILE))
            except CustomerItem.DoesNotExist:
                return None

    def claimed(self, *, tenant: str, identifiers: dict[str, str]) -> dict[str, str]:
        """Which of the identifiers are already claimed, and by which customer (one BatchGetItem)."""
        keys = {(tenant_key(tenant, "IDENT", name), value): name for name, value in identifiers.items()}
        if not keys:
            return {}
        with translated():
            found = {(i.PK, i.SK): i.customer_id for i in CustomerIndexItem.batch_get(list(keys))}
        return {keys[key]: found[key] for key in keys if key in found}

    def by_phone(self, *, tenant: str, phone: str, limit: int = 20) -> list[CustomerSummary]:
        """Customers reached at this exact phone number (one Query)."""
        with translated():
            items = CustomerIndexItem.query(
                tenant_key(tenant, "IDENT", "phone"), CustomerIndexItem.SK.startswith(f"{phone}#"), limit=limit
            )
            return [_to_summary(i, "phone") for i in items]

    def search_identifier(self, *, tenant: str, kind: str, prefix: str, limit: int) -> list[CustomerSummary]:
        """Claims of one identifier type whose value begins with the prefix (one Query)."""
        condition = CustomerIndexItem.SK.startswith(prefix)
        with translated():
            items = CustomerIndexItem.query(tenant_key(tenant, "IDENT", kind), condition, limit=limit)
            return [_to_summary(i, kind) for i in items]

    def search_name(self, *, tenant: str, prefix: str, limit: int) -> list[CustomerSummary]:
        """Name-index entries whose folded name begins with the prefix (one Query)."""
        condition = CustomerIndexItem.SK.startswith(prefix)
        with translated():
            items = CustomerIndexItem.query(tenant_key(tenant, "IDENT", NAME_INDEX), condition, limit=limit)
            return [_to_summary(i, None) for i in items]

    def add(self, *, tenant: str, customer: Customer, event: AuditEvent) -> Customer:
        """Create profile, claims and name entry (each must not exist) with the audit entry; a taken identifier is 409."""
        changes = _Changes(puts=self._creation(tenant, customer))
        self._commit(tenant, changes, event)
        return replace(customer, version=1, marks=marks_of(customer))

    def creation(self, *, tenant: str, customer: Customer) -> list[BaseItem]:
        """The items of a new customer, for another change's transaction (each is saved only if absent)."""
        return [item for _, item in self._creation(tenant, customer)]

    @staticmethod
    def _creation(tenant: str, customer: Customer) -> list[tuple[str, BaseItem]]:
        items: list[tuple[str, BaseItem]] = [("profile", _profile_item(tenant, customer))]
        items += [(label, _index_item(tenant, key, customer)) for label, key in _index_keys(tenant, customer).items()]
        return items

    def replace(self, *, tenant: str, before: Customer, after: Customer, event: AuditEvent) -> Customer:
        """Save `after` if the profile is still at `before.version`; claims that changed move in the same transaction."""
        old, new = _index_keys(tenant, before), _index_keys(tenant, after)
        owned = CustomerIndexItem.customer_id == before.id
        changes = _Changes()
        profile = _profile_item(tenant, replace(after, marks=before.marks))  # the marks stay lower bounds
        profile.version = before.version
        changes.puts.append(("profile", profile))
        for label, key in old.items():
            if new.get(label) != key:
                changes.deletes.append((label, _index_item(tenant, key, before)))
        for label, key in new.items():
            if old.get(label) == key:
                changes.updates.append((label, _index_item(tenant, key, after), _summary_actions(after)))
            else:
                changes.puts.append((label, _index_item(tenant, key, after)))
        self._commit(tenant, changes, event, owned=owned)
        return replace(after, version=before.version + 1)

    # -- retention (customers/retention.py, customers/privacy_service.py) ------------------------------------------

    def due(
        self, *, tenant: str, mark: str, before: datetime, limit: int, cursor: str | None = None
    ) -> tuple[list[str], str | None]:
        """Customers whose mark (`activity` or `content`) is before the instant, oldest first (one Query of GSI1 or GSI2)."""
        pk = _mark_pk(tenant, mark)
        index, attr = (CustomerItem.gsi1, "GSI1PK") if mark == ACTIVITY else (CustomerItem.gsi2, "GSI2PK")
        sort_key = CustomerItem.GSI1SK if mark == ACTIVITY else CustomerItem.GSI2SK
        with translated():
            results = index.query(
                pk,
                sort_key < iso(before),
                limit=limit,
                last_evaluated_key=decode(cursor, partition_attr=attr, partition_value=pk),
            )
            ids = [i.PK.rsplit("#", 1)[1] for i in results if isinstance(i, CustomerItem)]
        key = results.last_evaluated_key
        return ids, encode(key) if key else None

    def set_marks(self, *, tenant: str, customer_id: str, marks: RetentionMarks) -> bool:
        """Move the job's marks on a profile that is still there and not anonymised; the version is left alone."""
        actions: list[Action] = [
            CustomerItem.GSI1SK.set(f"{iso(marks.activity)}#{customer_id}"),
            CustomerItem.GSI2SK.set(f"{iso(marks.content)}#{customer_id}"),
        ]
        condition = CustomerItem.PK.exists() & CustomerItem.anonymised_at.does_not_exist()
        try:
            with translated():
                CustomerItem._get_connection().update_item(
                    tenant_key(tenant, "CUST", customer_id), PROFILE, actions=actions, condition=condition
                )
        except ConflictError:
            return False
        return True

    def anonymise(self, *, tenant: str, before: Customer, after: Customer, event: AuditEvent) -> Customer:
        """Replace the profile by its anonymous form if still at `before.version`, and delete every claim and index
        entry that pointed at it, with the audit entry — one transaction (a stale version is a 409, nothing written)."""
        owned = CustomerIndexItem.customer_id == before.id
        changes = _Changes()
        profile = _profile_item(tenant, after)
        profile.version = before.version
        changes.puts.append(("profile", profile))
        for label, key in _index_keys(tenant, before).items():
            changes.deletes.append((label, _index_item(tenant, key, before)))
        self._commit(tenant, changes, event, owned=owned)
        return replace(after, version=before.version + 1)

    def _commit(self, tenant: str, changes: _Changes, event: AuditEvent, owned: Condition | None = None) -> None:
        try:
            with translated(), TransactWrite(connection=connection()) as tx:
                for _, item in changes.deletes:
                    tx.delete(item, condition=owned, add_version_condition=False)
                for _, item in changes.puts:
                    tx.save(item)
                for _, item, actions in changes.updates:
                    tx.update(item, actions, condition=owned, add_version_condition=False)
                tx.save(self._journal.entry(tenant=tenant, event=event))
        except ConflictError as error:
            raise self._why(tenant, changes, error) from None

    def _why(self, tenant: str, changes: _Changes, error: ConflictError) -> ConflictError:
        """After a cancelled transaction: a taken identifier names the record holding it; anything else is a 409."""
        cause = error.__cause__
        reasons = list(cause.cancellation_reasons or []) if isinstance(cause, TransactWriteError) else []
        failed = {op for op, r in zip(changes.labels(), reasons, strict=False) if r and r.code == "ConditionalCheckFailed"}
        wanted = {label: item.SK for label, item in changes.puts if ("put", label) in failed and label in UNIQUE_IDENTIFIERS}
        taken = self.claimed(tenant=tenant, identifiers=wanted) if wanted else {}
        return duplicate_error(taken) if taken else error
