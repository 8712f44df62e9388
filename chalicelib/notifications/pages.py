"""The console page of notices that failed after every retry, with a button to resend each."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.permissions import Permission
from chalicelib.web.render import Page, redirect, render

from .routes import notice_read

bp = Blueprint(__name__)

TEMPLATE_LABELS = {
    "request-answer": "Trả lời yêu cầu (thư điện tử)",
    "deadline-reminder": "Nhắc hạn / cảnh báo quá hạn",
    "staff-invitation": "Thư mời tài khoản",
    "callback_scheduled": "Hẹn gọi lại (SMS)",
    "request_answered": "Báo có kết quả (SMS)",
}


@page(bp, "/admin/notifications", permission=Permission.USERS_MANAGE)
def failed(p: Page) -> Response:
    """Notices that could not be delivered."""
    items = [notice_read(i) for i in container().notifications.failed(tenant=p.tenant.code)]
    return render(p, "notifications_failed.html", notices=items, labels=TEMPLATE_LABELS)


@page(bp, "/admin/notifications/{notice_id}/resend", method="POST", permission=Permission.USERS_MANAGE)
def resend(p: Page, notice_id: str) -> Response:
    """Queue one failed notice again."""
    container().notifications.resend(tenant=p.tenant.code, notice_id=notice_id)
    return redirect("/admin/notifications")
