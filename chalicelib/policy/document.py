"""The policy report as a document an office can file (chalicelib/jobs/documents.py: one model, PDF and XLSX).

I. the figures of the five groups of Art. 14 step 2 (the indicators of figures.py, the statistics' own); II. the
typical questions of each group with the number of requests and the evidence behind each; III. the
recommendations, per group and overall (a national report quotes each office's under its name) and, for a national
report, the offices without an approved report. The heading block names the office; an approved report is dated
the day it was approved and signed by the leader who approved it.
"""

from __future__ import annotations

from datetime import date

from chalicelib.jobs.documents import Block, Cell, Column, Document, Heading, Issuer, Paragraph, Signature, Table
from chalicelib.shared.clock import format_datetime, to_local
from chalicelib.tenancy.catalog import KIND_CENTRAL, TENANT_BY_CODE

from .domain import CATEGORIES, OVERALL, Counts, PolicyReport
from .figures import shown
from .messages import CATEGORY_LABELS
from .service import range_label

ROMAN = ("1", "2", "3", "4", "5")
FIGURE_COLUMNS = (
    Column("Nhóm thông tin", width=44),
    Column("Tiếp nhận", "int"),
    Column("Đã trả lời", "int"),
    Column("Trả lời đúng hạn", "percent"),
    Column("Hỗ trợ tức thời", "percent"),
    Column("Hài lòng", "percent"),
    Column("Trung vị (ngày làm việc)", "number", decimals=0),
)


def issuer_of(report: PolicyReport, *, today: date) -> Issuer:
    """The office's heading block, dated the approval day once approved, else today."""
    spec = TENANT_BY_CODE.get(report.tenant)
    unit = spec.name.upper() if spec else report.tenant
    place = "Hà Nội" if spec is None or spec.kind == KIND_CENTRAL else spec.short_name
    decided = report.approval.decided_at if report.is_final else None
    return Issuer(unit=unit, place=place, day=to_local(decided).date() if decided else today)


def build(report: PolicyReport, counts: dict[str, Counts], *, today: date) -> Document:
    """The report's document, from its counts (frozen once approved)."""
    year = report.start.year
    rows: list[list[Cell]] = []
    for section in (*CATEGORIES, OVERALL):
        values = [s.value for s in shown(counts.get(section, {}), year=year)]
        rows.append([CATEGORY_LABELS.get(section, "Tổng cộng"), *values])
    source = (
        f"Số liệu đã chốt khi phê duyệt lúc {format_datetime(report.frozen_at)}."
        if report.frozen_at and report.kind != "national"
        else "Số liệu cộng từ các báo cáo đã được phê duyệt của các đơn vị."
        if report.kind == "national"
        else "Số liệu tạm tính tại thời điểm xuất, từ bộ đếm thống kê."
    )
    blocks: list[Block] = [
        Heading("I. TỔNG HỢP THÔNG TIN TIẾP NHẬN"),
        Paragraph(f"Kỳ báo cáo: {range_label(report)}. {source}", italic=True),
        Table("Số liệu theo nhóm thông tin", FIGURE_COLUMNS, rows, sheet="Số liệu"),
        Heading("II. PHÂN TÍCH THÔNG TIN: CÂU HỎI ĐIỂN HÌNH"),
    ]
    for n, category in enumerate(CATEGORIES):
        blocks.append(Heading(f"{ROMAN[n]}. {CATEGORY_LABELS[category]}", level=2))
        items = report.typical.get(category, [])
        if not items:
            blocks.append(Paragraph("Không có yêu cầu trong kỳ.", italic=True))
            continue
        typical_rows: list[list[Cell]] = [
            [i, t.label, t.count, ", ".join(t.knowledge) or "", ", ".join(r.split("/", 1)[1] for r in t.requests)]
            for i, t in enumerate(items, start=1)
        ]
        columns = (Column("STT", "int", width=5), Column("Câu hỏi", width=50), Column("Số yêu cầu", "int"),
                   Column("Hỏi đáp liên quan"), Column("Yêu cầu làm bằng chứng"))  # fmt: skip
        blocks.append(
            Table(f"Câu hỏi điển hình — {CATEGORY_LABELS[category]}", columns, typical_rows, sheet=f"Câu hỏi nhóm {n + 1}")
        )
    blocks.append(Heading("III. KIẾN NGHỊ"))
    for n, section in enumerate((*CATEGORIES, OVERALL)):
        label = CATEGORY_LABELS.get(section, "Kiến nghị chung")
        blocks.append(Heading(f"{n + 1}. {label}", level=2))
        text = report.recommendations.get(section, "")
        blocks.append(Paragraph(text) if text else Paragraph("Không có kiến nghị.", italic=True))
        for quote in report.quotes.get(section, []):
            blocks.append(Paragraph(f"{quote.name}: “{quote.text}”", italic=True))
    if report.kind == "national":
        missing = [[s.name] for s in report.sources if s.report_id is None]
        blocks.append(Heading("IV. CÁC ĐƠN VỊ CHƯA CÓ BÁO CÁO ĐƯỢC PHÊ DUYỆT"))
        blocks.append(Table("Đơn vị chưa có báo cáo", (Column("Đơn vị", width=50),), missing, sheet="Chưa báo cáo"))
    decider = next((s for s in reversed(report.approval.history) if s.action == "approve"), None) if report.is_final else None
    return Document(
        title="BÁO CÁO",
        subtitle=subtitle_of(report),
        issuer=issuer_of(report, today=today),
        blocks=blocks,
        signature=Signature("LÃNH ĐẠO PHỤ TRÁCH", decider.name if decider else ""),
        recipients=_recipients(report),
    )


def subtitle_of(report: PolicyReport) -> str:
    """The line under "BÁO CÁO": what is reported on, and when."""
    what = "tổ chức thực hiện chính sách BHXH, BHTN, BHYT"
    if report.kind == "ad_hoc":
        return f"{report.title} ({what}, {range_label(report)})"
    prefix = "Tổng hợp toàn quốc về " if report.kind == "national" else "Tình hình "
    return f"{prefix}{what} {range_label(report)}"


def _recipients(report: PolicyReport) -> tuple[str, ...]:
    if report.tenant == "ccc":
        return ("Lãnh đạo Ngành BHXH Việt Nam (để báo cáo);", "Lưu: VT, TTCSKH.")
    return ("Trung tâm Chăm sóc khách hàng (để tổng hợp);", "Lưu: VT.")
