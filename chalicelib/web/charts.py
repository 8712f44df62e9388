"""Server-rendered SVG charts (surveys, reports): pure functions returning markup, no script, no CDN.

Every chart is sized by its viewBox (it scales to a phone's width), styled by SVG presentation attributes only (the
CSP forbids inline `style`; classes let app.css restyle it), names itself for screen readers (`role="img"`,
`aria-label`, `<title>`) and escapes all text. Numbers are written the Vietnamese way: `1.234`, `80,5 %`. Put a
`data_table` beside each chart for those who would rather read the figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

Format = Callable[[float], str]

WIDTH = 640
ROW = 28  # height of one bar or dot row
FONT = 'font-family="Roboto, \'Noto Sans\', Arial, sans-serif" font-size="12"'
INK = "#1d2939"
MUTED = "#667085"
GRID = "#d0d5dd"
TARGET = "#b42318"
PALETTE = ("#0b4a8b", "#f79009", "#12b76a", "#7a5af8", "#667085")


def format_number(value: float, decimals: int = 0) -> str:
    """A number as Vietnamese write it: `.` between thousands, `,` before the decimals (1.234,5)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_percent(share: float, decimals: int = 1) -> str:
    """A share (0.805) as a Vietnamese percentage: `80,5 %`."""
    return f"{format_number(share * 100, decimals)} %"


def _num(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, anchor: str = "start", cls: str = "", fill: str = INK, bold: bool = False) -> str:
    weight = ' font-weight="600"' if bold else ""
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" fill="{fill}"{weight}{klass}>{escape(content)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, *, stroke: str, cls: str, width: float = 1, dash: str = "") -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" stroke="{stroke}" '
        f'stroke-width="{_num(width)}"{dashed} class="{cls}"/>'
    )


def _svg(title: str, height: float, body: list[str], description: str = "") -> str:
    label = escape(title + (f". {description}" if description else ""))
    desc = f"<desc>{escape(description)}</desc>" if description else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_num(height)}" role="img" aria-label="{label}" '
        f'class="chart" preserveAspectRatio="xMinYMin meet" {FONT}><title>{escape(title)}</title>{desc}{"".join(body)}</svg>'
    )


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above value (an axis end)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-9 * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop ends at 10


def grid_divisions(hi: float, *, whole: bool) -> int:
    """How many intervals the value axis [0, hi] is cut into: 4 or 5 when each line falls on a whole number (a count
    axis up to 5 reads 0, 1, 2, 3, 4, 5, never 0, 1, 2, 4, 5 from quarters rounded), else fewer; 4 for decimals."""
    if not whole:
        return 4
    for parts in (4, 5, 2, 3):
        if abs(hi / parts - round(hi / parts)) < 1e-9:
            return parts
    return 1


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value and optional interval (whisker ends)."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Scale:
    """Values [lo, hi] onto pixels [left, right]."""

    lo: float
    hi: float
    left: float
    right: float

    def __call__(self, value: float) -> float:
        """The pixel of a value (clamped to the plot)."""
        span = self.hi - self.lo or 1.0
        share = min(max((value - self.lo) / span, 0.0), 1.0)
        return self.left + share * (self.right - self.left)


def _axis_ticks(scale: Scale, top: float, bottom: float, fmt: Format, count: int = 4) -> list[str]:
    parts = []
    for i in range(count + 1):
        value = scale.lo + (scale.hi - scale.lo) * i / count
        x = scale(value)
        parts.append(_line(x, top, x, bottom, stroke=GRID, cls="chart-grid"))
        parts.append(_text(x, bottom + 14, fmt(value), anchor="middle", fill=MUTED, cls="chart-tick"))
    return parts


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    maximum: float | None = None,
    target: float | None = None,
    target_label: str = "Mục tiêu",
    fmt: Format = format_number,
    label_width: float = 170,
    description: str = "",
) -> str:
    """Horizontal bars (length ∝ value, from 0), with interval whiskers where given and a dashed target line."""
    top, plot_right = 10.0, WIDTH - 70.0
    ends = [b.high if b.high is not None else b.value for b in bars] + ([target] if target is not None else [])
    scale = Scale(0.0, maximum if maximum is not None else nice_ceiling(max(ends, default=0.0)), label_width, plot_right)
    bottom = top + ROW * len(bars)
    body = _axis_ticks(scale, top, bottom, fmt)
    for i, bar in enumerate(bars):
        y = top + i * ROW
        mid = y + ROW / 2
        end = scale(bar.value)
        body.append(_text(label_width - 8, mid + 4, bar.label, anchor="end", cls="chart-label"))
        body.append(
            f'<rect x="{_num(label_width)}" y="{_num(y + 5)}" width="{_num(end - label_width)}" height="{ROW - 10}" '
            f'fill="{PALETTE[0]}" class="chart-bar"><title>{escape(f"{bar.label}: {fmt(bar.value)}")}</title></rect>'
        )
        right = end
        if bar.low is not None and bar.high is not None:
            lo, hi = scale(bar.low), scale(bar.high)
            body.append(_line(lo, mid, hi, mid, stroke=INK, cls="chart-whisker"))
            body.append(_line(lo, mid - 5, lo, mid + 5, stroke=INK, cls="chart-whisker-end"))
            body.append(_line(hi, mid - 5, hi, mid + 5, stroke=INK, cls="chart-whisker-end"))
            right = max(right, hi)
        body.append(_text(right + 6, mid + 4, fmt(bar.value), cls="chart-value"))
    if target is not None:
        body.extend(_target_vertical(scale(target), top, bottom, f"{target_label}: {fmt(target)}"))
    return _svg(title, bottom + (40 if target is not None else 24), body, description)


def _target_vertical(x: float, top: float, bottom: float, label: str) -> list[str]:
    return [
        _line(x, top - 4, x, bottom + 2, stroke=TARGET, cls="chart-target", width=1.5, dash="5 3"),
        _text(x, bottom + 32, label, anchor="middle", fill=TARGET, cls="chart-target-label"),
    ]


@dataclass(frozen=True)
class Point:
    """One ranked row of a dot plot: a value with its interval, and a note the caller decides (e.g. not distinct)."""

    label: str
    value: float
    low: float
    high: float
    note: str = ""


def dot_plot(
    points: Sequence[Point],
    *,
    title: str,
    minimum: float = 0.0,
    maximum: float | None = None,
    target: float | None = None,
    target_label: str = "Mục tiêu",
    fmt: Format = format_number,
    label_width: float = 190,
    description: str = "",
) -> str:
    """Rows in the order given (the caller ranks), each a dot on its interval; rank number, label and note drawn."""
    top, plot_right = 10.0, WIDTH - 200.0  # room on the right for the value and a note of ~20 characters
    ends = [p.high for p in points] + ([target] if target is not None else [])
    scale = Scale(minimum, maximum if maximum is not None else nice_ceiling(max(ends, default=0.0)), label_width, plot_right)
    bottom = top + ROW * len(points)
    body = _axis_ticks(scale, top, bottom, fmt)
    for i, point in enumerate(points):
        mid = top + i * ROW + ROW / 2
        lo, hi, x = scale(point.low), scale(point.high), scale(point.value)
        body.append(_text(label_width - 8, mid + 4, f"{i + 1}. {point.label}", anchor="end", cls="chart-label"))
        body.append(_line(lo, mid, hi, mid, stroke=MUTED, cls="chart-interval", width=2))
        summary = f"{point.label}: {fmt(point.value)} ({fmt(point.low)}–{fmt(point.high)})"
        body.append(
            f'<circle cx="{_num(x)}" cy="{_num(mid)}" r="5" fill="{PALETTE[0]}" class="chart-dot">'
            f"<title>{escape(summary)}</title></circle>"
        )
        body.append(_text(plot_right + 8, mid + 4, fmt(point.value), cls="chart-value"))
        if point.note:
            body.append(_text(plot_right + 60, mid + 4, point.note, fill=MUTED, cls="chart-note"))
    if target is not None:
        body.extend(_target_vertical(scale(target), top, bottom, f"{target_label}: {fmt(target)}"))
    return _svg(title, bottom + (40 if target is not None else 24), body, description)


@dataclass(frozen=True)
class Series:
    """One named series of a time chart: a value per day, aligned with the chart's days."""

    label: str
    values: Sequence[float]


def _legend(series: Sequence[Series], y: float) -> list[str]:
    parts, x = [], 50.0
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="10" height="10" fill="{colour}" class="chart-key"/>')
        parts.append(_text(x + 14, y, s.label, cls="chart-legend"))
        x += 24 + 7 * len(s.label)
    return parts


def time_series(
    days: Sequence[date],
    series: Sequence[Series],
    *,
    title: str,
    stacked: bool = False,
    maximum: float | None = None,
    target: float | None = None,
    target_label: str = "Kế hoạch",
    fmt: Format = format_number,
    description: str = "",
    tick: Callable[[date], str] = lambda d: d.strftime("%d/%m"),
    when: Callable[[date], str] = lambda d: d.strftime("%d/%m/%Y"),
) -> str:
    """Lines (or stacked columns) by day, a dashed horizontal target line, days as dd/mm under the axis (`tick` and
    `when`, the tooltip's, write a month "05/2026" instead)."""
    left, right, top, bottom = 50.0, WIDTH - 20.0, 24.0, 200.0
    totals = [
        sum(s.values[i] for s in series) if stacked else max((s.values[i] for s in series), default=0.0) for i in range(len(days))
    ]
    whole = fmt is format_number  # counts: every grid line a whole number, or its label would not be its value
    hi = maximum if maximum is not None else nice_ceiling(max([*totals, target or 0.0], default=0.0))
    hi = math.ceil(hi - 1e-9) if whole and maximum is None else hi
    parts = grid_divisions(hi, whole=whole)
    y_of = Scale(0.0, hi, bottom, top)  # pixels grow downwards
    slot = (right - left) / max(len(days), 1)
    x_of = [left + slot * (i + 0.5) for i in range(len(days))]
    body: list[str] = []
    for i in range(parts + 1):
        value = hi * i / parts
        y = y_of(value)
        body.append(_line(left, y, right, y, stroke=GRID, cls="chart-grid"))
        body.append(_text(left - 6, y + 4, fmt(value), anchor="end", fill=MUTED, cls="chart-tick"))
    every = max(1, math.ceil(len(days) / 8))
    for i, day in enumerate(days):
        if i % every == 0 or i == len(days) - 1:
            body.append(_text(x_of[i], bottom + 16, tick(day), anchor="middle", fill=MUTED, cls="chart-tick"))
    if stacked:
        body.extend(_columns(days, series, x_of, slot, y_of, fmt, when))
    else:
        body.extend(_lines(days, series, x_of, y_of, fmt, when))
    if target is not None:
        y = y_of(target)
        body.append(_line(left, y, right, y, stroke=TARGET, cls="chart-target", width=1.5, dash="5 3"))
        body.append(_text(right, y - 5, f"{target_label}: {fmt(target)}", anchor="end", fill=TARGET, cls="chart-target-label"))
    body.extend(_legend(series, bottom + 40))
    return _svg(title, bottom + 50, body, description)


def _lines(
    days: Sequence[date], series: Sequence[Series], x_of: list[float], y_of: Scale, fmt: Format, when: Callable[[date], str]
) -> list[str]:
    parts = []
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = " ".join(f"{_num(x_of[i])},{_num(y_of(v))}" for i, v in enumerate(s.values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" class="chart-line"/>')
        for i, v in enumerate(s.values):
            tip = escape(f"{s.label} {when(days[i])}: {fmt(v)}")
            parts.append(
                f'<circle cx="{_num(x_of[i])}" cy="{_num(y_of(v))}" r="3" fill="{colour}" class="chart-dot"><title>{tip}</title></circle>'
            )
    return parts


def _columns(
    days: Sequence[date],
    series: Sequence[Series],
    x_of: list[float],
    slot: float,
    y_of: Scale,
    fmt: Format,
    when: Callable[[date], str],
) -> list[str]:
    parts, width = [], max(slot * 0.7, 1.0)
    for i, day in enumerate(days):
        base = 0.0
        for k, s in enumerate(series):
            v = s.values[i]
            y_top, y_base = y_of(base + v), y_of(base)
            tip = escape(f"{s.label} {when(day)}: {fmt(v)}")
            parts.append(
                f'<rect x="{_num(x_of[i] - width / 2)}" y="{_num(y_top)}" width="{_num(width)}" height="{_num(y_base - y_top)}" '
                f'fill="{PALETTE[k % len(PALETTE)]}" class="chart-column"><title>{tip}</title></rect>'
            )
            base += v
    return parts


def data_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str) -> str:
    """The figures behind a chart as an HTML table (already escaped: mark it safe in a template)."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<table class="grid chart-data"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )
