"""The tally on a page: figures written the Vietnamese way for `tally_table.html`, and the daily chart (web/charts.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from chalicelib.web.charts import Series, data_table, format_number, format_percent, time_series

from .tally import SurveyTally, Tally

#: Column headings of the tally table, in its order (the page's and the exports' wording).
HEADINGS = (
    "Nhóm mẫu",
    "Kế hoạch",
    "Đã mời",
    "Đã nhận",
    "Đã mở",
    "Đang trả lời",
    "Hoàn thành",
    "Từ chối/Không liên lạc được",
    "Thay thế",
    "Tỉ lệ phản hồi RR1",
    "Tỉ lệ phản hồi RR3",
)
OVERALL_LABEL = "Tổng cộng"
CHART_TITLE = "Tiến độ khảo sát theo ngày: đã mời và hoàn thành so với kế hoạch"


def stratum_label(stratum: str) -> str:
    """A stratum key (`hanoi|hotline|nld`) as a reader sees it when the caller has no better name."""
    return "Toàn bộ mẫu" if stratum == "all" else stratum.replace("|", " · ")


def _rate(value: float | None) -> str:
    return "—" if value is None else format_percent(value)


@dataclass(frozen=True)
class TallyRow:
    """One row of the table: the label and its cells, already formatted."""

    label: str
    cells: tuple[str, ...]


def _row(label: str, t: Tally) -> TallyRow:
    n = format_number
    return TallyRow(
        label,
        (
            n(t["planned"]),
            n(t["invited"]),
            n(t["delivered"]),
            n(t["opened"]),
            n(t["aapor_P"]),  # started and neither completed nor refused: still answering
            n(t["completed"]),
            f"{n(t['refused'])} / {n(t['unreachable'])}",
            n(t["replaced"]),
            _rate(t.rr1),
            _rate(t.rr3),
        ),
    )


@dataclass(frozen=True)
class TallyView:
    """What the `tally_table` macro draws: rows per stratum, the overall row, the chart and its figures."""

    headings: tuple[str, ...]
    rows: list[TallyRow]
    overall: TallyRow
    chart: str  # SVG, escaped
    chart_table: str  # HTML, escaped


def tally_view(tally: SurveyTally, *, today: date, label: Callable[[str], str] = stratum_label) -> TallyView:
    """The tally of a survey (or of the parts a reader may see) as the page shows it, the series running to today."""
    rows = [_row(label(t.stratum), t) for t in sorted(tally.strata, key=lambda t: label(t.stratum))]
    overall = tally.overall
    days, series = tally.daily(("invited", "completed"), through=today)
    chart, figures = "", ""
    if days:
        lines = [Series("Đã mời", series["invited"]), Series("Hoàn thành", series["completed"])]
        chart = time_series(days, lines, title=CHART_TITLE, target=overall["planned"], target_label="Kế hoạch")
        figures = data_table(
            ("Ngày", "Đã mời (lũy kế)", "Hoàn thành (lũy kế)"),
            [
                (d.strftime("%d/%m/%Y"), format_number(i), format_number(c))
                for d, i, c in zip(days, series["invited"], series["completed"], strict=True)
            ],
            caption="Số liệu theo ngày",
        )
    return TallyView(HEADINGS, rows, _row(OVERALL_LABEL, overall), chart, figures)
