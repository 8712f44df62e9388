"""The request lists: each is answered by a key or an index of the store, never a Scan (docs/data-model.md)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import MalformedError
from chalicelib.shared.tenancy import Principal

from .domain import OPEN_STATUSES, Status
from .ports import Listing, RequestFilter, RequestStore
from .schemas import CentralQuery, RequestQuery


class RequestLists:
    """Inboxes per role: mine, my unit's, awaiting approval, due soon, overdue — and the CCC's national view."""

    def __init__(self, *, store: RequestStore, clock: Clock, tenants: set[str]) -> None:
        self._store = store
        self._clock = clock
        self._tenants = tenants

    def inbox(self, *, tenant: str, actor: Principal, query: RequestQuery) -> Listing:
        """One page of the tenant's requests matching the query."""
        only = RequestFilter(channel=query.channel, category=query.category, text=query.q)
        if query.unit:
            return self._store.unit_inbox(tenant=tenant, unit_id=query.unit, limit=query.limit), None
        if query.assignee:
            login = actor.login if query.assignee == "me" else query.assignee
            return self._store.assigned(tenant=tenant, login=login, only=only, limit=query.limit, cursor=query.cursor)
        before = self._before(query.overdue, query.due_before)
        status = Status(query.status) if query.status else None
        if status and (status not in OPEN_STATUSES or not before):
            if before:
                raise MalformedError("Lọc quá hạn chỉ áp dụng cho yêu cầu đang mở.", fields={"status": "not_open"})
            return self._store.by_status(tenant=tenant, status=status, only=only, limit=query.limit, cursor=query.cursor)
        only = RequestFilter(channel=query.channel, category=query.category, text=query.q, status=status)
        return self._store.open_by_due(tenant=tenant, before=before, only=only, limit=query.limit, cursor=query.cursor)

    def central(self, *, query: CentralQuery) -> Listing:
        """Every province's open requests (or one office's, by status), soonest deadline first."""
        before = self._before(query.overdue, None)
        status = Status(query.status) if query.status else None
        if query.tenant:
            if query.tenant not in self._tenants:
                raise MalformedError("Không có đơn vị này.", fields={"tenant": "unknown"})
            if status and status not in OPEN_STATUSES:
                return self._store.by_status(
                    tenant=query.tenant, status=status, only=RequestFilter(), limit=query.limit, cursor=query.cursor
                )
            return self._store.open_by_due(
                tenant=query.tenant, before=before, only=RequestFilter(status=status), limit=query.limit, cursor=query.cursor
            )
        if status and status not in OPEN_STATUSES:
            raise MalformedError(
                "Yêu cầu đã trả lời hoặc đã đóng được xem theo từng đơn vị: chọn tỉnh.", fields={"tenant": "required"}
            )
        return self._store.national_open(before=before, only=RequestFilter(status=status), limit=query.limit, cursor=query.cursor)

    def _before(self, overdue: bool, due_before: datetime | None) -> datetime | None:
        now = self._clock.now()
        if overdue:
            return now if due_before is None else min(now, due_before)
        return due_before
