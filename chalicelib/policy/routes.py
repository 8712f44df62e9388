"""The policy reports' API (README "Contract": policy reports) — Decision 681 Art. 14–15."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.approvals.schemas import DecisionBody
from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.jobs.routes import accepted
from chalicelib.jobs.schemas import JobRead
from chalicelib.shared.errors import ForbiddenError, MalformedError
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission, allows
from chalicelib.shared.tenancy import Principal, RequestContext, allow_national_reads

from . import messages as M
from .schemas import (
    PolicyCreate,
    PolicyExportBody,
    PolicyListQuery,
    PolicyPage,
    PolicyRecommendationsBody,
    PolicyReportRead,
    PolicyVersionBody,
    report_read,
    summary_read,
)

if TYPE_CHECKING:
    from . import service
    from .domain import PolicyReport
else:
    service = lazy("chalicelib.policy.service")

bp = Blueprint(__name__)
BASE = "/api/reports/policy"
TAGS = ("policy reports",)
P = Permission


def read(report: PolicyReport, actor: Principal) -> PolicyReportRead:
    """The report's read model for this person."""
    return report_read(report, container().policy_reports.counts(report), actor)


def national_reads(actor: Principal) -> None:
    """A national report reads every office's reports of its period: the CCC's national view only."""
    if not allows(actor.roles, actor.tenant, P.CENTRAL_VIEW):
        raise ForbiddenError(M.CENTRAL_ONLY, code="central_only")
    allow_national_reads()


@route(bp, BASE, permission=P.REPORTS_READ, query=PolicyListQuery, response=PolicyPage, tags=TAGS)
def list_reports(ctx: RequestContext, query: PolicyListQuery) -> PolicyPage:
    """The office's policy reports, latest period first."""
    items, cursor = container().policy_reports.list(tenant=ctx.tenant, cursor=query.cursor, limit=query.limit)
    return PolicyPage(items=[summary_read(r) for r in items], next_cursor=cursor)


@route(bp, BASE, method="POST", permission=P.POLICY_WRITE, body=PolicyCreate, response=PolicyReportRead, status=201, tags=TAGS)
def create_report(ctx: RequestContext, body: PolicyCreate) -> PolicyReportRead:
    """A regular report of a period, an ad hoc one on a range, or the CCC's national one (409 when it exists)."""
    return read(create(ctx, body), ctx.user)


def create(ctx: RequestContext, body: PolicyCreate) -> PolicyReport:
    """Create the report the body asks for (the page's form uses it too)."""
    reports, user = container().policy_reports, ctx.user
    if body.kind == "ad_hoc":
        if body.start is None or body.end is None:
            missing = {n: "required" for n in ("start", "end") if getattr(body, n) is None}
            raise MalformedError("Báo cáo đột xuất cần ngày bắt đầu và ngày kết thúc.", code="invalid_fields", fields=missing)
        return reports.create_ad_hoc(tenant=ctx.tenant, actor=user, start=body.start, end=body.end, title=body.title)
    if not body.period:
        raise MalformedError("Cần chọn kỳ báo cáo.", code="invalid_fields", fields={"period": "required"})
    if body.kind == "national":
        national_reads(user)
        return reports.create_national(tenant=ctx.tenant, actor=user, period=body.period)
    return reports.create_regular(tenant=ctx.tenant, actor=user, period=body.period)


@route(bp, f"{BASE}/{{report_id}}", permission=P.REPORTS_READ, response=PolicyReportRead, tags=TAGS)
def get_report(ctx: RequestContext, report_id: str) -> PolicyReportRead:
    """A report with its sections: counts, typical questions with their evidence, recommendations."""
    return read(container().policy_reports.get(tenant=ctx.tenant, report_id=report_id), ctx.user)


@route(
    bp, f"{BASE}/{{report_id}}/recommendations", method="PUT", permission=P.POLICY_WRITE, body=PolicyRecommendationsBody,
    response=PolicyReportRead, tags=TAGS,
)  # fmt: skip
def edit_recommendations(ctx: RequestContext, body: PolicyRecommendationsBody, report_id: str) -> PolicyReportRead:
    """The focal officer's recommendations, per group and overall (409 on a stale version)."""
    report = container().policy_reports.edit(
        tenant=ctx.tenant, report_id=report_id, actor=ctx.user, texts=body.texts(), version=body.version
    )
    return read(report, ctx.user)


@route(bp, f"{BASE}/{{report_id}}/typical", method="POST", permission=P.POLICY_WRITE, response=JobRead, status=202, tags=TAGS)
def refresh_typical(ctx: RequestContext, report_id: str) -> Response:
    """Read the period's requests again for the typical questions (a job; refused once submitted or approved)."""
    return accepted(container().policy_reports.refresh(tenant=ctx.tenant, report_id=report_id, actor=ctx.user))


@route(
    bp, f"{BASE}/{{report_id}}/consolidate", method="POST", permission=P.POLICY_WRITE, body=PolicyVersionBody,
    response=PolicyReportRead, tags=TAGS,
)  # fmt: skip
def reconsolidate(ctx: RequestContext, body: PolicyVersionBody, report_id: str) -> PolicyReportRead:
    """The national report consolidated again from the offices' approved reports (CCC)."""
    national_reads(ctx.user)
    report = container().policy_reports.reconsolidate(
        tenant=ctx.tenant, report_id=report_id, actor=ctx.user, version=body.version
    )
    return read(report, ctx.user)


def _step(name: str, permission: Permission, doc: str) -> None:
    @route(
        bp,
        f"{BASE}/{{report_id}}/{name}",
        method="POST",
        permission=permission,
        body=DecisionBody,
        response=PolicyReportRead,
        tags=TAGS,
    )
    def step(ctx: RequestContext, body: DecisionBody, report_id: str) -> PolicyReportRead:
        reports = container().policy_reports
        act = {"submit": reports.submit, "withdraw": reports.withdraw, "approve": reports.approve, "return": reports.return_}[
            name
        ]
        return read(act(tenant=ctx.tenant, report_id=report_id, actor=ctx.user, note=body.note, version=body.version), ctx.user)

    step.__doc__ = doc
    step.__name__ = step.__qualname__ = f"policy_report_{name}"


_step("submit", P.POLICY_WRITE, "The focal officer submits the report to the leader (its period over, recommendations written).")
_step("withdraw", P.POLICY_WRITE, "The focal officer takes a submitted report back.")
_step("approve", P.PLANS_APPROVE, "The leader approves the report (never an author): its figures are frozen and archived.")
_step("return", P.PLANS_APPROVE, "The leader returns the report with a reason.")


@route(
    bp, f"{BASE}/{{report_id}}/exports", method="POST", permission=P.REPORTS_READ, body=PolicyExportBody, response=JobRead,
    status=202, tags=TAGS,
)  # fmt: skip
def export(ctx: RequestContext, body: PolicyExportBody, report_id: str) -> Response:
    """The report as a PDF (with the heading block) or an XLSX, written by a job."""
    c = container()
    report = c.policy_reports.get(tenant=ctx.tenant, report_id=report_id)
    params = {"report_id": report.id, "format": body.format}
    return accepted(c.jobs.start(tenant=ctx.tenant, actor=ctx.user.login, kind=service.EXPORT_JOB, params=params))


@route(bp, f"{BASE}/{{report_id}}/files/{{file_format}}", permission=P.REPORTS_READ, tags=TAGS, status=302)
def archived_file(ctx: RequestContext, report_id: str, file_format: str) -> Response:
    """The approved report's frozen copy (pdf, xlsx): a redirect to a short-lived link (404 until archived)."""
    url = container().policy_jobs.download_url(tenant=ctx.tenant, report_id=report_id, fmt=file_format)
    return Response(body="", status_code=302, headers={"Location": url})
