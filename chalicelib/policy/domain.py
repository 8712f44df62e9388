"""The policy-implementation report (báo cáo tổ chức thực hiện chính sách, Decision 681 Art. 14–15). Pure: time in.

Art. 15.1: regular (a month, a quarter or a year) or ad hoc (a range and a title, on a leader's request). The
report has the five sections of Art. 14 step 2, each with its counts (the statistics' counters of the period,
sliced by category), its typical questions with the evidence behind them (the requests and knowledge entries —
Art. 15.3 "dựa trên bằng chứng khách quan"), and the focal officer's recommendations; and the recommendations
overall. A leader approves it with the shared approval (chalicelib/approvals; never an author). **Approval freezes
it**: the counts are copied into the report then (`frozen`), the typical questions are never recomputed, and the
archive job writes its PDF and XLSX, so a later correction of the counters leaves an approved report as it was.

The CCC's national report (kind "national") is consolidated from the offices' approved reports of a period: their
frozen counts summed, typical questions merged, each office's recommendations quoted under its name, the offices
without an approved report listed as missing (consolidation.py); its counts are frozen when it is consolidated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from chalicelib.approvals.domain import Approval, actions
from chalicelib.audit.domain import AuditEvent
from chalicelib.reports.periods import MONTH, QUARTER, YEAR, Period
from chalicelib.shared.errors import ConflictError, RuleViolationError
from chalicelib.shared.permissions import CENTRAL_TENANT, Permission, permissions_of
from chalicelib.shared.tenancy import Principal
from chalicelib.shared.text import fold

from . import messages as M
from .limits import CATEGORIES, OVERALL, SECTIONS, TEXT_MAX, TITLE_MAX

ReportKind = Literal["regular", "ad_hoc", "national"]
RANGE_DAYS_MAX = 366
TYPICAL_SHOWN = 5  # typical questions per category
EVIDENCE_MAX = 20  # requests named as evidence behind one typical question
EDIT, REFRESH, CONSOLIDATE, EXPORT = "edit", "refresh", "consolidate", "export"
WRITE, APPROVE = Permission.POLICY_WRITE, Permission.PLANS_APPROVE
Counts = dict[str, int]  # a counter item's totals (reports/facts.py names), as the indicators read them


@dataclass(frozen=True)
class Typical:
    """A typical question of a category: what was asked, how often, the entries that answer it and the evidence.

    `key` groups the requests: `kb:{entry}` when answered from the knowledge bank, else `q:{folded subject}`;
    `knowledge` and `requests` are references `{tenant}/{id}` (a national report's come from many offices).
    """

    key: str
    label: str
    count: int
    knowledge: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quote:
    """An office's recommendation quoted in the national report, under the office's name."""

    tenant: str
    name: str
    text: str


@dataclass(frozen=True)
class Source:
    """An office in a national report: its approved report of the period, or None (listed as missing)."""

    tenant: str
    name: str
    report_id: str | None


@dataclass(frozen=True)
class ReportChange:
    """What a step writes with the report (store.py): its audit entry, and the inbox entry to add or remove."""

    event: AuditEvent
    pending: dict[str, Any] | None = None
    decided: dict[str, Any] | None = None


@dataclass
class PolicyReport:
    """One office's report of a period (or the CCC's national one); `id` is the period's, so there is one per period."""

    id: str
    tenant: str
    kind: ReportKind
    start: date
    end: date
    created_by: str
    created_at: datetime
    period: str = ""  # "2026-12", "2026-Q4", "2026" (regular and national); "" for an ad hoc range
    title: str = ""
    recommendations: dict[str, str] = field(default_factory=dict)  # section → the focal officer's text
    typical: dict[str, list[Typical]] = field(default_factory=dict)  # category → up to TYPICAL_SHOWN
    typical_at: datetime | None = None  # when the job last read the period's requests
    frozen: dict[str, Counts] | None = None  # section → counts, copied on approval (national: on consolidation)
    frozen_at: datetime | None = None
    sources: list[Source] = field(default_factory=list)  # national only
    quotes: dict[str, list[Quote]] = field(default_factory=dict)  # national only: section → offices' texts
    approval: Approval = field(default_factory=Approval)
    authors: set[str] = field(default_factory=set)
    updated_at: datetime | None = None
    archive: dict[str, str] = field(default_factory=dict)  # "pdf" | "xlsx" → the frozen copy's key
    version: int = 0

    # -- creating -----------------------------------------------------------------------------------------------

    @classmethod
    def regular(cls, *, tenant: str, period: Period, actor: str, now: datetime, today: date) -> PolicyReport:
        """Art. 15.1 "thường xuyên": a month, a quarter or a year that has begun."""
        if period.kind not in (MONTH, QUARTER, YEAR):
            raise RuleViolationError(M.BAD_KIND, code="invalid_period_kind", fields={"period": "not_month_quarter_year"})
        _started(period.start, today)
        return cls(f"R-{period.text}", tenant, "regular", period.start, period.end, actor, now, period=period.text,
                   authors={actor}, updated_at=now)  # fmt: skip

    @classmethod
    def ad_hoc(cls, *, tenant: str, start: date, end: date, title: str, actor: str, now: datetime, today: date) -> PolicyReport:
        """Art. 15.1 "đột xuất theo yêu cầu của Lãnh đạo Ngành": a chosen range of days and a title."""
        title = " ".join(title.split())
        problems = {}
        if not title:
            problems["title"] = "required"
        elif len(title) > TITLE_MAX:
            problems["title"] = "too_long"
        if end < start:
            problems["end"] = "before_start"
        elif (end - start).days + 1 > RANGE_DAYS_MAX:
            problems["end"] = "too_far"
        if problems:
            message = (
                M.TITLE_REQUIRED if "title" in problems else M.RANGE_ORDER if problems["end"] == "before_start" else M.RANGE_LONG
            )
            raise RuleViolationError(message, code="invalid_report", fields=problems)
        _started(start, today)
        digest = hashlib.sha256(fold(title).encode()).hexdigest()[:8]
        return cls(f"A-{start:%Y%m%d}-{end:%Y%m%d}-{digest}", tenant, "ad_hoc", start, end, actor, now, title=title,
                   authors={actor}, updated_at=now)  # fmt: skip

    @classmethod
    def national(cls, *, tenant: str, period: Period, actor: str, now: datetime, today: date) -> PolicyReport:
        """The CCC's national report of a period (Art. 14 step 4: to the sector's leaders), consolidated next."""
        if tenant != CENTRAL_TENANT:
            raise RuleViolationError(M.CENTRAL_ONLY, code="central_only")
        report = cls.regular(tenant=tenant, period=period, actor=actor, now=now, today=today)
        report.id, report.kind = f"N-{period.text}", "national"
        return report

    # -- reading ------------------------------------------------------------------------------------------------

    @property
    def is_final(self) -> bool:
        """Approved: nothing of it changes any more."""
        return self.approval.status == "approved"

    @property
    def scope(self) -> Period | None:
        """The counters' period of a regular or national report (None: an ad hoc range, summed from its days)."""
        return Period.parse(self.period) if self.period else None

    # -- the focal officer's steps --------------------------------------------------------------------------------

    def edit(self, *, now: datetime, author: str, texts: dict[str, str]) -> None:
        """Write the recommendations (per category and overall) while the report is a draft or was returned."""
        self.require_editable()
        unknown = {k: "unknown" for k in texts if k not in SECTIONS}
        long = {k: "too_long" for k, v in texts.items() if len(v) > TEXT_MAX}
        if unknown or long:
            raise RuleViolationError(M.TOO_LONG if long else None, code="invalid_report", fields={**unknown, **long})
        self.recommendations.update({k: v.strip() for k, v in texts.items()})
        self.recommendations = {k: v for k, v in self.recommendations.items() if v}
        self.authors.add(author)
        self.updated_at = now

    def require_ready(self, today: date) -> None:
        """What a report needs before a leader sees it: its period over, its typical questions, a recommendation."""
        if self.end >= today:
            raise RuleViolationError(M.PERIOD_OPEN, code="period_open", fields={"period": "not_ended"})
        if self.kind != "national" and self.typical_at is None:
            raise RuleViolationError(M.NO_TYPICAL, code="typical_missing", fields={"typical": "not_computed"})
        if not self.recommendations.get(OVERALL, "").strip():
            raise RuleViolationError(M.NOT_WRITTEN, code="invalid_report", fields={"recommendations.overall": "required"})

    # -- system steps ---------------------------------------------------------------------------------------------

    def record_typical(self, *, typical: dict[str, list[Typical]], now: datetime) -> bool:
        """The job's typical questions (False, nothing changed, once the report is approved: they are frozen)."""
        if self.is_final or self.kind == "national":
            return False
        self.typical = {c: list(typical.get(c, []))[:TYPICAL_SHOWN] for c in CATEGORIES}
        self.typical_at = now
        return True

    def freeze(self, *, counts: dict[str, Counts], now: datetime) -> None:
        """Copy the counts into the report (on approval; a national report's were copied when consolidated)."""
        if self.frozen is None:
            self.frozen = {s: dict(counts.get(s, {})) for s in SECTIONS}
            self.frozen_at = now

    def consolidate(
        self,
        *,
        sources: list[Source],
        counts: dict[str, Counts],
        typical: dict[str, list[Typical]],
        quotes: dict[str, list[Quote]],
        now: datetime,
    ) -> None:
        """The national report's content from the offices' approved reports (again while a draft or returned)."""
        if self.kind != "national":
            raise RuleViolationError(M.NOT_NATIONAL, code="not_national")
        self.require_editable()
        self.sources, self.quotes = list(sources), {s: list(q) for s, q in quotes.items() if q}
        self.typical = {c: list(typical.get(c, []))[:TYPICAL_SHOWN] for c in CATEGORIES}
        self.frozen, self.frozen_at = None, None
        self.freeze(counts=counts, now=now)
        self.typical_at = self.updated_at = now

    def require_editable(self) -> None:
        if self.approval.status not in ("draft", "returned"):
            raise ConflictError(M.LOCKED, code="report_locked")


def _started(start: date, today: date) -> None:
    if start > today:
        raise RuleViolationError(M.FUTURE, code="period_not_started", fields={"period": "future"})


def ref(tenant: str, item_id: str) -> str:
    """An evidence reference: `{tenant}/{id}`."""
    return f"{tenant}/{item_id}"


def unref(reference: str) -> tuple[str, str]:
    """The (tenant, id) of a reference."""
    tenant, _, item_id = reference.partition("/")
    return tenant, item_id


def allowed_actions(report: PolicyReport, actor: Principal) -> frozenset[str]:
    """What this person may do to the report now: the approval's steps, and edit, refresh / consolidate, export —
    what the read model's `actions` and the page offer (the service raises the same refusals)."""
    granted = permissions_of(actor.roles, actor.tenant)
    writer = WRITE in granted
    found = set(actions(report.approval, actor, APPROVE in granted, actor.username in report.authors, can_submit=writer))
    if writer and report.approval.status in ("draft", "returned"):
        found |= {EDIT, CONSOLIDATE if report.kind == "national" else REFRESH}
    if Permission.REPORTS_READ in granted:
        found.add(EXPORT)
    return frozenset(found)
