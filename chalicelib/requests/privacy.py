"""A customer's requests for the personal-data use cases (customers.privacy_ports.CustomerRecords): their activity
for the retention rules, their content for the customer's copy, and the removal of that content."""

from __future__ import annotations

from datetime import datetime

from chalicelib.audit.domain import AuditEvent
from chalicelib.customers.privacy_ports import ExportedRequest, ExportedStep, Redaction
from chalicelib.customers.retention import RequestActivity

from .domain import OPEN_STATUSES, SYSTEM, Request
from .messages import CATEGORIES, CHANNELS, EVENT_LABELS, KINDS, STATUS_LABELS
from .ports import RequestStore


def _last_step(request: Request) -> datetime:
    """When a person last acted on it (for links written before they recorded it)."""
    steps = [e.at for e in request.history if e.actor != SYSTEM and e.action != "content_redacted"]
    return max(steps, default=request.recorded_at)


def _exported(request: Request) -> ExportedRequest:
    rating = request.rating
    return ExportedRequest(
        id=request.id,
        reference=request.reference,
        channel=request.channel.value,
        channel_label=CHANNELS[request.channel.value],
        kind=request.kind.value,
        kind_label=KINDS[request.kind.value],
        category=request.category.value,
        category_label=CATEGORIES[request.category.value],
        status=request.status.value,
        status_label=STATUS_LABELS[request.status],
        received_at=request.received_at,
        subject=request.subject,
        question=request.question,
        answer=request.answer or None,
        answered_at=request.answered_at,
        callback_at=request.callback.at if request.callback else None,
        satisfied=rating.satisfied if rating else None,
        rating_reason=(rating.reason or None) if rating else None,
        # Staff are named to the public by agent code only (Annex 1 III.2): the steps say when and what, not who.
        steps=tuple(
            ExportedStep(e.at, e.action, EVENT_LABELS.get(e.action, e.action))
            for e in sorted(request.history, key=lambda e: e.at)
            if e.actor != SYSTEM
        ),
    )


class CustomerRequestRecords:
    """The requests of one customer, read and redacted through the request store."""

    def __init__(self, store: RequestStore) -> None:
        self._store = store

    def activity(self, *, tenant: str, customer_id: str) -> list[RequestActivity]:
        """One Query of the customer's links; a link older than `last_step_at` costs a read of its request."""
        found = []
        for link in self._store.for_customer(tenant=tenant, customer_id=customer_id):
            last = link.last_step_at
            if last is None:
                request = self._store.get(tenant=tenant, request_id=link.request_id)
                last = _last_step(request) if request else link.received_at
            found.append(RequestActivity(link.request_id, link.reference, link.status in OPEN_STATUSES, last, link.redacted))
        return found

    def export(self, *, tenant: str, customer_id: str) -> list[ExportedRequest]:
        """Each of the customer's requests in full (one Query per request)."""
        requests = (
            self._store.get(tenant=tenant, request_id=link.request_id)
            for link in self._store.for_customer(tenant=tenant, customer_id=customer_id)
        )
        return [_exported(r) for r in requests if r is not None]

    def redact(self, *, tenant: str, request_id: str, actor: str, reason: str, now: datetime) -> Redaction | None:
        """Load, Request.redact, write at the version with a `request.redact` audit entry (reason code only)."""
        request = self._store.get(tenant=tenant, request_id=request_id)
        if request is None or request.redacted_at is not None:
            return None
        request.redact(now, actor, reason)
        event = AuditEvent(actor, "request.redact", "request", request.id, now, {"reason": reason})
        self._store.commit_redaction(request, event=event)
        others = {t.to_tenant for t in request.transfers} | ({request.origin.tenant} if request.origin else set())
        return Redaction(request.id, tuple(sorted(others)))
