"""Deliveries and the suppression list in the single table (docs/data-model.md "Deliveries") — their only key module.

- Delivery: PK `T#{tenant}#DLV#{group}` (a survey round), SK `D#{delivery id}`: a round's deliveries are one Query.
  While pending it also sits in GSI1 under `T#{tenant}#DLV#{group}#PENDING` / `{id}`, so the sender reads only
  what is left to send.
- Counts: same PK, SK `COUNTS`: one number per status and `total`, moved in the transaction of each change, so a
  round's progress is one GetItem.
- Suppressed address: PK `T#{tenant}#SUPPRESS`, SK SHA-256 of the address (never the address itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from pynamodb.attributes import JSONAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.unit_of_work import commit
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.pagination import decode, encode

from .deliveries import PENDING, STATUSES, Delivery, Step, address_hash

COUNTS = "COUNTS"
WRITE_CHUNK = 99  # deliveries a transaction (TransactWriteItems holds 100 actions; one more for the counts)


class DeliveryItem(BaseItem, discriminator="Delivery"):
    """One message to one destination, with its status and history."""

    link_id = UnicodeAttribute()
    purpose = UnicodeAttribute()
    subject = MapAttribute[str, str]()
    channel = UnicodeAttribute()
    destination = UnicodeAttribute()  # personal data
    template = UnicodeAttribute()
    data = JSONAttribute()
    status = UnicodeAttribute()
    history = JSONAttribute()
    provider_id = UnicodeAttribute(null=True)
    secret = JSONAttribute(null=True)  # the link's URL until the provider took the message


class DeliveryCountsItem(BaseItem, discriminator="DeliveryCounts"):
    """How many of a group's deliveries are in each status."""

    total = NumberAttribute(default=0)
    pending = NumberAttribute(default=0)
    sending = NumberAttribute(default=0)
    delivered = NumberAttribute(default=0)
    permanent_failure = NumberAttribute(default=0)
    temporary_failure = NumberAttribute(default=0)
    technical_failure = NumberAttribute(default=0)


class SuppressedItem(BaseItem, discriminator="SuppressedAddress"):
    """An address not to be written to again (a hard bounce or a complaint), by hash."""

    reason = UnicodeAttribute()
    at = UnicodeAttribute()


def _pk(tenant: str, group: str) -> str:
    return tenant_key(tenant, "DLV", group)


def _pending_pk(tenant: str, group: str) -> str:
    return tenant_key(tenant, "DLV", group, "PENDING")


def _count(status: str) -> NumberAttribute:
    return getattr(DeliveryCountsItem, status.replace("-", "_"))  # type: ignore[no-any-return]


def _history(steps: Iterable[Step]) -> list[dict[str, str]]:
    return [{"at": iso(s.at), "status": s.status, "detail": s.detail} for s in steps]


def to_item(d: Delivery) -> DeliveryItem:
    """The item of a new delivery (pending: in the sender's index)."""
    item = DeliveryItem(
        _pk(d.tenant, d.group),
        f"D#{d.id}",
        tenant=d.tenant,
        link_id=d.link_id,
        purpose=d.purpose,
        subject=dict(d.subject),
        channel=d.channel,
        destination=d.destination,
        template=d.template,
        data=dict(d.data),
        status=d.status,
        history=_history(d.history),
        provider_id=d.provider_id,
        secret=dict(d.secret) or None,
    )
    if d.status == PENDING:
        item.GSI1PK, item.GSI1SK = _pending_pk(d.tenant, d.group), d.id
    return item


def from_item(item: DeliveryItem) -> Delivery:
    """The delivery an item holds."""
    group = item.PK.split("#DLV#", 1)[1]
    return Delivery(
        tenant=item.tenant,
        group=group,
        id=item.SK.removeprefix("D#"),
        link_id=item.link_id,
        purpose=item.purpose,
        subject={str(k): str(v) for k, v in item.subject.as_dict().items()},
        channel=item.channel,
        destination=item.destination,
        template=item.template,
        data=dict(item.data or {}),
        status=item.status,
        history=tuple(Step(parse_iso(h["at"]), h["status"], h.get("detail", "")) for h in item.history or []),
        provider_id=item.provider_id,
        secret=dict(item.secret or {}),
    )


class DynamoDeliveryStore:
    """Deliveries of a group: written in transactions of 99 with their counts; each change conditional on the
    status it starts from, so two handlers of one event (or a late event) cannot both move it."""

    def add(self, *, tenant: str, group: str, deliveries: Iterable[Delivery]) -> int:
        """Write new (pending) deliveries; returns the transactions it took."""
        calls, chunk = 0, []
        for delivery in deliveries:
            chunk.append(delivery)
            if len(chunk) == WRITE_CHUNK:
                self._add(tenant, group, chunk)
                calls, chunk = calls + 1, []
        if chunk:
            self._add(tenant, group, chunk)
            calls += 1
        return calls

    def _add(self, tenant: str, group: str, chunk: list[Delivery]) -> None:
        def build(tx: TransactWrite) -> None:
            for delivery in chunk:
                tx.save(to_item(delivery))
            counts = [DeliveryCountsItem.total.add(len(chunk)), *self._moved({}, chunk)]
            tx.update(self._counts_key(tenant, group), counts, add_version_condition=False)

        commit(build)

    def _counts_key(self, tenant: str, group: str) -> DeliveryCountsItem:
        return DeliveryCountsItem(_pk(tenant, group), COUNTS, tenant=tenant)

    def _moved(self, before: dict[str, int], after: Sequence[Delivery]) -> list:
        """ADD actions for the counts: -1 for each status left, +1 for each status reached."""
        change: dict[str, int] = {}
        for status, n in before.items():
            change[status] = change.get(status, 0) - n
        for delivery in after:
            change[delivery.status] = change.get(delivery.status, 0) + 1
        actions = [_count(status).add(n) for status, n in change.items() if n]
        return [*actions, DeliveryCountsItem.type.set(DeliveryCountsItem), DeliveryCountsItem.tenant.set(after[0].tenant)]

    def get(self, *, tenant: str, group: str, delivery_id: str) -> Delivery | None:
        """One delivery, or None (one GetItem)."""
        with translated():
            try:
                return from_item(DeliveryItem.get(_pk(tenant, group), f"D#{delivery_id}"))
            except DeliveryItem.DoesNotExist:
                return None

    def pending(self, *, tenant: str, group: str, limit: int) -> list[Delivery]:
        """Deliveries not yet handed over, oldest id first (GSI1; one Query a page)."""
        with translated():
            found = DeliveryItem.gsi1.query(_pending_pk(tenant, group), limit=limit)
            return [from_item(i) for i in found if isinstance(i, DeliveryItem)]

    def list(self, *, tenant: str, group: str, limit: int, cursor: str | None) -> tuple[list[Delivery], str | None]:
        """A group's deliveries, by id (one Query a page)."""
        pk = _pk(tenant, group)
        start = decode(cursor, partition_attr="PK", partition_value=pk)
        with translated():
            results = DeliveryItem.query(pk, DeliveryItem.SK.startswith("D#"), limit=limit, last_evaluated_key=start)
            items = [from_item(i) for i in results if isinstance(i, DeliveryItem)]
        key = results.last_evaluated_key
        return items, encode(key) if key else None

    def counts(self, *, tenant: str, group: str) -> dict[str, int]:
        """The group's counts by status, and `total` (one GetItem)."""
        with translated():
            try:
                item = DeliveryCountsItem.get(_pk(tenant, group), COUNTS)
            except DeliveryCountsItem.DoesNotExist:
                return {"total": 0, **dict.fromkeys(STATUSES, 0)}
        return {"total": int(item.total or 0), **{s: int(getattr(item, s.replace("-", "_")) or 0) for s in STATUSES}}

    def change(self, changes: Sequence[tuple[Delivery, Delivery]]) -> None:
        """Write status changes (each from its `before` status) with the counts, in one transaction (≤ 99);
        ConflictError when one of them no longer starts from there — nothing is written then."""
        if not changes:
            return
        first = changes[0][1]

        def build(tx: TransactWrite) -> None:
            before: dict[str, int] = {}
            for old, new in changes:
                before[old.status] = before.get(old.status, 0) + 1
                item = DeliveryItem(_pk(new.tenant, new.group), f"D#{new.id}")
                actions: list[Action] = [DeliveryItem.status.set(new.status), DeliveryItem.history.set(_history(new.history))]
                if new.provider_id is not None and new.provider_id != old.provider_id:
                    actions.append(DeliveryItem.provider_id.set(new.provider_id))
                if old.secret and not new.secret:
                    actions.append(DeliveryItem.secret.remove())
                if old.status == PENDING and new.status != PENDING:
                    actions += [DeliveryItem.GSI1PK.remove(), DeliveryItem.GSI1SK.remove()]
                tx.update(item, actions, condition=DeliveryItem.status == old.status, add_version_condition=False)
            counts = self._moved(before, [n for _, n in changes])
            tx.update(self._counts_key(first.tenant, first.group), counts, add_version_condition=False)

        commit(build)

    def sent(self, deliveries: Sequence[Delivery]) -> None:
        """After the provider took them: their message ids kept and their secrets blanked (one transaction, ≤ 100)."""

        def build(tx: TransactWrite) -> None:
            for d in deliveries:
                item = DeliveryItem(_pk(d.tenant, d.group), f"D#{d.id}")
                tx.update(
                    item,
                    [DeliveryItem.provider_id.set(d.provider_id or ""), DeliveryItem.secret.remove()],
                    add_version_condition=False,
                )

        if deliveries:
            commit(build)

    def suppressed(self, *, tenant: str, addresses: Sequence[str]) -> set[str]:
        """Which of the addresses are suppressed (BatchGetItem by hash, 100 a call)."""
        hashes = {address_hash(a): a for a in addresses}
        if not hashes:
            return set()
        with translated():
            found = SuppressedItem.batch_get([(tenant_key(tenant, "SUPPRESS"), h) for h in hashes])
            return {hashes[i.SK] for i in found}

    def suppress(self, *, tenant: str, address: str, reason: str, at: datetime) -> bool:
        """Add the address to the tenant's suppression list; False when it was there already."""
        item = SuppressedItem(tenant_key(tenant, "SUPPRESS"), address_hash(address), tenant=tenant, reason=reason, at=iso(at))
        try:
            with translated():
                item.save(condition=SuppressedItem.PK.does_not_exist())
        except ConflictError:
            return False
        return True
