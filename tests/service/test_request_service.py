"""Every step of a request's life on in-memory fakes (no moto, no HTTP): the rules the service and the aggregate keep."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.customers.schemas import CustomerIdentity
from chalicelib.customers.service import CustomerService
from chalicelib.links.domain import token_hash
from chalicelib.notifications.domain import Notice
from chalicelib.requests.domain import ACTION_PERMISSIONS, ACTIONS, Request, Status, allowed_actions
from chalicelib.requests.schemas import ChannelName, CustomerRef, RequestCreate
from chalicelib.requests.service import RequestService
from chalicelib.requests.timer_handlers import TimerHandlers
from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import AppError, ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.permissions import Role, allows
from chalicelib.shared.tenancy import Principal
from tests.fakes import FakeAudit, FakeCustomerStore, FakeRequestStore, FakeTimeline

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 in Hanoi, a Monday


@dataclass
class FakeDeadlines:
    """Every limit is two days; working time is 08:00–17:00 Hanoi on any day (the calendar has its own tests)."""

    def due_at(self, *, tenant: str, limit_key: str, start: datetime) -> datetime:
        return start + timedelta(days=2)

    def is_working_time(self, *, at: datetime) -> bool:
        return 1 <= at.astimezone(UTC).hour < 10

    def reminder_points(self, *, start: datetime, due: datetime) -> tuple[datetime, ...]:
        return (start + (due - start) * 0.5, start + (due - start) * 0.8)


@dataclass
class FakeTimers:
    deadlines: list[dict] = field(default_factory=list)
    approvals: list[dict] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)

    def start_deadline(self, **kwargs) -> bool:
        self.deadlines.append(kwargs)
        return True

    def start_approval(self, **kwargs) -> bool:
        self.approvals.append(kwargs)
        return True

    def approved(self, *, task_token: str) -> None:
        self.ended.append(task_token)


@dataclass
class FakeStaff:
    logins: set[tuple[str, str]] = field(
        default_factory=lambda: {("hanoi", "agent"), ("hanoi", "agent-2"), ("ccc", "ccc-officer")}
    )

    def is_active(self, *, tenant: str, login: str) -> bool:
        return (tenant, login) in self.logins

    def email_of(self, *, tenant: str, login: str) -> str | None:
        return f"{login}@{tenant}.vn" if (tenant, login) in self.logins else None

    def leader_emails(self, *, tenant: str) -> list[str]:
        return [f"leader@{tenant}.vn"]


@dataclass
class FakeOutbox:
    sent: list[Notice] = field(default_factory=list)

    def enqueue(self, *, tenant: str, notices: list[Notice]) -> None:
        self.sent.extend(notices)


@dataclass
class World:
    service: RequestService
    handlers: TimerHandlers
    store: FakeRequestStore
    timers: FakeTimers
    outbox: FakeOutbox
    clock: FixedClock


@pytest.fixture
def world() -> World:
    clock = FixedClock(NOW)
    store = FakeRequestStore(
        units={("hanoi", "phong-che-do"), ("hanoi", "phong-thu"), ("ccc", "ban-thu"), ("hanoi", "khu-vuc-1")}
    )
    audit = FakeAudit()
    people = FakeCustomerStore(audit)
    store.customers = people
    customers = CustomerService(store=people, audit=audit, clock=clock, timeline=FakeTimeline())
    # (the request store writes the customers an intake or a transfer makes, and their audit, in its change)
    timers, outbox, staff = FakeTimers(), FakeOutbox(), FakeStaff()
    service = RequestService(
        store=store,
        customers=customers,
        deadlines=FakeDeadlines(),
        tenants={"ccc", "hanoi", "hcm"},
        outbox=outbox,
        timers=timers,
        staff=staff,
        clock=clock,
        public_url=lambda t: f"https://{t}.example.vn",
    )
    handlers = TimerHandlers(
        store=store, staff=staff, outbox=outbox, timers=timers, clock=clock, console_url=lambda t: f"https://{t}"
    )
    return World(service, handlers, store, timers, outbox, clock)


def who(tenant: str, role: str, unit: str | None = None) -> Principal:
    return Principal(f"{tenant}.{role}", tenant, frozenset({role}), unit_id=unit)


AGENT, OFFICER, LEADER = who("hanoi", "agent"), who("hanoi", "focal_officer"), who("hanoi", "leader")
SPECIALIST = who("hanoi", "specialist", "phong-che-do")


def intake(w: World, tenant: str = "hanoi", channel: ChannelName = "hotline", key: str | None = None, **extra: Any) -> Request:
    customer = CustomerRef(
        kind="individual", full_name="Trần Thị Bình", id_number="001190000123", phone="0912345678", email="binh@example.vn"
    )
    data = RequestCreate(
        channel=channel,
        kind="information",
        category="policy",
        subject="Chế độ ốm đau",
        question="Tôi hỏi về ốm đau.",
        customer=customer,
        **extra,
    )
    return w.service.intake(
        tenant=tenant, actor=who(tenant, "ccc_officer" if tenant == "ccc" else "agent"), data=data, idempotency_key=key
    )


def test_intake_starts_the_clock_with_reminders_ahead(world):
    request = intake(world)
    assert request.status is Status.OPEN and request.version == 1 and request.assignee == "agent"
    (timer,) = world.timers.deadlines
    assert timer["due"] == NOW + timedelta(days=2) and timer["reminders"] == (NOW + timedelta(days=1), NOW + timedelta(days=1.6))


def test_a_letter_entered_after_its_deadline_is_overdue_at_once_without_reminders(world):
    request = intake(world, channel="post", received_at=NOW - timedelta(days=3))
    assert request.is_overdue(NOW)
    (timer,) = world.timers.deadlines
    assert timer["reminders"] == (None, None) and timer["due"] == NOW, "the timer goes straight to the breach"
    world.handlers.on_deadline_breached(tenant="hanoi", subject_id=request.id, timer_id=timer["timer_id"])
    after = world.service.get(tenant="hanoi", request_id=request.id)
    assert after.version == request.version, "the breach note leaves the officer's version alone"
    assert [e.action for e in after.history] == ["received", "overdue_escalated"]
    assert [n.to for n in world.outbox.sent] == ["leader@hanoi.vn"]


def test_a_retried_key_returns_the_same_request_and_another_body_is_refused(world):
    one = intake(world, key="k-1")
    assert intake(world, key="k-1").id == one.id and world.store.commits == 1
    with pytest.raises(RuleViolationError) as reused:
        intake(world, channel="email", key="k-1")
    assert reused.value.code == "idempotency_key_reused"
    with pytest.raises(AppError) as long:
        intake(world, key="k" * 129)
    assert long.value.status == 400


def written(w: World) -> Any:
    """Everything the fakes hold: requests, steps, records, outbox, customers, claims and audit trails."""
    s, people = w.store, w.store.customers
    return copy.deepcopy((s.rows, s.events, s.intakes, s.outbox, s.queues, people.rows, people.claims, people.audit.events))


ANOTHER = CustomerRef(kind="individual", full_name="Lê Văn Cường", id_number="001190000999", phone="0987654321")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"received_at": NOW + timedelta(hours=1)}, "rule_violation"),
        ({"channel": "email", "customer": ANOTHER}, "idempotency_key_reused"),
    ],
    ids=["received in the future", "reused key, another body"],
)
def test_a_refused_intake_writes_no_customer_and_no_audit_entry(world, change, code):
    intake(world, key="k-1")
    before = written(world)
    with pytest.raises(RuleViolationError) as refused:
        data = RequestCreate(
            channel="hotline", kind="information", category="policy", subject="Hỏi", question="Hỏi", customer=ANOTHER
        ).model_copy(update=change)
        world.service.intake(tenant="hanoi", actor=AGENT, data=data, idempotency_key="k-1" if "channel" in change else None)
    assert refused.value.code == code
    assert written(world) == before, "nothing written: no new customer, no claim, no audit entry"


def test_an_intake_that_loses_the_race_for_a_new_customer_files_under_the_winner(world, monkeypatch):
    first = intake(world)
    customers = world.store.customers
    looked_up, calls = customers.claimed, []

    def late(**kwargs: Any) -> dict[str, str]:
        calls.append(kwargs)
        return {} if len(calls) == 1 else looked_up(**kwargs)  # the first look-up ran before the winner committed

    monkeypatch.setattr(customers, "claimed", late)
    second = intake(world)
    assert len(calls) == 2, "matched again after the lost round"
    assert second.customer_id == first.customer_id and len(customers.rows) == 1
    assert world.store.commits == 2, "the lost round wrote nothing"


def test_a_refused_transfer_leaves_nothing_in_the_province(world):
    central = intake(world, tenant="ccc")
    before = written(world)
    with pytest.raises(RuleViolationError) as refused:
        world.service.transfer(
            tenant="ccc",
            actor=who("ccc", "ccc_officer"),
            request_id=central.id,
            version=central.version,
            to_tenant="hanoi",
            to_unit="khong-co",
            note="",
        )
    assert refused.value.fields == {"to_unit": "unknown"}
    assert written(world) == before, "no copy of the customer, no request, no audited read in the province or the CCC"


def test_reads_of_contact_details_are_audited_with_the_step_that_needed_them(world):
    request = intake(world)
    trail = len(world.store.customers.audit.events["hanoi"])
    with pytest.raises(ConflictError):
        world.service.schedule_callback(
            tenant="hanoi", actor=AGENT, request_id=request.id, version=9, at=NOW, note="", assignee=None
        )
    assert len(world.store.customers.audit.events["hanoi"]) == trail, "a refused step records no read"
    world.service.schedule_callback(
        tenant="hanoi",
        actor=AGENT,
        request_id=request.id,
        version=request.version,
        at=NOW + timedelta(hours=1),
        note="",
        assignee=None,
    )
    read = world.store.customers.audit.events["hanoi"][-1]
    assert (read.action, read.target_id, read.detail) == ("customer.read", request.customer_id, {"via": "notice"})
    assert [n.to for n in world.outbox.sent] == ["0912345678"]


def test_timer_notes_never_cost_a_person_a_409(world):
    request = intake(world, channel="email")
    drafted = world.service.draft(tenant="hanoi", actor=OFFICER, request_id=request.id, version=request.version, text="Dự thảo")
    draft = drafted.drafts[0]
    world.handlers.on_approval_pending(tenant="hanoi", subject_id=request.id, draft_id=draft.id, task_token="tok")
    timer_id = drafted.timer_id
    world.handlers.on_deadline_reminder(tenant="hanoi", subject_id=request.id, timer_id=timer_id, level=50)
    approved = world.service.approve(
        tenant="hanoi", actor=LEADER, request_id=request.id, version=drafted.version, draft_id=draft.id
    )
    assert approved.status is Status.ANSWERED and world.timers.ended == ["tok"], "the approval ends the wait"
    assert approved.survey_link_id and ("hanoi", approved.survey_link_id) in world.store.survey_links
    mail = world.outbox.sent[0]
    token = mail.secret["survey_url"].rsplit("/s/", 1)[1]
    assert mail.secret["survey_url"].startswith("https://hanoi.example.vn/s/") and token_hash(token) == approved.survey_link_id
    assert token not in str(mail.data) and token not in repr(approved), "the token is kept nowhere but in the mail's secret"
    assert [n.template for n in world.outbox.sent] == ["request-answer"], "nobody holds a letter yet: the reminder is a note"
    assert "deadline_reminder" in [e.action for e in approved.history]


def test_a_superseded_or_repeated_timer_does_nothing(world):
    request = intake(world)
    world.handlers.on_deadline_reminder(tenant="hanoi", subject_id=request.id, timer_id="old", level=50)
    world.handlers.on_deadline_reminder(tenant="hanoi", subject_id=request.id, timer_id=request.timer_id, level=80)
    world.handlers.on_deadline_reminder(tenant="hanoi", subject_id=request.id, timer_id=request.timer_id, level=80)
    after = world.service.get(tenant="hanoi", request_id=request.id)
    assert [e.detail for e in after.history if e.action == "deadline_reminder"] == ["80%"] and len(world.outbox.sent) == 1


def test_escalation_answered_by_every_unit_starts_the_relay_deadline(world):
    request = intake(world)
    escalated = world.service.escalate(
        tenant="hanoi",
        actor=LEADER,
        request_id=request.id,
        version=request.version,
        unit_ids=["phong-che-do", "phong-thu"],
        note="Gấp",
    )
    assert escalated.status is Status.ESCALATED and len(world.store.unit_inbox(tenant="hanoi", unit_id="phong-thu", limit=5)) == 1
    first, second = escalated.escalations
    with pytest.raises(ForbiddenError):
        world.service.answer_escalation(
            tenant="hanoi",
            actor=SPECIALIST,
            request_id=request.id,
            escalation_id=second.id,
            version=escalated.version,
            text="Không phải đơn vị tôi",
        )
    world.clock.advance(timedelta(hours=1))
    one = world.service.answer_escalation(
        tenant="hanoi",
        actor=SPECIALIST,
        request_id=request.id,
        escalation_id=first.id,
        version=escalated.version,
        text="Trả lời 1",
    )
    assert one.status is Status.ESCALATED
    both = world.service.answer_escalation(
        tenant="hanoi",
        actor=who("hanoi", "specialist", "phong-thu"),
        request_id=request.id,
        escalation_id=second.id,
        version=one.version,
        text="Trả lời 2",
    )
    assert both.status is Status.OPEN and both.due_at == world.clock.now() + timedelta(days=2)
    assert world.store.unit_inbox(tenant="hanoi", unit_id="phong-thu", limit=5) == []
    with pytest.raises(RuleViolationError):
        world.service.escalate(
            tenant="hanoi", actor=LEADER, request_id=request.id, version=both.version, unit_ids=["khong-co"], note=""
        )


def test_only_the_ccc_transfers_and_the_province_reports_back_once(world):
    province = intake(world)
    with pytest.raises(RuleViolationError) as refused:
        world.service.transfer(
            tenant="hanoi", actor=AGENT, request_id=province.id, version=province.version, to_tenant="hcm", to_unit=None, note=""
        )
    assert refused.value.code == "not_central"
    central = intake(world, tenant="ccc")
    officer = who("ccc", "ccc_officer")
    moved = world.service.transfer(
        tenant="ccc",
        actor=officer,
        request_id=central.id,
        version=central.version,
        to_tenant="hanoi",
        to_unit="khu-vuc-1",
        note="Thuộc địa bàn",
    )
    assert moved.status is Status.TRANSFERRED
    (remote,) = world.store.unit_inbox(tenant="hanoi", unit_id="khu-vuc-1", limit=5)
    assert remote.origin and remote.origin.request_id == central.id and "Thuộc địa bàn" in remote.question
    answered = world.service.answer(
        tenant="hanoi", actor=AGENT, request_id=remote.id, version=remote.version, text="Đã giải quyết", knowledge_id=None
    )
    reported = world.service.report_back(
        tenant="hanoi", actor=AGENT, request_id=remote.id, version=answered.version, result="Xong"
    )
    with pytest.raises(ConflictError):
        world.service.report_back(tenant="hanoi", actor=AGENT, request_id=remote.id, version=reported.version, result="Lần nữa")
    back = world.service.get(tenant="ccc", request_id=central.id)
    assert back.status is Status.OPEN and back.transfers[0].result == "Xong"


def test_rating_not_satisfied_opens_a_follow_up_and_closed_requests_are_not_assigned(world):
    request = intake(world)
    answered = world.service.answer(
        tenant="hanoi", actor=AGENT, request_id=request.id, version=request.version, text="Trả lời", knowledge_id=None
    )
    rated = world.service.rate(
        tenant="hanoi",
        actor=AGENT,
        request_id=request.id,
        version=answered.version,
        satisfied=False,
        reason="Chưa rõ",
        remedy="Gọi lại",
    )
    follow = world.service.get(tenant="hanoi", request_id=rated.follow_up_id)
    assert follow.follow_up_of == request.id and "Chưa rõ" in follow.question and follow.is_open
    closed = world.service.close(tenant="hanoi", actor=AGENT, request_id=request.id, version=rated.version)
    with pytest.raises(ConflictError):
        world.service.assign(tenant="hanoi", actor=AGENT, request_id=request.id, version=closed.version, assignee="agent-2")
    with pytest.raises(RuleViolationError):
        world.service.assign(tenant="hanoi", actor=AGENT, request_id=follow.id, version=follow.version, assignee="nobody")
    reopened = world.service.reopen(
        tenant="hanoi", actor=AGENT, request_id=request.id, version=closed.version, reason="Khách hỏi lại"
    )
    assert reopened.status is Status.OPEN and reopened.due_at == NOW + timedelta(days=2)


def test_the_author_never_approves_and_a_return_needs_a_note(world):
    request = intake(world, channel="email")
    drafted = world.service.draft(tenant="hanoi", actor=OFFICER, request_id=request.id, version=request.version, text="Dự thảo")
    both = Principal("hanoi.focal_officer", "hanoi", frozenset({"focal_officer", "leader"}))
    with pytest.raises(RuleViolationError) as own:
        world.service.approve(
            tenant="hanoi", actor=both, request_id=request.id, version=drafted.version, draft_id=drafted.drafts[0].id
        )
    assert own.value.code == "self_approval"
    with pytest.raises(RuleViolationError):
        world.service.reject_draft(
            tenant="hanoi", actor=LEADER, request_id=request.id, version=drafted.version, draft_id=drafted.drafts[0].id, note=" "
        )
    returned = world.service.reject_draft(
        tenant="hanoi",
        actor=LEADER,
        request_id=request.id,
        version=drafted.version,
        draft_id=drafted.drafts[0].id,
        note="Bổ sung căn cứ",
    )
    assert returned.status is Status.OPEN and returned.history[-1].action == "draft_rejected"


# -- what the console offers is exactly what the service accepts ------------------------------------------------


def _states(w: World) -> dict[str, tuple[str, str]]:
    """A request in every status (and a transferred-in one), by name: (tenant, request id)."""
    found: dict[str, tuple[str, str]] = {}
    channels: tuple[ChannelName, ...] = ("hotline", "email")
    for channel in channels:
        r = intake(w, channel=channel)
        found[f"{channel} open"] = ("hanoi", r.id)
        r = intake(w, channel=channel)
        r = w.service.escalate(
            tenant="hanoi", actor=LEADER, request_id=r.id, version=r.version, unit_ids=["phong-che-do"], note=""
        )
        found[f"{channel} escalated"] = ("hanoi", r.id)
        r = intake(w, channel=channel)
        if channel == "email":
            r = w.service.draft(tenant="hanoi", actor=OFFICER, request_id=r.id, version=r.version, text="Dự thảo")
            found["email awaiting approval"] = ("hanoi", r.id)
            r = w.service.approve(tenant="hanoi", actor=LEADER, request_id=r.id, version=r.version, draft_id=r.drafts[0].id)
        else:
            r = w.service.answer(tenant="hanoi", actor=AGENT, request_id=r.id, version=r.version, text="Đáp", knowledge_id=None)
        found[f"{channel} answered"] = ("hanoi", r.id)
        r = w.service.close(tenant="hanoi", actor=AGENT, request_id=r.id, version=r.version)
        found[f"{channel} closed"] = ("hanoi", r.id)
    found["ccc open"] = ("ccc", intake(w, tenant="ccc").id)
    c = intake(w, tenant="ccc")
    c = w.service.transfer(
        tenant="ccc",
        actor=who("ccc", "ccc_officer"),
        request_id=c.id,
        version=c.version,
        to_tenant="hanoi",
        to_unit=None,
        note="",
    )
    found["ccc transferred"] = ("ccc", c.id)
    remote = next(r for (t, _), r in w.store.rows.items() if t == "hanoi" and r.origin is not None)
    r = w.service.answer(tenant="hanoi", actor=AGENT, request_id=remote.id, version=remote.version, text="Đáp", knowledge_id=None)
    found["transferred-in answered"] = ("hanoi", r.id)
    return found


def _try(w: World, action: str, actor: Principal, request: Request) -> bool:
    """Whether the API would accept `action`: the route's permission, then the service."""
    if not allows(actor.roles, actor.tenant, ACTION_PERMISSIONS[action]):
        return False
    s, t, rid, v = w.service, request.tenant, request.id, request.version
    pending = request.pending_draft()
    mine = next(
        (e.id for e in request.pending_escalations() if e.unit_id == actor.unit_id),
        request.escalations[0].id if request.escalations else "x",
    )
    calls = {
        "answer": lambda: s.answer(tenant=t, actor=actor, request_id=rid, version=v, text="Đáp", knowledge_id=None),
        "schedule_callback": lambda: s.schedule_callback(
            tenant=t, actor=actor, request_id=rid, version=v, at=NOW + timedelta(hours=1), note="", assignee=None
        ),
        "escalate": lambda: s.escalate(
            tenant=t, actor=actor, request_id=rid, version=v, unit_ids=["phong-thu" if t == "hanoi" else "ban-thu"], note=""
        ),
        "transfer": lambda: s.transfer(tenant=t, actor=actor, request_id=rid, version=v, to_tenant="hcm", to_unit=None, note=""),
        "draft": lambda: s.draft(tenant=t, actor=actor, request_id=rid, version=v, text="Dự thảo"),
        "approve": lambda: s.approve(tenant=t, actor=actor, request_id=rid, version=v, draft_id=pending.id if pending else "x"),
        "reject_draft": lambda: s.reject_draft(
            tenant=t, actor=actor, request_id=rid, version=v, draft_id=pending.id if pending else "x", note="Sửa"
        ),
        "answer_escalation": lambda: s.answer_escalation(
            tenant=t, actor=actor, request_id=rid, escalation_id=mine, version=v, text="Đáp"
        ),
        "report_back": lambda: s.report_back(tenant=t, actor=actor, request_id=rid, version=v, result="Xong"),
        "rate": lambda: s.rate(tenant=t, actor=actor, request_id=rid, version=v, satisfied=True, reason="", remedy=""),
        "close": lambda: s.close(tenant=t, actor=actor, request_id=rid, version=v),
        "reopen": lambda: s.reopen(tenant=t, actor=actor, request_id=rid, version=v, reason="Hỏi lại"),
        "assign": lambda: s.assign(tenant=t, actor=actor, request_id=rid, version=v, assignee=None),
    }
    try:
        calls[action]()
    except AppError:
        return False
    return True


def test_every_status_and_role_is_offered_exactly_what_is_accepted(world):
    states = _states(world)
    saved = copy.deepcopy(world.store.__dict__)
    checked = 0
    for name, (tenant, request_id) in states.items():
        for role in Role:
            actor = who(tenant, role.value, "phong-che-do" if role is Role.SPECIALIST else None)
            request = world.service.get(tenant=tenant, request_id=request_id)
            offered = set(allowed_actions(request, actor))
            accepted = set()
            for action in ACTIONS:
                world.store.__dict__.update(copy.deepcopy(saved))
                if _try(world, action, actor, world.service.get(tenant=tenant, request_id=request_id)):
                    accepted.add(action)
                checked += 1
            assert offered == accepted, f"{name} as {role.value}: offered {sorted(offered)}, accepted {sorted(accepted)}"
    world.store.__dict__.update(saved)
    assert checked == len(states) * len(Role) * len(ACTIONS)
    assert "transfer" in allowed_actions(
        world.service.get(tenant="ccc", request_id=states["ccc open"][1]), who("ccc", "ccc_officer")
    )


def test_identity_of_a_customer_copies_only_what_it_has():
    from chalicelib.requests.service import identity_of

    @dataclass
    class Stored:
        kind: str = "individual"
        full_name: str = "Trần Thị Bình"
        id_number: str = "001190000123"
        phone: str | None = None

    assert identity_of(Stored()) == CustomerIdentity(kind="individual", full_name="Trần Thị Bình", id_number="001190000123")
