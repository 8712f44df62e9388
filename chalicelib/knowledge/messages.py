"""The Vietnamese words of the knowledge bank, one catalogue: statuses, steps, fields, audiences."""

from __future__ import annotations

STATUS_LABELS: dict[str, str] = {
    "draft": "Bản nháp",
    "in_review": "Chờ duyệt",
    "published": "Đã công bố",
    "retired": "Ngừng sử dụng",
}
AUDIENCE_LABELS: dict[str, str] = {"public": "Công khai", "internal": "Nội bộ"}
VERSION_LABELS: dict[str, str] = {  # what each version records
    "created": "Tạo mới",
    "updated": "Sửa nội dung",
    "submitted": "Gửi duyệt",
    "published": "Công bố",
    "returned": "Trả lại",
    "retired": "Ngừng sử dụng",
    "reviewed": "Rà soát định kỳ",
    "restored": "Khôi phục phiên bản",
    "imported": "Nhập từ tệp",
    "proposed": "Đề xuất từ yêu cầu",
}
ACTION_LABELS: dict[str, str] = {  # the buttons
    "update": "Sửa",
    "submit": "Gửi lãnh đạo duyệt",
    "publish": "Công bố",
    "return": "Trả lại",
    "retire": "Ngừng sử dụng",
    "review": "Xác nhận đã rà soát",
    "restore": "Khôi phục",
}
FIELD_LABELS: dict[str, str] = {
    "topic": "Chủ đề",
    "question": "Câu hỏi",
    "answer": "Câu trả lời",
    "legal_basis": "Căn cứ pháp lý",
    "valid_from": "Hiệu lực từ",
    "valid_until": "Hiệu lực đến",
    "owner_unit": "Đơn vị quản lý",
    "audience": "Phạm vi",
    "related": "Mục liên quan",
    "scenarios": "Các cách hỏi (kịch bản)",
    "note": "Ghi chú",
}
PROBLEM_LABELS: dict[str, str] = {
    "required": "Bắt buộc nhập",
    "unknown": "Không có trong danh mục",
    "before_valid_from": "Phải sau ngày hiệu lực",
    "too_many": "Quá nhiều mục",
    "invalid": "Không hợp lệ",
    "document_required": "Cần ghi số, tên văn bản",
}
NOT_FOUND = "Không tìm thấy mục hỏi đáp."
NOT_CITABLE = "Mục hỏi đáp không dùng để trả lời được: chưa công bố, hết hiệu lực, đã ngừng sử dụng hoặc không thuộc đơn vị."
