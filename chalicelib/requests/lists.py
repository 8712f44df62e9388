"""The request lists: each filter is answered by a key or an index, never a Scan (docs/data-model.md)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import MalformedError
from chalicelib.shared.tenancy import Principal

from .domain import Request
from .parts import OPEN_STATUSES, Status
from .schemas import CentralQuery, RequestQuery
from .store import RequestItem, RequestStore, filters_for


class RequestLists:
    """Inboxes per role: mine, my unit's, awaiting approval, due soon, overdue — and the CCC's national view."""

    def __init__(self, *, store: RequestStore, clock: Clock, tenants: set[str]) -> None:
        self._store = store
        self._clock = clock
        self._tenants = tenants

    def inbox(self, *, tenant: str, actor: Principal, query: RequestQuery) -> tuple[list[Request], str | None]:
        """One page of the tenant's requests matching the query."""
        filters = filters_for(query.channel, query.category, query.q)
        if query.unit:
            return self._unit(tenant, query.unit, query.limit), None
        if query.assignee:
            login = actor.login if query.assignee == "me" else query.assignee
            return self._store.assigned(tenant=tenant, login=login, limit=query.limit, cursor=query.cursor, filters=filters)
        before = self._before(query.overdue, query.due_before)
        if query.status and (Status(query.status) not in OPEN_STATUSES or not before):
            if before:
                raise MalformedError("Lọc quá hạn chỉ áp dụng cho yêu cầu đang mở.", fields={"status": "not_open"})
            return self._store.by_status(tenant=tenant, status=Status(query.status), limit=query.limit, cursor=query.cursor, filters=filters)
        if query.status:
            filters = _and(filters, RequestItem.status == query.status)
        return self._store.open_by_due(tenant=tenant, before=before, limit=query.limit, cursor=query.cursor, filters=filters)

    def central(self, *, query: CentralQuery) -> tuple[list[Request], str | None]:
        """Every province's open requests (or one office's, by status), soonest deadline first."""
        before = self._before(query.overdue, None)
        if query.tenant:
            if query.tenant not in self._tenants:
                raise MalformedError("Không có đơn vị này.", fields={"tenant": "unknown"})
            if query.status and Status(query.status) not in OPEN_STATUSES:
                return self._store.by_status(tenant=query.tenant, status=Status(query.status), limit=query.limit, cursor=query.cursor)
            filters = RequestItem.status == query.status if query.status else None
            return self._store.open_by_due(tenant=query.tenant, before=before, limit=query.limit, cursor=query.cursor, filters=filters)
        if query.status and Status(query.status) not in OPEN_STATUSES:
            raise MalformedError("Yêu cầu đã trả lời hoặc đã đóng được xem theo từng đơn vị: chọn tỉnh.", fields={"tenant": "required"})
        filters = RequestItem.status == query.status if query.status else None
        return self._store.national_open(before=before, limit=query.limit, cursor=query.cursor, filters=filters)

    def _before(self, overdue: bool, due_before: datetime | None) -> datetime | None:
        now = self._clock.now()
        if overdue:
            return now if due_before is None else min(now, due_before)
        return due_before

    def _unit(self, tenant: str, unit_id: str, limit: int) -> list[Request]:
        """A unit's inbox: its pending escalations (one Query + one batch read) and the requests it handles (GSI3)."""
        queue = self._store.unit_queue(tenant=tenant, unit_id=unit_id, limit=limit)
        escalated = self._store.batch(tenant=tenant, request_ids=[request_id for request_id, _, _ in queue])
        handled = self._store.handled_by_unit(tenant=tenant, unit_id=unit_id, limit=limit)
        merged = {r.id: r for r in [*escalated, *handled]}
        return sorted(merged.values(), key=lambda r: (r.due_at is None, r.due_at or r.received_at))[:limit]


def _and(left: object, right: object) -> object:
    return right if left is None else left & right  # type: ignore[operator]
