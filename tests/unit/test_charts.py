"""The SVG charts: parsed as XML, their geometry is what the figures say, and their text is escaped and Vietnamese."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from chalicelib.web.charts import (
    Bar,
    Point,
    Series,
    bar_chart,
    data_table,
    dot_plot,
    format_number,
    format_percent,
    nice_ceiling,
    time_series,
)

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{{{NS['s']}}}{tag}") if e.get("class") == cls]


def texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{{{NS['s']}}}text")]


def f(e: ET.Element, name: str) -> float:
    return float(e.get(name, "nan"))


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(1234, 0, "1.234"), (1234567.891, 2, "1.234.567,89"), (80.5, 1, "80,5"), (0, 0, "0"), (-1500, 0, "-1.500")],
)
def test_numbers_are_written_the_vietnamese_way(value: float, decimals: int, expected: str) -> None:
    assert format_number(value, decimals) == expected


def test_percentages_have_a_decimal_comma_and_a_space() -> None:
    assert format_percent(0.805) == "80,5 %"
    assert format_percent(0.8) == "80,0 %"


@pytest.mark.parametrize(("value", "expected"), [(0.0, 1.0), (7, 10), (12, 20), (23, 25), (41, 50), (100, 100), (0.83, 1.0)])
def test_axis_ends_are_round(value: float, expected: float) -> None:
    assert nice_ceiling(value) == pytest.approx(expected)


def test_bars_are_proportional_to_their_values_from_a_common_origin() -> None:
    svg = bar_chart([Bar("Hà Nội", 80), Bar("Huế", 40), Bar("Cà Mau", 20)], title="Mức độ hài lòng", maximum=100)
    rects = by_class(parse(svg), "rect", "chart-bar")
    assert len(rects) == 3
    assert {f(r, "x") for r in rects} == {f(rects[0], "x")}
    widths = [f(r, "width") for r in rects]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[1] == pytest.approx(2 * widths[2])


def test_whiskers_end_at_the_interval_bounds_and_the_target_line_at_its_value() -> None:
    svg = bar_chart([Bar("Hà Nội", 50, low=40, high=60)], title="Chỉ số", maximum=100, target=80, fmt=format_number)
    root = parse(svg)
    bar = by_class(root, "rect", "chart-bar")[0]
    origin, full = f(bar, "x"), f(bar, "width") * 2  # 50 of 100
    ends = sorted(f(e, "x1") for e in by_class(root, "line", "chart-whisker-end"))
    assert ends == pytest.approx([origin + full * 0.4, origin + full * 0.6])
    target = by_class(root, "line", "chart-target")[0]
    assert f(target, "x1") == pytest.approx(origin + full * 0.8) == f(target, "x2")
    assert "Mục tiêu: 80" in texts(root)


def test_a_chart_names_itself_for_screen_readers_and_scales_by_its_view_box() -> None:
    root = parse(bar_chart([Bar("Hà Nội", 1)], title="Tỉ lệ phản hồi"))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Tỉ lệ phản hồi"
    assert root.find("s:title", NS) is not None and root.find("s:title", NS).text == "Tỉ lệ phản hồi"  # type: ignore[union-attr]
    assert root.get("viewBox", "").startswith("0 0 640 ")
    assert root.get("width") is None and root.get("style") is None


def test_a_description_is_read_out_after_the_title() -> None:
    root = parse(bar_chart([Bar("Huế", 1)], title="Tỉ lệ", description="Huế cao nhất"))
    assert root.get("aria-label") == "Tỉ lệ. Huế cao nhất"
    assert root.find("s:desc", NS) is not None and root.find("s:desc", NS).text == "Huế cao nhất"  # type: ignore[union-attr]


def test_text_is_escaped_and_no_inline_style_or_script_is_written() -> None:
    svg = bar_chart([Bar("<script>alert(1)</script> & Co", 3)], title='Tiêu đề "A" <b>')
    root = parse(svg)  # well-formed despite the markup in the labels
    assert "<script>alert(1)</script> & Co" in texts(root)
    assert "<script" not in svg and "style=" not in svg
    assert root.get("aria-label") == 'Tiêu đề "A" <b>'


def test_the_dot_plot_draws_rows_in_the_callers_order_with_intervals_and_notes() -> None:
    points = [
        Point("Đà Nẵng", 0.9, 0.85, 0.95),
        Point("Hà Nội", 0.8, 0.7, 0.9, note="không phân biệt được"),
        Point("Cần Thơ", 0.78, 0.72, 0.84, note="không phân biệt được"),
    ]
    root = parse(dot_plot(points, title="Xếp hạng", maximum=1.0, fmt=format_percent))
    labels = [e.text for e in by_class(root, "text", "chart-label")]
    assert labels == ["1. Đà Nẵng", "2. Hà Nội", "3. Cần Thơ"]
    dots = by_class(root, "circle", "chart-dot")
    intervals = by_class(root, "line", "chart-interval")
    ys = [f(d, "cy") for d in dots]
    assert ys == sorted(ys)
    for dot, line in zip(dots, intervals, strict=True):
        assert f(line, "x1") < f(dot, "cx") < f(line, "x2")
    span = f(intervals[1], "x2") - f(intervals[1], "x1")
    assert span == pytest.approx(2 * (f(intervals[0], "x2") - f(intervals[0], "x1")))
    assert [e.text for e in by_class(root, "text", "chart-note")] == ["không phân biệt được"] * 2
    assert "80,0 %" in texts(root)


def test_a_time_series_puts_each_day_on_its_own_slot_and_draws_the_target() -> None:
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(4)]
    root = parse(
        time_series(
            days,
            [Series("Đã mời", [10, 20, 30, 40]), Series("Hoàn thành", [0, 5, 10, 20])],
            title="Tiến độ",
            maximum=50,
            target=50,
        )
    )
    lines = by_class(root, "polyline", "chart-line")
    assert len(lines) == 2
    invited = [tuple(map(float, p.split(","))) for p in (lines[0].get("points") or "").split()]
    xs = [p[0] for p in invited]
    assert xs == sorted(xs) and len(set(xs)) == 4
    heights = [invited[0][1] - p[1] for p in invited]  # pixels above the first point
    assert heights[2] == pytest.approx(2 * heights[1])
    step = invited[0][1] - invited[1][1]  # pixels per 10
    target = by_class(root, "line", "chart-target")[0]
    assert f(target, "y1") == pytest.approx(invited[0][1] - 4 * step)  # 50 is four steps above 10
    assert {"01/03", "04/03", "Kế hoạch: 50", "Đã mời", "Hoàn thành"} <= set(texts(root))


def test_stacked_columns_sit_on_each_other() -> None:
    days = [date(2026, 3, 1), date(2026, 3, 2)]
    root = parse(time_series(days, [Series("A", [3, 1]), Series("B", [2, 1])], title="Cột", stacked=True, maximum=10))
    cols = by_class(root, "rect", "chart-column")
    first_a, first_b = cols[0], cols[1]
    assert f(first_b, "y") + f(first_b, "height") == pytest.approx(f(first_a, "y"))
    assert f(first_a, "height") == pytest.approx(1.5 * f(first_b, "height"))


def test_the_data_table_escapes_its_cells() -> None:
    table = data_table(["Tỉnh", "Tỉ lệ"], [["<Hà Nội>", "80,5 %"]], caption="Số liệu")
    root = ET.fromstring(table)
    assert root.find("caption").text == "Số liệu"  # type: ignore[union-attr]
    assert [td.text for td in root.iter("td")] == ["<Hà Nội>", "80,5 %"]
    assert "&lt;Hà Nội&gt;" in table


@pytest.mark.parametrize(
    ("top", "labels"),
    [(4, "012345"), (7, ["0", "2", "4", "6", "8", "10"]), (50, ["0", "10", "20", "30", "40", "50"]), (2, "012")],
)
def test_a_count_axis_labels_each_grid_line_with_its_own_whole_value(top: int, labels) -> None:
    days = [date(2026, 12, 1)]
    root = parse(time_series(days, [Series("Đã mời", [top])], title="Tiến độ"))
    ticks = [t.text for t in by_class(root, "text", "chart-tick") if t.text and "/" not in t.text]
    assert ticks == list(labels)
    grid = sorted({round(float(g.get("y1") or 0), 2) for g in by_class(root, "line", "chart-grid")})
    gaps = {round(b - a, 2) for a, b in zip(grid, grid[1:], strict=False)}
    assert len(gaps) == 1, "evenly spaced"
