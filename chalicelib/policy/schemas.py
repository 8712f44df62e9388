"""The policy reports' API models (README "Contract": policy reports): bodies in, read models out."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.approvals.schemas import ApprovalRead, approval_read
from chalicelib.shared.fields import Cursor, QueryInt, Version
from chalicelib.shared.lazy import lazy
from chalicelib.shared.schema import BaseModel, Input
from chalicelib.shared.tenancy import Principal

from .limits import CATEGORIES, OVERALL, TEXT_MAX, TITLE_MAX
from .messages import CATEGORY_LABELS, KIND_LABELS

if TYPE_CHECKING:
    from . import domain as policy_domain
    from . import figures, service
    from .domain import Counts, PolicyReport, Typical
    from .figures import Shown
else:
    figures = lazy("chalicelib.policy.figures")
    service = lazy("chalicelib.policy.service")
    policy_domain = lazy("chalicelib.policy.domain")

Recommendation = Field(default=None, max_length=TEXT_MAX)


class PolicyCreate(Input):
    """A new report: `regular` of a `period` (2026-12, 2026-Q4, 2026), `ad_hoc` on `start`–`end` with a `title`, or
    (the CCC) `national` of a `period`, consolidated from the offices' approved reports."""

    kind: Literal["regular", "ad_hoc", "national"]
    period: str | None = Field(default=None, min_length=4, max_length=10)
    start: date | None = None
    end: date | None = None
    title: str = Field(default="", max_length=TITLE_MAX)


class PolicyRecommendationsBody(Input):
    """The focal officer's recommendations (those given are replaced; empty text removes one) at the report's `version`."""

    version: Version
    policy: str | None = Recommendation
    procedure_execution: str | None = Recommendation
    public_service: str | None = Recommendation
    staff_attitude: str | None = Recommendation
    coordination: str | None = Recommendation
    overall: str | None = Recommendation

    def texts(self) -> dict[str, str]:
        """The sections given."""
        return {s: v for s in (*CATEGORIES, OVERALL) if (v := getattr(self, s)) is not None}


class PolicyVersionBody(Input):
    """The report's `version` (409 when someone changed it meanwhile)."""

    version: Version


class PolicyExportBody(Input):
    """Export the report as a PDF (with the heading block) or an XLSX."""

    format: Literal["pdf", "xlsx"]


class PolicyListQuery(Input):
    """A page of the office's reports."""

    cursor: Cursor | None = None
    limit: QueryInt = Field(default=50, ge=1, le=100)


class PolicyIndicatorRead(BaseModel):
    """An indicator on a section's counts (its definition as the statistics define it), against the year's target."""

    key: str
    label: str
    definition: str
    unit: str
    value: float | None
    target: float | None
    met: bool | None


class PolicyEvidenceRead(BaseModel):
    """A request or knowledge entry behind a typical question; `url` is its page when it is this office's."""

    tenant: str
    id: str
    url: str | None


class PolicyTypicalRead(BaseModel):
    """A typical question: what was asked, by how many requests, the entries answering it, the evidence."""

    label: str
    count: int
    knowledge: list[PolicyEvidenceRead]
    requests: list[PolicyEvidenceRead]


class PolicyQuoteRead(BaseModel):
    """An office's recommendation quoted in the national report."""

    tenant: str
    name: str
    text: str


class PolicySectionRead(BaseModel):
    """A section: one of the five groups of Art. 14 step 2 (or `overall`), its figures, questions and recommendations."""

    key: str
    label: str
    counts: dict[str, int]
    indicators: list[PolicyIndicatorRead]
    typical: list[PolicyTypicalRead]
    recommendation: str
    quotes: list[PolicyQuoteRead]


class PolicySourceRead(BaseModel):
    """An office in a national report: its approved report of the period, or none (missing)."""

    tenant: str
    name: str
    report_id: str | None
    missing: bool


class PolicyReportRead(BaseModel):
    """A policy report as the caller may act on it now (`actions`)."""

    id: str
    tenant: str
    kind: str
    kind_label: str
    title: str
    label: str
    period: str | None
    start: date
    end: date
    frozen: bool
    frozen_at: datetime | None
    typical_at: datetime | None
    sections: list[PolicySectionRead]
    overall: PolicySectionRead
    sources: list[PolicySourceRead]
    missing: list[str]
    approval: ApprovalRead
    actions: list[str]
    archive: list[str]
    created_by: str
    created_at: datetime
    updated_at: datetime | None
    version: int


class PolicySummaryRead(BaseModel):
    """A report in the office's list."""

    id: str
    kind: str
    kind_label: str
    title: str
    label: str
    status: str
    status_label: str
    updated_at: datetime | None


class PolicyPage(BaseModel):
    """The office's reports, latest period first."""

    items: list[PolicySummaryRead]
    next_cursor: str | None


def _evidence(reference: str, tenant: str, kind: str) -> PolicyEvidenceRead:
    owner, item_id = policy_domain.unref(reference)
    return PolicyEvidenceRead(tenant=owner, id=item_id, url=f"/{kind}/{item_id}" if owner == tenant else None)


def _typical(t: Typical, tenant: str) -> PolicyTypicalRead:
    return PolicyTypicalRead(
        label=t.label,
        count=t.count,
        knowledge=[_evidence(r, tenant, "knowledge") for r in t.knowledge],
        requests=[_evidence(r, tenant, "requests") for r in t.requests],
    )


def _indicator(s: Shown) -> PolicyIndicatorRead:
    i = s.indicator
    return PolicyIndicatorRead(
        key=i.key, label=i.label, definition=i.definition, unit=i.unit, value=s.value, target=s.target, met=s.met
    )


def _section(report: PolicyReport, key: str, counts: Counts) -> PolicySectionRead:
    return PolicySectionRead(
        key=key,
        label=CATEGORY_LABELS.get(key, "Chung"),
        counts=dict(counts),
        indicators=[_indicator(s) for s in figures.shown(counts, year=report.start.year)],
        typical=[_typical(t, report.tenant) for t in report.typical.get(key, [])],
        recommendation=report.recommendations.get(key, ""),
        quotes=[PolicyQuoteRead(tenant=q.tenant, name=q.name, text=q.text) for q in report.quotes.get(key, [])],
    )


def report_read(report: PolicyReport, counts: dict[str, Counts], actor: Principal) -> PolicyReportRead:
    """The read model, from the report and its counts (frozen, or the counters' now)."""
    allowed = policy_domain.allowed_actions(report, actor)
    return PolicyReportRead(
        id=report.id,
        tenant=report.tenant,
        kind=report.kind,
        kind_label=KIND_LABELS[report.kind],
        title=service.title_of(report),
        label=service.range_label(report),
        period=report.period or None,
        start=report.start,
        end=report.end,
        frozen=report.frozen is not None,
        frozen_at=report.frozen_at,
        typical_at=report.typical_at,
        sections=[_section(report, c, counts.get(c, {})) for c in CATEGORIES],
        overall=_section(report, OVERALL, counts.get(OVERALL, {})),
        sources=[
            PolicySourceRead(tenant=s.tenant, name=s.name, report_id=s.report_id, missing=s.report_id is None)
            for s in report.sources
        ],
        missing=[s.tenant for s in report.sources if s.report_id is None],
        approval=approval_read(report.approval, allowed),
        actions=sorted(allowed),
        archive=sorted(report.archive),
        created_by=report.created_by,
        created_at=report.created_at,
        updated_at=report.updated_at,
        version=report.version,
    )


def summary_read(report: PolicyReport) -> PolicySummaryRead:
    """A report as the list shows it."""
    from chalicelib.approvals.messages import STATUS_LABELS

    return PolicySummaryRead(
        id=report.id,
        kind=report.kind,
        kind_label=KIND_LABELS[report.kind],
        title=service.title_of(report),
        label=service.range_label(report),
        status=report.approval.status,
        status_label=STATUS_LABELS[report.approval.status],
        updated_at=report.updated_at,
    )
