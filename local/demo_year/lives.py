"""One request's life, step by step on the aggregate itself (Decision 681 Art. 6, Annex 2), at backdated times.

Each step is a method of `Request` (its own checks hold: a written answer needs a leader's approval, a unit answers
only its own escalation, the CCC alone transfers) and is handed to `Steps` with the time it happened, which commits
it through the request store exactly as the service would. A step that would fall after now is not taken: the
request stays as it stands today — open, escalated, awaiting approval, transferred, some of them overdue.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol

from chalicelib.links.domain import issue as issue_link
from chalicelib.requests.domain import (
    Channel,
    Deadline,
    Draft,
    Escalation,
    Request,
    Transfer,
    deadline_key,
    reference_of,
    relay_key,
)
from chalicelib.requests.notices import SURVEY_LINK_DAYS
from chalicelib.requests.ports import SurveyLink
from chalicelib.shared.clock import VN_TZ
from chalicelib.shared.ids import new_id
from chalicelib.shared.permissions import CENTRAL_TENANT, Role
from chalicelib.shared.tenancy import Principal
from chalicelib.tenancy.catalog import UNIT_DEPARTMENT, UNIT_DISTRICT_OFFICE, UNIT_SPECIALIST_BOARD, units_for

from ..demo_requests import _principal
from .shape import BY_CODE, CATEGORY_SHARES, CHANNEL_SHARES, TOPICS, TYPICAL, pick

ANSWER = "Đã hướng dẫn khách hàng theo quy định hiện hành và gửi kèm văn bản hướng dẫn."
LETTER = "Kính gửi Ông/Bà,\nCơ quan BHXH trả lời câu hỏi của Ông/Bà như sau: {subject} — thực hiện theo quy định hiện hành."
UNIT_REPLY = "Đơn vị đã kiểm tra hồ sơ và có ý kiến trả lời."
REPORT = "BHXH tỉnh đã giải quyết và trả lời khách hàng."
UNHAPPY = ("Chưa được giải thích rõ căn cứ", "Lãnh đạo phòng gọi lại giải thích")
STALLED = 0.006  # forgotten: never answered, long overdue by now
TRANSFERRED = 0.08  # of the CCC's requests, handed to the caller's home province
UNREPORTED = 0.15  # of the transfers, the province answered but has not reported back
HOTLINE_RATED, WRITTEN_RATED = 0.7, 0.35
SAME_DAY = 0.3  # of written questions without escalation, answered on the day of receipt


class Later(Exception):
    """The next step falls after now: the request stays as it is today."""


class Calendar(Protocol):
    """The SLA service as a life needs it (sla/service.py)."""

    def due_at(self, *, tenant: str, limit_key: str, start: datetime) -> datetime: ...

    def next_working_time(self, *, at: datetime) -> datetime: ...

    def is_working_time(self, *, at: datetime) -> bool: ...


class Steps(Protocol):
    """Where a life's steps go (writer.py): `step` one change at its time, `flush` what is still held."""

    def step(
        self,
        at: datetime,
        requests: list[Request],
        *,
        escalated: list[Escalation] | None = None,
        answered: list[Escalation] | None = None,
        link: SurveyLink | None = None,
    ) -> None: ...

    def flush(self) -> None: ...


@dataclass
class World:
    """What every life shares: the calendar, now, and each office's customers (the CCC's with their home province)."""

    calendar: Calendar
    now: datetime
    customers: dict[str, list[tuple[str, str]]]  # tenant → (customer id, name)
    copies: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (CCC customer, province) → its copy
    home: dict[str, str] = field(default_factory=dict)  # CCC customer → province


class Life:
    """One request received on `day` at `office`, and what became of it."""

    def __init__(self, world: World, steps: Steps, rng: random.Random, office: str, day: date) -> None:
        self.world, self.steps, self.rng, self.tenant, self.day = world, steps, rng, office, day
        self.office = BY_CODE.get(office, TYPICAL)
        self.agent = _principal(office, Role.CCC_OFFICER if office == CENTRAL_TENANT else Role.AGENT)
        self.officer = _principal(office, Role.CCC_OFFICER if office == CENTRAL_TENANT else Role.FOCAL_OFFICER)
        self.leader = _principal(office, Role.LEADER)
        kinds = (UNIT_SPECIALIST_BOARD,) if office == CENTRAL_TENANT else (UNIT_DEPARTMENT,)
        self.units = [u.code for u in units_for(office) if u.kind in kinds]

    def run(self) -> None:
        """Live it up to now, then write what is held."""
        try:
            request = self._intake()
            if self.tenant == CENTRAL_TENANT and request.customer_id in self.world.home and self.rng.random() < TRANSFERRED:
                self._transfer(request)
            elif request.channel is Channel.HOTLINE:
                self._call(request)
            else:
                self._letter(request, self.officer, self.leader)
        except Later:
            pass
        self.steps.flush()

    # -- the steps --------------------------------------------------------------------------------------------------

    def _intake(self) -> Request:
        rng = self.rng
        channel = pick(rng, CHANNEL_SHARES)
        category = pick(rng, CATEGORY_SHARES)
        kind, subject, question = rng.choice(TOPICS[category])
        received = self._received_at(channel)
        if channel is Channel.HOTLINE:
            recorded = received + timedelta(minutes=rng.uniform(6, 25) if rng.random() < 0.04 else rng.uniform(0.5, 4))
        else:
            recorded = self._working(received + timedelta(hours=rng.uniform(0, 30 if channel is Channel.POST else 6)))
        customer_id, name = rng.choice(self.world.customers[self.tenant])
        request = Request(
            id=new_id(),
            reference="",
            tenant=self.tenant,
            channel=channel,
            kind=kind,
            category=category,
            subject=subject,
            question=question,
            customer_id=customer_id,
            customer_name=name,
            received_at=received,
            recorded_at=self._when(recorded),
            created_by=self.agent.username,
            assignee=self.agent.login if channel is Channel.HOTLINE else None,
        )
        request.reference = reference_of(request)
        request.record_intake(recorded)
        self._deadline(request, deadline_key(channel, 1), received)
        self.steps.step(recorded, [request])
        return request

    def _call(self, r: Request) -> None:
        """The hotline: answered in the call, or a callback, or escalated to specialist units (Art. 6.1 step 3)."""
        rng = self.rng
        if rng.random() < self.office.instant:
            at = r.recorded_at + timedelta(minutes=rng.uniform(0, 2))
        elif rng.random() < 0.5:
            at = self._when(r.recorded_at + timedelta(minutes=1))
            callback = self._working(at + timedelta(hours=rng.uniform(1, 20)))
            working = self.world.calendar.is_working_time(at=callback)
            r.schedule_callback(at, self.agent, callback, "Cần kiểm tra thêm với phòng nghiệp vụ", None, working)
            self.steps.step(at, [r])
            at = self._reply(at, r.due_at) if rng.random() < 0.3 else callback
        else:
            at = self._escalate(r, r.recorded_at)
            at = self._reply(at, r.due_at)
        self._stall()
        r.answer_directly(self._when(at), self.agent, ANSWER, None)
        self.steps.step(at, [r])
        self._rate_and_close(r, at, HOTLINE_RATED, self.agent)

    def _letter(self, r: Request, officer: Principal, leader: Principal) -> None:
        """A written question: maybe escalated, drafted by the focal officer, approved by a leader (Art. 6.2)."""
        rng = self.rng
        start = r.recorded_at
        escalated = not r.transfers and r.origin is None and rng.random() < 0.25
        if escalated:
            start = self._escalate(r, start)
        if not escalated and rng.random() < SAME_DAY:
            answer_at = self._working(start + timedelta(minutes=rng.uniform(20, 120)))
        else:
            answer_at = self._reply(start, r.due_at)
        self._stall()
        drafted = self._when(max(start + timedelta(minutes=10), answer_at - timedelta(hours=rng.uniform(0.5, 20))))
        draft = Draft(new_id(), LETTER.format(subject=r.subject), officer.username, drafted)
        r.draft(drafted, officer, draft)
        self.steps.step(drafted, [r])
        if rng.random() < 0.05:  # returned once with a note, drafted again
            back = self._when(drafted + timedelta(minutes=rng.uniform(10, 60)))
            r.reject_draft(back, leader, draft.id, "Cần bổ sung căn cứ pháp lý")
            self.steps.step(back, [r])
            drafted = self._when(back + timedelta(minutes=rng.uniform(10, 90)))
            draft = Draft(new_id(), LETTER.format(subject=r.subject), officer.username, drafted)
            r.draft(drafted, officer, draft)
            self.steps.step(drafted, [r])
            answer_at = max(answer_at, drafted + timedelta(minutes=20))
        issued = issue_link()
        r.approve(self._when(answer_at), leader, draft.id, "Đồng ý", issued.link_id)
        days = timedelta(days=SURVEY_LINK_DAYS)
        link = SurveyLink(issued.link_id, r.id, r.customer_id, r.channel.value, answer_at, answer_at + days)
        self.steps.step(answer_at, [r], link=link)
        self._rate_and_close(r, answer_at + timedelta(days=rng.uniform(0.2, 5)), WRITTEN_RATED, officer)

    def _escalate(self, r: Request, start: datetime) -> datetime:
        """A leader sends it to one or two specialist units; each answers by its deadline, or late (Annex 2 §1)."""
        rng = self.rng
        units = rng.sample(self.units, 1 if rng.random() < 0.8 else 2)
        key = deadline_key(r.channel, r.units_concerned(units))
        due = self.world.calendar.due_at(tenant=r.tenant, limit_key=key, start=r.received_at)
        added = [Escalation(new_id(), unit, due) for unit in units]
        at = self._when(self._working(start + timedelta(hours=rng.uniform(0.3, 3))))
        r.escalate(at, self.leader, added, "Đề nghị đơn vị trả lời trong hạn")
        self._deadline(r, key, r.received_at)
        self.steps.step(at, [r], escalated=added)
        self._stall()
        for answered_at, escalation in sorted(((self._reply(at, due), e) for e in added), key=lambda p: p[0]):
            specialist = Principal(f"{r.tenant}.specialist", r.tenant, frozenset({Role.SPECIALIST.value}), escalation.unit_id)
            if r.answer_escalation(self._when(answered_at), specialist, escalation.id, UNIT_REPLY):
                self._deadline(r, relay_key(r.channel), answered_at)
            self.steps.step(answered_at, [r], answered=[escalation])
            at = answered_at
        return at

    def _transfer(self, r: Request) -> None:
        """Art. 6.1 step 3: the CCC hands it to the caller's home province, which answers and (mostly) reports back."""
        rng = self.rng
        province = self.world.home[r.customer_id]
        at = self._when(r.recorded_at + timedelta(minutes=rng.uniform(3, 90)))
        key = deadline_key(r.channel, 1)
        due = self.world.calendar.due_at(tenant=r.tenant, limit_key=key, start=at)
        units = [u.code for u in units_for(province) if u.kind == UNIT_DISTRICT_OFFICE]
        transfer = Transfer(new_id(), province, rng.choice([*units, None]), due, new_id())
        r.transfer(at, self.officer, transfer)
        remote = r.hand_over(at, self.officer, transfer, self.world.copies[(r.customer_id, province)], "Đề nghị giải quyết")
        self._deadline(remote, key, at)
        self._deadline(r, key, at)
        self.steps.step(at, [r, remote])
        there = Life(self.world, self.steps, rng, province, self.day)
        answered = there._reply(at, due)
        there._stall()
        if remote.channel is Channel.HOTLINE:
            remote.answer_directly(there._when(answered), there.agent, ANSWER, None)
            self.steps.step(answered, [remote])
        else:
            there._letter(remote, there.officer, there.leader)
            answered = remote.answered_at or answered
        if rng.random() < UNREPORTED:
            return
        reported = self._when(self._working(answered + timedelta(hours=rng.uniform(0.5, 30))))
        remote.report_back(reported, there.agent)
        if r.receive_report(reported, there.agent, transfer.id, REPORT):
            self._deadline(r, relay_key(r.channel), reported)
        self.steps.step(reported, [remote, r])
        if r.channel is Channel.HOTLINE:
            relayed = self._when(self._working(reported + timedelta(hours=rng.uniform(0.5, 8))))
            r.answer_directly(relayed, self.agent, REPORT, None)
            self.steps.step(relayed, [r])
            self._rate_and_close(r, relayed, HOTLINE_RATED, self.agent)
        else:
            self._letter(r, self.officer, self.leader)

    def _rate_and_close(self, r: Request, at: datetime, rated: float, actor: Principal) -> None:
        """Art. 6.1 step 4–5: a rating (not satisfied opens a follow-up), then most are closed."""
        rng = self.rng
        if r.follow_up_of is None and rng.random() < rated:
            at = self._when(at + timedelta(minutes=1))
            satisfied = rng.random() < self.office.satisfied
            if r.rate(at, actor, satisfied, *(("", "") if satisfied else UNHAPPY)):
                follow = r.open_follow_up(at, actor, new_id(), *UNHAPPY)
                self._deadline(follow, deadline_key(follow.channel, 1), at)
                self.steps.step(at, [r, follow])
                self._follow_up(follow, at)
                return
            self.steps.step(at, [r])
        if rng.random() < 0.75:
            closed = self._when(at + timedelta(hours=rng.uniform(0.1, 72)))
            r.close(closed, actor)
            self.steps.step(closed, [r])

    def _follow_up(self, follow: Request, start: datetime) -> None:
        """The linked request a "not satisfied" opened: the leader's call back, or a second letter."""
        if follow.channel is Channel.HOTLINE:
            at = self._reply(start, follow.due_at)
            follow.answer_directly(self._when(at), self.agent, "Lãnh đạo phòng đã gọi lại giải thích.", None)
            self.steps.step(at, [follow])
            self._rate_and_close(follow, at, 0.0, self.agent)
        else:
            self._letter(follow, self.officer, self.leader)

    # -- time -----------------------------------------------------------------------------------------------------

    def _received_at(self, channel: Channel) -> datetime:
        """The hotline in office hours (busier in the morning), a few evening calls; letters and e-mails at any hour."""
        rng = self.rng
        if channel is Channel.HOTLINE:
            hour = rng.uniform(17.5, 21) if rng.random() < 0.06 else rng.triangular(7.5, 17.5, 9.5)
        else:
            hour = rng.uniform(6, 23)
        return datetime.combine(self.day, time(0), VN_TZ) + timedelta(hours=hour)

    def _reply(self, start: datetime, due: datetime | None) -> datetime:
        """When an answer to a step started at `start` goes out: mostly before `due`, sometimes after it."""
        rng = self.rng
        due = due or start + timedelta(days=7)
        if rng.random() < self.office.late:
            return self._working(due + timedelta(hours=rng.uniform(2, 96)))
        at = self._working(start + (due - start) * rng.betavariate(1.3, 3.5))
        return at if at <= due else max(start + timedelta(minutes=5), due - timedelta(minutes=30))

    def _working(self, at: datetime) -> datetime:
        """The first working instant at or after `at` (a working day, in office hours)."""
        return self.world.calendar.next_working_time(at=at)

    def _when(self, at: datetime) -> datetime:
        if at > self.world.now:
            raise Later
        return at

    def _stall(self) -> None:
        """A few requests are forgotten where they stand."""
        if self.rng.random() < STALLED:
            raise Later

    def _deadline(self, r: Request, key: str, start: datetime) -> None:
        """As the service sets it (requests/service.py `_set_deadline`); no timer is started for the demo."""
        due = self.world.calendar.due_at(tenant=r.tenant, limit_key=key, start=start)
        r.set_deadline(Deadline(due, start, secrets.token_hex(4)))
