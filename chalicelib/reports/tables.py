"""The statistics' tables, built once for the page and the exports (pure): every value is an indicator's own
(indicators.py) on the counters the read service returned, never recomputed here.

A `StatTable` holds real values (a share 0–1, a count, working days) with the link to the requests behind a count;
the page writes each cell with `documents.cell_text` (1.234; 80,5 %), the workbook keeps the numbers, the PDF
prints the same text. The page's extra words (▲/▼ with the points) are a cell's `text`, which a file leaves out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from chalicelib.jobs.documents import Cell, Column, Kind, Table, cell_text
from chalicelib.requests.messages import CATEGORIES, CHANNELS, KINDS

from .indicators import BY_KEY, COUNT, SHARE, WORKING_DAYS, Figures, Indicator
from .service import LeagueRow, SeriesPoint, TransferRow

Link = Callable[[str, str], str | None]  # (dimension, value) → the requests behind a figure, or None
KPI_KEYS = ("instant_rate", "satisfaction_rate")
DIMENSION_TITLES = {
    "channel": ("Theo kênh tiếp nhận", "Kênh", CHANNELS),
    "kind": ("Theo loại yêu cầu", "Loại yêu cầu", KINDS),
    "category": ("Theo nhóm nội dung (Điều 14 QĐ 681)", "Nhóm nội dung", CATEGORIES),
    "unit": ("Theo đơn vị xử lý", "Đơn vị", {}),
}
# The dimension tables' columns: (indicator, header). The first count links to the requests behind it.
DIMENSION_COLUMNS = (
    ("received", "Tiếp nhận"),
    ("answered", "Đã trả lời"),
    ("unanswered", "Chưa trả lời"),
    ("late", "Trả lời quá hạn"),
    ("on_time_share", "Đúng hạn"),
    ("instant_rate", "Hỗ trợ tức thời"),
    ("satisfaction_rate", "Hài lòng (đánh giá)"),
    ("median_working_days", "Trung vị (ngày làm việc)"),
    ("p90_working_days", "90 % trong (ngày làm việc)"),
)
# A survey answer has no channel, kind, category or unit of a request: a slice's satisfaction is the ratings' only.
DIMENSION_NOTE = (
    "Hài lòng (đánh giá): chỉ tính đánh giá sau khi trả lời; phiếu khảo sát không gắn với kênh, loại, nhóm nội dung hay đơn vị."
)
SUMMARY_KEYS = ("received", "answered", "unanswered", "late", "median_working_days", "p90_working_days")
# The totals that link to exactly their requests (Link's dimension, value): the period's received, the gauge's open
# and overdue now — when not 0. The list has no filter meaning "answered or closed", "open now of those received" or "late", so
# answered, unanswered and late are not linked (README "Reports").
LINKED = {"received": ("", ""), "open_now": ("open", ""), "overdue_now": ("overdue", "")}
NOW_KEYS = ("open_now", "overdue_now")
# Annex 2 §1's steps the counters follow: (label, the step's on-time share, the step's late count).
DEADLINE_STEPS = (
    ("Nhập phiếu cuộc gọi trong 5 phút (I.2)", "intake_on_time_share", "intake_late"),
    ("Trả lời khách hàng đúng hạn của bước đang xử lý", "on_time_share", "late"),
    ("Đơn vị nghiệp vụ trả lời đúng hạn (I.3, II.3)", "unit_on_time_share", None),
    ("BHXH tỉnh báo cáo lại kết quả đúng hạn (Điều 6.1 bước 3)", "transfer_reported_on_time", None),
)
UP, DOWN = "▲", "▼"


@dataclass(frozen=True)
class Value:
    """A cell: the value a file keeps, the requests behind it, and the page's own words when they differ."""

    value: Cell
    link: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class StatTable:
    """A titled table of values, as the page shows it and a file keeps it."""

    key: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Value]]
    note: str = ""
    sheet: str = ""
    keys: Sequence[str] = ()  # what each row is (a channel's code, an office's): the page marks its rows with them

    def document(self) -> Table:
        """As a document's table (real values, one XLSX sheet)."""
        return Table(self.title, self.columns, [[c.value for c in row] for row in self.rows], self.note, self.sheet)


def kind_of(indicator: Indicator) -> Kind:
    """How an indicator's values are written."""
    return "percent" if indicator.unit == SHARE else "int" if indicator.unit == COUNT else "number"


def column(indicator: Indicator, header: str = "") -> Column:
    """The column of an indicator's values."""
    label = header or (f"{indicator.label}, ngày làm việc" if indicator.unit == WORKING_DAYS else indicator.label)
    return Column(label, kind_of(indicator), 1 if indicator.unit == SHARE else 0)


def shown(col: Column, cell: Value) -> str:
    """A cell as the page writes it ("—" for nothing)."""
    if cell.text is not None:
        return cell.text
    return "—" if cell.value is None else cell_text(col, cell.value)


def _number(indicator: Indicator, figures: Figures) -> Cell:
    value = indicator.value(figures)
    return int(value) if value is not None and indicator.unit == COUNT else value


def met_text(met: bool | None) -> str:
    """Đạt / Chưa đạt / — (no target or no value)."""
    return "—" if met is None else "Đạt" if met else "Chưa đạt"


def kpis(figures: Figures, year: int) -> StatTable:
    """The two indicators the agency has targets for, against the year's milestone."""
    rows = []
    for key in KPI_KEYS:
        i = BY_KEY[key]
        value, target = i.value(figures), i.target(year)
        rows.append(
            [
                Value(i.label),
                Value(value),
                Value(target.text if target else None),
                Value(met_text(i.met(value, year))),
                Value(i.source),
            ]
        )
    columns = (Column("Chỉ số"), Column("Giá trị", "percent"), Column(f"Mục tiêu năm {year}"), Column("Đánh giá"),
               Column("Căn cứ"))  # fmt: skip
    return StatTable("kpis", "Chỉ số so với mục tiêu", columns, rows, sheet="Mục tiêu", keys=KPI_KEYS)


def summary(figures: Figures, now: Figures | None, link: Link) -> StatTable:
    """The period's totals, and the open and overdue now when the selection includes today."""
    keys = [*SUMMARY_KEYS, *(NOW_KEYS if now is not None else ())]
    columns = [column(BY_KEY[k]) for k in keys]
    row = []
    for k in keys:
        i = BY_KEY[k]
        source = now if i.now and now is not None else figures
        value = _number(i, source)
        row.append(Value(value, link(*LINKED[k]) if k in LINKED and value else None))
    note = "Đang xử lý và quá hạn: tại thời điểm xem." if now is not None else ""
    return StatTable("summary", "Tổng hợp", columns, [row], note, "Tổng hợp", ("total",))


def by_dimension(figures: Figures, dimension: str, link: Link, names: Mapping[str, str] | None = None) -> StatTable:
    """One row per channel, kind or category (every value, none left out), or per unit that handled requests."""
    title, header, labels = DIMENSION_TITLES[dimension]
    names = {**labels, **(names or {})}
    values = list(labels) if labels else figures.dimension_values(dimension)
    columns = [Column(header), *(column(BY_KEY[k], h) for k, h in DIMENSION_COLUMNS)]
    rows = []
    for v in values:
        part = figures.slice(dimension, v)
        behind = link(dimension, v) if part.get("received") else None  # no requests behind a 0: nothing to open
        cells = [Value(names.get(v, v), behind)]
        cells += [Value(_number(BY_KEY[k], part), behind if k == "received" else None) for k, _ in DIMENSION_COLUMNS]
        rows.append(cells)
    note = DIMENSION_NOTE if rows else "Chưa có yêu cầu nào trong kỳ."
    return StatTable(dimension, title, columns, rows, note, header, values)


def deadlines(figures: Figures) -> StatTable:
    """Deadline compliance step by step (Annex 2 §1)."""
    rows = []
    for label, share, late in DEADLINE_STEPS:
        rows.append(
            [
                Value(label),
                Value(_number(BY_KEY[share], figures) if share else None),
                Value(_number(BY_KEY[late], figures) if late else None),
                Value(BY_KEY[share or late or "late"].source),
            ]
        )
    columns = (Column("Bước"), Column("Tỷ lệ đúng hạn", "percent"), Column("Số lượt trễ hạn", "int"), Column("Căn cứ"))
    keys = [share or late or "" for _, share, late in DEADLINE_STEPS]
    return StatTable("deadlines", "Tuân thủ thời hạn (Phụ lục 2 QĐ 681)", columns, rows, sheet="Thời hạn", keys=keys)


def trend(series: Mapping[str, Sequence[SeriesPoint]]) -> StatTable:
    """The KPIs month by month with the target each month is held against."""
    first = next(iter(series.values()))
    columns: list[Column] = [Column("Tháng")]
    for key in series:
        columns += [Column(BY_KEY[key].label, "percent"), Column("Mục tiêu", "percent")]
    rows = []
    for n, point in enumerate(first):
        cells = [Value(f"{point.period.start:%m/%Y}")]
        for points in series.values():
            cells += [Value(points[n].value), Value(points[n].target)]
        rows.append(cells)
    return StatTable("trend", "Diễn biến 12 tháng", columns, rows, sheet="Diễn biến", keys=[p.period.text for p in first])


def change_text(indicator: Indicator, change: float | None) -> str:
    """▲ 2,3 điểm % / ▼ 12 / — : the change since the previous period."""
    if change is None:
        return "—"
    mark = UP if change > 0 else DOWN if change < 0 else "="
    if indicator.unit == SHARE:
        return f"{mark} {cell_text(Column('', 'number', 1), abs(change) * 100)} điểm %"
    return f"{mark} {cell_text(Column('', 'number', 0), abs(change))}"


def league(rows: Sequence[LeagueRow], indicator: Indicator, link: Callable[[str], str]) -> StatTable:
    """The offices ranked: rank, value, target met, the previous period's value and the change (in points)."""
    share = indicator.unit == SHARE
    columns = (
        Column("Hạng", "int"),
        Column("Đơn vị"),
        column(indicator, "Giá trị"),
        Column("Đạt mục tiêu"),
        column(indicator, "Kỳ trước"),
        Column("Thay đổi (điểm %)" if share else "Thay đổi", "number", 1 if share else 0),
    )
    found = []
    for r in rows:
        change = None if r.change is None else r.change * 100 if share else r.change
        found.append(
            [
                Value(r.rank),
                Value(r.name, link(r.tenant)),
                Value(int(r.value) if r.value is not None and indicator.unit == COUNT else r.value),
                Value(met_text(r.met)),
                Value(int(r.previous) if r.previous is not None and indicator.unit == COUNT else r.previous),
                Value(change, text=change_text(indicator, r.change)),
            ]
        )
    return StatTable("league", f"Xếp hạng: {indicator.label}", columns, found, sheet="Xếp hạng", keys=[r.tenant for r in rows])


def transfers(rows: Sequence[TransferRow], central: Figures, link: Callable[[str], str]) -> StatTable:
    """The CCC's transfers to each province that had one: transferred, answered to the citizen by the transfer's
    deadline, reported back, reported back by it; and the totals (with the share reported back in time)."""
    columns = (
        Column("BHXH tỉnh"),
        Column("Đã chuyển", "int"),
        Column("Tỉnh trả lời đúng hạn", "int"),
        Column("Đã báo cáo lại", "int"),
        Column("Báo cáo lại đúng hạn", "int"),
    )
    moved = [r for r in rows if r.transferred or r.answered_on_time or r.reported]
    found = [
        [Value(r.name, link(r.tenant)), Value(r.transferred), Value(r.answered_on_time), Value(r.reported),
         Value(r.reported_on_time)]
        for r in moved
    ]  # fmt: skip
    total = [
        Value("Tổng cộng"),
        Value(_number(BY_KEY["transferred"], central)),
        Value(sum(r.answered_on_time for r in rows)),
        Value(_number(BY_KEY["transfer_reported"], central)),
        Value(central.get("transfer_reported_on_time")),
    ]
    on_time = BY_KEY["transfer_reported_on_time"].value(central)
    share = "—" if on_time is None else cell_text(Column("", "percent"), on_time)
    note = (
        f"Tỷ lệ báo cáo lại đúng hạn trên số lượt đã chuyển: {share}. Tỉnh trả lời đúng hạn: BHXH tỉnh trả lời khách hàng "
        "trước hạn của lượt chuyển, tính theo ngày tỉnh nhận yêu cầu."
    )
    keys = [*(r.tenant for r in moved), "total"]
    return StatTable("transfers", "Chuyển BHXH tỉnh và báo cáo lại", columns, [*found, total], note, "Chuyển tỉnh", keys)


def satisfaction(figures: Figures) -> StatTable:
    """The satisfaction rate's two parts: the ratings after an answer and the survey answers (each its own share)."""
    rate = BY_KEY["satisfaction_rate"]
    parts = (
        ("Đánh giá sau khi trả lời", "rated", "satisfied", "ratings"),
        ("Phiếu khảo sát", "survey_rated", "survey_satisfied", "surveys"),
    )
    rows = []
    for label, given, satisfied, _ in parts:
        n, yes = figures.get(given), figures.get(satisfied)
        rows.append([Value(label), Value(n), Value(yes), Value(yes / n if n else None)])
    rows.append([Value("Tổng cộng"), Value(figures.get("rated") + figures.get("survey_rated")),
                 Value(figures.get("satisfied") + figures.get("survey_satisfied")), Value(rate.value(figures))])  # fmt: skip
    columns = (Column("Nguồn"), Column("Số đánh giá", "int"), Column("Hài lòng", "int"), Column("Tỷ lệ hài lòng", "percent", 1))
    note = "Phiếu khảo sát: người trả lời đợt khảo sát chính thức hoặc phiếu đánh giá câu trả lời, theo ngày gửi phiếu."
    keys = [*(key for *_, key in parts), "total"]
    return StatTable("satisfaction", "Tỷ lệ hài lòng theo nguồn", columns, rows, note, "Hài lòng", keys)


@dataclass(frozen=True)
class Statistics:
    """Every table of an office's statistics page."""

    kpis: StatTable
    summary: StatTable
    dimensions: list[StatTable]
    deadlines: StatTable
    trend: StatTable
    series: Mapping[str, Sequence[SeriesPoint]] = field(default_factory=dict)
    satisfaction: StatTable | None = None

    def tables(self) -> list[StatTable]:
        """In the page's order."""
        parts = [self.satisfaction] if self.satisfaction is not None else []
        return [self.kpis, *parts, self.summary, *self.dimensions, self.deadlines, self.trend]


def statistics(
    figures: Figures,
    *,
    now: Figures | None,
    year: int,
    series: Mapping[str, Sequence[SeriesPoint]],
    link: Link,
    units: Mapping[str, str],
) -> Statistics:
    """An office's tables for a selection: KPIs, totals, by channel, kind, category and unit, deadlines, trend."""
    dims = [by_dimension(figures, d, link, units if d == "unit" else None) for d in DIMENSION_TITLES]
    return Statistics(
        kpis(figures, year), summary(figures, now, link), dims, deadlines(figures), trend(series), series, satisfaction(figures)
    )
