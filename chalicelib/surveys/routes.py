"""The surveys' API (API.md "Surveys (staff)"): plans and their approval, rounds (draw, open, close, lessons),
members and their replacement, interviewers' entries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.clock import to_local
from chalicelib.shared.errors import NotFoundError
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext

from .schemas import (
    DrawBody,
    InterviewBody,
    InterviewEntryRead,
    InvitationPage,
    LessonsBody,
    ListQuery,
    MemberPage,
    MemberRead,
    OpenBody,
    PartQuery,
    PlanBody,
    PlanUpdate,
    ReplaceBody,
    RoundRead,
    StepBody,
    SurveyPage,
    SurveyRead,
    SurveyVersion,
    TallyQuery,
    WeightsBody,
)
from .tally_schemas import TallyRead

if TYPE_CHECKING:
    from . import read_models
else:
    read_models = lazy("chalicelib.surveys.read_models")

bp = Blueprint(__name__)
TAGS = ("surveys",)
P = Permission
BASE = "/api/surveys/{survey_id}"


def _shown(ctx: RequestContext, survey_id: str) -> SurveyRead:
    return read_models.detail(container().surveys.get(tenant=ctx.tenant, survey_id=survey_id), ctx.user)


@route(bp, "/api/surveys", permission=P.SURVEYS_READ, query=ListQuery, response=SurveyPage, tags=TAGS)
def list_surveys(ctx: RequestContext, query: ListQuery) -> SurveyPage:
    """The office's surveys and its parts of national ones, newest first."""
    items, cursor = container().surveys.page(tenant=ctx.tenant, cursor=query.cursor, limit=query.limit)
    return SurveyPage(items=[read_models.summary(s) for s in items], next_cursor=cursor)


@route(bp, "/api/surveys", method="POST", permission=P.SURVEYS_MANAGE, body=PlanBody, response=SurveyRead, status=201, tags=TAGS)
def create(ctx: RequestContext, body: PlanBody) -> SurveyRead:
    """Art. 8 step 1: a new survey plan, as a draft."""
    survey = container().surveys.create(tenant=ctx.tenant, actor=ctx.user, plan=body.plan(), settings=body.settings())
    return read_models.detail(survey, ctx.user)


@route(bp, BASE, permission=P.SURVEYS_READ, response=SurveyRead, tags=TAGS)
def get(ctx: RequestContext, survey_id: str) -> SurveyRead:
    """A survey with its approval, rounds and the reader's actions."""
    return _shown(ctx, survey_id)


@route(bp, BASE, method="PUT", permission=P.SURVEYS_MANAGE, body=PlanUpdate, response=SurveyRead, tags=TAGS)
def update(ctx: RequestContext, body: PlanUpdate, survey_id: str) -> SurveyRead:
    """Edit a draft or returned plan at `version`."""
    survey = container().surveys.update(
        tenant=ctx.tenant, survey_id=survey_id, actor=ctx.user, plan=body.plan(), settings=body.settings(), version=body.version
    )
    return read_models.detail(survey, ctx.user)


def _approval_step(name: str, permission: Permission, doc: str) -> None:
    @route(bp, f"{BASE}/{name}", method="POST", permission=permission, body=StepBody, response=SurveyRead, tags=TAGS)
    def step(ctx: RequestContext, body: StepBody, survey_id: str) -> SurveyRead:
        service = container().surveys
        act = {"submit": service.submit, "withdraw": service.withdraw, "approve": service.approve, "return": service.return_}[
            name
        ]
        survey = act(tenant=ctx.tenant, survey_id=survey_id, actor=ctx.user, note=body.note, version=body.version)
        return read_models.detail(survey, ctx.user)

    step.__doc__ = doc
    step.__name__ = step.__qualname__ = f"survey_{name}"


_approval_step("submit", P.SURVEYS_MANAGE, "The owner submits the plan to the leader.")
_approval_step("withdraw", P.SURVEYS_MANAGE, "The owner takes a submitted plan back.")
_approval_step("approve", P.PLANS_APPROVE, "Art. 8 step 1: the leader approves the plan (never its author).")
_approval_step("return", P.PLANS_APPROVE, "The leader returns the plan with a reason.")


@route(bp, f"{BASE}/rounds", method="POST", permission=P.SURVEYS_MANAGE, body=DrawBody, response=RoundRead, status=201, tags=TAGS)
def draw(ctx: RequestContext, body: DrawBody, survey_id: str) -> RoundRead:
    """Art. 8 step 2: draw a pilot or the official round's sample, with its reserves, from a frame."""
    service = container().surveys
    request = body.request(service.new_seed())
    created = service.draw(
        tenant=ctx.tenant, survey_id=survey_id, actor=ctx.user, kind=body.kind, request=request, version=body.version
    )
    return read_models.round_read(created)


@route(
    bp, f"{BASE}/rounds/{{number}}/open", method="POST", permission=P.SURVEYS_MANAGE, body=OpenBody, response=RoundRead, tags=TAGS
)
def open_round(ctx: RequestContext, body: OpenBody, survey_id: str, number: str) -> RoundRead:
    """Open a drawn round: the questionnaire version is frozen; invitations go out, reminders follow, it closes."""
    opened = container().surveys.open(
        tenant=ctx.tenant,
        survey_id=survey_id,
        actor=ctx.user,
        number=_number(number),
        closes_at=body.closes_at,
        reminders=tuple(body.reminders),
        version=body.version,
    )
    return read_models.round_read(opened)


@route(
    bp,
    f"{BASE}/rounds/{{number}}/close",
    method="POST",
    permission=P.SURVEYS_MANAGE,
    body=SurveyVersion,
    response=SurveyRead,
    tags=TAGS,
)
def close_round(ctx: RequestContext, body: SurveyVersion, survey_id: str, number: str) -> SurveyRead:
    """End an open round before its period."""
    survey = container().surveys.close_early(
        tenant=ctx.tenant, survey_id=survey_id, actor=ctx.user, number=_number(number), version=body.version
    )
    return read_models.detail(survey, ctx.user)


@route(bp, f"{BASE}/weights", method="PUT", permission=P.SURVEYS_MANAGE, body=WeightsBody, response=SurveyRead, tags=TAGS)
def weights(ctx: RequestContext, body: WeightsBody, survey_id: str) -> SurveyRead:
    """The satisfaction index's node weights; every opened round's results are recounted with them."""
    survey = container().surveys.set_weights(
        tenant=ctx.tenant, survey_id=survey_id, actor=ctx.user, weights=body.weights, version=body.version
    )
    return read_models.detail(survey, ctx.user)


@route(
    bp,
    f"{BASE}/rounds/{{number}}/lessons",
    method="POST",
    permission=P.SURVEYS_MANAGE,
    body=LessonsBody,
    response=SurveyRead,
    tags=TAGS,
)
def lessons(ctx: RequestContext, body: LessonsBody, survey_id: str, number: str) -> SurveyRead:
    """Art. 8 step 2: what the pilot taught, before the official run."""
    survey = container().surveys.note_lessons(
        tenant=ctx.tenant, survey_id=survey_id, actor=ctx.user, number=_number(number), lessons=body.lessons, version=body.version
    )
    return read_models.detail(survey, ctx.user)


@route(bp, f"{BASE}/rounds/{{number}}/members", permission=P.SURVEYS_MANAGE, query=PartQuery, response=MemberPage, tags=TAGS)
def members(ctx: RequestContext, query: PartQuery, survey_id: str, number: str) -> MemberPage:
    """A round's sample and reserves with their statuses (personal data: the read is audited)."""
    items, cursor = container().surveys.members(
        tenant=ctx.tenant,
        survey_id=survey_id,
        round_number=_number(number),
        cursor=query.cursor,
        limit=query.limit,
        actor=ctx.user,
        province=query.province,
    )
    return MemberPage(items=[read_models.member_read(m) for m in items], next_cursor=cursor)


@route(
    bp, f"{BASE}/rounds/{{number}}/invitations", permission=P.SURVEYS_MANAGE, query=PartQuery, response=InvitationPage, tags=TAGS
)
def invitations(ctx: RequestContext, query: PartQuery, survey_id: str, number: str) -> InvitationPage:
    """A round's messages with their delivery statuses (personal data: the read is audited)."""
    items, cursor = container().surveys.invitations(
        tenant=ctx.tenant,
        survey_id=survey_id,
        round_number=_number(number),
        cursor=query.cursor,
        limit=query.limit,
        actor=ctx.user,
        province=query.province,
    )
    return InvitationPage(items=[read_models.invitation_read(d) for d in items], next_cursor=cursor)


@route(
    bp,
    f"{BASE}/rounds/{{number}}/members/{{member_id}}/replace",
    method="POST",
    permission=P.SURVEYS_MANAGE,
    body=ReplaceBody,
    response=MemberRead,
    tags=TAGS,
)
def replace(ctx: RequestContext, body: ReplaceBody, survey_id: str, number: str, member_id: str) -> MemberRead:
    """Art. 8 step 2: the next reserve of the same stratum stands in for this member (who replaced whom, and why)."""
    reserve = container().surveys.replace_by_owner(
        tenant=ctx.tenant,
        survey_id=survey_id,
        round_number=_number(number),
        member_id=member_id,
        reason=body.reason,
        actor=ctx.user,
    )
    return read_models.member_read(reserve)


@route(
    bp,
    f"{BASE}/rounds/{{number}}/members/{{member_id}}/interview",
    method="POST",
    permission=P.SURVEYS_MANAGE,
    body=InterviewBody,
    response=InterviewEntryRead,
    tags=TAGS,
)
def interview(ctx: RequestContext, body: InterviewBody, survey_id: str, number: str, member_id: str) -> InterviewEntryRead:
    """Direct methods: an interviewer enters the member's answers; a retry with the same `entry_id` is one entry."""
    c = container()
    survey = c.surveys.get(tenant=ctx.tenant, survey_id=survey_id)
    done = c.respondents.interview(
        tenant=ctx.tenant,
        survey=survey,
        number=_number(number),
        member_id=member_id,
        actor=ctx.user,
        entry_id=body.entry_id,
        given=body.answers,
    )
    return InterviewEntryRead(member_id=member_id, recorded=True, again=done.again)


@route(bp, f"{BASE}/tally", permission=P.SURVEYS_READ, query=TallyQuery, response=TallyRead, tags=TAGS)
def tally(ctx: RequestContext, query: TallyQuery, survey_id: str) -> TallyRead:
    """Art. 8 step 2: a round's daily tally (the latest unless `round` is named) — planned, invited, delivered,
    opened, started, completed, refused or unreachable, replaced — per stratum and overall, with AAPOR RR1 and RR3
    (a national survey: every part)."""
    c = container()
    found = c.surveys.tally(tenant=ctx.tenant, survey_id=survey_id, round_number=query.round)
    return TallyRead.of(found, through=to_local(c.clock.now()).date())


def _number(text: str) -> int:
    """A round number from the path (a malformed one is no round: 404)."""
    if not text.isdigit() or len(text) > 2:
        raise NotFoundError("Không có đợt khảo sát này.")
    return int(text)
