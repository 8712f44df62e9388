"""Requests in the single table (docs/data-model.md "Requests").

One partition per request, `T#{tenant}#REQ#{id}`: the request item (SK `REQ`) and its timeline events
(SK `EVT#…`), so reading a request with its whole timeline is one Query. Sparse index keys on the request item
serve the lists: GSI1 status, GSI2 open-by-due (overdue and due soon), GSI3 assignee, GSI4 the CCC's national
view of open requests. A customer link (`T#{tenant}#CUST#{customer}` / `REQ#…`) serves the customer's timeline,
and one queue item per pending escalation (`T#{tenant}#UNITQ#{unit}`) serves a unit's inbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from pynamodb.attributes import BooleanAttribute, JSONAttribute, UnicodeAttribute
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.unit_of_work import Check, commit
from chalicelib.shared.clock import iso
from chalicelib.shared.errors import RuleViolationError
from chalicelib.shared.pagination import decode, encode
from chalicelib.shared.text import fold
from chalicelib.tenancy.store import UnitItem

from .domain import Request
from .parts import Callback, Category, Channel, Draft, Escalation, Event, Kind, Origin, Rating, Status, Transfer

CENTRAL = "ccc"
FAR_FUTURE = "9999-12-31T00:00:00.000000Z"


class RequestItem(BaseItem, discriminator="Request"):
    """The request: scalar fields as attributes (for indexes and filters), nested parts as JSON."""

    reference = UnicodeAttribute()
    channel = UnicodeAttribute()
    kind = UnicodeAttribute()
    category = UnicodeAttribute()
    status = UnicodeAttribute()
    subject = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    received_at = UnicodeAttribute()
    due_at = UnicodeAttribute(null=True)
    assignee = UnicodeAttribute(null=True)
    overdue = BooleanAttribute(default=False)
    open_timer = UnicodeAttribute(null=True)
    search = UnicodeAttribute(default="")  # subject and reference folded: the `q` filter ignores case and diacritics
    body = JSONAttribute()


class EventItem(BaseItem, discriminator="RequestEvent"):
    """One timeline step of a request (append-only)."""

    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    detail = UnicodeAttribute(default="")


class CustomerLinkItem(BaseItem, discriminator="CustomerRequest"):
    """A request on its customer's timeline."""

    request_id = UnicodeAttribute()
    reference = UnicodeAttribute()
    subject = UnicodeAttribute()
    status = UnicodeAttribute()
    received_at = UnicodeAttribute()
    rating = UnicodeAttribute(null=True)


class UnitQueueItem(BaseItem, discriminator="UnitQueue"):
    """A pending escalation in a unit's inbox."""

    request_id = UnicodeAttribute()
    escalation_id = UnicodeAttribute()
    due_at = UnicodeAttribute()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _revive(cls: type, data: dict[str, Any]) -> Any:
    values = {}
    for f in fields(cls):
        raw = data.get(f.name)
        values[f.name] = _dt(raw) if isinstance(raw, str) and (f.name.endswith("_at") or f.name == "at") else raw
    return cls(**values)


_NESTED = ("escalations", "transfers", "drafts")
_SINGLE = {"callback": Callback, "rating": Rating, "origin": Origin}
_LISTS = {"escalations": Escalation, "transfers": Transfer, "drafts": Draft}
_SCALAR_JSON = ("unit_id", "question", "customer_name", "recorded_at", "created_by", "late_record", "answer", "answered_at",
                "answered_by", "knowledge_id", "follow_up_of", "follow_up_id", "survey_token", "timer_id")


def _pk(tenant: str, request_id: str) -> str:
    return tenant_key(tenant, "REQ", request_id)


def _queue_item(request: Request, escalation: Escalation) -> UnitQueueItem:
    return UnitQueueItem(tenant_key(request.tenant, "UNITQ", escalation.unit_id), f"{iso(escalation.due_at)}#{request.id}#{escalation.id}",
                         tenant=request.tenant, request_id=request.id, escalation_id=escalation.id, due_at=iso(escalation.due_at))


def _active_unit(tenant: str, unit_id: str, field: str) -> Check:
    condition = UnitItem.PK.exists() & (UnitItem.active == True)  # noqa: E712 - a DynamoDB condition, not a comparison
    error = RuleViolationError(f"Đơn vị không tồn tại hoặc đã ngừng hoạt động: {unit_id}", fields={field: "unknown"})
    return Check(UnitItem, tenant_key(tenant, "UNIT"), unit_id, condition, error)


def to_item(request: Request) -> RequestItem:
    """The request as its table item, with the index keys its state calls for."""
    data = asdict(request)
    body = {name: _plain(data[name]) for name in (*_NESTED, *_SINGLE, *_SCALAR_JSON)}
    t, rid = request.tenant, request.id
    received, due = iso(request.received_at), iso(request.due_at) if request.due_at else None
    item = RequestItem(
        _pk(t, rid), "REQ", tenant=t, reference=request.reference, channel=request.channel.value,
        kind=request.kind.value, category=request.category.value, status=request.status.value, subject=request.subject,
        customer_id=request.customer_id, received_at=received, due_at=due, assignee=request.assignee,
        overdue=request.overdue, open_timer=request.timer_id if request.is_open else None, body=body,
        search=f"{fold(request.subject)} {request.reference.lower()}",
        GSI1PK=tenant_key(t, "REQS", request.status.value), GSI1SK=f"{received}#{rid}",
    )
    if request.is_open:
        item.GSI2PK, item.GSI2SK = tenant_key(t, "DUE"), f"{due or FAR_FUTURE}#{rid}"
        item.GSI4PK, item.GSI4SK = tenant_key(CENTRAL, "OPEN"), f"{due or FAR_FUTURE}#{t}#{rid}"
        if request.assignee:
            item.GSI3PK, item.GSI3SK = tenant_key(t, "ASSIGNEE", request.assignee), f"{due or FAR_FUTURE}#{rid}"
        elif request.unit_id:  # not yet with a person: in the handling unit's queue
            item.GSI3PK, item.GSI3SK = tenant_key(t, "UNITH", request.unit_id), f"{due or FAR_FUTURE}#{rid}"
    if request.version:
        item.version = request.version
    return item


def from_item(item: RequestItem) -> Request:
    """The request an item holds."""
    body = dict(item.body or {})
    request = Request(
        id=item.PK.rsplit("#", 1)[1], reference=item.reference, tenant=item.tenant, channel=Channel(item.channel),
        kind=Kind(item.kind), category=Category(item.category), subject=item.subject, question=body["question"],
        customer_id=item.customer_id, customer_name=body.get("customer_name", ""), received_at=_dt(item.received_at),  # type: ignore[arg-type]
        recorded_at=_dt(body["recorded_at"]), created_by=body.get("created_by", ""), status=Status(item.status),  # type: ignore[arg-type]
        assignee=item.assignee, due_at=_dt(item.due_at), overdue=bool(item.overdue), version=item.version or 0,
    )
    for name in ("unit_id", "late_record", "answer", "answered_by", "knowledge_id", "follow_up_of", "follow_up_id", "survey_token", "timer_id"):
        if body.get(name) is not None:
            setattr(request, name, body[name])
    request.answered_at = _dt(body.get("answered_at"))
    for name, cls in _SINGLE.items():
        setattr(request, name, _revive(cls, body[name]) if body.get(name) else None)
    for name, cls in _LISTS.items():
        setattr(request, name, [_revive(cls, d) for d in body.get(name) or []])
    return request


class RequestStore:
    """Repository of requests; every read is one call, every change one transaction."""

    def get(self, *, tenant: str, request_id: str) -> tuple[Request, list[Event]] | None:
        """The request and its timeline (one Query of its partition), or None."""
        with translated():
            items = list(BaseItem.query(_pk(tenant, request_id)))
        found = [i for i in items if isinstance(i, RequestItem)]
        if not found:
            return None
        events = [Event(_dt(i.at), i.actor, i.action, i.detail) for i in items if isinstance(i, EventItem)]  # type: ignore[arg-type]
        request = from_item(found[0])
        request.history = sorted(events, key=lambda e: e.at)
        return request, events

    def save(self, requests: Sequence[Request], *, unit_queue_add: Iterable[tuple[Request, Escalation]] = (),
             unit_queue_remove: Iterable[tuple[Request, Escalation]] = (), extra: Iterable[BaseItem] = (),
             units: Iterable[tuple[str, str]] = (), units_field: str = "unit_ids", conflict: str | None = None) -> None:
        """Write requests (version-checked; new ones must not exist), their new events, links and queue changes atomically.

        `units` are (tenant, unit id) that must exist and be active — checked inside the transaction, not read first.
        """
        adds, removes, others = list(unit_queue_add), list(unit_queue_remove), list(extra)

        def build(tx: TransactWrite) -> None:
            for request in requests:
                tx.save(to_item(request))
                tx.save(self._link(request))
                for n, event in enumerate(request.new_events):
                    tx.save(EventItem(_pk(request.tenant, request.id), f"EVT#{iso(event.at)}#{request.version:05d}{n:02d}",
                                      tenant=request.tenant, at=iso(event.at), actor=event.actor, action=event.action,
                                      detail=event.detail))
            for request, escalation in adds:
                tx.save(_queue_item(request, escalation))
            for request, escalation in removes:
                tx.delete(_queue_item(request, escalation), add_version_condition=False)
            for item in others:
                tx.save(item)

        commit(build, checks=[_active_unit(tenant, unit, units_field) for tenant, unit in units], conflict=conflict)
        for request in requests:
            request.version = (request.version or 0) + 1
            request.history.extend(request.new_events)
            request.new_events = []

    @staticmethod
    def _link(request: Request) -> CustomerLinkItem:
        link = CustomerLinkItem(
            tenant_key(request.tenant, "CUST", request.customer_id), f"REQ#{iso(request.received_at)}#{request.id}",
            tenant=request.tenant, request_id=request.id, reference=request.reference, subject=request.subject,
            status=request.status.value, received_at=iso(request.received_at),
            rating=None if request.rating is None else ("satisfied" if request.rating.satisfied else "unsatisfied"),
        )
        if request.version:
            link.version = request.version
        return link

    # -- lists --------------------------------------------------------------------------------------------------

    def _page(self, results: Any, partition_attr: str, partition: str) -> tuple[list[Request], str | None]:
        with translated():
            items = [from_item(i) for i in results if isinstance(i, RequestItem)]
        key = results.last_evaluated_key
        return items, encode(key) if key and key.get(partition_attr, {}).get("S") == partition else None

    def by_status(self, *, tenant: str, status: Status, limit: int, cursor: str | None, filters: Any = None) -> tuple[list[Request], str | None]:
        """Newest first within one status (GSI1)."""
        pk = tenant_key(tenant, "REQS", status.value)
        start = decode(cursor, partition_attr="GSI1PK", partition_value=pk)
        results = RequestItem.gsi1.query(pk, scan_index_forward=False, limit=limit, last_evaluated_key=start, filter_condition=filters)
        return self._page(results, "GSI1PK", pk)

    def open_by_due(self, *, tenant: str, before: datetime | None, limit: int, cursor: str | None, filters: Any = None) -> tuple[list[Request], str | None]:
        """Open requests, soonest deadline first; `before` keeps those due before it (overdue, due soon) — GSI2."""
        pk = tenant_key(tenant, "DUE")
        start = decode(cursor, partition_attr="GSI2PK", partition_value=pk)
        condition = RequestItem.GSI2SK < iso(before) if before else None
        results = RequestItem.gsi2.query(pk, condition, limit=limit, last_evaluated_key=start, filter_condition=filters)
        return self._page(results, "GSI2PK", pk)

    def assigned(self, *, tenant: str, login: str, limit: int, cursor: str | None, filters: Any = None) -> tuple[list[Request], str | None]:
        """Open requests assigned to one person (GSI3)."""
        pk = tenant_key(tenant, "ASSIGNEE", login)
        start = decode(cursor, partition_attr="GSI3PK", partition_value=pk)
        results = RequestItem.gsi3.query(pk, limit=limit, last_evaluated_key=start, filter_condition=filters)
        return self._page(results, "GSI3PK", pk)

    def handled_by_unit(self, *, tenant: str, unit_id: str, limit: int) -> list[Request]:
        """Open requests a unit handles and nobody has taken yet (GSI3)."""
        with translated():
            items = RequestItem.gsi3.query(tenant_key(tenant, "UNITH", unit_id), limit=limit)
            return [from_item(i) for i in items if isinstance(i, RequestItem)]

    def national_open(self, *, before: datetime | None, limit: int, cursor: str | None, filters: Any = None) -> tuple[list[Request], str | None]:
        """Every province's open requests, soonest deadline first — the CCC's view (GSI4)."""
        pk = tenant_key(CENTRAL, "OPEN")
        start = decode(cursor, partition_attr="GSI4PK", partition_value=pk)
        condition = RequestItem.GSI4SK < iso(before) if before else None
        results = RequestItem.gsi4.query(pk, condition, limit=limit, last_evaluated_key=start, filter_condition=filters)
        return self._page(results, "GSI4PK", pk)

    def unit_queue(self, *, tenant: str, unit_id: str, limit: int) -> list[tuple[str, str, datetime]]:
        """(request id, escalation id, due) of a unit's pending escalations, soonest first."""
        with translated():
            items = UnitQueueItem.query(tenant_key(tenant, "UNITQ", unit_id), limit=limit)
            return [(i.request_id, i.escalation_id, _dt(i.due_at)) for i in items]  # type: ignore[misc]

    def batch(self, *, tenant: str, request_ids: list[str]) -> list[Request]:
        """Several requests in one BatchGetItem, in the order asked."""
        if not request_ids:
            return []
        with translated():
            found = {i.PK: from_item(i) for i in RequestItem.batch_get([(_pk(tenant, rid), "REQ") for rid in dict.fromkeys(request_ids)])}
        return [found[_pk(tenant, rid)] for rid in request_ids if _pk(tenant, rid) in found]

    def for_customer(self, *, tenant: str, customer_id: str) -> list[CustomerLinkItem]:
        """The customer's requests, newest first (one Query)."""
        with translated():
            return list(CustomerLinkItem.query(tenant_key(tenant, "CUST", customer_id), CustomerLinkItem.SK.startswith("REQ#"),
                                               scan_index_forward=False))


def filters_for(channel: str | None, category: str | None, text: str | None, statuses: Iterable[Status] | None = None) -> Any:
    """Filter conditions applied after the key condition (never a Scan)."""
    condition = None
    parts: list[Any] = []
    if channel:
        parts.append(RequestItem.channel == channel)
    if category:
        parts.append(RequestItem.category == category)
    if text:
        parts.append(RequestItem.search.contains(fold(text)))
    if statuses:
        parts.append(RequestItem.status.is_in(*[s.value for s in statuses]))
    for part in parts:
        condition = part if condition is None else condition & part
    return condition

