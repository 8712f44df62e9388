"""The leader's inbox page, Chờ phê duyệt: each waiting subject links to its own page, where the decision is taken."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.web.render import Page, render

from . import messages
from .schemas import InboxQuery, pending_read

if TYPE_CHECKING:
    from chalicelib.requests import page_forms
else:
    page_forms = lazy("chalicelib.requests.page_forms")

bp = Blueprint(__name__)


@page(bp, "/approvals", permission=Permission.PLANS_APPROVE)
def inbox_page(p: Page) -> Response:
    """The office's pending subjects, longest waiting first, a page at a time."""
    query = page_forms.parse(InboxQuery, {k: v for k, v in p.query.items() if k in InboxQuery.model_fields and v})
    found, cursor = container().approvals.list(tenant=p.tenant.code, actor=p.user, cursor=query.cursor, limit=query.limit)
    next_url = f"/approvals?{urlencode({'cursor': cursor})}" if cursor else None
    items = [pending_read(x) for x in found]
    return render(p, "approvals_inbox.html", title=messages.INBOX_TITLE, items=items, next_url=next_url)
