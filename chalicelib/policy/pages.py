"""The policy reports' pages under /reports/policy: the list, a new report, a report with its sections, the
recommendations form, the approval panel and the exports, and the CCC's consolidation page — each from the API's
read models, so the page shows what the JSON returns."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.clock import to_local
from chalicelib.shared.errors import AppError
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission, allows
from chalicelib.shared.tenancy import RequestContext
from chalicelib.web.render import Page, redirect, render

from . import messages
from .limits import SECTIONS
from .routes import create, read
from .schemas import PolicyCreate, PolicyExportBody, PolicyRecommendationsBody, summary_read

if TYPE_CHECKING:
    from chalicelib.reports import periods as reports_periods
    from chalicelib.requests import page_forms
    from chalicelib.web import charts

    from . import service
else:
    service = lazy("chalicelib.policy.service")
    reports_periods = lazy("chalicelib.reports.periods")
    page_forms = lazy("chalicelib.requests.page_forms")
    charts = lazy("chalicelib.web.charts")

bp = Blueprint(__name__)
P = Permission
BASE = "/reports/policy"


def _ctx(p: Page) -> RequestContext:
    return RequestContext(tenant=p.tenant.code, principal=p.user)


def _int(text: str) -> int | str:
    return int(text) if text.isdigit() and len(text) < 10 else text


def value_text(unit: str, value: float | None) -> str:
    """An indicator's value as the page prints it."""
    if value is None:
        return "—"
    if unit == "share":
        return charts.format_percent(value)
    return charts.format_number(value, 0)


def _periods(today: date) -> list[tuple[str, str]]:
    """The periods offered for a regular report: the last 12 months, 4 quarters and 2 years, latest first."""
    months, quarters, years = (
        [reports_periods.Period.month(today)],
        [reports_periods.Period.quarter(today)],
        [reports_periods.Period.year(today)],
    )
    for found, n in ((months, 12), (quarters, 4), (years, 2)):
        while len(found) < n:
            found.append(found[-1].previous())
    return [(x.text, x.label) for x in (*months, *quarters, *years)]


def _today() -> date:
    return to_local(container().clock.now()).date()


@page(bp, BASE, permission=P.REPORTS_READ)
def policy_list(p: Page) -> Response:
    """The office's policy reports (period, status), latest first."""
    items, cursor = container().policy_reports.list(tenant=p.tenant.code, cursor=p.query.get("cursor") or None)
    return render(
        p, "policy_list.html", title=messages.REPORT_LABEL, items=[summary_read(r) for r in items], cursor=cursor,
        write=allows(p.user.roles, p.tenant.code, P.POLICY_WRITE), central=allows(p.user.roles, p.tenant.code, P.CENTRAL_VIEW),
    )  # fmt: skip


def _new(p: Page, error: AppError | None = None, status: int = 200) -> Response:
    typed = {k: p.value(k) for k in ("kind", "period", "start", "end", "title")}
    return render(p, "policy_new.html", status, title="Lập báo cáo", periods=_periods(_today()), error=error, typed=typed)


@page(bp, f"{BASE}/new", permission=P.POLICY_WRITE)
def policy_new(p: Page) -> Response:
    """A new report: regular (pick the period) or ad hoc (a range and a title)."""
    return _new(p)


@page(bp, f"{BASE}/new", method="POST", permission=P.POLICY_WRITE)
def policy_create(p: Page) -> Response:
    """Create it (POST /api/reports/policy), then its page."""

    def call() -> Any:
        kind = p.value("kind") or "regular"
        values = {"kind": kind, "period": p.value("period") or None, "title": p.value("title")}
        if kind == "ad_hoc":
            values |= {"start": p.value("start") or None, "end": p.value("end") or None, "period": None}
        return create(_ctx(p), page_forms.parse(PolicyCreate, values))

    done, error = page_forms.attempt(call)
    return redirect(f"{BASE}/{done.id}") if done is not None else _new(p, error, error.status if error else 200)


@page(bp, f"{BASE}/national", permission=P.CENTRAL_VIEW)
def policy_national(p: Page) -> Response:
    """The CCC's consolidation page: each office's report of a period (approved or missing) and the national one."""
    c = container()
    periods = _periods(_today())
    chosen = p.query.get("period") or periods[1][0]
    period = reports_periods.Period.parse(chosen)
    offices = c.policy_reports.standing(period=period)
    national = c.policy_reports.find(tenant=p.tenant.code, report_id=f"N-{period.text}")
    return render(
        p, "policy_national.html", title="Tổng hợp báo cáo toàn quốc", periods=periods, chosen=period.text,
        label=period.label, offices=offices, national=national, approved=sum(1 for *_, r in offices if r and r.is_final),
        write=allows(p.user.roles, p.tenant.code, P.POLICY_WRITE),
    )  # fmt: skip


def _show(p: Page, report_id: str, *, error: AppError | None = None, status: int = 200) -> Response:
    report = read(container().policy_reports.get(tenant=p.tenant.code, report_id=report_id), p.user)
    typed = {s: p.value(s) for s in SECTIONS} if error is not None and p.form else None
    return render(
        p, "policy_report.html", status, title=report.title, r=report, error=error, typed=typed, value_text=value_text,
        m=messages,
    )  # fmt: skip


@page(bp, f"{BASE}/{{report_id}}", permission=P.REPORTS_READ)
def policy_report(p: Page, report_id: str) -> Response:
    """A report: each section's figures, typical questions and evidence, recommendations, approval, exports."""
    return _show(p, report_id)


@page(bp, f"{BASE}/{{report_id}}/recommendations", method="POST", permission=P.POLICY_WRITE)
def policy_recommendations(p: Page, report_id: str) -> Response:
    """The recommendations form (PUT …/recommendations): a stale version is shown as a 409 in place."""

    def call() -> Any:
        body = page_forms.parse(
            PolicyRecommendationsBody, {"version": _int(p.value("version"))} | {s: p.value(s) for s in SECTIONS}
        )
        return container().policy_reports.edit(
            tenant=p.tenant.code, report_id=report_id, actor=p.user, texts=body.texts(), version=body.version
        )

    done, error = page_forms.attempt(call)
    return (
        redirect(f"{BASE}/{report_id}")
        if done is not None
        else _show(p, report_id, error=error, status=error.status if error else 200)
    )


def _step_page(name: str, permission: Permission) -> None:
    @page(bp, f"{BASE}/{{report_id}}/{name}", method="POST", permission=permission)
    def step(p: Page, report_id: str) -> Response:
        reports = container().policy_reports
        act = {"submit": reports.submit, "withdraw": reports.withdraw, "approve": reports.approve, "return": reports.return_}[
            name
        ]

        def call() -> Any:
            version = _int(p.value("version"))
            return act(
                tenant=p.tenant.code,
                report_id=report_id,
                actor=p.user,
                note=p.value("note"),
                version=int(version) if isinstance(version, int) else -1,
            )

        done, error = page_forms.attempt(call)
        return (
            redirect(f"{BASE}/{report_id}")
            if done is not None
            else _show(p, report_id, error=error, status=error.status if error else 200)
        )

    step.__name__ = step.__qualname__ = f"policy_page_{name}"


for _name, _permission in (
    ("submit", P.POLICY_WRITE),
    ("withdraw", P.POLICY_WRITE),
    ("approve", P.PLANS_APPROVE),
    ("return", P.PLANS_APPROVE),
):
    _step_page(_name, _permission)


@page(bp, f"{BASE}/{{report_id}}/typical", method="POST", permission=P.POLICY_WRITE)
def policy_typical(p: Page, report_id: str) -> Response:
    """Read the period's requests again (a job), then the job's page."""
    done, error = page_forms.attempt(
        lambda: container().policy_reports.refresh(tenant=p.tenant.code, report_id=report_id, actor=p.user)
    )
    return (
        redirect(f"/jobs/{done.id}")
        if done is not None
        else _show(p, report_id, error=error, status=error.status if error else 200)
    )


@page(bp, f"{BASE}/{{report_id}}/consolidate", method="POST", permission=P.CENTRAL_VIEW)
def policy_consolidate(p: Page, report_id: str) -> Response:
    """The national report consolidated again."""
    reports = container().policy_reports

    def call() -> Any:
        version = _int(p.value("version"))
        return reports.reconsolidate(
            tenant=p.tenant.code, report_id=report_id, actor=p.user, version=int(version) if isinstance(version, int) else -1
        )

    done, error = page_forms.attempt(call)
    return (
        redirect(f"{BASE}/{report_id}")
        if done is not None
        else _show(p, report_id, error=error, status=error.status if error else 200)
    )


@page(bp, f"{BASE}/{{report_id}}/exports", method="POST", permission=P.REPORTS_READ)
def policy_export(p: Page, report_id: str) -> Response:
    """Export as a job (POST …/exports), then the job's page with its progress and download link."""
    c = container()

    def call() -> Any:
        body = page_forms.parse(PolicyExportBody, {"format": p.value("format")})
        report = c.policy_reports.get(tenant=p.tenant.code, report_id=report_id)
        params = {"report_id": report.id, "format": body.format}
        return c.jobs.start(tenant=p.tenant.code, actor=p.user.login, kind=service.EXPORT_JOB, params=params)

    done, error = page_forms.attempt(call)
    return (
        redirect(f"/jobs/{done.id}")
        if done is not None
        else _show(p, report_id, error=error, status=error.status if error else 200)
    )


@page(bp, f"{BASE}/{{report_id}}/files/{{file_format}}", permission=P.REPORTS_READ)
def policy_file(p: Page, report_id: str, file_format: str) -> Response:
    """The approved report's archived PDF or XLSX."""
    url = container().policy_jobs.download_url(tenant=p.tenant.code, report_id=report_id, fmt=file_format)
    return Response(body="", status_code=302, headers={"Location": url})
