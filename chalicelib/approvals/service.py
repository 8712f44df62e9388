"""The leader's inbox as a use case: the office's pending subjects that this leader may decide."""

from __future__ import annotations

from typing import Protocol

from chalicelib.shared.permissions import permissions_of
from chalicelib.shared.tenancy import Principal

from .domain import INBOX_PAGE, Pending
from .kinds import kind_of


class InboxStore(Protocol):
    """Where the pending entries are read (approvals/store.py, or the fake)."""

    def list(self, *, tenant: str, cursor: str | None, limit: int = INBOX_PAGE) -> tuple[list[Pending], str | None]: ...


class ApprovalInbox:
    """Chờ phê duyệt: what waits for a leader, across every subject kind."""

    def __init__(self, *, store: InboxStore) -> None:
        self._store = store

    def list(
        self, *, tenant: str, actor: Principal, cursor: str | None, limit: int = INBOX_PAGE
    ) -> tuple[list[Pending], str | None]:
        """A page of the office's pending subjects, longest waiting first, of the kinds the actor decides."""
        granted = permissions_of(actor.roles, actor.tenant)
        found, next_cursor = self._store.list(tenant=tenant, cursor=cursor, limit=limit)
        return [p for p in found if kind_of(p.kind).permission in granted], next_cursor
