"""The Vietnamese words of approvals, one catalogue: statuses, buttons, history steps, refusals."""

from __future__ import annotations

STATUS_LABELS: dict[str, str] = {
    "draft": "Chưa gửi phê duyệt",
    "submitted": "Chờ phê duyệt",
    "approved": "Đã phê duyệt",
    "returned": "Bị trả lại",
}
ACTION_LABELS: dict[str, str] = {  # the buttons
    "submit": "Gửi lãnh đạo phê duyệt",
    "approve": "Phê duyệt",
    "return": "Trả lại",
    "withdraw": "Rút lại",
}
STEP_LABELS: dict[str, str] = {  # the history
    "submit": "Gửi phê duyệt",
    "approve": "Phê duyệt",
    "return": "Trả lại",
    "withdraw": "Rút lại đề nghị phê duyệt",
}
UNKNOWN_KIND = "Hồ sơ cần phê duyệt"
INBOX_TITLE = "Chờ phê duyệt"

NOT_APPROVER = "Chỉ lãnh đạo có thẩm quyền phê duyệt mới được quyết định."
SELF_APPROVAL = "Người soạn hoặc người gửi không tự phê duyệt hay trả lại hồ sơ của mình (Điều 8, Quyết định 681)."
REASON_REQUIRED = "Cần ghi lý do trả lại."
NOT_SUBMITTED = "Hồ sơ chưa được gửi phê duyệt hoặc đã được quyết định."
ALREADY_SUBMITTED = "Hồ sơ đã được gửi và đang chờ phê duyệt."
ALREADY_APPROVED = "Hồ sơ đã được phê duyệt; muốn thay đổi cần lập phiên bản mới."
NOT_APPROVED = "Hồ sơ chưa được lãnh đạo phê duyệt nên chưa thể thực hiện."
NOT_SUBMITTER = "Bạn không có quyền gửi hay rút lại hồ sơ này."
