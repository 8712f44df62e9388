"""The survey report as a document (Decision 681 Art. 8 step 4): three parts, written as PDF or XLSX. Pure.

I overview, purpose and method — the plan, the sample design, counts issued/returned/valid, response rates (AAPOR
RR1, RR3) and the margin of error; II process and results — the tally over time, the index, the general table,
the comparisons, a national survey's ranking and the change against the previous round (report_tables.py); III
conclusions and recommendations — the owner's text, or a line saying it is not written yet. The heading block
names the owner office (the CCC, or a province for its own survey) and the approval day, else the day it is made.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from chalicelib.jobs.documents import Block, Cell, Column, Document, Heading, Issuer, Paragraph, Signature, Table
from chalicelib.shared.clock import to_local
from chalicelib.shared.targets import SATISFACTION, in_force
from chalicelib.web.charts import format_number, format_percent

from . import report_tables as t
from .analysis import RoundResults
from .comparisons import DIMENSIONS, Change, Comparison, Ranked
from .domain import Survey
from .messages import KIND_LABELS, METHOD_LABELS, ROUND_KIND_LABELS, stratum_name
from .report import Report
from .tally import SurveyTally

TITLE = "BÁO CÁO KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG"
NOT_WRITTEN = "Phần kết luận và kiến nghị chưa được viết."
RECIPIENTS = ("Như trên;", "Lãnh đạo đơn vị;", "Lưu: VT.")


def issuer_of(survey: Survey, *, today: date) -> Issuer:
    """The owner office's heading block, dated the approval day when the report is approved, else today."""
    from chalicelib.tenancy.catalog import KIND_CENTRAL, TENANT_BY_CODE

    spec = TENANT_BY_CODE.get(survey.owner)
    unit = spec.name.upper() if spec else survey.owner
    place = "Hà Nội" if spec is None or spec.kind == KIND_CENTRAL else spec.short_name
    approval = survey.report.approval if survey.report else None
    decided = approval.decided_at if approval is not None and approval.status == "approved" else None
    return Issuer(unit=unit, place=place, day=to_local(decided).date() if decided else today)


def build(
    found: RoundResults,
    *,
    tally: SurveyTally,
    comparisons: Sequence[Comparison],
    ranking: Sequence[Ranked],
    changes: Sequence[Change],
    against: str,
    report: Report | None,
    issuer: Issuer,
) -> Document:
    """The three-part report of a round; `against` names the previous round the changes compare with."""
    year = issuer.day.year if issuer.day else found.round.opened_at.year if found.round.opened_at else 2025
    blocks: list[Block] = [*part_one(found, tally), *part_two(found, tally, comparisons, ranking, changes, against, year)]
    blocks += part_three(report)
    plan = found.survey.plan
    subtitle = f"{plan.title} — đợt {found.round.number} ({ROUND_KIND_LABELS.get(found.round.kind, found.round.kind).lower()})"
    return Document(TITLE, subtitle, issuer, blocks, Signature("THỦ TRƯỞNG ĐƠN VỊ"), RECIPIENTS)


def part_one(found: RoundResults, tally: SurveyTally) -> list[Block]:
    """I. The overview, purpose and method."""
    survey, rnd, results = found.survey, found.round, found.results
    plan, design = survey.plan, rnd.design
    overall = tally.overall
    period = f"{plan.period_start.strftime('%d/%m/%Y')} – {plan.period_end.strftime('%d/%m/%Y')}"
    methods = ", ".join(METHOD_LABELS.get(m, m) for m in plan.methods).lower()
    lines = [
        f"Loại khảo sát: {KIND_LABELS.get(plan.kind, plan.kind).lower()}. Thời gian thực hiện theo kế hoạch: {period}.",
        f"Đơn vị chủ trì: {plan.lead_unit}. Hình thức: {methods}.",
    ]
    if plan.target_groups:
        lines.append("Đối tượng khảo sát: " + "; ".join(plan.target_groups) + ".")
    if survey.national:
        lines.append(f"Khảo sát toàn quốc tại {format_number(len(plan.provinces))} tỉnh, thành phố.")
    if survey.settings.anonymous:
        lines.append("Khảo sát ẩn danh: phiếu trả lời không gắn với người được khảo sát.")
    strata = ", ".join(DIMENSIONS.get(d, d).lower() for d in design.strata)
    drawn = f"phân tầng theo {strata}" if strata else "ngẫu nhiên đơn giản (không phân tầng)"
    sample = (
        f"Mẫu được chọn từ khung chọn mẫu, {drawn}. Cỡ mẫu: {format_number(rnd.planned)} người "
        f"(dự phòng {format_number(sum(design.reserves.values()))}); {format_number(design.excluded_recent)} người "
        "đã được khảo sát gần đây nên không đưa vào khung."
    )
    if design.method:
        sample += f" Cách tính cỡ mẫu: {design.method}."
    rates = (
        f"Số phiếu phát ra: {format_number(overall['invited'])}; thu về: {format_number(overall['completed'])}; "
        f"hợp lệ: {format_number(results.respondents)}. Tỷ lệ phản hồi RR1: {_rate(overall.rr1)}, RR3: {_rate(overall.rr3)} "
        "(chuẩn AAPOR)."
    )
    margin = (
        f"Sai số chọn mẫu (độ tin cậy 95 %, p = 0,5): ± {format_percent(results.margin)}."
        if results.margin is not None
        else "Chưa có phiếu hợp lệ nên chưa tính sai số chọn mẫu."
    )
    return [
        Heading("I. TỔNG QUAN, MỤC ĐÍCH VÀ PHƯƠNG PHÁP KHẢO SÁT"),
        t.heading("1. Mục đích"),
        Paragraph(plan.purpose),
        t.heading("2. Kế hoạch khảo sát"),
        Paragraph("\n".join(lines)),
        t.heading("3. Thiết kế mẫu và số phiếu"),
        Paragraph(sample),
        Paragraph(rates),
        Paragraph(margin),
        _counts_table(found, tally),
    ]


def _rate(value: float | None) -> str:
    return "—" if value is None else format_percent(value)


def _counts_table(found: RoundResults, tally: SurveyTally) -> Table:
    valid = {s: c.respondents for s, (_, c) in found.source.strata().items()}
    columns = [
        Column("Nhóm mẫu", width=28),
        Column("Người trong khung", "int"),
        Column("Kế hoạch", "int"),
        Column("Phát ra", "int"),
        Column("Thu về", "int"),
        Column("Hợp lệ", "int"),
        t.pct("RR1"),
        t.pct("RR3"),
    ]
    population = found.round.design.population
    rows: list[list[Cell]] = [
        [stratum_name(s.stratum), population.get(s.stratum), s["planned"], s["invited"], s["completed"],
         valid.get(s.stratum, 0), s.rr1, s.rr3]
        for s in sorted(tally.strata, key=lambda s: stratum_name(s.stratum))
    ]  # fmt: skip
    o = tally.overall
    rows.append(
        ["Tổng cộng", sum(population.values()) or None, o["planned"], o["invited"], o["completed"],
         found.results.respondents, o.rr1, o.rr3]
    )  # fmt: skip
    return Table("Bảng 1. Số phiếu phát ra, thu về, hợp lệ và tỷ lệ phản hồi theo nhóm mẫu", columns, rows, sheet="Số phiếu")


def part_two(
    found: RoundResults,
    tally: SurveyTally,
    comparisons: Sequence[Comparison],
    ranking: Sequence[Ranked],
    changes: Sequence[Change],
    against: str,
    year: int,
) -> list[Block]:
    """II. The process and the results: tally, index, questions, comparisons, ranking, changes, open questions."""
    results = found.results
    target = in_force(SATISFACTION, year)
    blocks: list[Block] = [Heading("II. QUÁ TRÌNH VÀ KẾT QUẢ KHẢO SÁT"), t.heading("1. Quá trình khảo sát")]
    chart = t.tally_chart(tally)
    blocks.append(chart if chart else Paragraph("Chưa có số liệu tiến độ theo ngày.", italic=True))
    blocks += [t.heading("2. Chỉ số hài lòng"), *t.index_blocks(results, target)]
    if results.overall is not None and not results.overall.suppressed:
        verdict = "đạt" if target.met(results.overall.value) else "chưa đạt"
        blocks.append(
            Paragraph(
                f"Chỉ số hài lòng chung {format_percent(results.overall.value)}: {verdict} mục tiêu {target.text} năm {target.year}."
            )
        )
    blocks += [t.heading("3. Kết quả theo từng câu hỏi"), *t.question_tables(results, 3)]
    number = 3 + len(results.questions)
    section = 4
    if comparisons and results.index:
        blocks.append(t.heading(f"{section}. So sánh giữa các nhóm"))
        for c in comparisons:
            tables = t.comparison_tables(c, results, number)
            blocks += tables
            number += len(tables)
        section += 1
    if ranking:
        blocks += [t.heading(f"{section}. Xếp hạng các tỉnh, thành phố"), *t.ranking_blocks(ranking, target, number)]
        number, section = number + 1, section + 1
    if changes:
        blocks += [t.heading(f"{section}. So sánh với {against.lower()}"), t.change_table(changes, against, number)]
        section += 1
    if results.open_questions:
        listed = "\n".join(f"«{q.text}»: {format_number(n)} người trả lời." for q, n in results.open_questions)
        blocks += [t.heading(f"{section}. Câu hỏi mở"), Paragraph(listed)]
    return blocks


def part_three(report: Report | None) -> list[Block]:
    """III. The conclusions and recommendations the owner wrote."""
    blocks: list[Block] = [Heading("III. KẾT LUẬN VÀ KIẾN NGHỊ")]
    if report is None or not (report.conclusions.strip() or report.recommendations.strip()):
        return [*blocks, Paragraph(NOT_WRITTEN, italic=True)]
    return [
        *blocks,
        t.heading("1. Kết luận"),
        Paragraph(report.conclusions or "—"),
        t.heading("2. Kiến nghị"),
        Paragraph(report.recommendations or "—"),
    ]
