"""The survey results and report API (README "Contract": survey results): Art. 8 steps 3–5."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.approvals.domain import actions
from chalicelib.approvals.schemas import approval_read
from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.jobs.routes import accepted
from chalicelib.jobs.schemas import JobRead
from chalicelib.shared.errors import NotFoundError, RuleViolationError
from chalicelib.shared.permissions import Permission, permissions_of
from chalicelib.shared.tenancy import Principal, RequestContext

from .report_jobs import ARCHIVED
from .results_schemas import (
    ChangeRead,
    ChangesQuery,
    ChangesRead,
    CompareQuery,
    ComparisonRead,
    ExportBody,
    OpenAnswerPage,
    OpenAnswerRead,
    OpenQuery,
    RankedRead,
    RankingQuery,
    RankingRead,
    ReportStartBody,
    ResultsRead,
    RoundQuery,
    SurveyReportBody,
    SurveyReportRead,
)
from .schemas import StepBody, SurveyVersion

if TYPE_CHECKING:
    from .domain import Survey

bp = Blueprint(__name__)
TAGS = ("surveys",)
P = Permission
BASE = "/api/surveys/{survey_id}"


@route(bp, f"{BASE}/results", permission=P.SURVEYS_READ, query=RoundQuery, response=ResultsRead, tags=TAGS)
def results(ctx: RequestContext, query: RoundQuery, survey_id: str) -> ResultsRead:
    """Art. 8 step 3: a round's general table and satisfaction index with 95 % intervals, from the counters."""
    found = container().survey_analysis.results(tenant=ctx.tenant, survey_id=survey_id, round_number=query.round)
    return ResultsRead.of(found.survey.id, found.round.number, found.version.number, found.results)


@route(bp, f"{BASE}/results/compare", permission=P.SURVEYS_READ, query=CompareQuery, response=ComparisonRead, tags=TAGS)
def compare(ctx: RequestContext, query: CompareQuery, survey_id: str) -> ComparisonRead:
    """Groups side by side (province, channel, target group, form kind), each marked where it differs from the rest."""
    analysis = container().survey_analysis
    found = analysis.results(tenant=ctx.tenant, survey_id=survey_id, round_number=query.round)
    return ComparisonRead.of(analysis.comparison(found, query.by), found.results)


@route(bp, f"{BASE}/results/changes", permission=P.SURVEYS_READ, query=ChangesQuery, response=ChangesRead, tags=TAGS)
def changes(ctx: RequestContext, query: ChangesQuery, survey_id: str) -> ChangesRead:
    """This round against another round or an earlier survey: each change with its interval ("tăng 2,03 điểm")."""
    analysis = container().survey_analysis
    found = analysis.results(tenant=ctx.tenant, survey_id=survey_id, round_number=query.round)
    other = analysis.results(tenant=ctx.tenant, survey_id=query.against, round_number=query.against_round)
    items = analysis.changes(tenant=ctx.tenant, found=found, other_id=query.against, other_round=other.round.number)
    return ChangesRead(against=other.survey.id, against_round=other.round.number, items=[ChangeRead.of(c) for c in items])


@route(bp, f"{BASE}/results/ranking", permission=P.SURVEYS_READ, query=RankingQuery, response=RankingRead, tags=TAGS)
def ranking(ctx: RequestContext, query: RankingQuery, survey_id: str) -> RankingRead:
    """A national survey's provinces ranked on an index node, with the ranks their intervals allow."""
    analysis = container().survey_analysis
    found = analysis.results(tenant=ctx.tenant, survey_id=survey_id, round_number=query.round)
    return RankingRead(node=query.node, items=[RankedRead.of(r) for r in analysis.ranking(found, query.node)])


@route(bp, f"{BASE}/results/open", permission=P.SURVEYS_MANAGE, query=OpenQuery, response=OpenAnswerPage, tags=TAGS)
def open_answers(ctx: RequestContext, query: OpenQuery, survey_id: str) -> OpenAnswerPage:
    """A page of an open question's answers matching the words (the respondents' own words: the read is audited)."""
    items, cursor = container().survey_analysis.open_answers(
        tenant=ctx.tenant,
        survey_id=survey_id,
        round_number=query.round,
        question_id=query.question,
        search=query.q,
        cursor=query.cursor,
        actor=ctx.user,
    )
    return OpenAnswerPage(items=[OpenAnswerRead(answer_id=a.answer_id, text=a.text) for a in items], next_cursor=cursor)


# -- the report (Art. 8 step 4) ------------------------------------------------------------------------------------


def report_read(survey: Survey, actor: Principal) -> SurveyReportRead:
    """The report as this person may act on it."""
    report = survey.report
    if report is None:
        raise RuleViolationError("Khảo sát chưa có báo cáo.", code="no_report", fields={"report": "none"})
    granted = permissions_of(actor.roles, actor.tenant)
    authors = {survey.created_by, *report.authors}
    mine = actor.tenant == survey.owner and not survey.is_part
    allowed = actions(
        report.approval,
        actor,
        can_approve=mine and P.PLANS_APPROVE in granted,
        is_author=actor.username in authors,
        can_submit=mine and P.SURVEYS_MANAGE in granted,
    )
    return SurveyReportRead(
        survey_id=survey.id,
        round=report.round,
        conclusions=report.conclusions,
        recommendations=report.recommendations,
        approval=approval_read(report.approval, allowed),
        published_at=report.published_at,
        archived_at=survey.archived_at,
        archive=sorted(report.archive),
        version=survey.version,
    )


@route(bp, f"{BASE}/report", permission=P.SURVEYS_READ, response=SurveyReportRead, tags=TAGS)
def get_report(ctx: RequestContext, survey_id: str) -> SurveyReportRead:
    """The survey's report."""
    return report_read(container().surveys.get(tenant=ctx.tenant, survey_id=survey_id), ctx.user)


@route(
    bp,
    f"{BASE}/report",
    method="POST",
    permission=P.SURVEYS_MANAGE,
    body=ReportStartBody,
    response=SurveyReportRead,
    status=201,
    tags=TAGS,
)
def start_report(ctx: RequestContext, body: ReportStartBody, survey_id: str) -> SurveyReportRead:
    """Start the report on a closed round; part III comes with a draft from the lowest-scoring criteria."""
    survey = container().survey_reports.start(
        tenant=ctx.tenant, survey_id=survey_id, actor=ctx.user, round_number=body.round, version=body.version
    )
    return report_read(survey, ctx.user)


@route(
    bp, f"{BASE}/report", method="PUT", permission=P.SURVEYS_MANAGE, body=SurveyReportBody, response=SurveyReportRead, tags=TAGS
)
def edit_report(ctx: RequestContext, body: SurveyReportBody, survey_id: str) -> SurveyReportRead:
    """Rewrite part III (conclusions and recommendations) while the report is a draft or returned."""
    survey = container().survey_reports.edit(
        tenant=ctx.tenant,
        survey_id=survey_id,
        actor=ctx.user,
        conclusions=body.conclusions,
        recommendations=body.recommendations,
        version=body.version,
    )
    return report_read(survey, ctx.user)


def _report_step(name: str, permission: Permission, doc: str) -> None:
    @route(bp, f"{BASE}/report/{name}", method="POST", permission=permission, body=StepBody, response=SurveyReportRead, tags=TAGS)
    def step(ctx: RequestContext, body: StepBody, survey_id: str) -> SurveyReportRead:
        reports = container().survey_reports
        act = {"submit": reports.submit, "withdraw": reports.withdraw, "approve": reports.approve, "return": reports.return_}
        survey = act[name](tenant=ctx.tenant, survey_id=survey_id, actor=ctx.user, note=body.note, version=body.version)
        return report_read(survey, ctx.user)

    step.__doc__ = doc
    step.__name__ = step.__qualname__ = f"survey_report_{name}"


_report_step("submit", P.SURVEYS_MANAGE, "The owner submits the report to the leader.")
_report_step("withdraw", P.SURVEYS_MANAGE, "The owner takes a submitted report back.")
_report_step("approve", P.PLANS_APPROVE, "Art. 8 step 4: the leader approves the report; the survey is archived read-only.")
_report_step("return", P.PLANS_APPROVE, "The leader returns the report with a reason.")


@route(
    bp,
    f"{BASE}/report/publish",
    method="POST",
    permission=P.SURVEYS_READ,
    body=SurveyVersion,
    response=SurveyReportRead,
    tags=TAGS,
)
def publish_report(ctx: RequestContext, body: SurveyVersion, survey_id: str) -> SurveyReportRead:
    """Publish the approved report on the office's public page (its owner or a leader)."""
    survey = container().survey_reports.publish(tenant=ctx.tenant, survey_id=survey_id, actor=ctx.user, version=body.version)
    return report_read(survey, ctx.user)


@route(
    bp,
    f"{BASE}/exports",
    method="POST",
    permission=P.SURVEYS_MANAGE,
    body=ExportBody,
    response=JobRead,
    status=202,
    tags=TAGS,
    errors=(422,),
)
def export(ctx: RequestContext, body: ExportBody, survey_id: str) -> Response:
    """Export the report (PDF, XLSX) or the raw answers (CSV, XLSX; anonymised for an anonymous survey) as a job."""
    job = container().survey_exports.start(
        tenant=ctx.tenant, actor=ctx.user.login, survey_id=survey_id, what=body.what, fmt=body.format, round_number=body.round
    )
    return accepted(job)


@route(bp, f"{BASE}/report/files/{{fmt}}", permission=P.SURVEYS_READ, status=302, tags=TAGS)
def report_file(ctx: RequestContext, survey_id: str, fmt: str) -> Response:
    """The approved report's frozen copy (pdf, xlsx, answers): 302 to a link valid 5 minutes; 404 until archived."""
    if fmt not in ARCHIVED:
        raise NotFoundError("Không có tệp này của báo cáo.")
    url = container().survey_exports.download_url(tenant=ctx.tenant, survey_id=survey_id, fmt=fmt)
    return Response(body="", status_code=302, headers={"Location": url})
