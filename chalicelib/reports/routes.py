"""The statistics API (README "Contract": reports): figures, trends, league tables, dashboard, units, reconcile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.jobs.routes import accepted
from chalicelib.jobs.schemas import JobRead
from chalicelib.shared.clock import to_local
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import CENTRAL_TENANT, Permission, permissions_of
from chalicelib.shared.tenancy import Principal, RequestContext, allow_national_reads

from .schemas import (
    DashboardRead,
    FiguresRead,
    IndicatorRead,
    IndicatorsRead,
    LeagueQuery,
    LeagueRead,
    LeagueRowRead,
    PeriodQuery,
    PointRead,
    RangeQuery,
    ReconcileBody,
    ReportExportBody,
    SeriesQuery,
    SeriesRead,
    TransfersRead,
    UnitBreakdownRead,
    UnitFiguresRead,
)

if TYPE_CHECKING:
    from . import periods as reports_periods
    from . import reconcile as reports_reconcile
    from . import selection
else:
    reports_periods = lazy("chalicelib.reports.periods")
    reports_reconcile = lazy("chalicelib.reports.reconcile")
    selection = lazy("chalicelib.reports.selection")

bp = Blueprint(__name__)
TAGS = ("reports",)
P = Permission


@route(bp, "/api/reports/indicators", permission=P.REPORTS_READ, response=IndicatorsRead, tags=TAGS)
def indicators(ctx: RequestContext) -> IndicatorsRead:
    """Every indicator with its definition, source, unit and targets (the page shows them beside the figures)."""
    return IndicatorsRead.all()


@route(bp, "/api/reports/figures", permission=P.REPORTS_READ, query=PeriodQuery, response=FiguresRead, tags=TAGS)
def figures(ctx: RequestContext, query: PeriodQuery) -> FiguresRead:
    """The office's figures of a day, month, quarter or year, with the indicators and any corrections after closing."""
    period = reports_periods.Period.parse(query.period)
    today = to_local(container().clock.now()).date()
    return FiguresRead.of(container().reports.figures(tenant=ctx.tenant, period=period), period, today)


@route(bp, "/api/reports/range", permission=P.REPORTS_READ, query=RangeQuery, response=FiguresRead, tags=TAGS)
def figures_of_days(ctx: RequestContext, query: RangeQuery) -> FiguresRead:
    """The office's figures of a chosen range of days (at most 366), summed from its day counters."""
    chosen = selection.days(query.from_, query.to)
    today = to_local(container().clock.now()).date()
    found = container().reports.range(tenant=ctx.tenant, start_day=chosen.start, end_day=chosen.end)
    return FiguresRead.of_range(found, chosen.start, chosen.end, today)


@route(bp, "/api/reports/series", permission=P.REPORTS_READ, query=SeriesQuery, response=SeriesRead, tags=TAGS)
def series(ctx: RequestContext, query: SeriesQuery) -> SeriesRead:
    """An indicator period by period, against the target of each period's year."""
    reports = container().reports
    indicator, periods = (
        reports.indicator(query.indicator),
        reports_periods.between(reports_periods.Period.parse(query.from_), reports_periods.Period.parse(query.to)),
    )
    points = reports.series(tenant=ctx.tenant, indicator=indicator, periods=periods)
    return SeriesRead(indicator=IndicatorRead.of(indicator), items=[PointRead.of(p) for p in points])


@route(bp, "/api/reports/league", permission=P.CENTRAL_VIEW, query=LeagueQuery, response=LeagueRead, tags=TAGS)
def league(ctx: RequestContext, query: LeagueQuery) -> LeagueRead:
    """The 34 provinces and the CCC ranked on an indicator, with the change since the previous period (CCC only)."""
    reports, period = container().reports, reports_periods.Period.parse(query.period)
    indicator = reports.indicator(query.indicator)
    rows = [LeagueRowRead.of(r) for r in reports.league(period=period, indicator=indicator)]
    return LeagueRead(indicator=IndicatorRead.of(indicator), period=period.text, label=period.label, items=rows)


@route(bp, "/api/reports/transfers", permission=P.CENTRAL_VIEW, query=PeriodQuery, response=TransfersRead, tags=TAGS)
def transfers(ctx: RequestContext, query: PeriodQuery) -> TransfersRead:
    """The CCC's transfers of a period per province: transferred, answered in time, reported back (in time) (CCC only)."""
    period = reports_periods.Period.parse(query.period)
    rows, central = container().reports.transfers(period=period)
    return TransfersRead.of(rows, central, period)


@route(bp, "/api/reports/dashboard", permission=P.REPORTS_READ, response=DashboardRead, tags=TAGS)
def dashboard(ctx: RequestContext) -> DashboardRead:
    """This morning: today's intake, open and overdue per office, the month's KPIs, the five worst overdue.
    The CCC's national view covers every office; an office sees its own."""
    national = national_view(ctx.user, ctx.tenant)
    now = container().clock.now()
    found = container().reports.dashboard(tenant=None if national else ctx.tenant, now=now, today=to_local(now).date())
    return DashboardRead.of(found)


@route(bp, "/api/reports/units", permission=P.REPORTS_READ, query=PeriodQuery, response=UnitBreakdownRead, tags=TAGS)
def units(ctx: RequestContext, query: PeriodQuery) -> UnitBreakdownRead:
    """The period's figures unit by unit, each with the request list filtered to the unit (drill-down)."""
    period = reports_periods.Period.parse(query.period)
    items = container().reports.units(tenant=ctx.tenant, period=period)
    return UnitBreakdownRead(period=period.text, items=[UnitFiguresRead.of(u, period.start.year) for u in items])


@route(
    bp, "/api/reports/exports", method="POST", permission=P.REPORTS_READ, body=ReportExportBody, response=JobRead, status=202,
    tags=TAGS, errors=(403, 422),
)  # fmt: skip
def export(ctx: RequestContext, body: ReportExportBody) -> Response:
    """The statistics of a period (or a range of days) or the league table, as a PDF or an XLSX (a background job)."""
    national = national_view(ctx.user, ctx.tenant)
    return accepted(container().report_exports.start(tenant=ctx.tenant, actor=ctx.user.login, national=national, body=body))


def national_view(user: Principal, tenant: str) -> bool:
    """Whether the caller reads every office (the CCC's central view): then its reads widen to every tenant."""
    national = tenant == CENTRAL_TENANT and P.CENTRAL_VIEW in permissions_of(user.roles, tenant)
    if national:
        allow_national_reads()
    return national


@route(
    bp, "/api/reports/reconcile", method="POST", permission=P.REPORTS_RECONCILE, body=ReconcileBody, response=JobRead,
    status=202, tags=TAGS,
)  # fmt: skip
def reconcile(ctx: RequestContext, body: ReconcileBody) -> Response:
    """Recount a month of the office's counters from its requests and set them right (a background job)."""
    period = reports_reconcile.month_of(body.period)
    job = container().jobs.start(
        tenant=ctx.tenant, actor=ctx.user.username, kind=reports_reconcile.KIND, params={"period": period.text}
    )
    return accepted(job)
