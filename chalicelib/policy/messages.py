"""The policy reports' Vietnamese texts: categories, kinds, refusals (one catalogue)."""

from __future__ import annotations

# Art. 14 step 2: the five kinds of information a report is built from, in the article's order.
CATEGORY_LABELS = {
    "policy": "Chế độ, chính sách BHXH, BHTN, BHYT",
    "procedure_execution": "Tổ chức thực hiện quy định, quy trình nghiệp vụ của Ngành",
    "public_service": "Thủ tục hành chính, dịch vụ công",
    "staff_attitude": "Thái độ của công chức, viên chức",
    "coordination": "Phối hợp giải quyết công việc giữa các đơn vị",
}
KIND_LABELS = {"regular": "Định kỳ", "ad_hoc": "Đột xuất", "national": "Tổng hợp toàn quốc"}
REPORT_LABEL = "Báo cáo tổ chức thực hiện chính sách"

EXISTS = "Đã có báo cáo của kỳ này."
STALE = "Báo cáo đã được người khác thay đổi. Vui lòng tải lại."
LOCKED = "Báo cáo đã trình hoặc đã được phê duyệt thì không sửa được."
NOT_FOUND = "Không tìm thấy báo cáo."
BAD_KIND = "Báo cáo định kỳ lập theo tháng, quý hoặc năm."
FUTURE = "Kỳ báo cáo chưa bắt đầu."
PERIOD_OPEN = "Kỳ báo cáo chưa kết thúc nên chưa trình phê duyệt được."
RANGE_ORDER = "Ngày kết thúc phải sau ngày bắt đầu."
RANGE_LONG = "Khoảng thời gian của báo cáo đột xuất tối đa 366 ngày."
TITLE_REQUIRED = "Báo cáo đột xuất cần có tiêu đề."
TOO_LONG = "Nội dung kiến nghị quá dài."
NOT_WRITTEN = "Báo cáo cần có kiến nghị chung trước khi trình."
NO_TYPICAL = "Chưa tổng hợp câu hỏi điển hình của kỳ báo cáo."
CENTRAL_ONLY = "Chỉ Trung tâm CSKH tổng hợp báo cáo toàn quốc."
NOT_NATIONAL = "Đây không phải báo cáo tổng hợp toàn quốc."
NOT_APPROVED = "Báo cáo chưa được phê duyệt nên chưa có bản lưu trữ."
NOT_ARCHIVED = "Báo cáo chưa có bản lưu trữ."
BAD_FORMAT = "Định dạng báo cáo không được hỗ trợ."
