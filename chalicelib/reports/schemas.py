"""The statistics API's models (README "Contract": reports): queries in, read models out."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.shared.lazy import lazy
from chalicelib.shared.schema import BaseModel, Input

if TYPE_CHECKING:
    from . import indicators as reports_indicators
    from . import periods
    from .indicators import Figures, Indicator
    from .periods import Period
    from .service import Dashboard, LeagueRow, SeriesPoint, TransferRow, UnitFigures
else:
    reports_indicators = lazy("chalicelib.reports.indicators")
    periods = lazy("chalicelib.reports.periods")

DEFAULT_INDICATOR = "instant_rate"  # the league's and its export's when none is asked for
PeriodText = Field(min_length=4, max_length=10, description="2026-12-01 | 2026-12 | 2026-Q4 | 2026")


class PeriodQuery(Input):
    """A period: a day, a month, a quarter or a year."""

    period: str = PeriodText


class SeriesQuery(Input):
    """An indicator over a run of periods of one kind (`from` and `to` inclusive)."""

    indicator: str = Field(min_length=1, max_length=40)
    from_: str = Field(alias="from", min_length=4, max_length=10)
    to: str = Field(min_length=4, max_length=10)


class LeagueQuery(Input):
    """An indicator and the period to rank the offices on."""

    indicator: str = Field(min_length=1, max_length=40)
    period: str = PeriodText


class RangeQuery(Input):
    """A chosen range of days (`from` and `to` inclusive, at most 366 days)."""

    from_: str = Field(alias="from", min_length=10, max_length=10, description="2026-12-01")
    to: str = Field(min_length=10, max_length=10, description="2026-12-31")


class ReportExportBody(Input):
    """What to export: the statistics of a period (or a range of days) or the league table on an indicator."""

    what: Literal["statistics", "league"]
    period: str | None = Field(default=None, min_length=4, max_length=10, description="2026-12-01 | 2026-12 | 2026-Q4 | 2026")
    from_: str | None = Field(default=None, alias="from", min_length=10, max_length=10)
    to: str | None = Field(default=None, min_length=10, max_length=10)
    indicator: str | None = Field(default=None, min_length=1, max_length=40, description="the league's; instant_rate")
    format: Literal["pdf", "xlsx"]


class ReconcileBody(Input):
    """The month to recount ("2026-12")."""

    period: str = Field(min_length=4, max_length=10)


class TargetRead(BaseModel):
    """A target milestone ("trên 80 %" by 2025)."""

    year: int
    share: float
    above: bool
    text: str


class IndicatorRead(BaseModel):
    """An indicator's definition, as the page shows it beside the figure."""

    key: str
    label: str
    definition: str
    source: str
    unit: str
    now: bool
    higher_is_better: bool
    targets: list[TargetRead]

    @classmethod
    def of(cls, i: Indicator) -> IndicatorRead:
        """From the definition."""
        targets = [TargetRead(year=m.year, share=m.share, above=m.above, text=m.text) for m in i.targets]
        return cls(
            key=i.key,
            label=i.label,
            definition=i.definition,
            source=i.source,
            unit=i.unit,
            now=i.now,
            higher_is_better=i.higher_is_better,
            targets=targets,
        )


class IndicatorsRead(BaseModel):
    """Every indicator."""

    items: list[IndicatorRead]

    @classmethod
    def all(cls) -> IndicatorsRead:
        """The catalogue of indicators.py."""
        return cls(items=[IndicatorRead.of(i) for i in reports_indicators.INDICATORS])


class ValueRead(BaseModel):
    """An indicator's value on some figures, against the year's target when it has one."""

    key: str
    label: str
    unit: str
    value: float | None
    target: float | None
    met: bool | None

    @classmethod
    def on(cls, i: Indicator, figures: Figures, year: int) -> ValueRead:
        """Computed by the indicator itself."""
        value, target = i.value(figures), i.target(year)
        return cls(
            key=i.key, label=i.label, unit=i.unit, value=value, target=target.share if target else None, met=i.met(value, year)
        )


def _values(figures: Figures, year: int) -> list[ValueRead]:
    return [ValueRead.on(i, figures, year) for i in reports_indicators.INDICATORS if not i.now]


class FiguresRead(BaseModel):
    """A period's figures: the counters, the indicators, and what changed after the period was closed."""

    tenant: str
    period: str
    label: str
    closed: bool
    counters: dict[str, int]
    corrections: dict[str, int]
    indicators: list[ValueRead]

    @classmethod
    def of(cls, figures: Figures, period: Period, today: date) -> FiguresRead:
        """From the figures."""
        kept = {n: v for n, v in figures.values.items() if not n.startswith("corr|") and v}
        return cls(
            tenant=figures.tenant,
            period=period.text,
            label=period.label,
            closed=period.closed(today),
            counters=kept,
            corrections=figures.corrections(),
            indicators=_values(figures, period.start.year),
        )

    @classmethod
    def of_range(cls, figures: Figures, start: date, end: date, today: date) -> FiguresRead:
        """A range of days' figures ("2026-05-04/2026-05-20"; days never close)."""
        found = cls.of(figures, periods.Period.day(start), today)
        label = f"từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
        return found.model_copy(update={"period": f"{start.isoformat()}/{end.isoformat()}", "label": label})


class PointRead(BaseModel):
    """One period of a trend."""

    period: str
    label: str
    value: float | None
    target: float | None
    met: bool | None

    @classmethod
    def of(cls, p: SeriesPoint) -> PointRead:
        """From the point."""
        return cls(period=p.period.text, label=p.period.label, value=p.value, target=p.target, met=p.met)


class SeriesRead(BaseModel):
    """An indicator's trend."""

    indicator: IndicatorRead
    items: list[PointRead]


class LeagueRowRead(BaseModel):
    """An office in the league table."""

    tenant: str
    name: str
    rank: int | None
    value: float | None
    met: bool | None
    previous: float | None
    change: float | None

    @classmethod
    def of(cls, r: LeagueRow) -> LeagueRowRead:
        """From the row."""
        return cls(tenant=r.tenant, name=r.name, rank=r.rank, value=r.value, met=r.met, previous=r.previous, change=r.change)


class LeagueRead(BaseModel):
    """The offices ranked on one indicator in one period."""

    indicator: IndicatorRead
    period: str
    label: str
    items: list[LeagueRowRead]


class TransferRowRead(BaseModel):
    """The CCC's transfers of a period to one province (or their totals, `tenant` "total")."""

    tenant: str
    name: str
    transferred: int
    answered_on_time: int = Field(description="the province answered the citizen by the transfer's deadline")
    reported: int
    reported_on_time: int

    @classmethod
    def of(cls, r: TransferRow) -> TransferRowRead:
        """From the row."""
        return cls(
            tenant=r.tenant,
            name=r.name,
            transferred=r.transferred,
            answered_on_time=r.answered_on_time,
            reported=r.reported,
            reported_on_time=r.reported_on_time,
        )


class TransfersRead(BaseModel):
    """The CCC's transfers of a period per province that had one, their totals and the share reported back in time."""

    period: str
    label: str
    items: list[TransferRowRead]
    total: TransferRowRead
    reported_on_time_share: float | None

    @classmethod
    def of(cls, rows: list[TransferRow], central: Figures, period: Period) -> TransfersRead:
        """From the read service's rows and the CCC's figures (the totals are the CCC's own counters)."""
        total = TransferRowRead(
            tenant="total",
            name="Tổng cộng",
            transferred=central.get("transferred"),
            answered_on_time=sum(r.answered_on_time for r in rows),
            reported=central.get("transfer_reported"),
            reported_on_time=central.get("transfer_reported_on_time"),
        )
        share = reports_indicators.BY_KEY["transfer_reported_on_time"].value(central)
        items = [TransferRowRead.of(r) for r in rows if r.transferred or r.answered_on_time or r.reported]
        return cls(period=period.text, label=period.label, items=items, total=total, reported_on_time_share=share)


class OfficeNowRead(BaseModel):
    """An office this morning."""

    tenant: str
    name: str
    received_today: int
    open: int
    overdue: int
    due_today: int


class OverdueRead(BaseModel):
    """One of the worst overdue requests."""

    tenant: str
    id: str
    reference: str
    subject: str
    due_at: datetime


class DashboardRead(BaseModel):
    """The director's morning page."""

    today: date
    month: str
    offices: list[OfficeNowRead]
    kpis: list[ValueRead]
    worst_overdue: list[OverdueRead]

    @classmethod
    def of(cls, d: Dashboard) -> DashboardRead:
        """From the dashboard."""
        return cls(
            today=d.today,
            month=d.month.text,
            offices=[OfficeNowRead(**vars(o)) for o in d.offices],
            kpis=[
                ValueRead(
                    key=k.indicator.key, label=k.indicator.label, unit=k.indicator.unit, value=k.value, target=k.target, met=k.met
                )
                for k in d.kpis
            ],
            worst_overdue=[
                OverdueRead(tenant=w.tenant, id=w.request_id, reference=w.reference, subject=w.subject, due_at=w.due_at)
                for w in d.worst
            ],
        )


class UnitFiguresRead(BaseModel):
    """One unit's figures, and the request list filtered to it."""

    unit_id: str
    requests: str
    indicators: list[ValueRead]

    @classmethod
    def of(cls, u: UnitFigures, year: int) -> UnitFiguresRead:
        """From the unit's figures."""
        return cls(unit_id=u.unit_id, requests=u.link, indicators=_values(u.figures, year))


class UnitBreakdownRead(BaseModel):
    """The units' breakdown of a period."""

    period: str
    items: list[UnitFiguresRead]
