"""The Vietnamese words of requests, one catalogue: statuses, channels, kinds, categories, steps, fields, problems."""

from __future__ import annotations

from chalicelib.customers.domain import ANONYMOUS_NAME

STATUS_LABELS: dict[str, str] = {
    "open": "Đang xử lý",
    "escalated": "Chờ đơn vị nghiệp vụ",
    "transferred": "Chờ BHXH tỉnh báo cáo",
    "awaiting_approval": "Chờ lãnh đạo phê duyệt",
    "answered": "Đã trả lời",
    "closed": "Đã đóng",
}

CHANNELS = {
    "hotline": "Tổng đài điện thoại",
    "national_portal": "Cổng Dịch vụ công quốc gia",
    "web_portal": "Cổng thông tin điện tử",
    "fanpage": "Fanpage",
    "email": "Thư điện tử",
    "post": "Bưu chính",
    "other": "Khác (trực tiếp, thực địa, nội bộ)",
}
KINDS = {"information": "Yêu cầu thông tin", "status_lookup": "Tra cứu tình trạng hồ sơ", "complaint": "Khiếu nại, phản ánh"}
# Art. 14 step 2: the five report categories.
CATEGORIES = {
    "policy": "Chính sách, chế độ",
    "procedure_execution": "Việc thực hiện quy định, quy trình của ngành",
    "public_service": "Thủ tục hành chính, dịch vụ công",
    "staff_attitude": "Thái độ của công chức, viên chức",
    "coordination": "Phối hợp giữa các đơn vị",
}
EVENT_LABELS = {  # the timeline steps (not the actions a user may take: those are domain.ACTIONS)
    "received": "Tiếp nhận",
    "answered": "Trả lời",
    "callback_scheduled": "Hẹn gọi lại",
    "escalated": "Chuyển đơn vị nghiệp vụ",
    "unit_answered": "Đơn vị trả lời",
    "transferred": "Chuyển BHXH tỉnh",
    "received_by_transfer": "Nhận từ đơn vị khác",
    "reported_back": "Báo cáo kết quả",
    "drafted": "Soạn dự thảo",
    "approved": "Phê duyệt",
    "draft_rejected": "Trả lại dự thảo",
    "rated": "Đánh giá",
    "follow_up_opened": "Mở yêu cầu theo dõi",
    "closed": "Đóng",
    "reopened": "Mở lại",
    "assigned": "Giao xử lý",
    "deadline_reminder": "Nhắc hạn",
    "overdue_escalated": "Quá hạn — báo lãnh đạo",
    "approval_overdue": "Quá hạn phê duyệt",
    "content_redacted": "Xoá nội dung cá nhân",
}
# What stands where a request's personal content was (Decree 13/2023: retention or erasure).
REDACTED_TEXT = "[Nội dung đã xoá theo quy định bảo vệ dữ liệu cá nhân]"
REDACTED_NAME = ANONYMOUS_NAME
PART_STATUSES = {
    "pending": "Đang chờ",
    "answered": "Đã trả lời",
    "reported": "Đã báo cáo",
    "approved": "Đã phê duyệt",
    "returned": "Bị trả lại",
}
TABS = (
    ("all", "Tất cả đang mở"),
    ("mine", "Của tôi"),
    ("unit", "Của đơn vị tôi"),
    ("approval", "Chờ phê duyệt"),
    ("soon", "Sắp đến hạn"),
    ("overdue", "Quá hạn"),
)
FIELDS = {
    "channel": "Kênh tiếp nhận",
    "kind": "Loại yêu cầu",
    "category": "Nhóm nội dung",
    "subject": "Tiêu đề",
    "question": "Nội dung câu hỏi",
    "received_at": "Thời điểm tiếp nhận",
    "customer_kind": "Loại khách hàng",
    "customer_id": "Khách hàng đã chọn",
    "version": "Phiên bản dữ liệu",
    "text": "Nội dung",
    "knowledge_id": "Mục ngân hàng hỏi đáp",
    "at": "Thời điểm gọi lại",
    "note": "Ghi chú",
    "assignee": "Người xử lý",
    "unit_ids": "Đơn vị nghiệp vụ",
    "to_tenant": "BHXH tỉnh nhận",
    "to_unit": "Mã đơn vị nhận",
    "result": "Kết quả",
    "draft_id": "Bản dự thảo",
    "satisfied": "Mức độ hài lòng",
    "reason": "Lý do",
    "remedy": "Đề xuất khắc phục",
    "escalation_id": "Lượt chuyển",
    "status": "Trạng thái",
    "unit": "Đơn vị",
    "due_before": "Hạn trước",
    "overdue": "Quá hạn",
    "q": "Từ khoá",
    "cursor": "Trang",
    "limit": "Số dòng",
    "tenant": "Tỉnh, thành phố",
    "received_from": "Từ ngày",
    "received_to": "Đến ngày",
}
PROBLEMS = {
    "required": "Bắt buộc nhập.",
    "too_short": "Quá ngắn (ít nhất 3 ký tự).",
    "too_long": "Quá dài.",
    "format": "Không đúng định dạng.",
    "unknown": "Giá trị không hợp lệ.",
    "future": "Không thể ở tương lai.",
    "past": "Phải ở tương lai.",
    "outside_working_hours": "Ngoài giờ làm việc.",
    "before_from": "Phải sau hoặc bằng Từ ngày.",
}
# Annex 1 §2: the scripts an agent needs in almost every call, with a short name for the side panel.
PRIMARY_SCRIPTS = {
    "greeting": "Chào hỏi",
    "identity_request_individual": "Hỏi thông tin định danh",
    "confirm_request": "Xác nhận yêu cầu",
    "hold": "Đề nghị giữ máy",
    "callback_appointment": "Hẹn gọi lại",
    "rating_request": "Đề nghị đánh giá",
    "closing": "Kết thúc cuộc gọi",
}
