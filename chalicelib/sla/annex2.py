"""Decision 681/QĐ-BHXH: the maximum processing times of Annex 2 §1 and the callback hours of Annex 1 §2.1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class Limit:
    """One maximum processing time of Annex 2 §1."""

    key: str
    channel: str
    step: str
    amount: int
    unit: str  # "minutes" | "working_days" | "immediate" | "rings" | "daily"
    label: str
    ref: str = ""


# ---------------------------------------------------------------------------
# Callback hours — Decision 681 Annex 1 §2.1
# ---------------------------------------------------------------------------

# Annex 1 §2.1 names the periods to avoid ("sáng sớm, buổi tối hoặc giờ nghỉ trưa", i.e. outside
# working hours) but gives NO clock times. The windows below are a product default: the overlap of
# the usual Vietnamese office-hour regimes (07:30–11:30/13:30–17:00 and 08:00–12:00/13:00–17:00),
# local time, on working days only. Tenants may narrow them. A call outside them is allowed when
# unavoidable, but the agent must apologise at the start (script "outbound_out_of_hours_apology").
CALLBACK_WINDOWS: tuple[tuple[time, time], ...] = (
    (time(8, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)


# ---------------------------------------------------------------------------
# Deadlines — Decision 681 Annex 2 §1 "Thời gian xử lý tối đa"
# ---------------------------------------------------------------------------

# Channel groups: "hotline"; "written" (portal, fanpage, e-mail); "portal_email" — Annex 2 §1 II.3 gives these for the
# web portal and §1 III.3 applies them to e-mail; "fanpage". The National Public Service Portal (Art. 5.2), post (5.6)
# and other channels (5.7) have no limit in Annex 2 (requests/domain says which limit they follow).
ANNEX2_LIMITS: tuple[Limit, ...] = (
    # Annex 2 §1 I — telephone hotline.
    Limit(
        "hotline_pickup",
        "hotline",
        "pick up an incoming call",
        3,
        "rings",
        "Nhận cuộc gọi đến: Chậm nhất sau 03 hồi chuông phải nhấc máy",
        "681 Annex 2 §1 I.1",
    ),
    Limit(
        "hotline_record_entry",
        "hotline",
        "enter the call record (incoming and outgoing calls)",
        5,
        "minutes",
        "Nhập dữ liệu cuộc gọi hệ thống (cuộc gọi đến, cuộc gọi đi): 05 phút kể từ khi kết thúc cuộc gọi",
        "681 Annex 2 §1 I.2",
    ),
    Limit(
        "hotline_unit_handling",
        "hotline",
        "record and forward a question beyond the agent to specialist units for handling",
        5,
        "working_days",
        "Thực hiện ghi nhận thông tin chuyển đơn vị nghiệp vụ phối hợp xử lý trong trường hợp câu hỏi chuyên "
        "sâu, vượt khả năng của GDV: 05 ngày làm việc",
        "681 Annex 2 §1 I.3",
    ),
    Limit(
        "hotline_relay",
        "hotline",
        "relay the specialist units' answer to the customer",
        1,
        "working_days",
        "Chuyển phản hồi từ các đơn vị nghiệp vụ đến tổ chức, cá nhân: 01 ngày làm việc",
        "681 Annex 2 §1 I.4",
    ),
    # Annex 2 §1 II (portal, fanpage) and III (email).
    Limit(
        "written_intake",
        "written",
        "collect incoming questions",
        1,
        "daily",
        "Nhận câu hỏi gửi đến: Hàng ngày",
        "681 Annex 2 §1 II.1, III.1; Art. 6.2 step 1",
    ),
    Limit(
        "written_immediate",
        "written",
        "answer a question that can be answered at once",
        0,
        "immediate",
        "Với câu trả lời được ngay: Trả lời ngay cho tổ chức, cá nhân",
        "681 Annex 2 §1 II.2, III.2",
    ),
    Limit(
        "written_out_of_remit",
        "written",
        "tell the customer the question is outside the agency's remit",
        0,
        "immediate",
        "Đối với câu hỏi không liên quan đến phạm vi, chức năng nhiệm vụ của BHXH Việt Nam thì phải thông báo "
        "ngay cho tổ chức, cá nhân đặt câu hỏi biết.",
        "681 Annex 2 §1 II.3 (portal); Annex 1 §2.2 (portal, fanpage, email)",
    ),
    Limit(
        "written_answer_one_unit",
        "portal_email",
        "answer, one unit competent",
        7,
        "working_days",
        "Chậm nhất 07 ngày làm việc đối với câu hỏi thuộc thẩm quyền giải quyết của 01 đơn vị.",
        "681 Annex 2 §1 II.3, III.3",
    ),
    Limit(
        "written_answer_many_units",
        "portal_email",
        "answer, complex question involving several units",
        10,
        "working_days",
        "Trong vòng 10 ngày làm việc đối với câu hỏi phức tạp liên quan đến nhiều đơn vị.",
        "681 Annex 2 §1 II.3, III.3",
    ),
    Limit(
        "written_relay",
        "portal_email",
        "send the unit's answer on to the customer",
        2,
        "working_days",
        "Ngay sau khi nhận được câu trả lời từ đơn vị, không quá 02 ngày làm việc, cán bộ đầu mối CSKH phải "
        "gửi câu trả lời tới tổ chức, cá nhân.",
        "681 Annex 2 §1 II.3, III.3",
    ),
    Limit(
        "fanpage_one_unit",
        "fanpage",
        "answer, one unit competent",
        1,
        "working_days",
        "Tối đa 01 ngày làm việc đối với các câu hỏi, vướng mắc, phản ánh, kiến nghị thuộc thẩm quyền giải quyết của 01 đơn vị.",
        "681 Annex 2 §1 II.3",
    ),
    Limit(
        "fanpage_two_units",
        "fanpage",
        "answer, two units must supply information",
        2,
        "working_days",
        "Tối đa 02 ngày làm việc đối với các câu hỏi, vướng mắc, phản ánh, kiến nghị yêu cầu sự phối hợp cung "
        "cấp thông tin của 02 đơn vị.",
        "681 Annex 2 §1 II.3",
    ),
    Limit(
        "fanpage_three_plus_units",
        "fanpage",
        "answer, complex case involving three or more units",
        3,
        "working_days",
        "Tối đa 03 ngày làm việc đối với các trường hợp phức tạp, liên quan đến từ 03 đơn vị trở lên.",
        "681 Annex 2 §1 II.3",
    ),
)

LIMIT_BY_KEY: dict[str, Limit] = {lim.key: lim for lim in ANNEX2_LIMITS}

# Annex 2 §1 "Ghi chú": limits are maxima and may be shortened, never lengthened.
