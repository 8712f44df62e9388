"""The request lists: each is answered by a key or an index of the store, never a Scan (docs/data-model.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from chalicelib.shared.clock import VN_TZ, Clock
from chalicelib.shared.errors import MalformedError, RuleViolationError
from chalicelib.shared.fields import EARLIEST_DAY, LATEST_DAY
from chalicelib.shared.tenancy import Principal

from .domain import OPEN_STATUSES, Status
from .ports import Listing, RequestFilter, RequestStore
from .schemas import CentralQuery, RequestQuery

NOT_OPEN = "Lọc quá hạn chỉ áp dụng cho yêu cầu đang mở."


def receipt_window(first: date | None, last: date | None) -> tuple[datetime, datetime]:
    """The instants [start, end) of the receipt days `first`..`last` (inclusive, Vietnam's time; either may be open):
    a request received at 23:30 on 30/11 local (16:30Z) belongs to 30/11. `last` before `first` is a 422."""
    if first and last and last < first:
        raise RuleViolationError("Đến ngày phải sau hoặc bằng Từ ngày.", code="bad_range", fields={"received_to": "before_from"})
    start = datetime.combine(first or EARLIEST_DAY, time(0), VN_TZ)
    return start, datetime.combine((last or LATEST_DAY) + timedelta(days=1), time(0), VN_TZ)


class RequestLists:
    """Inboxes per role: mine, my unit's, awaiting approval, due soon, overdue — and the CCC's national view."""

    def __init__(self, *, store: RequestStore, clock: Clock, tenants: set[str]) -> None:
        self._store = store
        self._clock = clock
        self._tenants = tenants

    def inbox(self, *, tenant: str, actor: Principal, query: RequestQuery) -> Listing:
        """One page of the tenant's requests matching the query."""
        only = RequestFilter(channel=query.channel, category=query.category, text=query.q, kind=query.kind)
        login = actor.login if query.assignee == "me" else query.assignee
        before = self._before(query.overdue, query.due_before)
        status = Status(query.status) if query.status else None
        if query.received_from or query.received_to:
            wider = replace(only, unit=query.unit, assignee=login, due_before=before)
            return self._received(tenant, query.received_from, query.received_to, status, wider, query.limit, query.cursor)
        if query.unit:
            return self._store.unit_inbox(tenant=tenant, unit_id=query.unit, limit=query.limit), None
        if login:
            return self._store.assigned(tenant=tenant, login=login, only=only, limit=query.limit, cursor=query.cursor)
        if status and (status not in OPEN_STATUSES or not before):
            if before:
                raise MalformedError(NOT_OPEN, fields={"status": "not_open"})
            return self._store.by_status(tenant=tenant, status=status, only=only, limit=query.limit, cursor=query.cursor)
        return self._store.open_by_due(
            tenant=tenant, before=before, only=replace(only, status=status), limit=query.limit, cursor=query.cursor
        )

    def central(self, *, query: CentralQuery) -> Listing:
        """Every province's open requests (or one office's, by status or by receipt), soonest deadline first."""
        before = self._before(query.overdue, None)
        status = Status(query.status) if query.status else None
        only = RequestFilter(channel=query.channel, category=query.category, kind=query.kind, unit=query.unit)
        if query.tenant and query.tenant not in self._tenants:
            raise MalformedError("Không có đơn vị này.", fields={"tenant": "unknown"})
        if query.received_from or query.received_to:
            if not query.tenant:
                raise MalformedError(
                    "Yêu cầu theo ngày tiếp nhận được xem theo từng đơn vị: chọn tỉnh.", fields={"tenant": "required"}
                )
            wider = replace(only, due_before=before)
            return self._received(query.tenant, query.received_from, query.received_to, status, wider, query.limit, query.cursor)
        if query.tenant:
            if status and status not in OPEN_STATUSES:
                return self._store.by_status(
                    tenant=query.tenant, status=status, only=only, limit=query.limit, cursor=query.cursor
                )
            return self._store.open_by_due(
                tenant=query.tenant, before=before, only=replace(only, status=status), limit=query.limit, cursor=query.cursor
            )
        if status and status not in OPEN_STATUSES:
            raise MalformedError(
                "Yêu cầu đã trả lời hoặc đã đóng được xem theo từng đơn vị: chọn tỉnh.", fields={"tenant": "required"}
            )
        return self._store.national_open(before=before, only=replace(only, status=status), limit=query.limit, cursor=query.cursor)

    def _received(
        self, tenant: str, first: date | None, last: date | None, status: Status | None, only: RequestFilter, limit: int,
        cursor: str | None,
    ) -> Listing:  # fmt: skip
        """The requests received on the days asked for, of one status or every one (open ones only when overdue or
        due before an instant is asked), newest first (GSI1: one key-condition Query per status)."""
        start, end = receipt_window(first, last)
        statuses = {status} if status else set(Status)
        if only.due_before is not None:
            if status and status not in OPEN_STATUSES:
                raise MalformedError(NOT_OPEN, fields={"status": "not_open"})
            statuses &= OPEN_STATUSES
        return self._store.received_in(
            tenant=tenant, start=start, end=end, statuses=statuses, only=only, limit=limit, cursor=cursor
        )

    def _before(self, overdue: bool, due_before: datetime | None) -> datetime | None:
        now = self._clock.now()
        if overdue:
            return now if due_before is None else min(now, due_before)
        return due_before
