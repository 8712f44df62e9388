"""Requests: intake, lists, and every step of Art. 6 as `POST /api/requests/{id}/<action>` with the version read."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext

from .domain import ACTION_PERMISSIONS, Request
from .schemas import (
    AnswerBody,
    AssignBody,
    CallbackBody,
    CentralQuery,
    DraftDecision,
    EscalateBody,
    IntakeHeaders,
    RateBody,
    ReasonBody,
    ReportBody,
    RequestCreate,
    RequestPage,
    RequestQuery,
    RequestRead,
    TextBody,
    TransferBody,
    Versioned,
)

if TYPE_CHECKING:
    from . import read_models
else:
    read_models = lazy("chalicelib.requests.read_models")

bp = Blueprint(__name__)
TAGS = ("requests",)
P = Permission
A = ACTION_PERMISSIONS


def _shown(ctx: RequestContext, request: Request) -> RequestRead:
    """The request as the caller sees it now (an action's result carries its timeline: nothing is read again)."""
    c = container()
    return read_models.detail(request, c.clock.now(), ctx.user, c.requests.survey(request))


def _action(name: str, body: type[Versioned], path: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `POST /api/requests/{id}/<name>` with the permission the domain gives the action."""
    path = path or f"/api/requests/{{request_id}}/{name}"
    return route(bp, path, method="POST", permission=A[name], body=body, response=RequestRead, tags=TAGS)


@route(
    bp,
    "/api/requests",
    method="POST",
    permission=P.REQUESTS_INTAKE,
    body=RequestCreate,
    headers=IntakeHeaders,
    response=RequestRead,
    status=201,
    tags=TAGS,
)
def create(ctx: RequestContext, body: RequestCreate, headers: IntakeHeaders) -> RequestRead:
    """Record a request from any channel; `Idempotency-Key` (at most 128 characters) makes a retry return the same request."""
    key = headers.idempotency_key
    return _shown(ctx, container().requests.intake(tenant=ctx.tenant, actor=ctx.user, data=body, idempotency_key=key))


@route(bp, "/api/requests", permission=P.REQUESTS_READ, query=RequestQuery, response=RequestPage, tags=TAGS)
def list_requests(ctx: RequestContext, query: RequestQuery) -> RequestPage:
    """Inbox lists: by status, assignee, unit, due soon or overdue, with channel/category/text filters."""
    c = container()
    items, cursor = c.request_lists.inbox(tenant=ctx.tenant, actor=ctx.user, query=query)
    now = c.clock.now()
    return RequestPage(items=[read_models.summary(r, now) for r in items], next_cursor=cursor)


@route(bp, "/api/requests/{request_id}", permission=P.REQUESTS_READ, response=RequestRead, tags=TAGS)
def get(ctx: RequestContext, request_id: str) -> RequestRead:
    """A request with its timeline, escalations, transfers, drafts, rating, deadline and the caller's allowed actions."""
    return _shown(ctx, container().requests.get(tenant=ctx.tenant, request_id=request_id))


@_action("answer", AnswerBody)
def answer(ctx: RequestContext, body: AnswerBody, request_id: str) -> RequestRead:
    """Art. 6.1 step 3a: the hotline answers at once, or relays the units' answers."""
    return _shown(
        ctx,
        container().requests.answer(
            tenant=ctx.tenant,
            actor=ctx.user,
            request_id=request_id,
            version=body.version,
            text=body.text,
            knowledge_id=body.knowledge_id,
        ),
    )


@_action("schedule_callback", CallbackBody)
def schedule_callback(ctx: RequestContext, body: CallbackBody, request_id: str) -> RequestRead:
    """Art. 6.1 step 3b: a callback appointment in working hours, confirmed by SMS."""
    return _shown(
        ctx,
        container().requests.schedule_callback(
            tenant=ctx.tenant,
            actor=ctx.user,
            request_id=request_id,
            version=body.version,
            at=body.at,
            note=body.note,
            assignee=body.assignee,
        ),
    )


@_action("escalate", EscalateBody)
def escalate(ctx: RequestContext, body: EscalateBody, request_id: str) -> RequestRead:
    """Send the question to one or more specialist units (a leader signs, Art. 6.1 step 3)."""
    return _shown(
        ctx,
        container().requests.escalate(
            tenant=ctx.tenant, actor=ctx.user, request_id=request_id, version=body.version, unit_ids=body.unit_ids, note=body.note
        ),
    )


@_action("transfer", TransferBody)
def transfer(ctx: RequestContext, body: TransferBody, request_id: str) -> RequestRead:
    """The CCC hands the request to a provincial office (and optionally its grassroots office), which reports back."""
    return _shown(
        ctx,
        container().requests.transfer(
            tenant=ctx.tenant,
            actor=ctx.user,
            request_id=request_id,
            version=body.version,
            to_tenant=body.to_tenant,
            to_unit=body.to_unit,
            note=body.note,
        ),
    )


@_action("draft", TextBody)
def draft(ctx: RequestContext, body: TextBody, request_id: str) -> RequestRead:
    """Art. 6.2 step 3: the focal officer drafts the written answer for the leader."""
    return _shown(
        ctx,
        container().requests.draft(
            tenant=ctx.tenant, actor=ctx.user, request_id=request_id, version=body.version, text=body.text
        ),
    )


@_action("approve", DraftDecision)
def approve(ctx: RequestContext, body: DraftDecision, request_id: str) -> RequestRead:
    """Art. 6.2 steps 3–5: the leader approves the draft; it goes out with a survey link."""
    return _shown(
        ctx,
        container().requests.approve(
            tenant=ctx.tenant, actor=ctx.user, request_id=request_id, version=body.version, draft_id=body.draft_id, note=body.note
        ),
    )


@_action("reject_draft", DraftDecision)
def reject_draft(ctx: RequestContext, body: DraftDecision, request_id: str) -> RequestRead:
    """The leader returns the draft with a note."""
    return _shown(
        ctx,
        container().requests.reject_draft(
            tenant=ctx.tenant, actor=ctx.user, request_id=request_id, version=body.version, draft_id=body.draft_id, note=body.note
        ),
    )


@_action("rate", RateBody)
def rate(ctx: RequestContext, body: RateBody, request_id: str) -> RequestRead:
    """Art. 6.1 step 4: the customer's rating; "not satisfied" needs a reason and opens a follow-up."""
    return _shown(
        ctx,
        container().requests.rate(
            tenant=ctx.tenant,
            actor=ctx.user,
            request_id=request_id,
            version=body.version,
            satisfied=body.satisfied,
            reason=body.reason,
            remedy=body.remedy,
        ),
    )


@_action("close", Versioned)
def close(ctx: RequestContext, body: Versioned, request_id: str) -> RequestRead:
    """Art. 6.1 step 5: close an answered request."""
    return _shown(ctx, container().requests.close(tenant=ctx.tenant, actor=ctx.user, request_id=request_id, version=body.version))


@_action("reopen", ReasonBody)
def reopen(ctx: RequestContext, body: ReasonBody, request_id: str) -> RequestRead:
    """Open the request again, with a reason and a fresh deadline."""
    return _shown(
        ctx,
        container().requests.reopen(
            tenant=ctx.tenant, actor=ctx.user, request_id=request_id, version=body.version, reason=body.reason
        ),
    )


@_action("report_back", ReportBody)
def report_back(ctx: RequestContext, body: ReportBody, request_id: str) -> RequestRead:
    """The receiving office reports its result back to the office that transferred the request."""
    return _shown(
        ctx,
        container().requests.report_back(
            tenant=ctx.tenant, actor=ctx.user, request_id=request_id, version=body.version, result=body.result
        ),
    )


@_action("assign", AssignBody)
def assign(ctx: RequestContext, body: AssignBody, request_id: str) -> RequestRead:
    """Hand an open request to a colleague, or back to the shared queue."""
    return _shown(
        ctx,
        container().requests.assign(
            tenant=ctx.tenant, actor=ctx.user, request_id=request_id, version=body.version, assignee=body.assignee
        ),
    )


@_action("answer_escalation", TextBody, "/api/requests/{request_id}/escalations/{escalation_id}/answer")
def answer_escalation(ctx: RequestContext, body: TextBody, request_id: str, escalation_id: str) -> RequestRead:
    """A specialist unit answers its part of an escalated request."""
    return _shown(
        ctx,
        container().requests.answer_escalation(
            tenant=ctx.tenant,
            actor=ctx.user,
            request_id=request_id,
            escalation_id=escalation_id,
            version=body.version,
            text=body.text,
        ),
    )


@route(bp, "/api/central/requests", permission=P.CENTRAL_VIEW, query=CentralQuery, response=RequestPage, tags=TAGS)
def central(ctx: RequestContext, query: CentralQuery) -> RequestPage:
    """The CCC's cross-province view: every office's open requests, or one office's by status, overdue first."""
    c = container()
    items, cursor = c.request_lists.central(query=query)
    now = c.clock.now()
    return RequestPage(items=[read_models.summary(r, now) for r in items], next_cursor=cursor)
