"""The policy report as the JSON its item keeps (store.py), and back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from chalicelib.approvals.domain import from_body as approval_from
from chalicelib.approvals.domain import to_body as approval_body
from chalicelib.shared.clock import iso, parse_iso

from .domain import PolicyReport, Quote, ReportKind, Source, Typical


def _at(value: datetime | None) -> str | None:
    return iso(value) if value else None


def _instant(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


def typical_body(t: Typical) -> dict[str, Any]:
    """A typical question as JSON."""
    return {"key": t.key, "label": t.label, "count": t.count, "knowledge": list(t.knowledge), "requests": list(t.requests)}


def typical_from(body: dict[str, Any]) -> Typical:
    """The inverse of `typical_body`."""
    return Typical(
        body["key"], body["label"], int(body["count"]), tuple(body.get("knowledge", ())), tuple(body.get("requests", ()))
    )


def report_body(r: PolicyReport) -> dict[str, Any]:
    """Everything but the keys and the version."""
    return {
        "kind": r.kind,
        "start": r.start.isoformat(),
        "end": r.end.isoformat(),
        "period": r.period,
        "title": r.title,
        "created_by": r.created_by,
        "created_at": iso(r.created_at),
        "recommendations": r.recommendations,
        "typical": {c: [typical_body(t) for t in items] for c, items in r.typical.items()},
        "typical_at": _at(r.typical_at),
        "frozen": r.frozen,
        "frozen_at": _at(r.frozen_at),
        "sources": [{"tenant": s.tenant, "name": s.name, "report_id": s.report_id} for s in r.sources],
        "quotes": {s: [{"tenant": q.tenant, "name": q.name, "text": q.text} for q in qs] for s, qs in r.quotes.items()},
        "approval": approval_body(r.approval),
        "authors": sorted(r.authors),
        "updated_at": _at(r.updated_at),
        "archive": r.archive,
    }


def report_from(report_id: str, tenant: str, version: int, body: dict[str, Any]) -> PolicyReport:
    """The report `report_body` wrote."""
    frozen = body.get("frozen")
    return PolicyReport(
        id=report_id,
        tenant=tenant,
        kind=cast(ReportKind, body["kind"]),
        start=date.fromisoformat(body["start"]),
        end=date.fromisoformat(body["end"]),
        created_by=body["created_by"],
        created_at=parse_iso(body["created_at"]),
        period=body.get("period", ""),
        title=body.get("title", ""),
        recommendations=dict(body.get("recommendations", {})),
        typical={c: [typical_from(t) for t in items] for c, items in body.get("typical", {}).items()},
        typical_at=_instant(body.get("typical_at")),
        frozen={s: {k: int(v) for k, v in counts.items()} for s, counts in frozen.items()} if frozen is not None else None,
        frozen_at=_instant(body.get("frozen_at")),
        sources=[Source(s["tenant"], s["name"], s.get("report_id")) for s in body.get("sources", [])],
        quotes={s: [Quote(q["tenant"], q["name"], q["text"]) for q in qs] for s, qs in body.get("quotes", {}).items()},
        approval=approval_from(body.get("approval")),
        authors=set(body.get("authors", ())),
        updated_at=_instant(body.get("updated_at")),
        archive=dict(body.get("archive", {})),
        version=version,
    )
