"""What the survey pages say (Vietnamese), in one catalogue."""

from __future__ import annotations

KIND_LABELS = {  # Art. 9: the four kinds of survey
    "participants": "Mức độ hài lòng và nhu cầu của người tham gia BHXH, BHYT",
    "agency": "Mức độ hài lòng đối với công tác của ngành BHXH",
    "care": "Mức độ hài lòng đối với công tác chăm sóc khách hàng",
    "policy_fit": "Mức độ phù hợp của chính sách, pháp luật",
}
METHOD_LABELS = {  # Art. 8 step 2
    "online": "Gián tiếp — trực tuyến",
    "post": "Gián tiếp — qua bưu điện",
    "event": "Gián tiếp — tại hội nghị, sự kiện",
    "individual_interview": "Trực tiếp — phỏng vấn cá nhân",
    "organisation_interview": "Trực tiếp — phỏng vấn tổ chức",
    "group_discussion": "Trực tiếp — thảo luận nhóm",
}
STAGE_LABELS = {
    "planning": "Lập kế hoạch",
    "approved": "Đã phê duyệt kế hoạch",
    "pilot": "Khảo sát thử",
    "official": "Khảo sát chính thức",
    "closed": "Đã kết thúc",
}
ROUND_KIND_LABELS = {"pilot": "Khảo sát thử", "official": "Khảo sát chính thức"}
ROUND_STATUS_LABELS = {"drawn": "Đã chọn mẫu", "open": "Đang khảo sát", "closed": "Đã kết thúc"}
MEMBER_STATUS_LABELS = {
    "reserve": "Dự phòng",
    "planned": "Chưa mời",
    "invited": "Đã mời",
    "delivered": "Đã nhận",
    "opened": "Đã mở",
    "started": "Đang trả lời",
    "completed": "Đã trả lời",
    "refused": "Từ chối",
    "unreachable": "Không liên lạc được",
    "replaced": "Đã thay thế",
    "ineligible": "Không thuộc đối tượng",
}
ROLE_LABELS = {"main": "Mẫu chính", "reserve": "Mẫu dự phòng"}
REASON_LABELS = {
    "unreachable": "Không liên lạc được",
    "refused": "Từ chối tham gia",
    "ineligible": "Không thuộc đối tượng",
    "wrong_contact": "Sai thông tin liên lạc",
}
STRATUM_DIMENSIONS = {"province": "Tỉnh/thành phố", "channel": "Kênh", "group": "Nhóm đối tượng"}
ANSWER_LINK_PURPOSE = "Ý kiến của Ông/Bà về câu trả lời của cơ quan BHXH"
FIELD_LABELS = {  # the plan's, the draw's and the opening's fields, as the pages' errors name them
    "title": "Tên khảo sát",
    "kind": "Loại",
    "purpose": "Mục đích",
    "period_start": "Từ ngày",
    "period_end": "Đến ngày",
    "methods": "Phương pháp",
    "lead_unit": "Đơn vị chủ trì",
    "partner_units": "Đơn vị phối hợp",
    "content_areas": "Nội dung khảo sát",
    "criteria": "Tiêu chí đánh giá",
    "target_groups": "Đối tượng khảo sát",
    "places": "Địa điểm",
    "outsourcing": "Thuê đơn vị tư vấn",
    "budget": "Kinh phí",
    "questionnaire_id": "Bảng hỏi",
    "provinces": "Tỉnh được chọn mẫu",
    "contact_days": "Không khảo sát lại trong",
    "link_days": "Hiệu lực đường dẫn",
    "send_rate": "Tốc độ gửi",
    "frame_id": "Danh sách chọn mẫu",
    "size": "Cỡ mẫu",
    "strata": "Phân tầng",
    "minimum": "Tối thiểu mỗi tầng",
    "reserve_share": "Mẫu dự phòng",
    "seed": "Hạt giống",
    "closes_at": "Kết thúc lúc",
    "reminders": "Nhắc sau",
    "note": "Ghi chú",
    "lessons": "Bài học rút ra",
    "reason": "Lý do thay thế",
    "version": "Phiên bản",
}
FIELD_PROBLEMS = {  # the edge's (requests/page_forms.py parse) and the plan's rules' codes; a rule's own text is shown as is
    "required": "Bắt buộc nhập.",
    "too_short": "Quá ngắn.",
    "too_long": "Quá dài.",
    "format": "Không đúng định dạng.",
    "unknown": "Giá trị không hợp lệ.",
    "before_period_start": "Ngày kết thúc phải sau ngày bắt đầu.",
    "longer_than_a_year": "Thời gian khảo sát không quá một năm.",
    "negative": "Không được là số âm.",
    "too_many": "Quá nhiều mục.",
    "national_only": "Chỉ Trung tâm CSKH chọn mẫu nhiều tỉnh.",
    "out_of_range": "Ngoài khoảng cho phép.",
    "not_increasing": "Các mốc nhắc phải tăng dần.",
    "empty": "Mẫu khảo sát trống.",
    "not_found": "Không tìm thấy.",
    "over_frame": "Lớn hơn số người trong danh sách.",
}


def stratum_name(stratum: str) -> str:
    """A stratum key (`hanoi|hotline|…`) as people read it: provinces and channels by their Vietnamese names."""
    from chalicelib.requests.messages import CHANNELS
    from chalicelib.tenancy.catalog import TENANT_BY_CODE

    if stratum in ("all", "*"):
        return "Toàn bộ mẫu"
    parts = []
    for part in stratum.split("|"):
        spec = TENANT_BY_CODE.get(part)
        parts.append(spec.short_name if spec else CHANNELS.get(part, part))
    return " · ".join(parts)
