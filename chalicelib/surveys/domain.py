"""A satisfaction survey (khảo sát sự hài lòng) from plan to closed rounds — Decision 681 Art. 8–9. Pure: `now` comes in.

Art. 8 step 1: the owner (a focal officer or CCC officer, SURVEYS_MANAGE) writes the plan and submits it; a leader
(PLANS_APPROVE) approves or returns it through the shared approval mechanism (chalicelib/approvals) — never its
author — and nothing goes to a citizen before approval. Art. 8 step 2: a round (an optional pilot on a small sample,
its lessons noted and the questionnaire revised, then the official run) draws its sample, freezes the
questionnaire version it asks, sends its invitations in waves with reminders, and closes at the end of its period.

A national survey (the CCC's, `provinces` set) has one *part* per province: the province's members, links and
answers are kept under the province's keys, and the province sees a read-only copy of the survey (`owner` ≠ the
tenant it is read in).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from chalicelib.approvals.domain import Approval
from chalicelib.approvals.domain import actions as approval_actions
from chalicelib.shared.clock import to_local
from chalicelib.shared.errors import ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from chalicelib.shared.permissions import CENTRAL_TENANT
from chalicelib.shared.tenancy import Principal

if TYPE_CHECKING:
    from .report import Report

Kind = Literal["participants", "agency", "care", "policy_fit"]
Method = Literal["online", "post", "event", "individual_interview", "organisation_interview", "group_discussion"]
RoundKind = Literal["pilot", "official"]
RoundStatus = Literal["drawn", "open", "closed"]

KINDS: tuple[Kind, ...] = ("participants", "agency", "care", "policy_fit")
INDIRECT: tuple[Method, ...] = ("online", "post", "event")  # Art. 8 step 2: by post, online, at an event
DIRECT: tuple[Method, ...] = ("individual_interview", "organisation_interview", "group_discussion")
METHODS: tuple[Method, ...] = INDIRECT + DIRECT
APPROVAL_KIND = "survey_plan"
MAX_REMINDERS = 5
MAX_ROUND_DAYS = 180
MAX_LIST = 30  # entries of a plan's lists (content areas, criteria, groups, places, partner units)


def day_of(now: datetime) -> date:
    """The Vietnamese calendar day an event is tallied on."""
    return to_local(now).date()


@dataclass(frozen=True)
class Plan:
    """What Art. 8 step 1 asks a survey plan to say."""

    title: str
    kind: Kind
    purpose: str
    period_start: date
    period_end: date
    methods: tuple[Method, ...]
    lead_unit: str
    content_areas: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    partner_units: tuple[str, ...] = ()
    outsourcing: str = ""  # who carries out what part, when it is outsourced (thuê đơn vị tư vấn)
    budget: int = 0  # VND
    questionnaire_id: str = "standard-answer"
    provinces: tuple[str, ...] = ()  # a national survey (CCC only): the provinces it samples

    def cleaned(self) -> Plan:
        """Text stripped, lists without blanks or repeats."""

        def tidy(values: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))

        return replace(
            self,
            title=self.title.strip(),
            purpose=self.purpose.strip(),
            outsourcing=self.outsourcing.strip(),
            methods=tuple(dict.fromkeys(self.methods)),
            content_areas=tidy(self.content_areas),
            criteria=tidy(self.criteria),
            target_groups=tidy(self.target_groups),
            places=tidy(self.places),
            partner_units=tidy(self.partner_units),
            provinces=tidy(self.provinces),
        )

    def problems(self, *, tenant: str, provinces: frozenset[str]) -> dict[str, str]:
        """The fields that break a rule, with why (empty when the plan may be saved)."""
        found: dict[str, str] = {}
        for name in ("title", "purpose", "lead_unit"):
            if not getattr(self, name):
                found[name] = "required"
        if not self.methods:
            found["methods"] = "required"
        if self.period_end < self.period_start:
            found["period_end"] = "before_period_start"
        elif (self.period_end - self.period_start).days > 366:
            found["period_end"] = "longer_than_a_year"
        if self.budget < 0:
            found["budget"] = "negative"
        for name in ("content_areas", "criteria", "target_groups", "places", "partner_units"):
            if len(getattr(self, name)) > MAX_LIST:
                found[name] = "too_many"
        if self.provinces and tenant != CENTRAL_TENANT:
            found["provinces"] = "national_only"  # only the CCC runs a survey across provinces
        elif set(self.provinces) - provinces:
            found["provinces"] = "unknown"
        return found


@dataclass(frozen=True)
class Settings:
    """How the survey treats its respondents."""

    anonymous: bool = False  # the link between a member and their answers is cut at submission
    contact_days: int = 90  # a person surveyed by any office in the last N days is left out of a new sample
    link_days: int = 30  # a link's validity from its round's opening
    send_rate: int = 10  # invitations a second

    def problems(self) -> dict[str, str]:
        """The settings that break a rule."""
        found: dict[str, str] = {}
        if not 0 <= self.contact_days <= 365:
            found["contact_days"] = "out_of_range"
        if not 1 <= self.link_days <= MAX_ROUND_DAYS:
            found["link_days"] = "out_of_range"
        if not 1 <= self.send_rate <= 500:
            found["send_rate"] = "out_of_range"
        return found


@dataclass(frozen=True)
class Design:
    """A round's sample design: the frame, strata, sizes and the seed that reproduces the draw."""

    frame_id: str
    seed: str
    strata: tuple[str, ...]  # the dimensions stratified on: province, channel, group (empty: simple random)
    planned: dict[str, int]  # members per stratum
    reserves: dict[str, int]  # reserve members per stratum
    excluded_recent: int  # people left out because an office surveyed them in the last contact_days
    method: str = ""  # how the size was chosen, for the plan's record ("Cochran, e = 5 %, 95 %, p = 0,5")
    population: dict[str, int] = field(default_factory=dict)  # people per stratum in the frame (N_h: weights, FPC)


@dataclass
class Round:
    """One run of the survey: a pilot on a small sample, or the official run."""

    number: int
    kind: RoundKind
    design: Design
    drawn_at: datetime
    drawn_by: str
    status: RoundStatus = "drawn"
    questionnaire_version: int | None = None  # frozen when the round opens
    opened_at: datetime | None = None
    closes_at: datetime | None = None
    reminders: tuple[int, ...] = ()  # days after opening at which those who have not answered are reminded
    closed_at: datetime | None = None
    lessons: str = ""  # a pilot's lessons (Art. 8 step 2), noted before the official run

    @property
    def planned(self) -> int:
        """Main members over all strata."""
        return sum(self.design.planned.values())

    def waves(self) -> list[tuple[datetime, str]]:
        """When the state machine acts: the first sending at opening, each reminder, then the close."""
        assert self.opened_at is not None and self.closes_at is not None
        steps = [(self.opened_at, "send")]
        steps += [(self.opened_at + timedelta(days=d), "remind") for d in self.reminders]
        return [s for s in steps if s[0] < self.closes_at] + [(self.closes_at, "close")]


@dataclass
class Survey:
    """A survey plan, its approval, and its rounds."""

    id: str
    tenant: str  # whose partition this copy is in
    owner: str  # the tenant that runs it (≠ tenant for a province's part of a national survey)
    plan: Plan
    settings: Settings
    approval: Approval
    created_by: str
    created_at: datetime
    updated_at: datetime
    rounds: list[Round] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)  # the index's node weights (index.py), default 1
    report: Report | None = None  # Art. 8 step 4 (report.py)
    archived_at: datetime | None = None  # the report's approval archives the survey (Art. 8 step 4); nothing changes after
    version: int = 1

    @property
    def archived(self) -> bool:
        """Archived with its report: its results are the record and no longer change."""
        return self.archived_at is not None

    @property
    def national(self) -> bool:
        """A survey of the CCC across provinces."""
        return bool(self.plan.provinces)

    @property
    def is_part(self) -> bool:
        """A province's read-only copy of a national survey."""
        return self.owner != self.tenant

    @property
    def stage(self) -> str:
        """Where the survey is: planning, approved, pilot, official, closed."""
        if self.approval.status != "approved":
            return "planning"
        if not self.rounds:
            return "approved"
        last = self.rounds[-1]
        if last.kind == "official" and last.status == "closed":
            return "closed"
        return last.kind

    def round(self, number: int) -> Round:
        """A round by its number; NotFoundError when there is none (an unknown round is an unknown resource)."""
        for r in self.rounds:
            if r.number == number:
                return r
        raise NotFoundError("Không có đợt khảo sát này.")

    def _owned(self, actor: Principal) -> None:
        """The owner's steps: refused to a province's read-only part, and to everyone once archived (Art. 8 step 4)."""
        if self.is_part or actor.tenant != self.owner:
            raise ForbiddenError("Khảo sát toàn quốc do Trung tâm CSKH quản lý; tỉnh chỉ xem phần của mình.")
        if self.archived:
            raise ConflictError("Khảo sát đã được lưu trữ cùng báo cáo, không thay đổi được nữa.", code="archived")

    def edit(self, *, now: datetime, actor: Principal, plan: Plan, settings: Settings) -> None:
        """Change the plan while it is a draft or was returned; an approved plan is what the leader signed."""
        self._owned(actor)
        if self.approval.status not in ("draft", "returned"):
            raise ConflictError("Kế hoạch đã trình hoặc đã được phê duyệt thì không sửa được.", code="plan_locked")
        self.plan, self.settings = plan, settings
        self.updated_at = now

    def draw(self, *, now: datetime, actor: Principal, kind: RoundKind, design: Design) -> Round:
        """Art. 8 step 2: a round's sample is drawn — only for an approved plan, one round at a time."""
        self._owned(actor)
        self.approval.require_approved()
        if any(r.status != "closed" for r in self.rounds):
            raise ConflictError("Đợt khảo sát trước chưa kết thúc.", code="round_in_progress")
        if any(r.kind == "official" for r in self.rounds):
            raise ConflictError("Khảo sát chính thức đã được tiến hành.", code="official_done")
        if kind == "official" and any(r.kind == "pilot" and not r.lessons for r in self.rounds):
            raise RuleViolationError(
                "Ghi nhận bài học của đợt khảo sát thử trước khi khảo sát chính thức (Điều 8 bước 2).",
                code="pilot_lessons_missing",
            )
        if not design.planned or sum(design.planned.values()) < 1:
            raise RuleViolationError("Mẫu khảo sát trống.", code="empty_sample", fields={"size": "empty"})
        created = Round(len(self.rounds) + 1, kind, design, now, actor.username)
        self.rounds.append(created)
        self.updated_at = now
        return created

    def open(
        self,
        *,
        now: datetime,
        actor: Principal,
        number: int,
        questionnaire_version: int,
        closes_at: datetime,
        reminders: tuple[int, ...],
    ) -> Round:
        """The round starts: its questionnaire version is frozen, its invitations go out in waves until it closes."""
        self._owned(actor)
        self.approval.require_approved()  # nothing reaches a citizen before the leader approved the plan
        self.check_opening(now=now, number=number, closes_at=closes_at, reminders=reminders)
        r = self.round(number)
        r.status, r.opened_at, r.closes_at = "open", now, closes_at
        r.questionnaire_version, r.reminders = questionnaire_version, reminders
        self.updated_at = now
        return r

    def check_opening(self, *, now: datetime, number: int, closes_at: datetime, reminders: tuple[int, ...]) -> None:
        """Refuse opening a round that started already, or with a period or reminders out of range."""
        r = self.round(number)
        if r.status != "drawn":
            raise ConflictError("Đợt khảo sát đã bắt đầu.", code="round_started")
        problems: dict[str, str] = {}
        if not now < closes_at <= now + timedelta(days=MAX_ROUND_DAYS):
            problems["closes_at"] = "out_of_range"
        if len(reminders) > MAX_REMINDERS:
            problems["reminders"] = "too_many"
        elif list(reminders) != sorted(set(reminders)) or any(d < 1 for d in reminders):
            problems["reminders"] = "not_increasing"
        if problems:
            raise RuleViolationError("Thời hạn hoặc lịch nhắc không hợp lệ.", fields=problems)

    def close(self, *, now: datetime, number: int) -> bool:
        """The round's period ended (a system step, never a conflict): False when it was closed already."""
        r = self.round(number)
        if r.status == "closed":
            return False
        r.status, r.closed_at = "closed", now
        self.updated_at = now
        return True

    def note_lessons(self, *, now: datetime, actor: Principal, number: int, lessons: str) -> None:
        """Art. 8 step 2: what the pilot taught, before the questionnaire is revised and the official run drawn."""
        self._owned(actor)
        r = self.round(number)
        if r.kind != "pilot":
            raise ConflictError("Chỉ đợt khảo sát thử có bài học rút ra.", code="not_pilot")
        if not lessons.strip():
            raise RuleViolationError("Ghi bài học rút ra.", fields={"lessons": "required"})
        r.lessons = lessons.strip()
        self.updated_at = now

    def require_settled(self) -> None:
        """A report is written, and a survey archived, only when no round is still collecting answers."""
        if any(r.status == "open" for r in self.rounds):
            raise ConflictError("Còn đợt khảo sát đang mở; hãy kết thúc đợt trước khi lập hoặc duyệt báo cáo.", code="round_open")

    def set_weights(self, *, now: datetime, actor: Principal, weights: dict[str, float], problems: dict[str, str]) -> None:
        """The owner weighs the index's nodes (index.py `weight_problems` found `problems`); not once archived."""
        self._owned(actor)
        if problems:
            raise RuleViolationError("Trọng số chỉ số hài lòng không hợp lệ.", code="invalid_weights", fields=problems)
        self.weights = {k: float(v) for k, v in weights.items()}
        self.updated_at = now

    def accepting(self, number: int, now: datetime) -> bool:
        """Whether the round takes answers now: open and not past its close."""
        r = self.round(number)
        return r.status == "open" and r.closes_at is not None and now < r.closes_at


def allowed_actions(survey: Survey, actor: Principal, *, can_manage: bool, can_approve: bool) -> list[str]:
    """What the person may do with the survey now — the read model's `actions` and the page's buttons.

    The approval's steps come from the shared mechanism; the rest asks the guards of the methods above.
    """
    owned = not survey.is_part and actor.tenant == survey.owner
    is_author = actor.username in {survey.created_by}
    found = set(approval_actions(survey.approval, actor, can_approve and owned, is_author, can_submit=can_manage and owned))
    if owned and can_manage:
        if survey.approval.status in ("draft", "returned"):
            found.add("edit")
        if survey.approval.status == "approved":
            if not any(r.status != "closed" for r in survey.rounds) and not any(r.kind == "official" for r in survey.rounds):
                found.add("draw")
            for r in survey.rounds:
                if r.status == "drawn":
                    found.add("open")
                elif r.status == "open":
                    found.add("close")
                elif r.kind == "pilot" and not r.lessons:
                    found.add("lessons")
    order = ("edit", "submit", "withdraw", "approve", "return", "draw", "open", "close", "lessons")
    return [a for a in order if a in found]
