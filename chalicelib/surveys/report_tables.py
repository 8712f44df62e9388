"""Part II of the survey report as document blocks: the index, the general table, comparisons, the provinces'
ranking, the changes and the daily tally — tables and the charts drawn from the same figures. Pure.

Every figure is the estimate the results API returns (results_schemas.py): shares 0–1 in "percent" columns, which
the PDF writes with `format_percent` and the XLSX keeps as the number itself, so the page, the PDF and the workbook
show the same figures. A suppressed figure (fewer than 5 answers) is "< 5", never a number.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from chalicelib.jobs.documents import Block, Cell, Chart, Column, Heading, Paragraph, Table
from chalicelib.shared import stats
from chalicelib.shared.targets import Milestone
from chalicelib.web.charts import Bar, Point, Series, bar_chart, dot_plot, format_percent, time_series

from .comparisons import Change, Comparison, Ranked, figures_of
from .results import IndexResult, QuestionResult, Results
from .tally import SurveyTally

SUPPRESSED = "< 5"
LEVELS = {"overall": "Chung", "angle": "Khía cạnh", "factor": "Yếu tố", "criterion": "Tiêu chí"}
GROUPS_PER_TABLE = 5  # a comparison's groups side by side in one table (a national survey's 34 provinces: 7 tables)
UP, DOWN = "▲", "▼"


def pct(label: str) -> Column:
    """A share column (a number in the workbook, "80,5 %" in the PDF)."""
    return Column(label, "percent", 1)


CI = (pct("Cận dưới (95 %)"), pct("Cận trên (95 %)"))


def figures(e: stats.Estimate | None) -> list[Cell]:
    """Value, low, high of an estimate; "< 5" and blanks when suppressed or missing."""
    if e is None:
        return [None, None, None]
    if e.suppressed:
        return [SUPPRESSED, None, None]
    return [e.value, e.low, e.high]


def index_blocks(results: Results, target: Milestone) -> list[Block]:
    """The index table (criterion → factor → angle → overall) and its bars with whiskers against the year's target."""
    if not results.index:
        return [Paragraph("Bộ câu hỏi không gắn tiêu chí đánh giá nên không tính chỉ số hài lòng.", italic=True)]
    columns = [Column("Chỉ tiêu", width=44), Column("Cấp", width=10), pct("Chỉ số"), *CI, Column("Số trả lời", "int")]
    rows = [[_indented(r), LEVELS.get(r.node.level, r.node.level), *figures(r.estimate), r.estimate.n] for r in results.index]
    table = Table("Bảng 2. Chỉ số hài lòng theo tiêu chí, yếu tố, khía cạnh và chung", columns, rows, sheet="Chỉ số hài lòng")
    shown = [r for r in results.index if r.node.level != "criterion" and not r.estimate.suppressed]
    bars = [Bar(_indented(r), r.estimate.value, r.estimate.low, r.estimate.high) for r in shown]
    title = f"Chỉ số hài lòng với khoảng tin cậy 95 % (mục tiêu {target.text})"
    svg = bar_chart(bars, title=title, maximum=1.0, target=target.share, fmt=lambda v: format_percent(v, 0), label_width=220)
    data = Table(
        title, [Column("Chỉ tiêu"), pct("Chỉ số"), *CI], [[b.label, b.value, b.low, b.high] for b in bars], sheet="Biểu đồ chỉ số"
    )
    return [table, Chart(title, svg, data)]


def _indented(row: IndexResult) -> str:
    return "  " * row.depth + row.node.label


def question_tables(results: Results, first: int) -> list[Block]:
    """One table per closed question: options with count, share and interval; valid n, missing; a Likert mean."""
    blocks: list[Block] = []
    for number, q in enumerate(results.questions, start=first):
        columns = [Column("Phương án", width=36), Column("Số người chọn", "int"), pct("Tỷ lệ"), *CI]
        rows: list[list[Cell]] = [[o.label, o.count, *figures(o.share)] for o in q.options]
        blocks.append(
            Table(f"Bảng {number}. {q.question.text}", columns, rows, note=_question_note(q), sheet=f"Câu {q.question.id}")
        )
    return blocks


def _question_note(q: QuestionResult) -> str:
    from chalicelib.web.charts import format_number

    parts = [f"Số trả lời hợp lệ: {format_number(q.valid)}; không trả lời: {format_number(q.missing)}."]
    if q.question.kind == "multiple":
        parts.append("Câu hỏi nhiều lựa chọn: tổng các tỷ lệ có thể vượt 100 %.")
    if q.mean is not None:
        if q.mean.suppressed:
            parts.append(f"Điểm trung bình: {SUPPRESSED} người trả lời.")
        else:
            m = q.mean
            parts.append(
                f"Điểm trung bình (thang 1–5): {format_number(m.value, 2)} "
                f"(khoảng tin cậy 95 %: {format_number(m.low, 2)} – {format_number(m.high, 2)})."
            )
    return " ".join(parts)


def comparison_tables(comparison: Comparison, results: Results, first: int) -> list[Table]:
    """The index rows × the groups (a share and its mark per group), GROUPS_PER_TABLE groups a table."""
    groups = list(comparison.groups)
    chunks = [groups[i : i + GROUPS_PER_TABLE] for i in range(0, len(groups), GROUPS_PER_TABLE)] or [[]]
    tables = []
    for k, chunk in enumerate(chunks):
        columns = [Column("Chỉ tiêu", width=34)]
        for g in chunk:
            columns += [pct(f"{g.label} (n = {g.respondents})"), Column("", width=2)]
        tests: set[str] = set()
        rows = [list(_compared(comparison, chunk, row, tests)) for row in results.index]
        suffix = f" ({k + 1}/{len(chunks)})" if len(chunks) > 1 else ""
        title = f"Bảng {first + k}. Chỉ số hài lòng theo {comparison.label.lower()}{suffix}"
        tables.append(Table(title, columns, rows, note=_marks_note(tests), sheet=f"So sánh {comparison.label}{suffix}"))
    return tables


def _compared(comparison: Comparison, chunk: Sequence[object], row: IndexResult, tests: set[str]) -> Iterator[Cell]:
    yield _indented(row)
    groups = [g for g in comparison.groups if g in chunk]
    for g, e in zip(groups, figures_of(groups, row.node.key), strict=True):
        if g.suppressed or e is None or e.suppressed:
            yield SUPPRESSED if g.suppressed or (e is not None and e.suppressed) else None
            yield None
            continue
        yield e.value
        m = comparison.mark(g, row.node.key)
        if m is not None:
            tests.add(m.test.name)
        yield (UP if m.direction > 0 else DOWN) if m else None


def _marks_note(tests: set[str]) -> str:
    named = "; ".join(sorted(tests)) if tests else "kiểm định z hai tỷ lệ cho tiêu chí, kiểm định t Welch cho chỉ số tổng hợp"
    return (
        f"{UP}/{DOWN}: cao hơn/thấp hơn phần còn lại của mẫu, khác biệt có ý nghĩa thống kê ở mức 5 % ({named}). "
        f"«{SUPPRESSED}»: nhóm dưới 5 người trả lời, không công bố số liệu."
    )


def ranking_blocks(ranked: Sequence[Ranked], target: Milestone, number: int) -> list[Block]:
    """A national survey's provinces on the overall index: rank ranges ("3–7") and the dot plot of their intervals."""
    columns = [Column("Hạng"), Column("Tỉnh, thành phố", width=24), pct("Chỉ số chung"), *CI, Column("Số trả lời", "int")]
    rows = [[r.rank_text, r.label, *figures(r.estimate), r.estimate.n if r.estimate else None] for r in ranked]
    note = (
        "Hạng ghi một khoảng (ví dụ «3–7») khi khoảng tin cậy của tỉnh chồng lên khoảng tin cậy của các tỉnh khác: "
        "không gọi một tỉnh là đứng cuối khi khoảng tin cậy của nó chồng lên tỉnh kế tiếp."
    )
    table = Table(
        f"Bảng {number}. Xếp hạng các tỉnh, thành phố theo chỉ số hài lòng chung", columns, rows, note=note, sheet="Xếp hạng tỉnh"
    )
    points = [
        Point(r.label, r.estimate.value, r.estimate.low, r.estimate.high, f"hạng {r.rank_text}")
        for r in ranked
        if r.estimate is not None and not r.estimate.suppressed
    ]
    title = "Chỉ số hài lòng chung của các tỉnh, thành phố với khoảng tin cậy 95 %"
    svg = dot_plot(points, title=title, maximum=1.0, target=target.share, fmt=lambda v: format_percent(v, 0))
    return [table, Chart(title, svg)]


def change_table(changes: Sequence[Change], against: str, number: int) -> Table:
    """Each figure then and now, the change in points with its interval and the agency's wording."""
    columns = [Column("Chỉ tiêu", width=34), pct(against), pct("Đợt này"), pct("Thay đổi"), *CI, Column("Diễn giải", width=20)]
    rows: list[list[Cell]] = [
        [c.label, c.before.value, c.after.value, c.difference.value, c.difference.low, c.difference.high,
         c.text + ("" if c.significant else " (không có ý nghĩa thống kê)")]
        for c in changes
    ]  # fmt: skip
    note = "Khoảng tin cậy của thay đổi: phương pháp Newcombe (lai điểm Wilson); thay đổi có ý nghĩa khi khoảng không chứa 0."
    return Table(f"Bảng {number}. So sánh với {against.lower()}", columns, rows, note=note, sheet="So sánh đợt trước")


def tally_chart(tally: SurveyTally) -> Chart | None:
    """The tally over time: invited and completed, running totals by day, against the planned sample."""
    from .tally_pages import CHART_TITLE

    days, series = tally.daily(("invited", "completed"))
    if not days:
        return None
    lines = [Series("Đã mời", series["invited"]), Series("Hoàn thành", series["completed"])]
    svg = time_series(days, lines, title=CHART_TITLE, target=tally.overall["planned"], target_label="Kế hoạch")
    rows: list[list[Cell]] = [[d, i, c] for d, i, c in zip(days, series["invited"], series["completed"], strict=True)]
    data = Table(
        "Số liệu theo ngày",
        [Column("Ngày", "date"), Column("Đã mời (lũy kế)", "int"), Column("Hoàn thành (lũy kế)", "int")],
        rows,
        sheet="Tiến độ theo ngày",
    )
    return Chart(CHART_TITLE, svg, data)


def heading(text: str) -> Heading:
    """A part II section heading."""
    return Heading(text, 2)
