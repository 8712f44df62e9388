"""Questionnaires (API): create, read, list, update with `version` (409 when stale), read a version. SURVEYS_MANAGE."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.errors import NotFoundError
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext

from .questionnaire_schemas import (
    QuestionnaireCreate,
    QuestionnairePage,
    QuestionnaireRead,
    QuestionnairesQuery,
    QuestionnaireUpdate,
    QuestionnaireVersionRead,
    content_of,
    questionnaire_read,
    summary,
    version_read,
)

bp = Blueprint(__name__)
TAGS = ("surveys",)
BASE = "/api/surveys/questionnaires"
P = Permission.SURVEYS_MANAGE


@route(bp, BASE, method="POST", permission=P, body=QuestionnaireCreate, response=QuestionnaireRead, status=201, tags=TAGS)
def create_questionnaire(ctx: RequestContext, body: QuestionnaireCreate) -> QuestionnaireRead:
    """Create a questionnaire (version 1, a draft); a broken rule is a 422 naming each field."""
    made = container().questionnaires.create(tenant=ctx.tenant, actor=ctx.user.login, content=content_of(body))
    return questionnaire_read(made)


@route(bp, BASE, permission=P, query=QuestionnairesQuery, response=QuestionnairePage, tags=TAGS)
def list_questionnaires(ctx: RequestContext, query: QuestionnairesQuery) -> QuestionnairePage:
    """The tenant's questionnaires, oldest first; the first page starts with the standard one."""
    items, cursor = container().questionnaires.list(tenant=ctx.tenant, limit=query.limit, cursor=query.cursor)
    return QuestionnairePage(items=[summary(q) for q in items], next_cursor=cursor)


@route(bp, BASE + "/{questionnaire_id}", permission=P, response=QuestionnaireRead, tags=TAGS)
def get_questionnaire(ctx: RequestContext, questionnaire_id: str) -> QuestionnaireRead:
    """A questionnaire's latest version and state."""
    return questionnaire_read(container().questionnaires.get(tenant=ctx.tenant, questionnaire_id=questionnaire_id))


@route(
    bp, BASE + "/{questionnaire_id}", method="PUT", permission=P, body=QuestionnaireUpdate, response=QuestionnaireRead, tags=TAGS
)
def update_questionnaire(ctx: RequestContext, body: QuestionnaireUpdate, questionnaire_id: str) -> QuestionnaireRead:
    """Replace the content; once a survey uses a version, this makes the next one (stale `version`: 409)."""
    edited = container().questionnaires.update(
        tenant=ctx.tenant,
        questionnaire_id=questionnaire_id,
        actor=ctx.user.login,
        content=content_of(body),
        expected_version=body.version,
    )
    return questionnaire_read(edited)


@route(bp, BASE + "/{questionnaire_id}/versions/{number}", permission=P, response=QuestionnaireVersionRead, tags=TAGS)
def get_questionnaire_version(ctx: RequestContext, questionnaire_id: str, number: str) -> QuestionnaireVersionRead:
    """One version as it was frozen (or the current draft)."""
    if not number.isdigit() or len(number) > 6:
        raise NotFoundError()
    found = container().questionnaires.version(tenant=ctx.tenant, questionnaire_id=questionnaire_id, number=int(number))
    return version_read(found)
