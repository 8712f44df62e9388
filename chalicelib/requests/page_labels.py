"""The console's words for requests (one catalogue, Vietnamese with diacritics), and how values are put into words."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.customers.domain import PROFILE_FIELDS
from chalicelib.customers.pages import FIELD_LABELS as CUSTOMER_LABELS
from chalicelib.customers.pages import problem_text as customer_problem
from chalicelib.shared.clock import VN_TZ
from chalicelib.tenancy.catalog import TENANT_BY_CODE

from .parts import STATUS_LABELS, Event

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
STATUSES: dict[str, str] = {s.value: label for s, label in STATUS_LABELS.items()}
ACTIONS = {
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
    "draft_returned": "Trả lại dự thảo",
    "rated": "Đánh giá",
    "follow_up_opened": "Mở yêu cầu theo dõi",
    "closed": "Đóng",
    "reopened": "Mở lại",
    "assigned": "Giao xử lý",
    "deadline_reminder": "Nhắc hạn",
    "overdue_escalated": "Quá hạn — báo lãnh đạo",
    "approval_overdue": "Quá hạn phê duyệt",
}
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


def label(name: str) -> str:
    """The Vietnamese name of a form field."""
    return FIELDS.get(name) or CUSTOMER_LABELS.get(name, name)


def problem_text(name: str, problem: str) -> str:
    """The Vietnamese explanation of a field's problem code."""
    if name in PROFILE_FIELDS and problem not in PROBLEMS:
        return customer_problem(name, problem)
    return PROBLEMS.get(problem, "Giá trị không hợp lệ.")


def time_left(due: datetime | None, now: datetime, overdue: bool = False) -> tuple[str, str]:
    """("còn 2 ngày 3 giờ" | "quá hạn 5 giờ", css class): red once due, amber within a day."""
    if due is None:
        return "", ""
    delta = due - now
    seconds = int(abs(delta.total_seconds()))
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    text = " ".join(([f"{days} ngày"] if days else []) + ([f"{hours} giờ"] if hours else [])) or f"{max(minutes, 1)} phút"
    if delta.total_seconds() < 0:
        return f"quá hạn {text}", "overdue"
    if overdue:  # marked by the deadline timer
        return f"quá hạn (còn {text})", "overdue"
    return f"còn {text}", "soon" if delta < timedelta(days=1) else ""


def event_detail(event: Event, units: dict[str, str]) -> str:
    """An event's detail in words: unit names, local times, office names."""
    if event.action == "callback_scheduled":
        return _local(event.detail)
    if event.action in ("escalated", "unit_answered"):
        head, _, note = event.detail.partition(" — ")
        return ", ".join(units.get(u, u) for u in head.split(",")) + (f" — {note}" if note else "")
    if event.action in ("transferred", "reported_back", "received_by_transfer"):
        office, _, rest = event.detail.partition("/")
        return " / ".join(x for x in (TENANT_BY_CODE[office].short_name if office in TENANT_BY_CODE else office, rest) if x)
    return {"hài lòng": "Hài lòng", "chưa hài lòng": "Chưa hài lòng"}.get(event.detail, event.detail)


def _local(text: str) -> str:
    try:
        return datetime.fromisoformat(text).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return text
