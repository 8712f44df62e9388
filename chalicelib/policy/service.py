"""The policy reports' steps (Art. 14 step 4, Art. 15): create, write, submit, decide, freeze, consolidate.

Each person's step is the report's own transaction at its version (two people editing: 409). Creating a report
starts the job that reads the period's requests for its typical questions (jobs.py); the job records them with a
system step (reloaded and retried, never a 409). Approval freezes the counts in the approving transaction and
starts the archive job, which writes the PDF and XLSX and records their keys with another system step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.audit.domain import AuditEvent
from chalicelib.reports.indicators import Figures
from chalicelib.reports.periods import Period
from chalicelib.shared.clock import Clock, to_local
from chalicelib.shared.errors import ConflictError, NotFoundError
from chalicelib.shared.permissions import CENTRAL_TENANT
from chalicelib.shared.tenancy import Principal

from . import messages as M
from .consolidation import consolidate
from .domain import APPROVE, WRITE, Counts, PolicyReport, ReportChange, Typical
from .figures import section_counts

REPORT_KIND = "policy_report"  # the approval kind (the leader's inbox)
TYPICAL_JOB, EXPORT_JOB, ARCHIVE_JOB = "policy-typical", "policy-export", "policy-archive"
PAGE, PAGE_MAX = 50, 100
SYSTEM_RETRIES = 5
TypicalLists = dict[str, list[Typical]]  # category → typical questions (named outside the class: it has a `list`)
Standing = list[tuple[str, str, PolicyReport | None]]  # each office: code, name, its report of a period


class Store(Protocol):
    """Where reports are kept (store.py DynamoPolicyStore; tests/fakes.py FakePolicyStore)."""

    def get(self, *, tenant: str, report_id: str) -> PolicyReport | None: ...

    def many(self, keys: Any) -> dict[tuple[str, str], PolicyReport]: ...

    def list(self, *, tenant: str, cursor: str | None, limit: int) -> tuple[list[PolicyReport], str | None]: ...

    def save(self, report: PolicyReport, change: ReportChange) -> None: ...


class Counters(Protocol):
    """The statistics' read service (reports/service.py ReportService)."""

    def figures(self, *, tenant: str, period: Period) -> Figures: ...

    def range(self, *, tenant: str, start_day: date, end_day: date) -> Figures: ...


class Jobs(Protocol):
    """Background jobs."""

    def start(self, *, tenant: str, actor: str, kind: str, params: dict[str, Any]) -> Any: ...


class PolicyReports:
    """Báo cáo tổ chức thực hiện chính sách: one office's reports, and the CCC's national one."""

    def __init__(self, *, store: Store, counters: Counters, jobs: Jobs, clock: Clock, offices: Mapping[str, str]) -> None:
        self._store, self._counters, self._jobs, self._clock = store, counters, jobs, clock
        self._offices = dict(offices)  # code → name, the CCC first: the national report's sources

    # -- reading --------------------------------------------------------------------------------------------------

    def get(self, *, tenant: str, report_id: str) -> PolicyReport:
        """The report (404 when the office has none of that id)."""
        found = self._store.get(tenant=tenant, report_id=report_id)
        if found is None:
            raise NotFoundError(M.NOT_FOUND)
        return found

    def list(self, *, tenant: str, cursor: str | None, limit: int = PAGE) -> tuple[list[PolicyReport], str | None]:
        """The office's reports, latest period first."""
        return self._store.list(tenant=tenant, cursor=cursor, limit=min(limit, PAGE_MAX))

    def counts(self, report: PolicyReport) -> dict[str, Counts]:
        """Section by section: the frozen counts of an approved (or consolidated) report, else the counters' now."""
        if report.frozen is not None:
            return report.frozen
        scope = report.scope
        if scope is not None:
            figures = self._counters.figures(tenant=report.tenant, period=scope)
        else:
            figures = self._counters.range(tenant=report.tenant, start_day=report.start, end_day=report.end)
        return section_counts(figures)

    def find(self, *, tenant: str, report_id: str) -> PolicyReport | None:
        """The report, or None."""
        return self._store.get(tenant=tenant, report_id=report_id)

    def standing(self, *, period: Period) -> Standing:
        """Each office's regular report of the period (one BatchGet; the caller reads nationally): (code, name, report)."""
        found = self._store.many((t, f"R-{period.text}") for t in self._offices)
        return [(t, name, found.get((t, f"R-{period.text}"))) for t, name in self._offices.items()]

    def office_name(self, tenant: str) -> str:
        """An office's name."""
        return self._offices.get(tenant, tenant)

    # -- creating -------------------------------------------------------------------------------------------------

    def create_regular(self, *, tenant: str, actor: Principal, period: str) -> PolicyReport:
        """A month's, quarter's or year's report; its typical questions are read by a job."""
        now = self._clock.now()
        report = PolicyReport.regular(
            tenant=tenant, period=Period.parse(period), actor=actor.username, now=now, today=self._today()
        )
        return self._created(report, actor)

    def create_ad_hoc(self, *, tenant: str, actor: Principal, start: date, end: date, title: str) -> PolicyReport:
        """An ad hoc report on a range of days (Art. 15.1)."""
        now = self._clock.now()
        report = PolicyReport.ad_hoc(
            tenant=tenant, start=start, end=end, title=title, actor=actor.username, now=now, today=self._today()
        )
        return self._created(report, actor)

    def create_national(self, *, tenant: str, actor: Principal, period: str) -> PolicyReport:
        """The CCC's national report of a period, consolidated from the offices' approved reports at once.

        The caller has widened the scope to national reads (the CCC's CENTRAL_VIEW)."""
        now = self._clock.now()
        report = PolicyReport.national(
            tenant=tenant, period=Period.parse(period), actor=actor.username, now=now, today=self._today()
        )
        self._fill(report, now)
        return self._created(report, actor, typical=False)

    def _created(self, report: PolicyReport, actor: Principal, *, typical: bool = True) -> PolicyReport:
        if self._store.get(tenant=report.tenant, report_id=report.id) is not None:
            raise ConflictError(M.EXISTS, code="report_exists")
        self._store.save(report, ReportChange(self._event(actor, "policy_report.created", report)))
        if typical:
            self.refresh(tenant=report.tenant, report_id=report.id, actor=actor)
        return report

    # -- the focal officer's steps --------------------------------------------------------------------------------

    def edit(self, *, tenant: str, report_id: str, actor: Principal, texts: dict[str, str], version: int) -> PolicyReport:
        """The recommendations, per category and overall (409 on a stale version)."""
        report = self._current(tenant, report_id, version)
        report.edit(now=self._clock.now(), author=actor.username, texts=texts)
        self._store.save(report, ReportChange(self._event(actor, "policy_report.edited", report)))
        return report

    def refresh(self, *, tenant: str, report_id: str, actor: Principal) -> Any:
        """Read the period's requests again for the typical questions (a job; refused once approved)."""
        report = self.get(tenant=tenant, report_id=report_id)
        report.require_editable()
        return self._jobs.start(tenant=tenant, actor=actor.login, kind=TYPICAL_JOB, params={"report_id": report.id})

    def reconsolidate(self, *, tenant: str, report_id: str, actor: Principal, version: int) -> PolicyReport:
        """The national report consolidated again (offices approved since); scope widened by the caller."""
        report = self._current(tenant, report_id, version)
        report.require_editable()
        self._fill(report, self._clock.now())
        self._store.save(report, ReportChange(self._event(actor, "policy_report.consolidated", report)))
        return report

    def submit(self, *, tenant: str, report_id: str, actor: Principal, note: str, version: int) -> PolicyReport:
        """To the leader: the report enters the leader's inbox."""
        report = self._current(tenant, report_id, version)
        report.require_ready(self._today())
        now = self._clock.now()
        report.approval.submit(now, actor, note, permission=WRITE)
        report.updated_at = now
        pending = {
            "kind": REPORT_KIND,
            "subject_id": report.id,
            "title": title_of(report),
            "submitted_at": now,
            "url": f"/reports/policy/{report.id}",
            "submitted_by": actor.username,
        }
        self._store.save(report, ReportChange(self._event(actor, "policy_report.submitted", report), pending=pending))
        return report

    def withdraw(self, *, tenant: str, report_id: str, actor: Principal, note: str, version: int) -> PolicyReport:
        """The author takes a submitted report back."""
        step = lambda r, now: r.approval.withdraw(now, actor, note, permission=WRITE)  # noqa: E731
        return self._decide(tenant, report_id, actor, version, "policy_report.withdrawn", step)

    def approve(self, *, tenant: str, report_id: str, actor: Principal, note: str, version: int) -> PolicyReport:
        """The leader approves (never an author): the counts are frozen with it, and the archive job writes its files."""

        def step(r: PolicyReport, now: datetime) -> None:
            r.approval.approve(now, actor, note, permission=APPROVE, authors=r.authors)
            r.freeze(counts=self.counts(r), now=now)

        report = self._decide(tenant, report_id, actor, version, "policy_report.approved", step)
        self._jobs.start(tenant=tenant, actor=actor.login, kind=ARCHIVE_JOB, params={"report_id": report.id})
        return report

    def return_(self, *, tenant: str, report_id: str, actor: Principal, note: str, version: int) -> PolicyReport:
        """The leader returns the report with the reason."""
        step = lambda r, now: r.approval.return_(now, actor, note, permission=APPROVE, authors=r.authors)  # noqa: E731
        return self._decide(tenant, report_id, actor, version, "policy_report.returned", step)

    # -- system steps (the jobs') ---------------------------------------------------------------------------------

    def record_typical(self, *, tenant: str, report_id: str, typical: TypicalLists) -> bool:
        """The typical-questions job's result (False once the report is approved: they are frozen)."""
        return self._system(
            tenant, report_id, "policy_report.typical", lambda r: r.record_typical(typical=typical, now=self._clock.now())
        )

    def archived(self, *, tenant: str, report_id: str, files: dict[str, str]) -> None:
        """The archive job's files recorded on the approved report."""

        def step(r: PolicyReport) -> bool:
            if r.archive == files:
                return False
            r.archive = dict(files)
            return True

        self._system(tenant, report_id, "policy_report.archived", step)

    # -- helpers --------------------------------------------------------------------------------------------------

    def _fill(self, report: PolicyReport, now: datetime) -> None:
        keys = [(t, f"R-{report.period}") for t in self._offices]
        found = self._store.many(keys)
        made = consolidate(self._offices, {t: found.get((t, rid)) for t, rid in keys})
        report.consolidate(sources=made.sources, counts=made.counts, typical=made.typical, quotes=made.quotes, now=now)

    def _decide(
        self, tenant: str, report_id: str, actor: Principal, version: int, action: str,
        step: Callable[[PolicyReport, datetime], None],
    ) -> PolicyReport:  # fmt: skip
        report = self._current(tenant, report_id, version)
        submitted_at = report.approval.submitted_at
        now = self._clock.now()
        step(report, now)
        report.updated_at = now
        decided = {"kind": REPORT_KIND, "subject_id": report.id, "submitted_at": submitted_at} if submitted_at else None
        self._store.save(report, ReportChange(self._event(actor, action, report), decided=decided))
        return report

    def _system(self, tenant: str, report_id: str, action: str, step: Callable[[PolicyReport], bool]) -> bool:
        for _ in range(SYSTEM_RETRIES):
            report = self.get(tenant=tenant, report_id=report_id)
            if not step(report):
                return False
            try:
                self._store.save(report, ReportChange(self._event("system", action, report)))
                return True
            except ConflictError:
                continue
        raise ConflictError(M.STALE)

    def _current(self, tenant: str, report_id: str, version: int) -> PolicyReport:
        report = self.get(tenant=tenant, report_id=report_id)
        if report.version != version:
            raise ConflictError(M.STALE)
        return report

    def _today(self) -> date:
        return to_local(self._clock.now()).date()

    def _event(self, actor: Principal | str, action: str, report: PolicyReport) -> AuditEvent:
        who = actor if isinstance(actor, str) else actor.username
        return AuditEvent(who, action, "policy_report", report.id, self._clock.now(), {"kind": report.kind})


def title_of(report: PolicyReport) -> str:
    """The report's title as lists and the inbox name it."""
    if report.kind == "ad_hoc":
        return f"{M.REPORT_LABEL} (đột xuất): {report.title}"
    scope = report.scope
    label = scope.label if scope else ""
    prefix = "Báo cáo tổng hợp toàn quốc về tổ chức thực hiện chính sách" if report.kind == "national" else M.REPORT_LABEL
    return f"{prefix} {label}".strip()


def range_label(report: PolicyReport) -> str:
    """The report's period in words: "tháng 12/2026", or "từ 01/10/2026 đến 15/11/2026"."""
    scope = report.scope
    return scope.label if scope else f"từ {report.start:%d/%m/%Y} đến {report.end:%d/%m/%Y}"


def is_central(tenant: str) -> bool:
    """Whether the office is the CCC (the only one with a national report)."""
    return tenant == CENTRAL_TENANT
