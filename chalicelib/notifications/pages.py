"""The console page of notices that failed after every retry, with a button to resend each."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.notifications.domain import OUTCOME_UNKNOWN
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
# What a person should know about an error before pressing "Gửi lại" (the code itself is shown beside it).
ERROR_LABELS = {
    OUTCOME_UNKNOWN: "Không rõ đã gửi đi hay chưa: hỏi lại người nhận trước khi gửi lại, tránh gửi hai lần.",
}


@page(bp, "/admin/notifications", permission=Permission.USERS_MANAGE)
def failed(p: Page) -> Response:
    """Notices that could not be delivered."""
    items = [notice_read(i) for i in container().notifications.failed(tenant=p.tenant.code)]
    return render(p, "notifications_failed.html", notices=items, labels=TEMPLATE_LABELS, error_labels=ERROR_LABELS)


@page(bp, "/admin/notifications/{notice_id}/resend", method="POST", permission=Permission.USERS_MANAGE)
def resend(p: Page, notice_id: str) -> Response:
    """Queue one failed notice again."""
    container().notifications.resend(tenant=p.tenant.code, notice_id=notice_id)
    return redirect("/admin/notifications")
