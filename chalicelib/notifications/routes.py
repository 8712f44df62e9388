"""Notices that could not be delivered, and resending them (the outbox's dead-letter view, per tenant)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.clock import parse_iso
from chalicelib.shared.permissions import Permission
from chalicelib.shared.schema import BaseModel
from chalicelib.shared.tenancy import RequestContext

if TYPE_CHECKING:
    from .store import OutboxItem


bp = Blueprint(__name__)


class NoticeRead(BaseModel):
    """A notice, without its recipient's address (personal data)."""

    id: str
    channel: str
    template: str
    subject_id: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime


class NoticePage(BaseModel):
    """Notices."""

    items: list[NoticeRead]


def notice_read(item: OutboxItem) -> NoticeRead:
    """The API view of a notice."""
    return NoticeRead(
        id=item.SK,
        channel=item.channel,
        template=item.template,
        subject_id=item.subject_id,
        status=item.status,
        attempts=int(item.attempts or 0),
        last_error=item.last_error,
        created_at=parse_iso(item.created_at),
    )


@route(bp, "/api/notifications/failed", permission=Permission.USERS_MANAGE, response=NoticePage, tags=("notifications",))
def failed(ctx: RequestContext) -> NoticePage:
    """Notices that failed after every retry."""
    return NoticePage(items=[notice_read(i) for i in container().notifications.failed(tenant=ctx.tenant)])


@route(
    bp,
    "/api/notifications/{notice_id}/resend",
    method="POST",
    permission=Permission.USERS_MANAGE,
    response=NoticeRead,
    tags=("notifications",),
)
def resend(ctx: RequestContext, notice_id: str) -> NoticeRead:
    """Queue a failed notice again."""
    return notice_read(container().notifications.resend(tenant=ctx.tenant, notice_id=notice_id))
