"""Read models of requests: what the API and the pages show, and the requests on a customer's timeline."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from chalicelib.customers.domain import TimelineEntry
from chalicelib.shared.tenancy import Principal

from .domain import Request, allowed_actions
from .messages import STATUS_LABELS
from .ports import RequestStore
from .schemas import RequestRead, RequestSummary


def _instant(value: datetime) -> str:
    """The same text pydantic gives top-level instants: UTC, Z, microseconds only when there are some."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "task_token"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def summary(request: Request, now: datetime) -> RequestSummary:
    """A request in a list; `overdue` is open and past its deadline at `now`."""
    return RequestSummary(
        id=request.id,
        reference=request.reference,
        tenant=request.tenant,
        channel=request.channel.value,
        kind=request.kind.value,
        category=request.category.value,
        subject=request.subject,
        status=request.status.value,
        status_label=STATUS_LABELS[request.status],
        customer_name=request.customer_name,
        received_at=request.received_at,
        due_at=request.due_at,
        overdue=request.is_overdue(now),
        assignee=request.assignee,
        version=request.version,
    )


def detail(request: Request, now: datetime, viewer: Principal, survey: dict[str, Any] | None) -> RequestRead:
    """A request with its parts, its timeline (oldest step first) and what `viewer` may do with it now."""
    answer = None
    if request.answered_at:
        answer = {
            "text": request.answer,
            "at": _instant(request.answered_at),
            "by": request.answered_by,
            "knowledge_id": request.knowledge_id,
        }
    return RequestRead(
        **summary(request, now).model_dump(),
        question=request.question,
        customer_id=request.customer_id,
        recorded_at=request.recorded_at,
        late_record=request.late_record,
        answer=answer,
        callback=_plain(asdict(request.callback)) if request.callback else None,
        escalations=[_plain(asdict(e)) for e in request.escalations],
        transfers=[_plain(asdict(t)) for t in request.transfers],
        drafts=[_plain(asdict(d)) for d in request.drafts],
        rating=_plain(asdict(request.rating)) if request.rating else None,
        origin=_plain(asdict(request.origin)) if request.origin else None,
        follow_up_of=request.follow_up_of,
        follow_up_id=request.follow_up_id,
        survey=survey,
        timeline=[_plain(asdict(e)) for e in sorted(request.history, key=lambda e: e.at)],
        allowed_actions=allowed_actions(request, viewer),
    )


class CustomerRequests:
    """The customer's requests, for the customer's timeline (customers.TimelineSource)."""

    def __init__(self, store: RequestStore) -> None:
        self._store = store

    def entries(self, *, tenant: str, customer_id: str) -> list[TimelineEntry]:
        """One entry per request, with its rating when there is one."""
        entries = []
        for link in self._store.for_customer(tenant=tenant, customer_id=customer_id):
            rating = {True: " — hài lòng", False: " — chưa hài lòng", None: ""}[link.satisfied]
            entries.append(
                TimelineEntry(
                    link.received_at,
                    "request",
                    f"{link.reference}: {link.subject}",
                    link.request_id,
                    f"{STATUS_LABELS[link.status]}{rating}",
                )
            )
        return entries
