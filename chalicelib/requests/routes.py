"""Requests: intake, lists, and every step of Art. 6 as `POST /api/requests/{id}/<action>` with the version."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.bootstrap import container
from chalicelib.shared.http import route
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext

from . import views
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
    RequestCreate,
    RequestPage,
    RequestQuery,
    RequestRead,
    TextBody,
    TransferBody,
    Versioned,
)

bp = Blueprint(__name__)
TAGS = ("requests",)
P = Permission


def _read(ctx: RequestContext, request_id: str) -> RequestRead:
    c = container()
    request, events = c.requests.get(tenant=ctx.tenant, request_id=request_id)
    return views.detail(request, events, c.requests.survey_url(request))


def _shown(request: Request) -> RequestRead:
    """The request as an action left it: its timeline came with it, nothing is read again."""
    return views.detail(request, request.history, container().requests.survey_url(request))


@route(bp, "/api/requests", method="POST", permission=P.REQUESTS_INTAKE, body=RequestCreate, response=RequestRead, status=201, tags=TAGS)
def create(ctx: RequestContext, body: RequestCreate) -> RequestRead:
    """Record a request from any channel; `Idempotency-Key` makes a retry return the same request."""
    key = ctx.headers.get("idempotency-key") or None
    return _shown(container().requests.intake(tenant=ctx.tenant, actor=ctx.user, data=body, idempotency_key=key))


@route(bp, "/api/requests", permission=P.REQUESTS_READ, query=RequestQuery, response=RequestPage, tags=TAGS)
def list_requests(ctx: RequestContext, query: RequestQuery) -> RequestPage:
    """Inbox lists: by status, assignee, unit, due soon or overdue, with channel/category/text filters."""
    items, cursor = container().request_lists.inbox(tenant=ctx.tenant, actor=ctx.user, query=query)
    return RequestPage(items=[views.summary(r) for r in items], next_cursor=cursor)


@route(bp, "/api/requests/{request_id}", permission=P.REQUESTS_READ, response=RequestRead, tags=TAGS)
def get(ctx: RequestContext, request_id: str) -> RequestRead:
    """A request with its timeline, escalations, transfers, drafts, rating and deadline."""
    return _read(ctx, request_id)


def _action(name: str, permission: Permission, body: type[Versioned], call: str, **extra: str) -> None:
    """Register `POST /api/requests/{id}/<name>`: the body's fields go to the service method `call`."""

    def handler(ctx: RequestContext, body: Versioned, request_id: str) -> RequestRead:
        method = getattr(container().requests, call)
        return _shown(method(tenant=ctx.tenant, actor=ctx.user, request_id=request_id, **_args(body, extra)))

    handler.__name__ = handler.__qualname__ = f"request_{name}"
    handler.__doc__ = f"Action '{name}' on a request (with the version read)."
    route(bp, f"/api/requests/{{request_id}}/{name}", method="POST", permission=permission, body=body, response=RequestRead, tags=TAGS)(handler)


def _args(body: Versioned, renames: dict[str, str]) -> dict[str, object]:
    values = body.model_dump()
    return {renames.get(k, k): v for k, v in values.items()}


_action("answer", P.REQUESTS_HANDLE, AnswerBody, "answer")
_action("schedule_callback", P.REQUESTS_HANDLE, CallbackBody, "schedule_callback")
_action("escalate", P.REQUESTS_APPROVE, EscalateBody, "escalate")
_action("transfer", P.REQUESTS_HANDLE, TransferBody, "transfer")
_action("draft", P.REQUESTS_HANDLE, TextBody, "draft")
_action("approve", P.REQUESTS_APPROVE, DraftDecision, "approve")
_action("reject_draft", P.REQUESTS_APPROVE, DraftDecision, "reject_draft")
_action("rate", P.REQUESTS_HANDLE, RateBody, "rate")
_action("close", P.REQUESTS_HANDLE, Versioned, "close")
_action("reopen", P.REQUESTS_HANDLE, ReasonBody, "reopen")
_action("report_back", P.REQUESTS_HANDLE, ReportBody, "report_back")
_action("assign", P.REQUESTS_HANDLE, AssignBody, "assign")


@route(bp, "/api/requests/{request_id}/escalations/{escalation_id}/answer", method="POST", permission=P.ESCALATIONS_ANSWER,
       body=TextBody, response=RequestRead, tags=TAGS)
def answer_escalation(ctx: RequestContext, body: TextBody, request_id: str, escalation_id: str) -> RequestRead:
    """A specialist unit answers its part of an escalated request."""
    return _shown(container().requests.answer_escalation(tenant=ctx.tenant, actor=ctx.user, request_id=request_id,
                                                         escalation_id=escalation_id, version=body.version, text=body.text))


@route(bp, "/api/central/requests", permission=P.CENTRAL_VIEW, query=CentralQuery, response=RequestPage, tags=TAGS)
def central(ctx: RequestContext, query: CentralQuery) -> RequestPage:
    """The CCC's cross-province view: every office's open requests, or one office's by status, overdue first."""
    items, cursor = container().request_lists.central(query=query)
    return RequestPage(items=[views.summary(r) for r in items], next_cursor=cursor)
