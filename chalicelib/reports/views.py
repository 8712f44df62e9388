"""What the statistics pages and exports read from the read service, and their charts: an office's statistics for a
selection, the league table with the CCC's transfers. One reading, so a page and its export show the same figures."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from chalicelib.web.charts import Point, Series, dot_plot, format_number, format_percent, time_series

from . import tables
from .indicators import BY_KEY, SHARE, Figures, Indicator
from .periods import Period, between
from .selection import Selection
from .service import LeagueRow, ReportService, SeriesPoint
from .tables import Link, Statistics, StatTable

TREND_MONTHS = 12


def figures_of(reports: ReportService, *, tenant: str, selection: Selection) -> Figures:
    """A period's figures (one GetItem), or a range of days' (summed from the day items)."""
    if selection.period is not None:
        return reports.figures(tenant=tenant, period=selection.period)
    return reports.range(tenant=tenant, start_day=selection.start, end_day=selection.end)


def trend_periods(last: Period) -> list[Period]:
    """The twelve months up to `last`."""
    first = last
    for _ in range(TREND_MONTHS - 1):
        first = first.previous()
    return between(first, last)


def office_statistics(
    reports: ReportService, *, tenant: str, selection: Selection, today: date, link: Link, units: Mapping[str, str]
) -> Statistics:
    """An office's tables: the selection's figures, the "now" gauge when the selection holds today, the trend."""
    figures = figures_of(reports, tenant=tenant, selection=selection)
    now = reports.now(tenant=tenant, today=today) if selection.start <= today <= selection.end else None
    months = trend_periods(selection.trend_end())
    series = {k: reports.series(tenant=tenant, indicator=BY_KEY[k], periods=months) for k in tables.KPI_KEYS}
    return tables.statistics(figures, now=now, year=selection.year, series=series, link=link, units=units)


@dataclass(frozen=True)
class National:
    """The league table on one indicator and period, and the CCC's transfers to the provinces."""

    indicator: Indicator
    period: Period
    rows: list[LeagueRow]
    league: StatTable
    transfers: StatTable

    def tables(self) -> list[StatTable]:
        """In the page's order."""
        return [self.league, self.transfers]


def national(reports: ReportService, *, period: Period, indicator: Indicator, link: Callable[[str], str]) -> National:
    """The offices ranked on the indicator (two BatchGets) and the transfers of the period (one BatchGet of 35)."""
    rows = reports.league(period=period, indicator=indicator)
    moved, central = reports.transfers(period=period)
    return National(indicator, period, rows, tables.league(rows, indicator, link), tables.transfers(moved, central, link))


def formatter(indicator: Indicator) -> Callable[[float], str]:
    """How a chart writes the indicator's values."""
    return format_percent if indicator.unit == SHARE else format_number


def trend_charts(series: Mapping[str, Sequence[SeriesPoint]]) -> list[tuple[str, str]]:
    """(title, SVG) per KPI: the months that have a value, and the target line of the last month's year."""
    charts = []
    for key, points in series.items():
        indicator = BY_KEY[key]
        known = [p for p in points if p.value is not None]
        if not known:
            continue
        title = f"{indicator.label} theo tháng"
        target = points[-1].target
        svg = time_series(
            [p.period.start for p in known],
            [Series(indicator.label, [p.value or 0.0 for p in known])],
            title=title,
            maximum=1.0,
            target=target,
            target_label="Mục tiêu",
            fmt=format_percent,
            tick=lambda d: d.strftime("%m/%y"),
            when=lambda d: d.strftime("tháng %m/%Y"),
        )
        charts.append((title, svg))
    return charts


def league_chart(found: National) -> str | None:
    """The ranked offices as a dot plot (those with a value), with the year's target line."""
    ranked = [r for r in found.rows if r.value is not None]
    if not ranked:
        return None
    i, year = found.indicator, found.period.start.year
    target = i.target(year)
    points = [
        Point(_short(r.tenant, r.name), r.value or 0.0, r.value or 0.0, r.value or 0.0, tables.met_text(r.met) if target else "")
        for r in ranked
    ]
    return dot_plot(
        points,
        title=f"{i.label} — {found.period.label}",
        maximum=1.0 if i.unit == SHARE else None,
        target=target.share if target else None,
        fmt=formatter(i),
        label_width=170,
    )


def _short(tenant: str, name: str) -> str:
    """An office's short name for a chart's label ("Hà Nội")."""
    from chalicelib.tenancy.catalog import TENANT_BY_CODE

    spec = TENANT_BY_CODE.get(tenant)
    return spec.short_name if spec else name
