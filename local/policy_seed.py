"""`make run`'s policy-implementation reports (Decision 681 Art. 14–15), written through `PolicyReports` as an office's
focal officer and leader would: for each office of the demo year, the month before last and the last quarter
approved (frozen, their archive job queued for the worker), the last month approved too — submitted and waiting in
the leader's inbox at Hà Nội, a draft at TP Hồ Chí Minh — and the CCC's national report of the month before last
consolidated and approved, of the last month consolidated as a draft that lists the offices still missing.

It runs after the demo year, since a report's counts and typical questions are the period's requests; the typical
questions job runs here, as the worker would.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from chalicelib.jobs.domain import Viewer
from chalicelib.reports.periods import Period
from chalicelib.shared.clock import to_local
from chalicelib.shared.permissions import CENTRAL_TENANT, Role
from chalicelib.shared.tenancy import Principal, acting_for, allow_national_reads

from .demo_requests import _principal

TYPICAL_JOB = "policy-typical"
SUBMITTED_ONLY, DRAFT_ONLY = "hanoi", "hcm"  # the last month's report waits for its leader / is still being written
TEXTS = {
    "overall": (
        "Đề nghị tiếp tục tuyên truyền, hướng dẫn chính sách BHXH tự nguyện và BHYT hộ gia đình qua tổng đài và Cổng "
        "Dịch vụ công; rà soát các thủ tục có nhiều câu hỏi lặp lại để bổ sung vào ngân hàng hỏi đáp."
    ),
    "policy": "Nhiều câu hỏi về điều kiện hưởng lương hưu và chế độ thai sản: đề nghị bổ sung hướng dẫn ngắn trên trang thông tin.",
    "procedure_execution": "Một số hồ sơ trợ cấp thất nghiệp giải quyết chậm: đề nghị phối hợp với Sở Nội vụ rút ngắn thời gian luân chuyển.",
    "staff_attitude": "Ghi nhận phản ánh về thái độ tiếp đón tại bộ phận một cửa; đã nhắc nhở và tổ chức tập huấn kỹ năng giao tiếp.",
}


def seed_policy(c: Any, offices: Sequence[str], *, today: date | None = None) -> str:
    """The demo's policy reports for `offices` (the CCC's national ones when it is among them), as a console line."""
    started = time.perf_counter()
    today = today or to_local(datetime.now(UTC)).date()
    last = Period.month(today).previous()
    before, quarter = last.previous(), Period.quarter(today).previous()
    provinces = [o for o in offices if o != CENTRAL_TENANT]
    written = 0
    for office in [*provinces, *([CENTRAL_TENANT] if CENTRAL_TENANT in offices else [])]:
        officer = _principal(office, Role.CCC_OFFICER if office == CENTRAL_TENANT else Role.FOCAL_OFFICER)
        leader = _principal(office, Role.LEADER)
        with acting_for(office):
            for period in (before, quarter, last):
                state = "draft" if (office, period) == (DRAFT_ONLY, last) else "approved"
                state = "submitted" if (office, period) == (SUBMITTED_ONLY, last) else state
                _regular(c, office, period, officer, leader, state)
                written += 1
    if CENTRAL_TENANT in offices:
        officer, leader = _principal(CENTRAL_TENANT, Role.CCC_OFFICER), _principal(CENTRAL_TENANT, Role.LEADER)
        with acting_for(CENTRAL_TENANT):
            allow_national_reads()
            for period, state in ((before, "approved"), (last, "draft")):
                report = c.policy_reports.create_national(tenant=CENTRAL_TENANT, actor=officer, period=period.text)
                _finish(c, report, officer, leader, state)
                written += 1
    return f"Demo policy reports: {written} of {', '.join(offices)} in {time.perf_counter() - started:.1f} s."


def _regular(c: Any, office: str, period: Period, officer: Principal, leader: Principal, state: str) -> None:
    report = c.policy_reports.create_regular(tenant=office, actor=officer, period=period.text)
    for job in c.jobs.list(tenant=office, viewer=Viewer(officer.login), kind=TYPICAL_JOB, mine=True):
        if job.params.get("report_id") == report.id and job.status == "queued":
            c.jobs.run(tenant=office, job_id=job.id)  # the typical questions, as the worker would
    _finish(c, c.policy_reports.get(tenant=office, report_id=report.id), officer, leader, state)


def _finish(c: Any, report: Any, officer: Principal, leader: Principal, state: str) -> None:
    """Recommendations written; then submitted and, for an approved one, approved by the leader."""
    reports, tenant = c.policy_reports, report.tenant
    report = reports.edit(tenant=tenant, report_id=report.id, actor=officer, texts=TEXTS, version=report.version)
    if state == "draft":
        return
    note = "Kính trình lãnh đạo xem xét, phê duyệt."
    report = reports.submit(tenant=tenant, report_id=report.id, actor=officer, note=note, version=report.version)
    if state == "approved":
        reports.approve(tenant=tenant, report_id=report.id, actor=leader, note="Đồng ý.", version=report.version)
