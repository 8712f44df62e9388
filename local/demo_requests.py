"""Demo requests: a working morning in Hà Nội, TP Hồ Chí Minh and the CCC, made through the request service itself.

Every request goes through the same steps a person would take (intake, answer, callback, escalation, draft,
approval, rating, transfer), so each one has its timeline, its deadline timer, its notices and its audit entries,
and the rules of Art. 6 hold for the demo as they do for real work. Letters and e-mails are backdated with
`received_at`, as an agent enters post that arrived earlier, so the lists show requests due soon and overdue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.requests.domain import Request
from chalicelib.requests.schemas import RequestCreate
from chalicelib.shared.permissions import Role
from chalicelib.shared.tenancy import Principal, acting_for
from chalicelib.tenancy.catalog import UNIT_CARE_DESK, UNIT_DEPARTMENT, UNIT_SPECIALIST_BOARD, units_for

DEMO_TENANTS = ("hanoi", "hcm", "ccc")


@dataclass(frozen=True)
class Person:
    """A demo customer: name, ID number (12 digits, the province's code first), phone and, for some, an e-mail."""

    full_name: str
    id_number: str
    phone: str
    email: str | None = None

    def ref(self) -> dict[str, Any]:
        """The request's `customer` field: identity fields, found or created at intake."""
        body: dict[str, Any] = {"kind": "individual", "full_name": self.full_name, "id_number": self.id_number}
        body["phone"] = self.phone
        if self.email:
            body["email"] = self.email
        return body


PEOPLE = {
    "hanoi": [
        Person("Trần Thị Hương", "001189004512", "0912345601", "huong.tran@example.vn"),
        Person("Lê Văn Nam", "001092011234", "0983456702"),
        Person("Nguyễn Thị Thu Trang", "001195023456", "0904567803", "trang.ntt@example.vn"),
        Person("Phạm Minh Đức", "001088034567", "0975678904"),
        Person("Đỗ Thị Lan Anh", "001197045678", "0916789005", "lananh.do@example.vn"),
        Person("Vũ Quang Huy", "001085056789", "0987890106"),
    ],
    "hcm": [
        Person("Nguyễn Văn Tài", "079090012345", "0903123407", "tai.nguyen@example.vn"),
        Person("Trương Thị Mỹ Linh", "079194023456", "0938234508"),
        Person("Lý Hoàng Phúc", "079087034567", "0909345609", "phuc.ly@example.vn"),
        Person("Huỳnh Thị Kim Ngân", "079196045678", "0918456712", "ngan.huynh@example.vn"),
        Person("Châu Văn Lộc", "079083056789", "0977567813"),
        Person("Đặng Thị Bích Thủy", "079192067890", "0902678914"),
    ],
    "ccc": [
        Person("Hoàng Văn Bình", "001079067890", "0912456710", "binh.hoang@example.vn"),
        Person("Mai Thị Ngọc", "031191078901", "0934567811"),
    ],
}


def _principal(tenant: str, role: Role) -> Principal:
    """The demo sign-in of a role (local/seed.py), as the edge would see it."""
    units = units_for(tenant)
    unit: str | None = None
    if role is Role.SPECIALIST:
        unit = next((u.code for u in units if u.kind in (UNIT_SPECIALIST_BOARD, UNIT_DEPARTMENT)), None)
    elif role in (Role.AGENT, Role.FOCAL_OFFICER, Role.LEADER, Role.CCC_OFFICER):
        unit = next((u.code for u in units if u.kind == UNIT_CARE_DESK or u.code == "cham-soc-khach-hang"), None)
    return Principal(f"{tenant}.{role.value.replace('_', '-')}", tenant, frozenset({role.value}), unit_id=unit)


class Morning:
    """One tenant's demo: the service, the tenant's people and the clock, with the steps named as the procedure does."""

    def __init__(self, services: Any, tenant: str) -> None:
        self.requests = services.requests
        self.deadlines = services.sla
        self.now = services.clock.now()
        self.tenant = tenant
        self.agent = _principal(tenant, Role.CCC_OFFICER if tenant == "ccc" else Role.AGENT)
        self.officer = _principal(tenant, Role.CCC_OFFICER if tenant == "ccc" else Role.FOCAL_OFFICER)
        self.leader = _principal(tenant, Role.LEADER)
        self.specialist = _principal(tenant, Role.SPECIALIST)

    def intake(
        self, person: Person, channel: str, kind: str, category: str, subject: str, question: str, **extra: Any
    ) -> Request:
        """Art. 6.1 step 2 / 6.2 step 1."""
        ago: timedelta | None = extra.pop("ago", None)
        body = {"channel": channel, "kind": kind, "category": category, "subject": subject, "question": question}
        if ago is not None:
            body["received_at"] = (self.now - ago).isoformat()
        data = RequestCreate.model_validate({**body, "customer": person.ref()})
        return self.requests.intake(tenant=self.tenant, actor=self.agent, data=data, idempotency_key=None)

    def step(self, request: Request, action: Callable[..., Request], **kwargs: Any) -> Request:
        """One action at the request's current version."""
        return action(tenant=request.tenant, request_id=request.id, version=request.version, **kwargs)

    def next_working_hour(self) -> datetime:
        """The first whole hour ahead that is working time: a callback must fall in working hours (Annex 2 §1 I.3)."""
        at = self.now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        while not self.deadlines.is_working_time(at=at):
            at += timedelta(hours=1)
        return at


def seed_requests(services: Any, tenants: tuple[str, ...] = DEMO_TENANTS) -> int:
    """Write the demo requests of the given tenants; how many were made."""
    made = 0
    for tenant in tenants:
        if tenant not in PEOPLE:
            continue
        with acting_for(tenant):
            made += _province(Morning(services, tenant)) if tenant != "ccc" else _centre(Morning(services, tenant))
    return made


def _province(m: Morning) -> int:
    """A province's morning: answered calls, a callback, an escalation, letters due and overdue, drafts and ratings."""
    p = PEOPLE[m.tenant]
    s = m.requests
    answered = m.intake(
        p[0],
        "hotline",
        "information",
        "policy",
        "Chế độ thai sản khi sinh con",
        "Chị Hương hỏi điều kiện hưởng chế độ thai sản khi sinh con và mức hưởng.",
        ago=timedelta(minutes=50),
    )
    answered = m.step(
        answered,
        s.answer,
        actor=m.agent,
        knowledge_id=None,
        text="Lao động nữ sinh con được hưởng khi đã đóng BHXH từ đủ 6 tháng trở lên trong 12 tháng trước khi sinh; "
        "mức hưởng một tháng bằng 100% bình quân tiền lương tháng đóng BHXH của 6 tháng liền kề trước khi nghỉ.",
    )
    answered = m.step(answered, s.rate, actor=m.agent, satisfied=True, reason="", remedy="")
    m.step(answered, s.close, actor=m.agent)

    lookup = m.intake(
        p[1],
        "hotline",
        "status_lookup",
        "public_service",
        "Tra cứu quá trình đóng BHXH",
        "Anh Nam hỏi công ty cũ đã chốt sổ BHXH cho anh chưa.",
        ago=timedelta(minutes=35),
    )
    m.step(
        lookup, s.answer, actor=m.agent, knowledge_id=None, text="Công ty đã chốt sổ đến hết tháng 9; anh có thể xem trên VssID."
    )

    callback = m.intake(
        p[2],
        "hotline",
        "status_lookup",
        "procedure_execution",
        "Hồ sơ hưởng BHXH một lần",
        "Chị Trang hỏi hồ sơ hưởng BHXH một lần nộp qua bưu điện đã đến đâu.",
        ago=timedelta(minutes=20),
    )
    m.step(
        callback,
        s.schedule_callback,
        actor=m.agent,
        at=m.next_working_hour(),
        note="Cần kiểm tra với phòng Chế độ BHXH",
        assignee=None,
    )

    escalated = m.intake(
        p[3],
        "email",
        "complaint",
        "coordination",
        "Chưa nhận được tiền trợ cấp thất nghiệp",
        "Ông Đức phản ánh đã có quyết định hưởng trợ cấp thất nghiệp nhưng chưa nhận được tiền tháng thứ hai.",
        ago=timedelta(days=2),
    )
    units = [u.code for u in units_for(m.tenant) if u.kind == UNIT_DEPARTMENT][:2]
    m.step(escalated, s.escalate, actor=m.leader, unit_ids=units, note="Đề nghị phòng kiểm tra và trả lời trong hạn")

    overdue = m.intake(
        p[4],
        "post",
        "complaint",
        "staff_attitude",
        "Phản ánh thái độ cán bộ tiếp nhận hồ sơ",
        "Bà Lan Anh gửi thư phản ánh cán bộ bộ phận một cửa không hướng dẫn đầy đủ thủ tục cấp lại sổ BHXH.",
        ago=timedelta(days=21),
    )
    m.step(overdue, s.draft, actor=m.officer, text="Kính gửi bà Lan Anh, cơ quan BHXH đã tiếp nhận phản ánh và đang xác minh.")

    awaiting = m.intake(
        p[5],
        "web_portal",
        "information",
        "policy",
        "Điều kiện hưởng lương hưu",
        "Ông Huy 58 tuổi, đã đóng BHXH 18 năm, hỏi khi nào được nghỉ hưu và mức lương hưu.",
        ago=timedelta(days=3),
    )
    m.step(
        awaiting,
        s.draft,
        actor=m.officer,
        text="Kính gửi ông Huy,\nTheo Luật BHXH 2024, người lao động đủ tuổi nghỉ hưu và có từ đủ 15 năm đóng BHXH thì được "
        "hưởng lương hưu. Tuổi nghỉ hưu của ông được xác định theo lộ trình tại Nghị định 135/2020/NĐ-CP.",
    )

    approved = m.intake(
        p[0],
        "email",
        "information",
        "procedure_execution",
        "Cấp lại thẻ BHYT bị mất",
        "Chị Hương hỏi thủ tục cấp lại thẻ BHYT bị mất và có mất phí không.",
        ago=timedelta(days=1),
    )
    approved = m.step(
        approved,
        s.draft,
        actor=m.officer,
        text="Kính gửi chị Hương,\nChị có thể đề nghị cấp lại thẻ BHYT trực tuyến trên Cổng Dịch vụ công hoặc tại cơ quan BHXH; "
        "không mất phí. Thẻ BHYT điện tử trên VssID có giá trị sử dụng như thẻ giấy.",
    )
    m.step(approved, s.approve, actor=m.leader, draft_id=approved.drafts[-1].id, note="Đồng ý")

    unhappy = m.intake(
        p[1],
        "hotline",
        "complaint",
        "public_service",
        "Thời gian chờ tổng đài lâu",
        "Anh Nam phản ánh gọi tổng đài ba lần mới gặp được giao dịch viên.",
        ago=timedelta(hours=3),
    )
    unhappy = m.step(
        unhappy, s.answer, actor=m.agent, knowledge_id=None, text="Xin lỗi anh về thời gian chờ; đã ghi nhận phản ánh."
    )
    m.step(
        unhappy,
        s.rate,
        actor=m.agent,
        satisfied=False,
        reason="Chưa được giải thích vì sao phải chờ lâu",
        remedy="Lãnh đạo phòng gọi lại giải thích và thông báo khung giờ ít cuộc gọi",
    )

    m.intake(
        p[2],
        "fanpage",
        "information",
        "public_service",
        "Đăng ký tài khoản VssID",
        "Chị Trang nhắn fanpage hỏi cách đăng ký tài khoản VssID bằng tài khoản định danh điện tử.",
        ago=timedelta(hours=1),
    )
    return 9


def _centre(m: Morning) -> int:
    """The CCC's morning: a call answered nationally and one handed to Hà Nội's grassroots office (Art. 6.1 step 3)."""
    p = PEOPLE["ccc"]
    s = m.requests
    national = m.intake(
        p[0],
        "hotline",
        "information",
        "policy",
        "Mức đóng BHXH tự nguyện",
        "Ông Bình hỏi mức đóng BHXH tự nguyện thấp nhất và mức hỗ trợ của Nhà nước.",
        ago=timedelta(minutes=40),
    )
    m.step(
        national,
        s.answer,
        actor=m.agent,
        knowledge_id=None,
        text="Mức đóng hằng tháng bằng 22% mức thu nhập ông chọn, thấp nhất bằng chuẩn nghèo khu vực nông thôn; "
        "Nhà nước hỗ trợ một phần theo đối tượng.",
    )
    handed = m.intake(
        p[1],
        "national_portal",
        "status_lookup",
        "procedure_execution",
        "Hồ sơ chốt sổ BHXH tại Hà Nội",
        "Bà Ngọc hỏi hồ sơ chốt sổ BHXH nộp tại BHXH cơ sở ở Hà Nội đã giải quyết chưa.",
        ago=timedelta(hours=5),
    )
    m.step(handed, s.transfer, actor=m.agent, to_tenant="hanoi", to_unit="co-so-1", note="Hồ sơ do BHXH cơ sở 1 quản lý")
    return 2
