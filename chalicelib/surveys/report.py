"""The survey report (Decision 681 Art. 8 step 4), held inside the survey. Pure: time comes in as `now`.

Three parts: I overview, purpose and method (from the plan, the round's design and tally); II process and results
(the tables and charts of results.py and comparisons.py); III conclusions and recommendations, written by the
owner — when a report starts, part III holds a draft proposed from the lowest-scoring criteria, to be rewritten.

A leader approves it with the shared approval (chalicelib/approvals; never its authors). Approval archives the
survey: from then on nothing of it changes (plan, rounds, weights, report), and the archive job writes the frozen
copy — the report as PDF and XLSX and the data set — whose keys the report keeps. An approved report may be
published (its summary and PDF on the office's public page). A report is written on a closed round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.approvals.domain import Approval, from_body, to_body
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.errors import ConflictError, RuleViolationError

TEXT_MAX = 20_000


@dataclass
class Report:
    """Part III's texts, the round reported on, the approval, publication and the frozen copy's files."""

    round: int
    conclusions: str = ""
    recommendations: str = ""
    approval: Approval = field(default_factory=Approval)
    authors: set[str] = field(default_factory=set)
    started_at: datetime | None = None
    updated_at: datetime | None = None
    published_at: datetime | None = None
    archive: dict[str, str] = field(default_factory=dict)  # "pdf" | "xlsx" | "answers" → the frozen file's key

    def edit(self, *, now: datetime, author: str, conclusions: str, recommendations: str) -> None:
        """Rewrite part III while the report is a draft or was returned."""
        if self.approval.status not in ("draft", "returned"):
            raise ConflictError("Báo cáo đã trình hoặc đã được phê duyệt thì không sửa được.", code="report_locked")
        problems = {
            name: "too_long"
            for name, text in (("conclusions", conclusions), ("recommendations", recommendations))
            if len(text) > TEXT_MAX
        }
        if problems:
            raise RuleViolationError("Nội dung báo cáo quá dài.", code="invalid_report", fields=problems)
        self.conclusions, self.recommendations = conclusions.strip(), recommendations.strip()
        self.authors.add(author)
        self.updated_at = now

    def require_written(self) -> None:
        """Part III is the owner's: a report is not submitted with it empty."""
        missing = {n: "required" for n in ("conclusions", "recommendations") if not getattr(self, n).strip()}
        if missing:
            raise RuleViolationError("Báo cáo cần có kết luận và kiến nghị.", code="invalid_report", fields=missing)

    def publish(self, now: datetime) -> None:
        """Make an approved report public (once)."""
        self.approval.require_approved()
        if self.published_at is None:
            self.published_at = now


def report_body(r: Report) -> dict[str, Any]:
    """The report as the survey's JSON keeps it."""
    return {
        "round": r.round,
        "conclusions": r.conclusions,
        "recommendations": r.recommendations,
        "approval": to_body(r.approval),
        "authors": sorted(r.authors),
        "started_at": iso(r.started_at) if r.started_at else None,
        "updated_at": iso(r.updated_at) if r.updated_at else None,
        "published_at": iso(r.published_at) if r.published_at else None,
        "archive": r.archive,
    }


def report_from(body: dict[str, Any] | None) -> Report | None:
    """A report from its JSON (None when the survey has none)."""
    if not body:
        return None
    return Report(
        round=int(body["round"]),
        conclusions=body.get("conclusions", ""),
        recommendations=body.get("recommendations", ""),
        approval=from_body(body.get("approval")),
        authors=set(body.get("authors", ())),
        started_at=parse_iso(body["started_at"]) if body.get("started_at") else None,
        updated_at=parse_iso(body["updated_at"]) if body.get("updated_at") else None,
        published_at=parse_iso(body["published_at"]) if body.get("published_at") else None,
        archive=dict(body.get("archive", {})),
    )
