"""The statistics pages (issue 11): an office's statistics, the CCC's league tables and a province's drill-down, the
morning dashboard, and the exports they start. Every figure comes from the read service through views.py/tables.py,
the same reading the JSON API and the export files make."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.clock import to_local
from chalicelib.shared.errors import AppError
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.web.render import Page, redirect, render

if TYPE_CHECKING:
    from chalicelib.requests import page_forms
    from chalicelib.web import charts

    from . import indicators, periods, service, tables, views
    from . import selection as reports_selection
    from .selection import Selection
else:
    tables = lazy("chalicelib.reports.tables")
    views = lazy("chalicelib.reports.views")
    indicators = lazy("chalicelib.reports.indicators")
    periods = lazy("chalicelib.reports.periods")
    reports_selection = lazy("chalicelib.reports.selection")
    service = lazy("chalicelib.reports.service")
    page_forms = lazy("chalicelib.requests.page_forms")
    charts = lazy("chalicelib.web.charts")
from .routes import national_view
from .schemas import DEFAULT_INDICATOR, DashboardRead, ReportExportBody, ValueRead

bp = Blueprint(__name__)
P = Permission
EXPLAINED = ("received", "answered", "unanswered", "late", "on_time_share", "instant_rate", "satisfaction_rate",
             "median_working_days", "p90_working_days", "open_now", "overdue_now", "intake_late", "intake_on_time_share",
             "unit_on_time_share",
             "transfer_reported_on_time")  # fmt: skip


def _today() -> date:
    return to_local(container().clock.now()).date()


def office_link(selection: Selection, dimension: str, value: str) -> str | None:
    """The requests behind a figure in the office's own list (the console's /requests): a period's by receipt
    (`requests_link`); the "now" gauge's open and overdue are the list's default and `overdue` tabs."""
    if dimension in service.NOW_LINKS:
        return "/requests?overdue=true" if dimension == "overdue" else "/requests"
    return service.requests_link(selection.start, selection.end, dimension, value, base="/requests")


def province_link(tenant: str, selection: Selection, dimension: str, value: str) -> str | None:
    """The same for the CCC drilling into a province: that office's requests in the CCC's central list."""
    if dimension in service.NOW_LINKS:
        return central_link(tenant, overdue=dimension == "overdue")
    return service.requests_link(selection.start, selection.end, dimension, value, base="/central/requests", tenant=tenant)


def central_link(tenant: str, *, overdue: bool = False) -> str:
    """An office's open requests in the CCC's central view (soonest deadline first)."""
    return f"/central/requests?tenant={tenant}" + ("&overdue=true" if overdue else "")


def _years(today: date) -> list[int]:
    return list(range(today.year, today.year - 5, -1))


def _statistics(p: Page, tenant: str, *, error: AppError | None = None, province: bool = False) -> Response:
    c, today = container(), _today()
    selection = reports_selection.select(p.query, today)
    units = {u.id: u.name for u in c.tenancy.list_units(tenant=tenant, include_inactive=True)}

    def link(dimension: str, value: str) -> str | None:
        return province_link(tenant, selection, dimension, value) if province else office_link(selection, dimension, value)

    found = views.office_statistics(c.reports, tenant=tenant, selection=selection, today=today, link=link, units=units)
    return render(
        p,
        "reports_statistics.html",
        error.status if error else 200,
        title="Thống kê" if not province else f"Thống kê: {c.reports.office_name(tenant)}",
        office=c.reports.office_name(tenant),
        province=tenant if province else None,
        selection=selection,
        picker=_picker(p, selection, today),
        stats=found,
        kpis=[(indicators.BY_KEY[k], row) for k, row in zip(tables.KPI_KEYS, found.kpis.rows, strict=True)],
        charts=views.trend_charts(found.series),
        explained=[indicators.BY_KEY[k] for k in EXPLAINED],
        show=tables.shown,
        today=today,
        error=error,
    )


def _picker(p: Page, selection: Selection, today: date) -> dict[str, Any]:
    """The period picker: a tab per kind, the field for the kind shown, the periods before and after."""
    kind = p.query.get("kind") or selection.kind
    kind = kind if kind in reports_selection.KIND_LABELS else selection.kind
    quarters = [periods.Period.quarter(date(y, m, 1)) for y in _years(today) for m in (10, 7, 4, 1) if date(y, m, 1) <= today]
    return {
        "kinds": reports_selection.KIND_LABELS,
        "kind": kind,
        "range": kind == reports_selection.RANGE,
        "value": selection.period.text if selection.period and selection.kind == kind else "",
        "start": selection.start.isoformat(),
        "end": selection.end.isoformat(),
        "quarters": quarters,
        "years": _years(today),
        "previous": selection.previous(),
        "next": selection.next(),
    }


@page(bp, "/reports", permission=P.REPORTS_READ)
def statistics(p: Page) -> Response:
    """Thống kê: the office's figures of a day, month, quarter, year or range, the KPIs against target, the tables."""
    return _statistics(p, p.tenant.code)


@page(bp, "/reports/national", permission=P.CENTRAL_VIEW)
def national(p: Page) -> Response:
    """The 34 provinces and the CCC's desk ranked on an indicator in a period, and the CCC's transfers."""
    return _national(p)


def _national(p: Page, *, error: AppError | None = None) -> Response:
    c, today = container(), _today()
    indicator = c.reports.indicator(p.query.get("indicator") or DEFAULT_INDICATOR)
    period = periods.Period.parse(p.query.get("period") or periods.Period.month(today).text)
    found = views.national(c.reports, period=period, indicator=indicator, link=lambda t: f"/reports/national/{t}")
    return render(
        p,
        "reports_national.html",
        error.status if error else 200,
        title="Toàn quốc",
        found=found,
        chart=views.league_chart(found),
        ranked=[i for i in indicators.INDICATORS if not i.now],
        period=period,
        previous=period.previous(),
        next=period.next(),
        quarters=[periods.Period.quarter(date(y, m, 1)) for y in _years(today) for m in (10, 7, 4, 1) if date(y, m, 1) <= today],
        years=_years(today),
        show=tables.shown,
        today=today,
        error=error,
    )


@page(bp, "/reports/national/{province}", permission=P.CENTRAL_VIEW)
def province(p: Page, province: str) -> Response:
    """One office's figures and units, read through the CCC's central view (404 for a code that is no office)."""
    container().reports.office_name(province)
    return _statistics(p, province, province=True)


@page(bp, "/reports/dashboard", permission=P.REPORTS_READ)
def dashboard(p: Page) -> Response:
    """This morning: today's intake, open and overdue by office, the month's KPIs against target, the five worst."""
    c = container()
    national = national_view(p.user, p.tenant.code)
    now = c.clock.now()
    read = DashboardRead.of(c.reports.dashboard(tenant=None if national else p.tenant.code, now=now, today=to_local(now).date()))
    offices = sorted(read.offices, key=lambda o: -o.overdue) if national else read.offices
    return render(
        p,
        "reports_dashboard.html",
        title="Bảng điều hành",
        read=read,
        national=national,
        offices=offices,
        month=periods.Period.parse(read.month),
        indicators={i.key: i for i in indicators.INDICATORS},
        met_text=tables.met_text,
        central_link=central_link,
        names={o.tenant: o.name for o in read.offices},
        num=lambda n: charts.format_number(float(n)),
        fmt_value=value_text,
    )


def value_text(v: ValueRead) -> str:
    """An indicator's value as the page writes it: 80,5 %, 1.234, 3 (working days), — for none."""
    if v.value is None:
        return "—"
    if v.unit == indicators.WORKING_DAYS:
        return f"{charts.format_number(v.value)} ngày làm việc"
    return charts.format_percent(v.value) if v.unit == indicators.SHARE else charts.format_number(v.value)


@page(bp, "/reports/exports", method="POST", permission=P.REPORTS_READ)
def export(p: Page) -> Response:
    """Start an export (POST /api/reports/exports), then its job's page; a refusal is shown on the page it came from."""
    fields = {k: p.value(k) for k in ("what", "format", "period", "from", "to", "indicator") if p.value(k)}
    national = national_view(p.user, p.tenant.code)

    def call() -> Any:
        body = page_forms.parse(ReportExportBody, fields)
        return container().report_exports.start(tenant=p.tenant.code, actor=p.user.login, national=national, body=body)

    done, error = page_forms.attempt(call)
    if done is not None:
        return redirect(f"/jobs/{done.id}")
    again = replace(p, form={}, query={})  # the page as it opens: what was sent may be what was refused
    if national and fields.get("what") == "league":
        return _national(again, error=error)
    return _statistics(again, p.tenant.code, error=error)
