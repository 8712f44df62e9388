"""Console pages of requests: the inbox per role, intake during a live call, the request and its actions, the CCC's national list."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.web.render import Page, redirect, render

from .domain import ACTION_PERMISSIONS as A
from .domain import Request
from .schemas import (
    AnswerBody,
    AssignBody,
    CallbackBody,
    CentralQuery,
    DraftDecision,
    EscalateBody,
    RateBody,
    ReasonBody,
    ReportBody,
    RequestQuery,
    TextBody,
    TransferBody,
    Versioned,
)

if TYPE_CHECKING:
    from . import page_forms
    from .lists import RequestLists
    from .service import RequestService
else:
    page_forms = lazy("chalicelib.requests.page_forms")


bp = Blueprint(__name__)
P = Permission


def _intake_page(p: Page, status: int = 200, **extra: object) -> Response:
    primary, others = page_forms.scripts(p)
    return render(
        p,
        "requests_new.html",
        status,
        values=page_forms.intake_values(p),
        scripts=primary,
        other_scripts=others,
        **extra,
        **page_forms.common(p),
    )


@page(bp, "/requests", permission=P.REQUESTS_READ)
def inbox(p: Page) -> Response:
    """The inbox: mine, my unit's, awaiting approval, due soon, overdue, every open request — with filters and pages."""
    query = page_forms.parse(RequestQuery, page_forms.query_of(p))
    items, cursor = lists().inbox(tenant=p.tenant.code, actor=p.user, query=query)
    return render(p, "requests_inbox.html", **page_forms.list_context(p, "/requests", items, cursor))


@page(bp, "/requests/new", permission=P.REQUESTS_INTAKE)
def intake(p: Page) -> Response:
    """The intake form, fit for a live call: hotline first, customer look-up as you type, Annex 1 scripts beside it."""
    return _intake_page(p)


@page(bp, "/requests/new", method="POST", permission=P.REQUESTS_INTAKE)
def intake_submit(p: Page) -> Response:
    """Record the request (once, even when sent twice) and open it; refusals are shown on the form."""
    service, key = container().requests, p.value("idempotency_key") or None
    created, error = page_forms.attempt(
        lambda: service.intake(tenant=p.tenant.code, actor=p.user, data=page_forms.intake_form(p), idempotency_key=key)
    )
    if created is not None:
        cite = p.value("cite")  # an entry picked on the form (Alt+1..5): the request page prefills the answer with it
        return redirect(f"/requests/{created.id}" + (f"?cite={quote(cite)}" if cite else ""))
    return _intake_page(p, error.status if error else 400, error=error)


@page(bp, "/requests/{request_id}", permission=P.REQUESTS_READ)
def detail(p: Page, request_id: str) -> Response:
    """The request with its parts, timeline, deadline and the actions this user may take now."""
    return page_forms.show(p, request_id)


def lists() -> RequestLists:
    """The request lists (bootstrap's)."""
    return container().request_lists


def _service() -> RequestService:
    return container().requests


@page(bp, "/requests/{request_id}/answer", method="POST", permission=A["answer"])
def answer(p: Page, request_id: str) -> Response:
    """Art. 6.1 step 3a: the hotline answers at once (or relays the units' answers)."""

    def run(b: AnswerBody) -> Request:
        return _service().answer(
            tenant=p.tenant.code, actor=p.user, request_id=request_id, version=b.version, text=b.text, knowledge_id=b.knowledge_id
        )

    return page_forms.act(
        p, request_id, "answer", AnswerBody, run, text=p.value("text"), knowledge_id=p.value("knowledge_id") or None
    )


@page(bp, "/requests/{request_id}/schedule_callback", method="POST", permission=A["schedule_callback"])
def schedule_callback(p: Page, request_id: str) -> Response:
    """Art. 6.1 step 3b: a callback appointment in working hours."""

    def run(b: CallbackBody) -> Request:
        return _service().schedule_callback(
            tenant=p.tenant.code,
            actor=p.user,
            request_id=request_id,
            version=b.version,
            at=b.at,
            note=b.note,
            assignee=b.assignee,
        )

    at, assignee = page_forms.local_datetime(p.value("at")), p.value("assignee") or None
    return page_forms.act(p, request_id, "schedule_callback", CallbackBody, run, at=at, note=p.value("note"), assignee=assignee)


@page(bp, "/requests/{request_id}/escalate", method="POST", permission=A["escalate"])
def escalate(p: Page, request_id: str) -> Response:
    """Send the question to one or more specialist units (the leader signs)."""

    def run(b: EscalateBody) -> Request:
        return _service().escalate(
            tenant=p.tenant.code, actor=p.user, request_id=request_id, version=b.version, unit_ids=b.unit_ids, note=b.note
        )

    return page_forms.act(p, request_id, "escalate", EscalateBody, run, unit_ids=p.values("unit_ids"), note=p.value("note"))


@page(bp, "/requests/{request_id}/transfer", method="POST", permission=A["transfer"])
def transfer(p: Page, request_id: str) -> Response:
    """The CCC hands the request to a provincial office, which answers and reports back."""

    def run(b: TransferBody) -> Request:
        return _service().transfer(
            tenant=p.tenant.code,
            actor=p.user,
            request_id=request_id,
            version=b.version,
            to_tenant=b.to_tenant,
            to_unit=b.to_unit,
            note=b.note,
        )

    to_unit = p.value("to_unit") or None
    return page_forms.act(
        p, request_id, "transfer", TransferBody, run, to_tenant=p.value("to_tenant"), to_unit=to_unit, note=p.value("note")
    )


@page(bp, "/requests/{request_id}/draft", method="POST", permission=A["draft"])
def draft(p: Page, request_id: str) -> Response:
    """Art. 6.2 step 3: the focal officer drafts the written answer for the leader."""

    def run(b: TextBody) -> Request:
        return _service().draft(tenant=p.tenant.code, actor=p.user, request_id=request_id, version=b.version, text=b.text)

    return page_forms.act(p, request_id, "draft", TextBody, run, text=p.value("text"))


@page(bp, "/requests/{request_id}/approve", method="POST", permission=A["approve"])
def approve(p: Page, request_id: str) -> Response:
    """Art. 6.2 steps 3–5: the leader approves the draft; it goes out with a survey link."""

    def run(b: DraftDecision) -> Request:
        return _service().approve(
            tenant=p.tenant.code, actor=p.user, request_id=request_id, version=b.version, draft_id=b.draft_id, note=b.note
        )

    return page_forms.act(p, request_id, "approve", DraftDecision, run, draft_id=p.value("draft_id"), note=p.value("note"))


@page(bp, "/requests/{request_id}/reject_draft", method="POST", permission=A["reject_draft"])
def reject_draft(p: Page, request_id: str) -> Response:
    """The leader returns the draft with a note."""

    def run(b: DraftDecision) -> Request:
        return _service().reject_draft(
            tenant=p.tenant.code, actor=p.user, request_id=request_id, version=b.version, draft_id=b.draft_id, note=b.note
        )

    return page_forms.act(p, request_id, "reject_draft", DraftDecision, run, draft_id=p.value("draft_id"), note=p.value("note"))


@page(bp, "/requests/{request_id}/answer_escalation", method="POST", permission=A["answer_escalation"])
def answer_escalation(p: Page, request_id: str) -> Response:
    """A specialist answers their unit's part of an escalated request."""
    escalation_id = p.value("escalation_id")

    def run(b: TextBody) -> Request:
        return _service().answer_escalation(
            tenant=p.tenant.code, actor=p.user, request_id=request_id, escalation_id=escalation_id, version=b.version, text=b.text
        )

    return page_forms.act(p, request_id, "answer_escalation", TextBody, run, text=p.value("text"))


@page(bp, "/requests/{request_id}/report_back", method="POST", permission=A["report_back"])
def report_back(p: Page, request_id: str) -> Response:
    """The receiving office reports its result back to the office that transferred the request."""

    def run(b: ReportBody) -> Request:
        return _service().report_back(
            tenant=p.tenant.code, actor=p.user, request_id=request_id, version=b.version, result=b.result
        )

    return page_forms.act(p, request_id, "report_back", ReportBody, run, result=p.value("result"))


@page(bp, "/requests/{request_id}/rate", method="POST", permission=A["rate"])
def rate(p: Page, request_id: str) -> Response:
    """Art. 6.1 step 4: the customer's rating; not satisfied needs a reason and opens a follow-up."""

    def run(b: RateBody) -> Request:
        return _service().rate(
            tenant=p.tenant.code,
            actor=p.user,
            request_id=request_id,
            version=b.version,
            satisfied=b.satisfied,
            reason=b.reason,
            remedy=b.remedy,
        )

    satisfied = {"yes": True, "no": False}.get(p.value("satisfied"))
    return page_forms.act(
        p, request_id, "rate", RateBody, run, satisfied=satisfied, reason=p.value("reason"), remedy=p.value("remedy")
    )


@page(bp, "/requests/{request_id}/close", method="POST", permission=A["close"])
def close(p: Page, request_id: str) -> Response:
    """Art. 6.1 step 5: close an answered request."""

    def run(b: Versioned) -> Request:
        return _service().close(tenant=p.tenant.code, actor=p.user, request_id=request_id, version=b.version)

    return page_forms.act(p, request_id, "close", Versioned, run)


@page(bp, "/requests/{request_id}/reopen", method="POST", permission=A["reopen"])
def reopen(p: Page, request_id: str) -> Response:
    """Open the request again, with a reason and a fresh deadline."""

    def run(b: ReasonBody) -> Request:
        return _service().reopen(tenant=p.tenant.code, actor=p.user, request_id=request_id, version=b.version, reason=b.reason)

    return page_forms.act(p, request_id, "reopen", ReasonBody, run, reason=p.value("reason"))


@page(bp, "/requests/{request_id}/assign", method="POST", permission=A["assign"])
def assign(p: Page, request_id: str) -> Response:
    """Hand the request to a colleague, or back to the shared queue."""

    def run(b: AssignBody) -> Request:
        return _service().assign(
            tenant=p.tenant.code, actor=p.user, request_id=request_id, version=b.version, assignee=b.assignee
        )

    return page_forms.act(p, request_id, "assign", AssignBody, run, assignee=p.value("assignee") or None)


@page(bp, "/central/requests", permission=P.CENTRAL_VIEW)
def central(p: Page) -> Response:
    """The CCC's national list: every province's open requests, soonest deadline first; one province by status."""
    query = page_forms.parse(CentralQuery, page_forms.query_of(p))
    found, error = page_forms.attempt(lambda: lists().central(query=query))
    items, cursor = found or ([], None)
    context = page_forms.list_context(p, "/central/requests", items, cursor)
    return render(p, "requests_central.html", error.status if error else 200, error=error, **context)
