"""The survey report's steps (Art. 8 step 4): start it on a closed round, write part III, the leader's approval
(the shared mechanism, kind `survey_report`), the archive that approval makes, and publication.

The report lives in the survey's item (report.py), so each step is the survey's own transaction at its version
(two people editing: 409). Approval archives the survey in that transaction and starts the archive job, which
writes the frozen copy and records its files with a system step (reloaded and retried, never a 409).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.permissions import Permission, permissions_of
from chalicelib.shared.targets import SATISFACTION, in_force
from chalicelib.shared.tenancy import Principal
from chalicelib.web.charts import format_percent

from .analysis import SurveyAnalysis
from .domain import Survey
from .ports import PlanChange
from .report import Report
from .report_jobs import ARCHIVE_JOB
from .results import Results

REPORT_KIND = "survey_report"
LOWEST = 3  # criteria named in the proposed recommendations
APPROVE = Permission.PLANS_APPROVE


class Store(Protocol):
    """The survey store's save (the survey at its version, with the audit entry and the inbox item)."""

    def save(self, survey: Survey, change: PlanChange) -> None: ...


class Surveys(Protocol):
    """The survey service: the survey as the caller may see it."""

    def get(self, *, tenant: str, survey_id: str) -> Survey: ...


class Jobs(Protocol):
    """Background jobs."""

    def start(self, *, tenant: str, actor: str, kind: str, params: dict[str, Any]) -> Any: ...


class SurveyReports:
    """Start, write, submit, decide, archive and publish a survey's report."""

    def __init__(self, *, surveys: Surveys, store: Store, analysis: SurveyAnalysis, jobs: Jobs, clock: Clock) -> None:
        self._surveys, self._store, self._analysis, self._jobs, self._clock = surveys, store, analysis, jobs, clock

    def start(self, *, tenant: str, survey_id: str, actor: Principal, round_number: int, version: int) -> Survey:
        """A report on a closed round, with part III's draft proposed from the lowest-scoring criteria."""
        survey = self._current(tenant, survey_id, version)
        survey._owned(actor)
        if survey.report is not None:
            raise ConflictError("Khảo sát đã có báo cáo.", code="report_exists")
        survey.require_settled()
        rnd = survey.round(round_number)
        if rnd.status != "closed":
            raise RuleViolationError(
                "Chỉ lập báo cáo khi đợt khảo sát đã kết thúc.", code="round_open", fields={"round": "not_closed"}
            )
        now = self._clock.now()
        found = self._analysis.results(tenant=tenant, survey_id=survey_id, round_number=round_number)
        conclusions, recommendations = proposal(found.results, year=now.year)
        survey.report = Report(
            round=round_number,
            conclusions=conclusions,
            recommendations=recommendations,
            started_at=now,
            updated_at=now,
        )
        survey.updated_at = now
        self._store.save(survey, PlanChange(self._event(actor, "survey.report.started", survey)))
        return survey

    def edit(
        self, *, tenant: str, survey_id: str, actor: Principal, conclusions: str, recommendations: str, version: int
    ) -> Survey:
        """Part III, rewritten by the owner while the report is a draft or was returned."""
        survey, report = self._report(tenant, survey_id, version, actor)
        now = self._clock.now()
        report.edit(now=now, author=actor.username, conclusions=conclusions, recommendations=recommendations)
        survey.updated_at = now
        self._store.save(survey, PlanChange(self._event(actor, "survey.report.edited", survey)))
        return survey

    def submit(self, *, tenant: str, survey_id: str, actor: Principal, note: str, version: int) -> Survey:
        """The owner submits the report to the leader; it appears in the leader's inbox."""
        survey, report = self._report(tenant, survey_id, version, actor)
        report.require_written()
        now = self._clock.now()
        report.approval.submit(now, actor, note, permission=Permission.SURVEYS_MANAGE)
        survey.updated_at = now
        pending = {
            "kind": REPORT_KIND,
            "subject_id": survey.id,
            "title": f"Báo cáo: {survey.plan.title}",
            "submitted_at": now,
            "url": f"/surveys/{survey.id}/report",
            "submitted_by": actor.username,
        }
        self._store.save(survey, PlanChange(self._event(actor, "survey.report.submitted", survey), pending=pending))
        return survey

    def withdraw(self, *, tenant: str, survey_id: str, actor: Principal, note: str, version: int) -> Survey:
        """The owner takes a submitted report back."""
        return self._decide(
            tenant, survey_id, actor, version, "survey.report.withdrawn",
            lambda s, r, now: r.approval.withdraw(now, actor, note, permission=Permission.SURVEYS_MANAGE),
        )  # fmt: skip

    def approve(self, *, tenant: str, survey_id: str, actor: Principal, note: str, version: int) -> Survey:
        """The leader approves the report (never its authors): the survey is archived and its frozen copy made."""
        survey = self._decide(
            tenant, survey_id, actor, version, "survey.report.approved",
            lambda s, r, now: r.approval.approve(now, actor, note, permission=APPROVE, authors=self._authors(s)),
            archive=True,
        )  # fmt: skip
        self._jobs.start(tenant=tenant, actor=actor.login, kind=ARCHIVE_JOB, params={"survey_id": survey.id})
        return survey

    def return_(self, *, tenant: str, survey_id: str, actor: Principal, note: str, version: int) -> Survey:
        """The leader returns the report with a reason."""
        return self._decide(
            tenant, survey_id, actor, version, "survey.report.returned",
            lambda s, r, now: r.approval.return_(now, actor, note, permission=APPROVE, authors=self._authors(s)),
        )  # fmt: skip

    def publish(self, *, tenant: str, survey_id: str, actor: Principal, version: int) -> Survey:
        """Make the approved report public on the office's page (owner or leader)."""
        survey = self._current(tenant, survey_id, version)
        if survey.is_part or actor.tenant != survey.owner:
            raise ForbiddenError("Chỉ đơn vị chủ trì công bố báo cáo.")
        if not ({Permission.SURVEYS_MANAGE, APPROVE} & permissions_of(actor.roles, actor.tenant)):
            raise ForbiddenError("Bạn không có quyền công bố báo cáo.")
        report = self._required(survey)
        report.publish(self._clock.now())
        self._store.save(survey, PlanChange(self._event(actor, "survey.report.published", survey)))
        return survey

    def archived(self, *, tenant: str, survey_id: str, files: dict[str, str]) -> None:
        """The archive job's files recorded on the report: a system step, reloaded on a race, never a 409."""
        for _ in range(5):
            survey = self._surveys.get(tenant=tenant, survey_id=survey_id)
            report = self._required(survey)
            if report.archive == files:
                return
            report.archive = dict(files)
            try:
                self._store.save(survey, PlanChange(self._event("system", "survey.report.archived", survey)))
                return
            except ConflictError:
                continue
        raise ConflictError("Không ghi được bản lưu trữ của báo cáo.")

    # -- helpers -----------------------------------------------------------------------------------------------

    @staticmethod
    def _authors(survey: Survey) -> set[str]:
        report = survey.report
        return {survey.created_by, *(report.authors if report else ())}

    @staticmethod
    def _required(survey: Survey) -> Report:
        if survey.report is None:
            raise RuleViolationError("Khảo sát chưa có báo cáo.", code="no_report", fields={"report": "none"})
        return survey.report

    def _report(self, tenant: str, survey_id: str, version: int, actor: Principal) -> tuple[Survey, Report]:
        survey = self._current(tenant, survey_id, version)
        survey._owned(actor)
        return survey, self._required(survey)

    def _decide(
        self,
        tenant: str,
        survey_id: str,
        actor: Principal,
        version: int,
        action: str,
        step: Callable[[Survey, Report, datetime], None],
        *,
        archive: bool = False,
    ) -> Survey:
        survey = self._current(tenant, survey_id, version)
        if survey.is_part:
            raise ForbiddenError("Báo cáo khảo sát toàn quốc do Trung tâm CSKH phê duyệt.")
        report = self._required(survey)
        submitted_at = report.approval.submitted_at
        now = self._clock.now()
        step(survey, report, now)
        survey.updated_at = now
        if archive:
            survey.require_settled()
            survey.archived_at = now  # Art. 8 step 4: the survey and its data set, read-only from here on
        decided = {"kind": REPORT_KIND, "subject_id": survey.id, "submitted_at": submitted_at} if submitted_at else None
        self._store.save(survey, PlanChange(self._event(actor, action, survey), decided=decided))
        return survey

    def _current(self, tenant: str, survey_id: str, version: int) -> Survey:
        survey = self._surveys.get(tenant=tenant, survey_id=survey_id)
        if survey.version != version:
            raise ConflictError("Khảo sát đã được người khác thay đổi. Vui lòng tải lại.")
        return survey

    def _event(self, actor: Principal | str, action: str, survey: Survey) -> AuditEvent:
        who = actor if isinstance(actor, str) else actor.username
        return AuditEvent(who, action, "survey", survey.id, self._clock.now(), {})


def proposal(results: Results, *, year: int) -> tuple[str, str]:
    """Part III's draft: the overall index against the year's target, then the lowest-scoring criteria."""
    target = in_force(SATISFACTION, year)
    overall = results.overall
    conclusions = [f"Có {results.respondents} phiếu trả lời hợp lệ."]
    if overall is not None and not overall.suppressed:
        verdict = "đạt" if target.met(overall.value) else "chưa đạt"
        conclusions.append(
            f"Chỉ số hài lòng chung đạt {format_percent(overall.value)} (khoảng tin cậy 95 %: "
            f"{format_percent(overall.low)} – {format_percent(overall.high)}), {verdict} mục tiêu {target.text} "
            f"đến năm {target.year}."
        )
    criteria = sorted(
        (r for r in results.index if r.node.level == "criterion" and not r.estimate.suppressed),
        key=lambda r: r.estimate.value,
    )[:LOWEST]
    recommendations = [
        f"{i}. Tiêu chí «{r.node.label}» thuộc nhóm có tỷ lệ hài lòng thấp nhất ({format_percent(r.estimate.value)}): đề nghị đơn vị "
        "phụ trách rà soát nguyên nhân, đề xuất giải pháp cải thiện và báo cáo kết quả trong kỳ khảo sát sau."
        for i, r in enumerate(criteria, start=1)
    ]
    if not recommendations and any(r.node.level == "criterion" for r in results.index):
        recommendations = ["Số phiếu của từng tiêu chí chưa đủ (dưới 5) để nêu tiêu chí có tỷ lệ hài lòng thấp."]
    elif not recommendations:
        recommendations = ["Bộ câu hỏi chưa gắn tiêu chí đánh giá; đề nghị bổ sung kiến nghị từ các bảng kết quả."]
    return " ".join(conclusions), "\n".join(recommendations)
