"""The leader's inbox (API): every subject of the office waiting for a decision."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext

from .schemas import InboxQuery, PendingPage, pending_read

bp = Blueprint(__name__)
TAGS = ("approvals",)


@route(bp, "/api/approvals", permission=Permission.PLANS_APPROVE, query=InboxQuery, response=PendingPage, tags=TAGS)
def inbox(ctx: RequestContext, query: InboxQuery) -> PendingPage:
    """Subjects waiting for the leader (plans, reports…), longest waiting first."""
    found, cursor = container().approvals.list(tenant=ctx.tenant, actor=ctx.user, cursor=query.cursor, limit=query.limit)
    return PendingPage(items=[pending_read(p) for p in found], next_cursor=cursor)
