"""The shape of a year of requests (pure): which offices, how busy each day is, and what people ask.

Volumes follow DOMAIN.md "Scale to plan for" scaled down — the CCC and the big cities carry most of it, the hotline
most of all channels — with the week's shape (Mondays busiest, weekends quiet) and the year's (the Tết holiday
dip, the December rush of year-end closing of the books). Each office has its own habits (how many calls are
answered in the call, how satisfied callers are, how often an answer is late) so the league tables have a spread.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from chalicelib.requests.domain import Category, Channel, Kind

T = TypeVar("T")


@dataclass(frozen=True)
class Office:
    """An office's share of the volume and its habits (probabilities, 0–1)."""

    code: str
    weight: float
    instant: float  # a hotline call answered in the call
    satisfied: float  # a rating is "satisfied"
    late: float  # an answer goes out after its deadline
    province_code: str  # the first three digits of its people's ID numbers


OFFICES = (
    Office("ccc", 0.28, 0.95, 0.91, 0.05, ""),
    Office("hanoi", 0.17, 0.92, 0.88, 0.08, "001"),
    Office("hcm", 0.19, 0.89, 0.84, 0.12, "079"),
    Office("danang", 0.08, 0.97, 0.93, 0.04, "048"),
    Office("haiphong", 0.10, 0.87, 0.82, 0.14, "031"),
    Office("cantho", 0.09, 0.93, 0.89, 0.07, "092"),
    Office("quangninh", 0.09, 0.84, 0.80, 0.17, "022"),
)
BY_CODE = {o.code: o for o in OFFICES}
TYPICAL = Office("", 0.0, 0.9, 0.87, 0.09, "")  # the habits of an office the demo does not profile (benchmarks)
PROVINCES = tuple(o.code for o in OFFICES if o.code != "ccc")

CHANNEL_SHARES = {  # DOMAIN.md: ≈ 30,000 answered calls and 1,400 written questions a month; the demo shows more letters
    Channel.HOTLINE: 168,
    Channel.EMAIL: 10,
    Channel.WEB_PORTAL: 6,
    Channel.NATIONAL_PORTAL: 6,
    Channel.FANPAGE: 5,  # the office's Facebook/Zalo page
    Channel.POST: 2,
    Channel.OTHER: 3,  # the VssID app's messages, counters' forms
}
WEEKDAY = (1.35, 1.1, 1.0, 1.0, 0.95, 0.3, 0.12)  # Monday … Sunday
TET = (date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6), date(2028, 1, 26))

# What people ask, by category (Art. 14's five): (kind, subject, question). No names: the customer is the record.
TOPICS: dict[Category, tuple[tuple[Kind, str, str], ...]] = {
    Category.POLICY: (
        (Kind.INFORMATION, "Điều kiện hưởng lương hưu", "Hỏi đã đóng BHXH 17 năm thì bao nhiêu tuổi được nghỉ hưu."),
        (Kind.INFORMATION, "Chế độ thai sản khi sinh con", "Hỏi điều kiện và mức hưởng chế độ thai sản khi sinh con."),
        (Kind.INFORMATION, "Mức đóng BHXH tự nguyện", "Hỏi mức đóng thấp nhất và mức Nhà nước hỗ trợ."),
        (Kind.INFORMATION, "Hưởng BHXH một lần", "Hỏi sau một năm nghỉ việc có được nhận BHXH một lần không."),
        (Kind.COMPLAINT, "Mức hưởng trợ cấp ốm đau thấp", "Phản ánh mức trợ cấp ốm đau được tính thấp hơn dự kiến."),
    ),
    Category.PROCEDURE_EXECUTION: (
        (Kind.STATUS_LOOKUP, "Hồ sơ hưởng BHXH một lần", "Hỏi hồ sơ nộp qua bưu điện đã được giải quyết đến đâu."),
        (Kind.STATUS_LOOKUP, "Chốt sổ BHXH khi nghỉ việc", "Hỏi công ty cũ đã chốt sổ BHXH chưa."),
        (Kind.STATUS_LOOKUP, "Gộp sổ BHXH", "Hỏi tiến độ gộp hai sổ BHXH có thời gian đóng trùng nhau."),
        (Kind.INFORMATION, "Cấp lại thẻ BHYT bị mất", "Hỏi thủ tục cấp lại thẻ BHYT và có mất phí không."),
        (Kind.COMPLAINT, "Hồ sơ trợ cấp thất nghiệp chậm", "Phản ánh đã có quyết định nhưng chưa nhận tiền tháng thứ hai."),
    ),
    Category.PUBLIC_SERVICE: (
        (Kind.INFORMATION, "Đăng ký tài khoản VssID", "Hỏi cách đăng ký VssID bằng tài khoản định danh điện tử."),
        (Kind.STATUS_LOOKUP, "Tra cứu quá trình đóng BHXH", "Hỏi quá trình đóng trên VssID thiếu ba tháng gần nhất."),
        (Kind.INFORMATION, "Nộp hồ sơ trên Cổng Dịch vụ công", "Hỏi cách nộp hồ sơ đề nghị hưởng chế độ trực tuyến."),
        (Kind.COMPLAINT, "Thời gian chờ tổng đài lâu", "Phản ánh gọi tổng đài nhiều lần mới gặp được giao dịch viên."),
    ),
    Category.STAFF_ATTITUDE: (
        (Kind.COMPLAINT, "Thái độ cán bộ tiếp nhận hồ sơ", "Phản ánh cán bộ một cửa không hướng dẫn đầy đủ thủ tục."),
        (Kind.COMPLAINT, "Cán bộ hẹn trả kết quả không đúng", "Phản ánh được hẹn trả kết quả nhưng đến nơi chưa có."),
        (Kind.INFORMATION, "Khen ngợi giao dịch viên", "Gọi lại để cảm ơn giao dịch viên đã hướng dẫn tận tình."),
    ),
    Category.COORDINATION: (
        (Kind.INFORMATION, "Chuyển BHXH khi đổi nơi làm việc", "Hỏi chuyển quá trình đóng từ tỉnh khác về nơi làm việc mới."),
        (Kind.STATUS_LOOKUP, "Thẻ BHYT chưa cập nhật nơi khám", "Hỏi đã đổi nơi khám chữa bệnh ban đầu nhưng thẻ chưa đổi."),
        (Kind.COMPLAINT, "Doanh nghiệp nợ đóng BHXH", "Phản ánh công ty trừ lương nhưng không đóng BHXH cho người lao động."),
    ),
}
CATEGORY_SHARES = {
    Category.POLICY: 34,
    Category.PROCEDURE_EXECUTION: 27,
    Category.PUBLIC_SERVICE: 21,
    Category.STAFF_ATTITUDE: 5,
    Category.COORDINATION: 13,
}

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương")
MIDDLE = ("Thị", "Văn", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Kim")
GIVEN = ("Hương", "Nam", "Lan", "Hùng", "Mai", "Dũng", "Trang", "Tuấn", "Hà", "Long", "Linh", "Sơn", "Thảo", "Phúc")


def season(day: date) -> float:
    """How busy a day is for the time of year: the Tết week far quieter, the days around it quieter, December busier."""
    factor = 1.0
    for tet in TET:
        offset = (day - tet).days
        if -3 <= offset <= 5:
            factor = 0.12
        elif -10 <= offset < -3 or 5 < offset <= 12:
            factor = 0.7
    if day.month == 12:
        factor *= 1.15
    return factor * WEEKDAY[day.weekday()]


def days_of_year(today: date) -> list[date]:
    """The 365 days ending today."""
    return [today - timedelta(days=n) for n in range(364, -1, -1)]


def pick(rng: random.Random, shares: dict[T, int]) -> T:
    """One key, drawn by its share."""
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def person(rng: random.Random, province_code: str) -> tuple[str, str, str]:
    """A made-up person: full name, a 12-digit ID number starting with the province's code, a mobile number."""
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    digits = province_code + "".join(rng.choice("0123456789") for _ in range(12 - len(province_code)))
    return name, digits, "09" + "".join(rng.choice("0123456789") for _ in range(8))
