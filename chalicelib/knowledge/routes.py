"""The knowledge bank's API: search as an agent types, entries and their steps, versions, proposals, the reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.errors import ForbiddenError
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission, permissions_of
from chalicelib.shared.tenancy import Principal, RequestContext

from .schemas import (
    CompareQuery,
    CompareRead,
    DifferenceRead,
    EntryBody,
    EntryPage,
    EntryQuery,
    EntryRead,
    EntryStep,
    EntryUpdate,
    MonthQuery,
    ProposalBody,
    ReportRead,
    RestoreBody,
    ReviewQuery,
    SearchPage,
    SearchQuery,
    VersionPage,
)
from .search import SearchFilters

if TYPE_CHECKING:
    from . import read_models
    from . import service as knowledge_service
    from .domain import Entry
else:
    read_models = lazy("chalicelib.knowledge.read_models")
    knowledge_service = lazy("chalicelib.knowledge.service")

bp = Blueprint(__name__)
TAGS = ("knowledge",)
P = Permission


def is_editor(actor: Principal) -> bool:
    """Whether the user writes or publishes entries (sees drafts, expired entries, history)."""
    return bool(permissions_of(actor.roles, actor.tenant) & {P.KNOWLEDGE_WRITE, P.KNOWLEDGE_PUBLISH})


def filters_of(query: SearchQuery, actor: Principal) -> SearchFilters:
    """The search's filters: an agent finds what may be answered from today; an editor may ask for any status."""
    if query.status not in (None, "published") and not is_editor(actor):
        raise ForbiddenError("Chỉ cán bộ biên soạn tìm được mục chưa công bố.", fields={"status": "forbidden"})
    statuses = frozenset({query.status or "published"})
    current_only = query.valid_on is not None or query.status is None or not is_editor(actor)
    return SearchFilters(
        topic=query.topic,
        audience=query.audience,
        statuses=statuses,  # type: ignore[arg-type]
        current_only=current_only,
        limit=query.limit,
    )


def _shown(ctx: RequestContext, entry: Entry) -> EntryRead:
    return read_models.detail(entry, container().knowledge.today(), ctx.user)


@route(bp, "/api/knowledge/search", permission=P.KNOWLEDGE_READ, query=SearchQuery, response=SearchPage, tags=TAGS)
def search(ctx: RequestContext, query: SearchQuery) -> SearchPage:
    """Entries for what the agent typed, collapsed to core entries, best first, the matched words highlighted."""
    service = container().knowledge
    on = query.valid_on or service.today()
    found = service.search(tenant=ctx.tenant, text=query.q, filters=filters_of(query, ctx.user), on=on, record=query.record)
    return SearchPage(items=[read_models.hit(f, on) for f in found])


@route(bp, "/api/knowledge", permission=P.KNOWLEDGE_READ, query=EntryQuery, response=EntryPage, tags=TAGS)
def list_entries(ctx: RequestContext, query: EntryQuery) -> EntryPage:
    """The office's own entries in one status, most recently changed first."""
    items, cursor = container().knowledge.by_status(
        tenant=ctx.tenant, status=query.status, limit=query.limit, cursor=query.cursor
    )
    return EntryPage(items=[_shown(ctx, e) for e in items], next_cursor=cursor)


@route(
    bp, "/api/knowledge", method="POST", permission=P.KNOWLEDGE_WRITE, body=EntryBody, response=EntryRead, status=201, tags=TAGS
)
def create(ctx: RequestContext, body: EntryBody) -> EntryRead:
    """A new draft in the office's own bank (the CCC's is the national bank)."""
    return _shown(ctx, container().knowledge.create(tenant=ctx.tenant, actor=ctx.user, content=body.content()))


@route(
    bp,
    "/api/knowledge/proposals",
    method="POST",
    permission=P.KNOWLEDGE_WRITE,
    body=ProposalBody,
    response=EntryRead,
    status=201,
    tags=TAGS,
)
def propose(ctx: RequestContext, body: ProposalBody) -> EntryRead:
    """Art. 10 step 7: a draft entry from an answered request, its question and answer prefilled, the request linked."""
    entry = container().knowledge.propose(
        tenant=ctx.tenant, actor=ctx.user, request_id=body.request_id, owner_unit=body.owner_unit, topic=body.topic
    )
    return _shown(ctx, entry)


@route(bp, "/api/knowledge/report", permission=P.KNOWLEDGE_WRITE, query=MonthQuery, response=ReportRead, tags=TAGS)
def report(ctx: RequestContext, query: MonthQuery) -> ReportRead:
    """What agents met this month: searches that found nothing and cited entries (most first), reviews overdue."""
    c = container()
    month = query.month or knowledge_service.month_of(c.clock.now())
    service = c.knowledge
    return ReportRead(
        month=month,
        gaps=[g.__dict__ for g in service.gaps(tenant=ctx.tenant, month=month)],  # type: ignore[misc]
        citations=[g.__dict__ for g in service.citations(tenant=ctx.tenant, month=month)],  # type: ignore[misc]
        overdue=[_shown(ctx, e) for e in service.overdue(tenant=ctx.tenant)],
    )


@route(bp, "/api/knowledge/review-queue", permission=P.KNOWLEDGE_READ, query=ReviewQuery, response=EntryPage, tags=TAGS)
def review_queue(ctx: RequestContext, query: ReviewQuery) -> EntryPage:
    """Published entries of a unit by quarterly review date, soonest (and overdue) first."""
    unit = None if query.all else (query.unit or ctx.user.unit_id)
    items = container().knowledge.review_queue(tenant=ctx.tenant, unit_id=unit)
    return EntryPage(items=[_shown(ctx, e) for e in items], next_cursor=None)


@route(bp, "/api/knowledge/{entry_id}", permission=P.KNOWLEDGE_READ, response=EntryRead, tags=TAGS)
def get(ctx: RequestContext, entry_id: str) -> EntryRead:
    """An entry of the office's bank, or a published national one."""
    return _shown(ctx, container().knowledge.get(tenant=ctx.tenant, entry_id=entry_id))


@route(
    bp, "/api/knowledge/{entry_id}", method="PUT", permission=P.KNOWLEDGE_READ, body=EntryUpdate, response=EntryRead, tags=TAGS
)
def update(ctx: RequestContext, body: EntryUpdate, entry_id: str) -> EntryRead:
    """Change the content at `version` (editors: drafts and submissions; leaders: published entries)."""
    service = container().knowledge
    return _shown(
        ctx, service.update(tenant=ctx.tenant, actor=ctx.user, entry_id=entry_id, version=body.version, content=body.content())
    )


def _step(name: str, permission: Permission) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return route(
        bp,
        f"/api/knowledge/{{entry_id}}/{name}",
        method="POST",
        permission=permission,
        body=EntryStep,
        response=EntryRead,
        tags=TAGS,
    )


@_step("submit", P.KNOWLEDGE_WRITE)
def submit(ctx: RequestContext, body: EntryStep, entry_id: str) -> EntryRead:
    """Send the draft to the leader for publication."""
    return _shown(ctx, container().knowledge.submit(tenant=ctx.tenant, actor=ctx.user, entry_id=entry_id, version=body.version))


@_step("publish", P.KNOWLEDGE_PUBLISH)
def publish(ctx: RequestContext, body: EntryStep, entry_id: str) -> EntryRead:
    """The leader publishes what was submitted (never their own submission, Art. 6.2)."""
    return _shown(ctx, container().knowledge.publish(tenant=ctx.tenant, actor=ctx.user, entry_id=entry_id, version=body.version))


@_step("return", P.KNOWLEDGE_PUBLISH)
def return_to_editor(ctx: RequestContext, body: EntryStep, entry_id: str) -> EntryRead:
    """The leader returns the submission with a note."""
    service = container().knowledge
    return _shown(
        ctx, service.return_to_editor(tenant=ctx.tenant, actor=ctx.user, entry_id=entry_id, version=body.version, note=body.note)
    )


@_step("retire", P.KNOWLEDGE_PUBLISH)
def retire(ctx: RequestContext, body: EntryStep, entry_id: str) -> EntryRead:
    """Take the entry out of use: never offered as an answer again."""
    service = container().knowledge
    return _shown(ctx, service.retire(tenant=ctx.tenant, actor=ctx.user, entry_id=entry_id, version=body.version, note=body.note))


@_step("review", P.KNOWLEDGE_READ)
def review(ctx: RequestContext, body: EntryStep, entry_id: str) -> EntryRead:
    """1218 Art. 2.7: the quarterly review is done; the next falls due three months on."""
    service = container().knowledge
    return _shown(ctx, service.review(tenant=ctx.tenant, actor=ctx.user, entry_id=entry_id, version=body.version, note=body.note))


@route(
    bp,
    "/api/knowledge/{entry_id}/restore",
    method="POST",
    permission=P.KNOWLEDGE_READ,
    body=RestoreBody,
    response=EntryRead,
    tags=TAGS,
)
def restore(ctx: RequestContext, body: RestoreBody, entry_id: str) -> EntryRead:
    """Bring back an earlier version's content as a new version."""
    service = container().knowledge
    entry = service.restore(tenant=ctx.tenant, actor=ctx.user, entry_id=entry_id, version=body.version, number=body.from_version)
    return _shown(ctx, entry)


@route(bp, "/api/knowledge/{entry_id}/versions", permission=P.KNOWLEDGE_READ, response=VersionPage, tags=TAGS)
def versions(ctx: RequestContext, entry_id: str) -> VersionPage:
    """Every version of one of the office's own entries: who, when, what changed."""
    items = container().knowledge.versions(tenant=ctx.tenant, entry_id=entry_id)
    return VersionPage(items=[read_models.version(v) for v in items])


@route(bp, "/api/knowledge/{entry_id}/compare", permission=P.KNOWLEDGE_READ, query=CompareQuery, response=CompareRead, tags=TAGS)
def compare(ctx: RequestContext, query: CompareQuery, entry_id: str) -> CompareRead:
    """Two versions and the fields that differ between them."""
    before, after, differences = container().knowledge.compare(
        tenant=ctx.tenant, entry_id=entry_id, before=query.from_, after=query.to
    )
    return CompareRead(
        before=read_models.version(before),
        after=read_models.version(after),
        differences=[DifferenceRead(field=d.field, before=d.before, after=d.after) for d in differences],
    )
