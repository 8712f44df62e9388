"""Surveys at the edge (API.md "Surveys (staff)", extended in the README's Contract section): plans with their
approval, rounds, members, interviews — shaped like the request API (resources with `version`, actions as
`POST …/<action>`, lists as `{items, next_cursor}`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.approvals.schemas import ApprovalRead
from chalicelib.shared.fields import Cursor, Day, Identifier, Instant, Line, QueryInt, Text, Version
from chalicelib.shared.lazy import lazy
from chalicelib.shared.schema import BaseModel, Input

if TYPE_CHECKING:
    from . import domain, ports
    from .domain import Plan, Settings
    from .ports import DrawRequest
else:
    domain = lazy("chalicelib.surveys.domain")
    ports = lazy("chalicelib.surveys.ports")

KindName = Literal["participants", "agency", "care", "policy_fit"]
MethodName = Literal["online", "post", "event", "individual_interview", "organisation_interview", "group_discussion"]
StratumDimension = Literal["province", "channel", "group"]
ReasonName = Literal["unreachable", "refused", "ineligible", "wrong_contact"]
Short = list[Line]


class PlanBody(Input):
    """A survey plan (Art. 8 step 1) and how it treats respondents."""

    title: Line = Field(min_length=1, max_length=200)
    kind: KindName
    purpose: Text = Field(min_length=1, max_length=2000)
    period_start: Day
    period_end: Day
    methods: list[MethodName] = Field(min_length=1, max_length=6)
    lead_unit: Identifier
    content_areas: Short = Field(default_factory=list, max_length=30)
    criteria: Short = Field(default_factory=list, max_length=30)
    target_groups: Short = Field(default_factory=list, max_length=30)
    places: Short = Field(default_factory=list, max_length=30)
    partner_units: list[Identifier] = Field(default_factory=list, max_length=30)
    outsourcing: Text = Field(default="", max_length=1000)
    budget: int = Field(default=0, ge=0, le=10**13)
    questionnaire_id: Identifier = "standard-answer"
    provinces: list[Identifier] = Field(default_factory=list, max_length=34)
    anonymous: bool = False
    contact_days: int = Field(default=90, ge=0, le=365)
    link_days: int = Field(default=30, ge=1, le=180)
    send_rate: int = Field(default=10, ge=1, le=500)

    def plan(self) -> Plan:
        """The domain's plan."""
        return domain.Plan(
            title=self.title,
            kind=self.kind,
            purpose=self.purpose,
            period_start=self.period_start,
            period_end=self.period_end,
            methods=tuple(self.methods),
            lead_unit=self.lead_unit,
            content_areas=tuple(self.content_areas),
            criteria=tuple(self.criteria),
            target_groups=tuple(self.target_groups),
            places=tuple(self.places),
            partner_units=tuple(self.partner_units),
            outsourcing=self.outsourcing,
            budget=self.budget,
            questionnaire_id=self.questionnaire_id,
            provinces=tuple(self.provinces),
        )

    def settings(self) -> Settings:
        """The domain's settings."""
        return domain.Settings(self.anonymous, self.contact_days, self.link_days, self.send_rate)


class PlanUpdate(PlanBody):
    """A plan edited from the version read."""

    version: Version


class StepBody(Input):
    """An approval step (submit, withdraw, approve, return: a return needs the reason)."""

    note: Text = Field(default="", max_length=2000)
    version: Version


class DrawBody(Input):
    """Draw a round's sample (Art. 8 step 2): pilot or official, from a frame, stratified or simple random."""

    kind: Literal["pilot", "official"]
    frame_id: Identifier
    size: int = Field(ge=1, le=1_000_000)
    strata: list[StratumDimension] = Field(default_factory=list, max_length=3)
    minimum: int = Field(default=0, ge=0, le=10_000)
    reserve_share: float = Field(default=0.5, ge=0, le=3)
    seed: Identifier | None = None  # given: the draw is the one that seed made before; absent: a new seed is stored
    method: Line = Field(default="", max_length=200)
    version: Version

    def request(self, new_seed: str) -> DrawRequest:
        """The draw asked for (a new seed, stored with the round, unless one was given)."""
        return ports.DrawRequest(
            self.frame_id, tuple(self.strata), self.size, self.minimum, self.reserve_share, self.seed or new_seed, self.method
        )


class OpenBody(Input):
    """Open a drawn round: until when it takes answers, and the reminder days after opening."""

    closes_at: Instant
    reminders: list[int] = Field(default_factory=lambda: [3, 7], max_length=5)
    version: Version


class LessonsBody(Input):
    """What the pilot taught."""

    lessons: Text = Field(min_length=1, max_length=4000)
    version: Version


class SurveyVersion(Input):
    """An action on the version read."""

    version: Version


NodeKey = Annotated[str, StringConstraints(min_length=1, max_length=400)]


class WeightsBody(Input):
    """The index's node weights (`{node key: weight}`, 0 < weight ≤ 100; a node left out weighs 1)."""

    weights: dict[NodeKey, float] = Field(max_length=500)
    version: Version


class ReplaceBody(Input):
    """Why a member is replaced by the next reserve of the stratum."""

    reason: ReasonName


class InterviewBody(Input):
    """An interviewer's entry of a member's answers; `entry_id` is made by the client, so a retry is one entry."""

    entry_id: Identifier
    answers: dict[Identifier, str | list[str] | int] = Field(max_length=200)


class ListQuery(Input):
    """A page of a list."""

    cursor: Cursor | None = None
    limit: QueryInt = Field(default=50, ge=1, le=200)


class TallyQuery(Input):
    """Which round's tally (the latest unless named)."""

    round: QueryInt | None = Field(default=None, ge=1, le=99)


class PartQuery(ListQuery):
    """A page of a round's list; the CCC names which province's part of its national survey (default: the first)."""

    province: Identifier | None = None


class DesignRead(BaseModel):
    """A round's sample design."""

    frame_id: str
    seed: str
    strata: list[str]
    planned: dict[str, int]
    reserves: dict[str, int]
    excluded_recent: int
    method: str


class RoundRead(BaseModel):
    """A round: its design, state and schedule."""

    number: int
    kind: str
    status: str
    design: DesignRead
    planned: int
    drawn_at: datetime
    questionnaire_version: int | None
    opened_at: datetime | None
    closes_at: datetime | None
    reminders: list[int]
    closed_at: datetime | None
    lessons: str


class SurveyRead(BaseModel):
    """A survey: the plan, its approval, the rounds and what the reader may do now."""

    id: str
    tenant: str
    owner: str
    national: bool
    part: bool
    stage: str
    title: str
    kind: str
    purpose: str
    period_start: date
    period_end: date
    methods: list[str]
    lead_unit: str
    content_areas: list[str]
    criteria: list[str]
    target_groups: list[str]
    places: list[str]
    partner_units: list[str]
    outsourcing: str
    budget: int
    questionnaire_id: str
    provinces: list[str]
    anonymous: bool
    contact_days: int
    link_days: int
    send_rate: int
    approval: ApprovalRead
    rounds: list[RoundRead]
    actions: list[str]
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    weights: dict[str, float] = {}  # the index's node weights (1 when not named)
    archived_at: datetime | None = None


class SurveySummary(BaseModel):
    """A survey in a list."""

    id: str
    title: str
    owner: str
    part: bool
    stage: str
    approval: str
    period_start: date
    period_end: date
    updated_at: datetime


class SurveyPage(BaseModel):
    """A page of surveys."""

    items: list[SurveySummary]
    next_cursor: str | None


class MemberRead(BaseModel):
    """A sample member (personal data: reading it is audited)."""

    id: str
    round: int
    stratum: str
    role: str
    rank: int
    status: str
    reached: list[str]
    name: str
    email: str
    phone: str
    attributes: dict[str, str]
    replaces: str | None
    replaced_by: str | None
    reason: str
    invited_at: datetime | None
    answered_at: datetime | None
    reminders: int


class MemberPage(BaseModel):
    """A page of a round's members."""

    items: list[MemberRead]
    next_cursor: str | None


class InterviewEntryRead(BaseModel):
    """An interviewer's entry: recorded now, or found recorded already (a retry)."""

    member_id: str
    recorded: bool
    again: bool


class InvitationRead(BaseModel):
    """One message of a round and its delivery status (GOV.UK Notify's: sending, delivered, permanent-failure,
    temporary-failure, technical-failure — and pending before its turn)."""

    id: str
    member_id: str
    channel: str
    destination: str
    status: str
    status_label: str
    history: list[dict[str, str]]


class InvitationPage(BaseModel):
    """A page of a round's messages."""

    items: list[InvitationRead]
    next_cursor: str | None
