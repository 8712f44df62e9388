"""Requests in the single table (docs/data-model.md "Requests") — the only module that knows their keys.

One partition per request, `T#{tenant}#REQ#{id}`: the request item (SK `REQ`), its timeline steps (SK `EVT#…`),
the timers' notes (SK `NOTE#{timer message}`) and the approval wait's token (SK `WAIT#{draft}`), so reading a
request with everything about it is one Query. The notes and the token are written beside the request, never
into it: system steps leave the request's version alone. Sparse index keys on the request item serve the lists:
GSI1 status, GSI2 open-by-due (overdue and due soon), GSI3 assignee or handling unit, GSI4 the CCC's national view
of open requests. A customer link (`T#{tenant}#CUST#{customer}` / `REQ#…`) serves the customer's timeline, one
queue item per pending escalation (`T#{tenant}#UNITQ#{unit}`) a unit's inbox, `T#{tenant}#IDEMPOTENCY#{key}` an
intake's `Idempotency-Key`; the answer's survey link is a link of the links capability (`T#{tenant}#LINK#{hash}`,
chalicelib/links/store.py), written in the approval's transaction.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Any, Protocol

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.unit_of_work import Check, Journal, commit
from chalicelib.audit.domain import AuditEvent
from chalicelib.customers.domain import Customer
from chalicelib.links.store import link_item
from chalicelib.notifications.domain import Notice
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.errors import ConflictError, MalformedError, RuleViolationError
from chalicelib.shared.pagination import decode, encode
from chalicelib.shared.permissions import CENTRAL_TENANT
from chalicelib.shared.text import fold
from chalicelib.tenancy.store import UnitItem

from .domain import SYSTEM, Callback, Category, Channel, Draft, Escalation, Event, Kind, Origin, Rating, Request, Status, Transfer
from .ports import Change, CustomerRequest, IntakeRecord, Listing, RequestFilter, SystemNote, UnitRef

ANSWER_LINK = "answer"  # the links capability's purpose of the answer e-mail's survey link
FAR_FUTURE = "9999-12-31T00:00:00.000000Z"
RECEIPT_ROUNDS = 4  # a list by receipt reads at most 4 × statuses × (limit + 1) items a page, however selective its filter


class RequestItem(BaseItem, discriminator="Request"):
    """The request: scalar fields as attributes (for indexes, filters and the timers' checks), nested parts as JSON."""

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
    unit_id = UnicodeAttribute(null=True)  # the handling unit, for the lists' `unit` filter (also in the body)
    open_timer = UnicodeAttribute(null=True)  # the current timer while open: a superseded timer finds another id
    pending_draft = UnicodeAttribute(null=True)  # the draft awaiting the leader, for the approval wait's check
    search = UnicodeAttribute(default="")  # subject and reference folded: the `q` filter ignores case and diacritics
    body = JSONAttribute()


class EventItem(BaseItem, discriminator="RequestEvent"):
    """One timeline step of a request (append-only): a person's (`EVT#…`) or a timer's note (`NOTE#…`)."""

    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    detail = UnicodeAttribute(default="")


class ApprovalWaitItem(BaseItem, discriminator="ApprovalWait"):
    """The task token of a draft's approval wait (Art. 6.2 steps 3–4), kept beside the request."""

    draft_id = UnicodeAttribute()
    task_token = UnicodeAttribute()


class CustomerLinkItem(BaseItem, discriminator="CustomerRequest"):
    """A request on its customer's timeline."""

    request_id = UnicodeAttribute()
    reference = UnicodeAttribute()
    subject = UnicodeAttribute()
    status = UnicodeAttribute()
    received_at = UnicodeAttribute()
    rating = UnicodeAttribute(null=True)
    last_step_at = UnicodeAttribute(null=True)  # the request's latest step: the retention job counts from it
    redacted_at = UnicodeAttribute(null=True)  # its personal content is gone


class UnitQueueItem(BaseItem, discriminator="UnitQueue"):
    """A pending escalation in a unit's inbox."""

    request_id = UnicodeAttribute()
    escalation_id = UnicodeAttribute()
    due_at = UnicodeAttribute()


class IdempotencyItem(BaseItem, discriminator="Idempotency"):
    """`Idempotency-Key` of an intake, written in the same transaction as the request it created (TTL one day)."""

    request_id = UnicodeAttribute()
    fingerprint = UnicodeAttribute()


class OutboxEntries(Protocol):
    """The notifications capability's outbox, as items for this store's transactions (notifications.store)."""

    def entry(self, *, tenant: str, notice: Notice) -> BaseItem: ...


class CustomerItems(Protocol):
    """The customers capability's store, as the items of a new customer for this store's transactions."""

    def creation(self, *, tenant: str, customer: Customer) -> list[BaseItem]: ...


def timer_key(tenant: str, request_id: str) -> tuple[str, str]:
    """The (PK, SK) the deadline state machine reads to see whether its timer is still the request's."""
    return _pk(tenant, request_id), "REQ"


def _pk(tenant: str, request_id: str) -> str:
    return tenant_key(tenant, "REQ", request_id)


def _dt(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


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


_SINGLE = {"callback": Callback, "rating": Rating, "origin": Origin}
_LISTS = {"escalations": Escalation, "transfers": Transfer, "drafts": Draft}
_SCALAR_JSON = (
    "unit_id",
    "question",
    "customer_name",
    "recorded_at",
    "created_by",
    "late_record",
    "answer",
    "answered_at",
    "answered_by",
    "answer_due_at",
    "knowledge_id",
    "follow_up_of",
    "follow_up_id",
    "survey_link_id",
    "timer_id",
    "due_from",
    "redacted_at",
)


def to_item(request: Request, counted: dict[str, Any] | None = None) -> RequestItem:
    """The request as its table item, with the index keys its state calls for and the facts the counters hold."""
    data = asdict(request)
    for draft in data["drafts"]:
        draft.pop("task_token", None)  # kept in its own item, outside the version
    body = {name: _plain(data[name]) for name in (*_LISTS, *_SINGLE, *_SCALAR_JSON)}
    if (counted := counted if counted is not None else request.counted) is not None:
        body["counted"] = counted
    t, rid = request.tenant, request.id
    received, due = iso(request.received_at), iso(request.due_at) if request.due_at else None
    pending = request.pending_draft()
    item = RequestItem(
        _pk(t, rid),
        "REQ",
        tenant=t,
        reference=request.reference,
        channel=request.channel.value,
        kind=request.kind.value,
        category=request.category.value,
        status=request.status.value,
        subject=request.subject,
        customer_id=request.customer_id,
        received_at=received,
        due_at=due,
        assignee=request.assignee,
        unit_id=request.unit_id,
        open_timer=request.timer_id if request.is_open else None,
        pending_draft=pending.id if pending else None,
        body=body,
        search=f"{fold(request.subject)} {request.reference.lower()}",
        GSI1PK=tenant_key(t, "REQS", request.status.value),
        GSI1SK=f"{received}#{rid}",
    )
    if request.is_open:
        item.GSI2PK, item.GSI2SK = tenant_key(t, "DUE"), f"{due or FAR_FUTURE}#{rid}"
        item.GSI4PK, item.GSI4SK = tenant_key(CENTRAL_TENANT, "OPEN"), f"{due or FAR_FUTURE}#{t}#{rid}"
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
        id=item.PK.rsplit("#", 1)[1],
        reference=item.reference,
        tenant=item.tenant,
        channel=Channel(item.channel),
        kind=Kind(item.kind),
        category=Category(item.category),
        subject=item.subject,
        question=body["question"],
        customer_id=item.customer_id,
        customer_name=body.get("customer_name", ""),
        received_at=parse_iso(item.received_at),
        recorded_at=parse_iso(body["recorded_at"]),
        created_by=body.get("created_by", ""),
        status=Status(item.status),
        assignee=item.assignee,
        due_at=_dt(item.due_at),
        version=item.version or 0,
    )
    for name in (
        "unit_id",
        "late_record",
        "answer",
        "answered_by",
        "knowledge_id",
        "follow_up_of",
        "follow_up_id",
        "survey_link_id",
        "timer_id",
    ):
        if body.get(name) is not None:
            setattr(request, name, body[name])
    request.answered_at, request.due_from = _dt(body.get("answered_at")), _dt(body.get("due_from"))
    request.answer_due_at, request.counted = _dt(body.get("answer_due_at")), body.get("counted")
    request.redacted_at = _dt(body.get("redacted_at"))
    for name, cls in _SINGLE.items():
        setattr(request, name, _revive(cls, body[name]) if body.get(name) else None)
    for name, cls in _LISTS.items():
        setattr(request, name, [_revive(cls, d) for d in body.get(name) or []])
    return request


def _queue_item(request: Request, escalation: Escalation) -> UnitQueueItem:
    return UnitQueueItem(
        tenant_key(request.tenant, "UNITQ", escalation.unit_id),
        f"{iso(escalation.due_at)}#{request.id}#{escalation.id}",
        tenant=request.tenant,
        request_id=request.id,
        escalation_id=escalation.id,
        due_at=iso(escalation.due_at),
    )


def _last_step(request: Request) -> datetime:
    """When a person last acted on the request (timers' notes and the removal of its content are not activity)."""
    steps = (e for e in (*request.history, *request.new_events) if e.actor != SYSTEM and e.action != "content_redacted")
    return max((e.at for e in steps), default=request.recorded_at)


def _link(request: Request) -> CustomerLinkItem:
    link = CustomerLinkItem(
        tenant_key(request.tenant, "CUST", request.customer_id),
        f"REQ#{iso(request.received_at)}#{request.id}",
        tenant=request.tenant,
        request_id=request.id,
        reference=request.reference,
        subject=request.subject,
        status=request.status.value,
        received_at=iso(request.received_at),
        rating=None if request.rating is None else ("satisfied" if request.rating.satisfied else "unsatisfied"),
        last_step_at=iso(_last_step(request)),
        redacted_at=iso(request.redacted_at) if request.redacted_at else None,
    )
    if request.version:
        link.version = request.version
    return link


def _event_item(request: Request, n: int, event: Event) -> EventItem:
    return EventItem(
        _pk(request.tenant, request.id),
        f"EVT#{iso(event.at)}#{request.version:05d}{n:02d}",
        tenant=request.tenant,
        at=iso(event.at),
        actor=event.actor,
        action=event.action,
        detail=event.detail,
    )


def _active_unit(unit: UnitRef) -> Check:
    condition = UnitItem.PK.exists() & (UnitItem.active == True)  # noqa: E712 - a DynamoDB condition, not a comparison
    error = RuleViolationError(f"Đơn vị không tồn tại hoặc đã ngừng hoạt động: {unit.unit_id}", fields={unit.field: "unknown"})
    return Check(UnitItem, tenant_key(unit.tenant, "UNIT"), unit.unit_id, condition, error)


def _idempotency_pk(tenant: str, key: str) -> str:
    return tenant_key(tenant, "IDEMPOTENCY", key)


def _condition(only: RequestFilter) -> Condition | None:
    parts: list[Condition] = []
    if only.channel:
        parts.append(RequestItem.channel == only.channel)
    if only.category:
        parts.append(RequestItem.category == only.category)
    if only.text:
        parts.append(RequestItem.search.contains(fold(only.text)))
    if only.status:
        parts.append(RequestItem.status == only.status.value)
    if only.kind:
        parts.append(RequestItem.kind == only.kind)
    if only.unit:
        parts.append(RequestItem.unit_id == only.unit)
    if only.assignee:
        parts.append(RequestItem.assignee == only.assignee)
    if only.due_before:
        parts.append(RequestItem.due_at < iso(only.due_before))
    condition: Condition | None = None
    for part in parts:
        condition = part if condition is None else condition & part
    return condition


def _received_token(tenant: str, key: str) -> str:
    """The cursor of a list by receipt: the tenant and the receipt key the page ended at."""
    raw = json.dumps({"t": tenant, "b": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _received_cursor(cursor: str | None, tenant: str) -> str | None:
    """The receipt key a cursor of `received_in` ends at; edited or another tenant's: 400 `invalid_cursor`."""
    if not cursor:
        return None
    try:
        found = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError, RecursionError, binascii.Error):
        found = None
    ok = isinstance(found, dict) and set(found) == {"t", "b"} and all(isinstance(v, str) and v for v in found.values())
    if not ok or found["t"] != tenant or len(found["b"].encode("utf-8", "replace")) > 1024:
        raise MalformedError("Con trỏ phân trang không hợp lệ.", code="invalid_cursor")
    return str(found["b"])


class CounterParts(Protocol):
    """The reports capability's counters, as the facts kept on a request and the ADDs of a step (reports/recording.py)."""

    def counted(self, request: Request) -> dict[str, Any]: ...

    def updates(
        self, changes: Iterable[tuple[str, dict[str, Any] | None, dict[str, Any]]]
    ) -> Sequence[tuple[Any, list[Any]]]: ...


class DynamoRequestStore:
    """Requests in DynamoDB: every read is one call (the unit inbox three), every change one transaction."""

    def __init__(
        self, *, outbox: OutboxEntries, journal: Journal, customers: CustomerItems, counters: CounterParts | None = None
    ) -> None:
        self._outbox = outbox
        self._journal = journal
        self._customers = customers
        self._counters = counters  # None for tooling that writes no statistics (the reconcile job backfills them)

    def get(self, *, tenant: str, request_id: str) -> Request | None:
        """The request, its timeline and notes, and any approval wait's token (one Query of its partition)."""
        with translated():
            items = list(BaseItem.query(_pk(tenant, request_id)))
        found = [i for i in items if isinstance(i, RequestItem)]
        if not found:
            return None
        request = from_item(found[0])
        request.history = sorted(
            (Event(parse_iso(i.at), i.actor, i.action, i.detail) for i in items if isinstance(i, EventItem)), key=lambda e: e.at
        )
        tokens = {i.draft_id: i.task_token for i in items if isinstance(i, ApprovalWaitItem)}
        for draft in request.drafts:
            draft.task_token = tokens.get(draft.id, "")
        if request.counted is None and self._counters is not None:  # written before the counters: what it counts now
            request.counted = self._counters.counted(request)
        return request

    def intake_record(self, *, tenant: str, key: str) -> IntakeRecord | None:
        """The earlier intake with this key, or None."""
        with translated():
            try:
                item = IdempotencyItem.get(_idempotency_pk(tenant, key), "KEY")
            except IdempotencyItem.DoesNotExist:
                return None
        return IntakeRecord(key, item.request_id, item.fingerprint, datetime.fromtimestamp(item.expires_at or 0, UTC))

    def commit(self, change: Change) -> None:
        """Write the change atomically, with what it changes in the statistics' counters (reports/recording.py);
        afterwards each request's version, history and counted facts are what the table holds."""
        counted = [self._counters.counted(r) if self._counters else r.counted for r in change.requests]
        counters = (
            self._counters.updates(
                (r.tenant, r.counted, c) for r, c in zip(change.requests, counted, strict=True) if c is not None
            )
            if self._counters
            else ()
        )

        def build(tx: TransactWrite) -> None:
            for request, facts in zip(change.requests, counted, strict=True):
                tx.save(to_item(request, facts))
                tx.save(_link(request))
                for n, event in enumerate(request.new_events):
                    tx.save(
                        EventItem(
                            _pk(request.tenant, request.id),
                            f"EVT#{iso(event.at)}#{request.version:05d}{n:02d}",
                            tenant=request.tenant,
                            at=iso(event.at),
                            actor=event.actor,
                            action=event.action,
                            detail=event.detail,
                        )
                    )
            for found in change.customers:
                if found.new:
                    for item in self._customers.creation(tenant=found.tenant, customer=found.customer):
                        tx.save(item)
                tx.save(self._journal.entry(tenant=found.trail, event=found.event))
            first = change.requests[0]
            for escalation in change.escalated:
                tx.save(_queue_item(first, escalation))
            for escalation in change.answered:
                tx.delete(_queue_item(first, escalation), add_version_condition=False)
            tenant = first.tenant
            for notice in change.notices:
                tx.save(self._outbox.entry(tenant=tenant, notice=notice))
            if change.intake:
                record = change.intake
                tx.save(
                    IdempotencyItem(
                        _idempotency_pk(tenant, record.key),
                        "KEY",
                        tenant=tenant,
                        request_id=record.request_id,
                        fingerprint=record.fingerprint,
                        expires_at=int(record.expires_at.timestamp()),
                    )
                )
            if change.survey_link:
                link = change.survey_link
                tx.save(
                    link_item(
                        tenant=tenant,
                        link_id=link.link_id,
                        purpose=ANSWER_LINK,
                        subject={"request_id": link.request_id, "customer_id": link.customer_id, "channel": link.channel},
                        valid_from=link.valid_from,
                        valid_until=link.valid_until,
                        issued_at=link.valid_from,
                    )
                )
            for item, actions in counters:  # a copy: PynamoDB appends the version's increment to the list it is given
                tx.update(item, actions=list(actions), add_version_condition=False)

        commit(build, checks=[_active_unit(unit) for unit in change.units])
        for request, facts in zip(change.requests, counted, strict=True):
            request.counted = facts
            request.version = (request.version or 0) + 1
            request.history.extend(request.new_events)
            request.new_events = []

    def note(self, note: SystemNote) -> bool:
        """Write a timer's note and its notices while the request still wants them; False when it does not."""
        pk = _pk(note.tenant, note.request_id)
        wanted = RequestItem.open_timer == note.timer_id if note.timer_id else RequestItem.pending_draft == note.draft_id
        event = note.event

        def build(tx: TransactWrite) -> None:
            tx.condition_check(RequestItem, pk, "REQ", condition=wanted)
            tx.save(
                EventItem(
                    pk,
                    f"NOTE#{note.key}",
                    tenant=note.tenant,
                    at=iso(event.at),
                    actor=event.actor,
                    action=event.action,
                    detail=event.detail,
                )
            )
            for notice in note.notices:
                tx.save(self._outbox.entry(tenant=note.tenant, notice=notice))

        try:
            commit(build)
        except ConflictError:
            return False
        return True

    def keep_approval_token(self, *, tenant: str, request_id: str, draft_id: str, task_token: str) -> None:
        """Keep the approval wait's token beside the request (a repeated message writes the same item)."""
        item = ApprovalWaitItem(
            _pk(tenant, request_id), f"WAIT#{draft_id}", tenant=tenant, draft_id=draft_id, task_token=task_token
        )
        with translated():
            item.save(add_version_condition=False)

    # -- lists --------------------------------------------------------------------------------------------------

    def _page(self, results: Any, partition_attr: str, partition: str) -> Listing:
        with translated():
            items = [from_item(i) for i in results if isinstance(i, RequestItem)]
        key = results.last_evaluated_key
        return items, encode(key) if key and key.get(partition_attr, {}).get("S") == partition else None

    def by_status(self, *, tenant: str, status: Status, only: RequestFilter, limit: int, cursor: str | None) -> Listing:
        """Newest first within one status (GSI1)."""
        pk = tenant_key(tenant, "REQS", status.value)
        start = decode(cursor, partition_attr="GSI1PK", partition_value=pk)
        results = RequestItem.gsi1.query(
            pk, scan_index_forward=False, limit=limit, last_evaluated_key=start, filter_condition=_condition(only)
        )
        return self._page(results, "GSI1PK", pk)

    def received_between(self, *, tenant: str, start: datetime, end: datetime) -> Iterator[Request]:
        """Every request received in [start, end), status by status (GSI1 is keyed by status, sorted by receipt:
        one paged Query a status, never a scan) — the counters' reconcile job (reports/reconcile.py)."""
        for status in Status:
            pk = tenant_key(tenant, "REQS", status.value)
            with translated():
                for item in RequestItem.gsi1.query(pk, RequestItem.GSI1SK.between(iso(start), iso(end))):
                    if isinstance(item, RequestItem) and item.received_at < iso(end):
                        yield from_item(item)

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
        """Newest first across the statuses asked for, merged from GSI1 (keyed by status, sorted by receipt) read with
        `GSI1SK between` the range; while a filter leaves the page short, up to RECEIPT_ROUNDS rounds of reads. The
        cursor is the receipt key (`{received}#{id}`) the page ended at (docs/data-model.md R12)."""
        low, below = iso(start), _received_cursor(cursor, tenant)
        found: list[Request] = []
        for _ in range(RECEIPT_ROUNDS):
            if below is not None and below <= low:
                return found, None
            items, below = self._receipt_round(tenant, low, iso(end), below, statuses, only, limit - len(found))
            found += items
            if below is None or len(found) >= limit:
                break
        return found, _received_token(tenant, below) if below else None

    def _receipt_round(
        self, tenant: str, low: str, high: str, below: str | None, statuses: Collection[Status], only: RequestFilter,
        limit: int,
    ) -> tuple[list[Request], str | None]:  # fmt: skip
        """One round: per status one page (≤ `limit` + 1 items) of the Query below `below`, merged. A status whose
        page stopped early stops the merge at its last key read, so nothing unread can belong above it; returns the
        requests and the key the next round reads below (None: every status was read to the range's start)."""
        high = min(high, below) if below else high  # `{end}#{id}` sorts after `{end}`: the end is excluded
        condition = _condition(only)
        found: list[RequestItem] = []
        stops: list[str] = []
        with translated():
            for status in sorted(statuses):
                pk = tenant_key(tenant, "REQS", status.value)
                results = RequestItem.gsi1.query(
                    pk, RequestItem.GSI1SK.between(low, high), scan_index_forward=False, limit=limit + 1,
                    filter_condition=condition,
                )  # fmt: skip
                page = next(results.page_iter)  # one page: never more than limit + 1 items read a status
                found += [i for i in map(BaseItem.from_raw_data, page.get("Items", [])) if isinstance(i, RequestItem)]
                if (last := results.page_iter.last_evaluated_key) is not None:
                    stops.append(last["GSI1SK"]["S"])
        stop = max(stops, default=None)
        ordered = sorted((i for i in found if i.GSI1SK != below and (stop is None or i.GSI1SK >= stop)), key=lambda i: i.GSI1SK)
        shown = ordered[::-1][:limit]
        return [from_item(i) for i in shown], shown[-1].GSI1SK if len(ordered) > limit else stop

    def open_by_due(
        self, *, tenant: str, before: datetime | None, only: RequestFilter, limit: int, cursor: str | None
    ) -> Listing:
        """Open requests, soonest deadline first; `before` keeps those due before it (GSI2)."""
        pk = tenant_key(tenant, "DUE")
        start = decode(cursor, partition_attr="GSI2PK", partition_value=pk)
        condition = RequestItem.GSI2SK < iso(before) if before else None
        results = RequestItem.gsi2.query(pk, condition, limit=limit, last_evaluated_key=start, filter_condition=_condition(only))
        return self._page(results, "GSI2PK", pk)

    def assigned(self, *, tenant: str, login: str, only: RequestFilter, limit: int, cursor: str | None) -> Listing:
        """Open requests assigned to one person (GSI3)."""
        pk = tenant_key(tenant, "ASSIGNEE", login)
        start = decode(cursor, partition_attr="GSI3PK", partition_value=pk)
        results = RequestItem.gsi3.query(pk, limit=limit, last_evaluated_key=start, filter_condition=_condition(only))
        return self._page(results, "GSI3PK", pk)

    def unit_inbox(self, *, tenant: str, unit_id: str, limit: int) -> list[Request]:
        """The unit's pending escalations (one Query + one batch read) and the requests it handles (GSI3)."""
        with translated():
            queue = list(UnitQueueItem.query(tenant_key(tenant, "UNITQ", unit_id), limit=limit))
            ids = list(dict.fromkeys(i.request_id for i in queue))
            escalated = [from_item(i) for i in RequestItem.batch_get([(_pk(tenant, rid), "REQ") for rid in ids])] if ids else []
            handled = [
                from_item(i)
                for i in RequestItem.gsi3.query(tenant_key(tenant, "UNITH", unit_id), limit=limit)
                if isinstance(i, RequestItem)
            ]
        merged = {r.id: r for r in [*escalated, *handled]}
        return sorted(merged.values(), key=lambda r: (r.due_at is None, r.due_at or r.received_at))[:limit]

    def national_open(self, *, before: datetime | None, only: RequestFilter, limit: int, cursor: str | None) -> Listing:
        """Every province's open requests, soonest deadline first — the CCC's view (GSI4)."""
        pk = tenant_key(CENTRAL_TENANT, "OPEN")
        start = decode(cursor, partition_attr="GSI4PK", partition_value=pk)
        condition = RequestItem.GSI4SK < iso(before) if before else None
        results = RequestItem.gsi4.query(pk, condition, limit=limit, last_evaluated_key=start, filter_condition=_condition(only))
        return self._page(results, "GSI4PK", pk)

    def for_customer(self, *, tenant: str, customer_id: str) -> list[CustomerRequest]:
        """The customer's requests, newest first (one Query)."""
        with translated():
            links: Iterable[CustomerLinkItem] = CustomerLinkItem.query(
                tenant_key(tenant, "CUST", customer_id), CustomerLinkItem.SK.startswith("REQ#"), scan_index_forward=False
            )
            return [
                CustomerRequest(
                    link.request_id,
                    link.reference,
                    link.subject,
                    Status(link.status),
                    parse_iso(link.received_at),
                    None if link.rating is None else link.rating == "satisfied",
                    _dt(link.last_step_at),
                    link.redacted_at is not None,
                )
                for link in links
            ]

    # -- personal data (customers/privacy_service.py) -------------------------------------------------------------

    def commit_redaction(self, request: Request, *, event: AuditEvent) -> None:
        """Write a request whose content was removed (Request.redact) at its version, in one transaction with its
        link, its rewritten steps, the new step and the audit entry; the approval waits' tokens go too."""
        pk = _pk(request.tenant, request.id)
        with translated():
            stored = list(BaseItem.query(pk))
        wanted = {(e.at, e.actor, e.action): e.detail for e in request.history}

        def build(tx: TransactWrite) -> None:
            tx.save(to_item(request))
            tx.save(_link(request))
            for item in stored:
                if isinstance(item, EventItem) and item.SK.startswith("EVT#"):
                    detail = wanted.get((parse_iso(item.at), item.actor, item.action), item.detail)
                    if detail != item.detail:
                        tx.update(item, [EventItem.detail.set(detail)], add_version_condition=False)
                elif isinstance(item, ApprovalWaitItem):
                    tx.delete(item, add_version_condition=False)
            for n, step in enumerate(request.new_events):
                tx.save(_event_item(request, n, step))
            tx.save(self._journal.entry(tenant=request.tenant, event=event))

        commit(build)
        request.version += 1
        request.history.extend(request.new_events)
        request.new_events = []
