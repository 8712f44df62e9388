"""The results pages' figures written the Vietnamese way, from the API's own read models (results_schemas.py), so a
page shows exactly what `/api/surveys/{id}/results…` returns: shares `80,5 %`, means `4,12`, intervals, "< 5 người
trả lời" where a figure rests on too few answers, ▲/▼ marks, and the SVG charts (web/charts.py). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.shared.targets import SATISFACTION, Milestone, in_force
from chalicelib.web.charts import Bar, Point, bar_chart, data_table, dot_plot, format_number, format_percent

from .results_schemas import (
    ChangesRead,
    ComparisonRead,
    EstimateRead,
    IndexRowRead,
    QuestionResultRead,
    RankingRead,
    ResultsRead,
)

FEW = "< 5 người trả lời"
LEVELS = {"overall": "Chung", "angle": "Góc độ", "factor": "Yếu tố", "criterion": "Tiêu chí"}
UP, DOWN = "▲", "▼"


def share(e: EstimateRead | None) -> str:
    """A share as a percentage, or why there is none."""
    if e is None:
        return "—"
    return FEW if e.suppressed or e.value is None else format_percent(e.value)


def share_interval(e: EstimateRead | None) -> str:
    """A share's 95 % interval ("76,2 – 84,1 %")."""
    if e is None or e.suppressed or e.low is None or e.high is None:
        return "—"
    return f"{format_number(e.low * 100, 1)} – {format_percent(e.high)}"


def mean(e: EstimateRead | None) -> str:
    """A mean of a 1–5 scale ("4,12")."""
    if e is None:
        return "—"
    return FEW if e.suppressed or e.value is None else format_number(e.value, 2)


def mean_interval(e: EstimateRead | None) -> str:
    """A mean's 95 % interval ("3,98 – 4,26")."""
    if e is None or e.suppressed or e.low is None or e.high is None:
        return "—"
    return f"{format_number(e.low, 2)} – {format_number(e.high, 2)}"


def margin_text(margin: float | None) -> str:
    """The sample's margin of error: "±3,1 điểm %"."""
    return "—" if margin is None else f"±{format_number(margin * 100, 1)} điểm %"


@dataclass(frozen=True)
class IndexLine:
    """One row of the index table."""

    key: str
    level: str
    label: str
    depth: int
    value: str
    interval: str
    n: str


def index_lines(rows: Sequence[IndexRowRead]) -> list[IndexLine]:
    """The index table: overall, angles, factors, criteria (indented by depth)."""
    return [
        IndexLine(
            r.key,
            LEVELS.get(r.level, r.level),
            r.label,
            r.depth,
            share(r.estimate),
            share_interval(r.estimate),
            format_number(r.estimate.n),
        )
        for r in rows
    ]


def target_of(year: int) -> Milestone:
    """The satisfaction target the year is held against."""
    return in_force(SATISFACTION, year)


def index_chart(rows: Sequence[IndexRowRead], *, year: int) -> str:
    """Bars of the overall index and the angles with their whiskers and the year's target line ("" with no figure)."""
    shown = [r for r in rows if r.depth <= 1 and not r.estimate.suppressed and r.estimate.value is not None]
    if not shown:
        return ""
    target = target_of(year)
    bars = [Bar(r.label, r.estimate.value or 0.0, r.estimate.low, r.estimate.high) for r in shown]
    return bar_chart(
        bars,
        title="Chỉ số hài lòng và khoảng tin cậy 95 %",
        maximum=1.0,
        target=target.share,
        target_label=f"Mục tiêu năm {target.year}",
        fmt=_percent,
        label_width=230,
        description=f"Mục tiêu {target.text} đến năm {target.year}",
    )


@dataclass(frozen=True)
class OptionLine:
    """One option of a closed question."""

    label: str
    count: str
    share: str
    interval: str


@dataclass(frozen=True)
class QuestionBlock:
    """A closed question of the general table."""

    id: str
    text: str
    valid: str
    missing: str
    options: list[OptionLine]
    mean: str
    mean_interval: str
    satisfied: str
    multiple: bool


def question_block(q: QuestionResultRead) -> QuestionBlock:
    """A closed question's options with count, %, interval; valid n, missing, and a Likert question's mean."""
    return QuestionBlock(
        q.id,
        q.text,
        format_number(q.valid),
        format_number(q.missing),
        [OptionLine(o.label, format_number(o.count), share(o.share), share_interval(o.share)) for o in q.options],
        mean(q.mean) if q.mean else "",
        mean_interval(q.mean) if q.mean else "",
        share(q.satisfied) if q.satisfied else "",
        q.kind == "multiple",
    )


def sections(read: ResultsRead) -> list[tuple[str, list[QuestionBlock]]]:
    """The general table's questions under their sections, in the questionnaire's order."""
    found: list[tuple[str, list[QuestionBlock]]] = []
    for q in read.questions:
        if not found or found[-1][0] != q.section:
            found.append((q.section, []))
        found[-1][1].append(question_block(q))
    return found


@dataclass(frozen=True)
class Cell:
    """One figure of a comparison: the text, its mark (▲/▼ or "") and the test behind a mark."""

    text: str
    mark: str
    test: str


@dataclass(frozen=True)
class ComparisonView:
    """A comparison's header and rows (index rows × groups) and each question's χ²."""

    label: str
    groups: list[tuple[str, str]]  # (label, respondents or "< 5")
    rows: list[tuple[str, int, list[Cell]]]  # (label, depth in the index, a cell per group)
    questions: list[tuple[str, str]]  # (question text, its χ² footnote)
    tests: list[str]  # the tests that marked something, named


def comparison_view(read: ComparisonRead, depths: dict[str, int]) -> ComparisonView:
    """Index rows across the groups, suppressed groups "< 5", each mark with its test."""
    groups = [(g.label, "< 5" if g.suppressed else format_number(g.respondents)) for g in read.groups]
    rows, used = [], set()
    for row in read.index:
        cells = []
        for f in row.figures:
            mark = UP if f.mark > 0 else DOWN if f.mark < 0 else ""
            name = f.test.name if f.test and mark else ""
            if name:
                used.add(name)
            cells.append(Cell(share(f.estimate) if f.estimate else "< 5", mark, name))
        rows.append((row.label, depths.get(row.key, 0), cells))
    questions = []
    for q in read.questions:
        if q.test is None:
            continue
        verdict = "khác biệt có ý nghĩa" if q.test.significant else "không khác biệt có ý nghĩa"
        footnote = (
            f"χ² = {format_number(q.test.statistic, 2)}, bậc tự do {format_number(q.test.df)}, "
            f"p = {format_number(q.test.p_value, 3)}: {verdict}"
        )
        questions.append((q.text, footnote))
    return ComparisonView(read.label, groups, rows, questions, sorted(used))


@dataclass(frozen=True)
class ChangeLine:
    """One change: before, after, the change with its interval and the wording, and whether it is significant."""

    label: str
    before: str
    after: str
    interval: str
    text: str
    significant: bool


def change_lines(read: ChangesRead) -> list[ChangeLine]:
    """The changes as the agency reports them ("tăng 2,03 điểm")."""
    lines = []
    for c in read.items:
        d = c.change
        interval = "—"
        if d.low is not None and d.high is not None:
            interval = f"{format_number(d.low * 100, 2)} đến {format_number(d.high * 100, 2)} điểm"
        lines.append(ChangeLine(c.label, share(c.before), share(c.after), interval, c.text, c.significant))
    return lines


@dataclass(frozen=True)
class RankLine:
    """A province's row of the ranking."""

    label: str
    value: str
    interval: str
    n: str
    rank: str


def ranking_view(read: RankingRead, *, year: int) -> tuple[list[RankLine], str, str]:
    """The ranking's rows, its dot plot and the figures behind it (the rank range, never "last" on an overlap)."""
    lines = [
        RankLine(
            r.label,
            share(r.estimate),
            share_interval(r.estimate),
            format_number(r.estimate.n) if r.estimate else "< 5",
            r.rank,
        )
        for r in read.items
    ]
    points = [p for r in read.items if (p := _point(r.label, r.estimate, r.rank)) is not None]
    if not points:
        return lines, "", ""
    target = target_of(year)
    chart = dot_plot(
        points,
        title="Các tỉnh theo chỉ số hài lòng, khoảng tin cậy 95 %",
        maximum=1.0,
        target=target.share,
        target_label=f"Mục tiêu năm {target.year}",
        fmt=_percent,
    )
    figures = data_table(
        ("Tỉnh, thành phố", "Chỉ số", "Khoảng tin cậy 95 %", "Hạng có thể"),
        [(x.label, x.value, x.interval, x.rank) for x in lines],
        caption="Số liệu của biểu đồ",
    )
    return lines, chart, figures


def _point(label: str, e: EstimateRead | None, rank: str) -> Point | None:
    if e is None or e.suppressed or e.value is None or e.low is None or e.high is None:
        return None
    return Point(label, e.value, e.low, e.high, note=f"hạng {rank}")


def _percent(value: float) -> str:
    """A chart's share: whole percentages without decimals (the axis, the target), others with one."""
    whole = abs(value * 100 - round(value * 100)) < 1e-9
    return format_percent(value, 0 if whole else 1)
