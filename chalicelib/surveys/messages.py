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
