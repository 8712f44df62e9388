"""The survey owner's and leader's use cases on fakes: the plan and its approval, rounds drawn, opened, sent in waves,
members replaced, bounces handled, national surveys' parts — Decision 681 Art. 8 steps 1–2."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from chalicelib.shared.tenancy import Principal
from chalicelib.surveys.domain import Design, Plan, Round, RoundKind, Settings, Survey
from chalicelib.surveys.invitations import Sending
from chalicelib.surveys.members import Contact, Member
from chalicelib.surveys.ports import Drawn, DrawRequest, MemberChange, tally_id
from chalicelib.surveys.service import SurveyService
from chalicelib.surveys.standard import VERSION
from tests.fakes import FakeAudit, FakeSurveyStore

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
OFFICER = Principal("hanoi.focal-officer", "hanoi", frozenset({"focal_officer"}))
LEADER = Principal("hanoi.leader", "hanoi", frozenset({"leader"}))
CCC_OFFICER = Principal("ccc.ccc-officer", "ccc", frozenset({"ccc_officer"}))
CCC_LEADER = Principal("ccc.leader", "ccc", frozenset({"leader"}))
HCM_OFFICER = Principal("hcm.focal-officer", "hcm", frozenset({"focal_officer"}))
PLAN = Plan(
    "Khảo sát hài lòng về tổng đài",
    "care",
    "Đánh giá mức độ hài lòng của người gọi tổng đài.",
    date(2026, 12, 1),
    date(2026, 12, 31),
    ("online",),
    "truyen-thong",
)


class FakeQuestionnaires:
    """Freezes the standard questionnaire's version 1 and counts the freezes."""

    def __init__(self) -> None:
        self.frozen: list[tuple[str, str]] = []

    def freeze(self, *, tenant: str, questionnaire_id: str) -> Any:
        self.frozen.append((tenant, questionnaire_id))
        return VERSION

    def version(self, *, tenant: str, questionnaire_id: str, number: int) -> Any:
        return VERSION

    def get(self, *, tenant: str, questionnaire_id: str) -> Any:
        if questionnaire_id not in ("standard-answer", "qn-1"):
            raise NotFoundError()
        return VERSION


@dataclass
class FakeSampler:
    """Draws the members it was given (copies, as a fresh draw would make)."""

    members: list[Member] = field(default_factory=list)

    def draw(self, *, tenant: str, request: DrawRequest, contact_days: int, now: datetime) -> Drawn:
        planned: dict[str, int] = {}
        reserves: dict[str, int] = {}
        for m in self.members:
            bucket = planned if m.role == "main" else reserves
            bucket[m.stratum] = bucket.get(m.stratum, 0) + 1
        design = Design(request.frame_id, request.seed, request.strata, planned, reserves, 0)
        return Drawn(design, copy.deepcopy(self.members))


@dataclass
class FakeInvitations:
    """Records what would be sent; an SMS goes out when the member has a phone and the round is open."""

    sent: list[tuple[str, str, bool]] = field(default_factory=list)  # (tenant, member, reminder)
    sms: list[tuple[str, str]] = field(default_factory=list)

    def send(self, *, tenant: str, survey: Survey, run: Round, members: Sequence[Member], reminder: bool) -> int:
        self.sent += [(tenant, m.id, reminder) for m in members]
        return len(members)

    def by_sms(self, *, tenant: str, survey: Survey, run: Round, member: Member) -> bool:
        if not member.contact.phone or run.status != "open":
            return False
        self.sms.append((tenant, member.id))
        return True

    def page(self, *, tenant: str, survey: Survey, number: int, cursor: str | None, limit: int = 100) -> Any:
        return [m for t, m, _ in self.sent if t == tenant], None

    def progress(self, *, tenant: str, survey: Survey) -> Sending:
        mine = [m for t, m, _ in self.sent if t == tenant]
        return Sending(len(mine), len(mine), {"sending": len(mine)} if mine else {})


@dataclass
class FakeWaves:
    """Records the state machine's starts."""

    started: list[tuple[str, str, int, list[tuple[datetime, str]]]] = field(default_factory=list)

    def start(self, *, tenant: str, survey_id: str, round_number: int, steps: list[tuple[datetime, str]]) -> None:
        self.started.append((tenant, survey_id, round_number, steps))


@dataclass(frozen=True)
class FailedDelivery:
    """What the links capability hands over when a message failed for good."""

    tenant: str
    subject: dict[str, str]
    channel: str = "email"


@dataclass
class FakeJobs:
    """Records the jobs started."""

    started: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (tenant, kind, params)

    def start(self, *, tenant: str, actor: str, kind: str, params: dict[str, Any]) -> Any:
        self.started.append((tenant, kind, params))


@dataclass
class World:
    service: SurveyService
    store: FakeSurveyStore
    sampler: FakeSampler
    invitations: FakeInvitations
    waves: FakeWaves
    questionnaires: FakeQuestionnaires
    audit: FakeAudit
    clock: FixedClock
    jobs: FakeJobs = field(default_factory=FakeJobs)

    def tally(self, tenant: str, survey_id: str, stratum: str = "all", number: int = 1) -> dict[str, int]:
        found = {
            t.stratum: dict(t.counts) for t in self.store.tally.read(tenant=tenant, survey_id=tally_id(survey_id, number)).strata
        }
        return found.get(stratum, {})


@pytest.fixture
def world() -> World:
    store, sampler, invitations, waves = FakeSurveyStore(), FakeSampler(), FakeInvitations(), FakeWaves()
    questionnaires, audit, clock = FakeQuestionnaires(), FakeAudit(), FixedClock(NOW)
    service = SurveyService(
        store=store,  # type: ignore[arg-type]
        questionnaires=questionnaires,
        sampler=sampler,
        invitations=invitations,
        waves=waves,
        tally=store.tally,
        provinces=frozenset({"hanoi", "hcm", "danang"}),
        audit=audit,
        clock=clock,
        jobs=(jobs := FakeJobs()),
    )
    return World(service, store, sampler, invitations, waves, questionnaires, audit, clock, jobs)


def _member(
    member_id: str, *, role: str = "main", rank: int = 0, stratum: str = "all", phone: str = "", province: str = ""
) -> Member:
    contact = Contact("Nguyễn Văn A", f"{member_id}@example.vn", phone)
    attributes = {"province": province} if province else {}
    return Member(member_id, 0, stratum, role, rank, contact, f"pk-{member_id}", attributes)  # type: ignore[arg-type]


def _approved(world: World, *, owner: Principal = OFFICER, leader: Principal = LEADER, plan: Plan = PLAN) -> Survey:
    s = world.service
    survey = s.create(tenant=owner.tenant, actor=owner, plan=plan, settings=Settings())
    survey = s.submit(tenant=owner.tenant, survey_id=survey.id, actor=owner, note="", version=survey.version)
    return s.approve(tenant=owner.tenant, survey_id=survey.id, actor=leader, note="Đồng ý", version=survey.version)


def _request() -> DrawRequest:
    return DrawRequest("frame-1", ("channel",), 2, 1, 0.5, "seed-1")


def _drawn(world: World, survey: Survey, *members: Member, kind: RoundKind = "official", owner: Principal = OFFICER) -> Survey:
    world.sampler.members = list(members)
    world.service.draw(
        tenant=owner.tenant, survey_id=survey.id, actor=owner, kind=kind, request=_request(), version=survey.version
    )
    return world.service.get(tenant=owner.tenant, survey_id=survey.id)


def _opened(world: World, survey: Survey, *, reminders: tuple[int, ...] = (2, 4), owner: Principal = OFFICER) -> Survey:
    number = survey.rounds[-1].number
    world.service.open(
        tenant=owner.tenant,
        survey_id=survey.id,
        actor=owner,
        number=number,
        closes_at=NOW + timedelta(days=7),
        reminders=reminders,
        version=survey.version,
    )
    return world.service.get(tenant=owner.tenant, survey_id=survey.id)


def _member_of(world: World, survey: Survey, member_id: str, tenant: str = "hanoi") -> Member:
    found = world.store.member(tenant=tenant, survey_id=survey.id, round_number=survey.rounds[-1].number, member_id=member_id)
    assert found is not None
    return found


# -- the plan and its approval (Art. 8 step 1) -----------------------------------------------------------------------


def test_a_plan_that_breaks_a_rule_is_refused_with_its_fields_and_nothing_is_written(world: World) -> None:
    backwards = replace(PLAN, period_end=date(2026, 11, 1), title="  ")
    with pytest.raises(RuleViolationError) as refused:
        world.service.create(tenant="hanoi", actor=OFFICER, plan=backwards, settings=Settings(contact_days=400))
    assert refused.value.fields == {"title": "required", "period_end": "before_period_start", "contact_days": "out_of_range"}
    with pytest.raises(RuleViolationError) as national:
        world.service.create(tenant="hanoi", actor=OFFICER, plan=replace(PLAN, provinces=("hcm",)), settings=Settings())
    assert national.value.fields == {"provinces": "national_only"}, "only the CCC runs a survey across provinces"
    with pytest.raises(RuleViolationError) as unknown:
        world.service.create(tenant="ccc", actor=CCC_OFFICER, plan=replace(PLAN, provinces=("atlantis",)), settings=Settings())
    assert unknown.value.fields == {"provinces": "unknown"}
    assert world.store.surveys == {} and world.store.events == []


def test_a_submitted_plan_waits_in_the_leaders_inbox_and_its_author_never_approves_it(world: World) -> None:
    s = world.service
    survey = s.create(tenant="hanoi", actor=OFFICER, plan=PLAN, settings=Settings())
    edited = s.update(
        tenant="hanoi", survey_id=survey.id, actor=OFFICER, plan=replace(PLAN, budget=5), settings=Settings(), version=1
    )
    with pytest.raises(ConflictError):
        s.update(tenant="hanoi", survey_id=survey.id, actor=OFFICER, plan=PLAN, settings=Settings(), version=1)
    submitted = s.submit(tenant="hanoi", survey_id=survey.id, actor=OFFICER, note="Kính trình", version=edited.version)
    inbox = world.store.approvals.list(tenant="hanoi", cursor=None)[0]
    assert [(p.kind, p.subject_id, p.url) for p in inbox] == [("survey_plan", survey.id, f"/surveys/{survey.id}")]
    with pytest.raises(ConflictError):
        s.update(tenant="hanoi", survey_id=survey.id, actor=OFFICER, plan=PLAN, settings=Settings(), version=submitted.version)
    author_leader = Principal("hanoi.focal-officer", "hanoi", frozenset({"focal_officer", "leader"}))
    with pytest.raises(RuleViolationError):
        s.approve(tenant="hanoi", survey_id=survey.id, actor=author_leader, note="", version=submitted.version)
    with pytest.raises(RuleViolationError):
        s.return_(tenant="hanoi", survey_id=survey.id, actor=LEADER, note=" ", version=submitted.version)
    returned = s.return_(tenant="hanoi", survey_id=survey.id, actor=LEADER, note="Bổ sung kinh phí", version=submitted.version)
    assert returned.approval.status == "returned" and world.store.approvals.list(tenant="hanoi", cursor=None)[0] == []
    again = s.submit(tenant="hanoi", survey_id=survey.id, actor=OFFICER, note="", version=returned.version)
    approved = s.approve(tenant="hanoi", survey_id=survey.id, actor=LEADER, note="Đồng ý", version=again.version)
    assert approved.approval.status == "approved" and approved.stage == "approved"
    assert world.store.approvals.list(tenant="hanoi", cursor=None)[0] == []
    assert [e.action for e in world.store.events][-3:] == ["survey.returned", "survey.submitted", "survey.approved"]
    with pytest.raises(NotFoundError):
        s.get(tenant="hcm", survey_id=survey.id)


# -- rounds (Art. 8 step 2) ------------------------------------------------------------------------------------------


def test_nothing_is_drawn_before_approval(world: World) -> None:
    survey = world.service.create(tenant="hanoi", actor=OFFICER, plan=PLAN, settings=Settings())
    world.sampler.members = [_member("m1")]
    with pytest.raises(ConflictError) as refused:
        world.service.draw(
            tenant="hanoi", survey_id=survey.id, actor=OFFICER, kind="pilot", request=_request(), version=survey.version
        )
    assert refused.value.code == "not_approved"
    assert world.store.members_ == {} and world.service.get(tenant="hanoi", survey_id=survey.id).rounds == []


def test_a_pilot_then_its_lessons_then_the_official_round(world: World) -> None:
    s = world.service
    survey = _drawn(world, _approved(world), _member("m1"), _member("m2"), _member("r1", role="reserve"), kind="pilot")
    [pilot] = survey.rounds
    assert (pilot.kind, pilot.status, pilot.planned, survey.stage) == ("pilot", "drawn", 2, "pilot")
    assert world.tally("hanoi", survey.id)["planned"] == 2, "reserves are planned only when called in"
    with pytest.raises(RuleViolationError):
        s.open(tenant="hanoi", survey_id=survey.id, actor=OFFICER, number=1, closes_at=NOW, reminders=(), version=survey.version)
    survey = _opened(world, survey)
    assert survey.rounds[0].status == "open" and survey.rounds[0].questionnaire_version == 1
    assert world.questionnaires.frozen == [("hanoi", "standard-answer")]
    [(_, _, number, steps)] = world.waves.started
    assert number == 1 and [step for _, step in steps] == ["send", "remind", "remind", "close"]
    assert steps[1][0] == NOW + timedelta(days=2) and steps[-1][0] == NOW + timedelta(days=7)
    with pytest.raises(ConflictError):
        _drawn(world, survey, _member("m9"))  # one round at a time
    closed = s.close_early(tenant="hanoi", survey_id=survey.id, actor=OFFICER, number=1, version=survey.version)
    with pytest.raises(RuleViolationError) as missing:
        _drawn(world, closed, _member("m3"))
    assert missing.value.code == "pilot_lessons_missing"
    with pytest.raises(RuleViolationError):
        s.note_lessons(tenant="hanoi", survey_id=survey.id, actor=OFFICER, number=1, lessons=" ", version=closed.version)
    noted = s.note_lessons(
        tenant="hanoi", survey_id=survey.id, actor=OFFICER, number=1, lessons="Câu 3 khó hiểu.", version=closed.version
    )
    official = _drawn(world, noted, _member("m3"), _member("m4"))
    assert [(r.kind, r.status) for r in official.rounds] == [("pilot", "closed"), ("official", "drawn")]
    assert official.stage == "official" and _member_of(world, official, "m3").round == 2
    with pytest.raises(ConflictError) as done:
        _drawn(world, _opened(world, official), _member("m5"))
    assert done.value.code in ("round_in_progress", "official_done")


def test_opening_again_after_the_waves_did_not_start_starts_them_without_a_second_freeze(world: World) -> None:
    survey = _opened(world, _drawn(world, _approved(world), _member("m1")))
    world.service.open(
        tenant="hanoi", survey_id=survey.id, actor=OFFICER, number=1, closes_at=NOW + timedelta(days=7), reminders=(), version=1
    )
    assert len(world.waves.started) == 2 and len(world.questionnaires.frozen) == 1
    assert world.waves.started[0][3] == world.waves.started[1][3], "the same steps: the same execution"


# -- the waves (system steps) ----------------------------------------------------------------------------------------


def test_the_first_wave_invites_the_main_sample_and_reminders_reach_only_those_still_awaited(world: World) -> None:
    survey = _opened(
        world, _drawn(world, _approved(world), _member("m1"), _member("m2"), _member("m3"), _member("r1", role="reserve"))
    )
    s = world.service
    assert s.on_wave(tenant="hanoi", survey_id=survey.id, round_number=1, step="send") == 3
    assert sorted(m for _, m, reminder in world.invitations.sent if not reminder) == ["m1", "m2", "m3"]
    assert s.on_wave(tenant="hanoi", survey_id=survey.id, round_number=1, step="send") == 0, "a repeated send sends nothing"
    answered = _member_of(world, survey, "m1")
    world.store.step(tenant="hanoi", survey_id=survey.id, changes=[_change(answered, answered.complete(NOW))])
    refused = _member_of(world, survey, "m2")
    world.store.step(tenant="hanoi", survey_id=survey.id, changes=[_change(refused, refused.refuse())])
    world.invitations.sent.clear()
    for _ in range(3):  # the round has two reminders; a third (a redelivered message) reaches no one
        s.on_wave(tenant="hanoi", survey_id=survey.id, round_number=1, step="remind")
    assert world.invitations.sent == [("hanoi", "m3", True), ("hanoi", "m3", True)]
    assert _member_of(world, survey, "m3").reminders == 2
    assert world.tally("hanoi", survey.id)["invited"] == 3, "a reminder is not a second invitation in the tally"
    assert s.on_wave(tenant="hanoi", survey_id=survey.id, round_number=1, step="close") == 0
    assert s.get(tenant="hanoi", survey_id=survey.id).rounds[0].status == "closed"


def test_a_round_closed_early_makes_the_later_waves_do_nothing(world: World) -> None:
    survey = _opened(world, _drawn(world, _approved(world), _member("m1")))
    world.service.on_wave(tenant="hanoi", survey_id=survey.id, round_number=1, step="send")
    world.service.close_early(tenant="hanoi", survey_id=survey.id, actor=OFFICER, number=1, version=survey.version)
    world.invitations.sent.clear()
    for step in ("remind", "close"):
        assert world.service.on_wave(tenant="hanoi", survey_id=survey.id, round_number=1, step=step) == 0
    assert world.invitations.sent == []


def _change(member: Member, counts: dict[str, int]) -> MemberChange:
    return MemberChange(member, counts, NOW.date())


# -- replacing members -----------------------------------------------------------------------------------------------


def test_the_owner_replaces_a_member_by_the_next_reserve_who_is_invited(world: World) -> None:
    survey = _opened(
        world,
        _drawn(
            world, _approved(world), _member("m1"), _member("r2", role="reserve", rank=2), _member("r1", role="reserve", rank=1)
        ),
    )
    with pytest.raises(NotFoundError):  # another office's survey is not found
        world.service.replace_by_owner(
            tenant="hcm", survey_id=survey.id, round_number=1, member_id="m1", reason="refused", actor=HCM_OFFICER
        )
    reserve = world.service.replace_by_owner(
        tenant="hanoi", survey_id=survey.id, round_number=1, member_id="m1", reason="refused", actor=OFFICER
    )
    assert reserve.id == "r1" and reserve.replaces == "m1" and reserve.role == "main"
    assert _member_of(world, survey, "m1").status == "replaced" and world.invitations.sent == [("hanoi", "r1", False)]
    assert world.store.events[-1].action == "survey.replaced" and world.store.events[-1].detail["reserve"] == "r1"


def test_with_no_reserve_left_the_owners_replacement_is_a_409_and_writes_nothing(world: World) -> None:
    survey = _opened(world, _drawn(world, _approved(world), _member("m1"), _member("m2")))
    before = (copy.deepcopy(world.store.members_), world.tally("hanoi", survey.id), len(world.store.events))
    with pytest.raises(ConflictError) as refused:
        world.service.replace_by_owner(
            tenant="hanoi", survey_id=survey.id, round_number=1, member_id="m1", reason="wrong_contact", actor=OFFICER
        )
    assert refused.value.code == "no_reserve"
    assert (world.store.members_, world.tally("hanoi", survey.id), len(world.store.events)) == before
    assert world.invitations.sent == []


def test_a_bounce_falls_back_to_sms_else_calls_in_a_reserve_else_the_member_is_unreachable(world: World) -> None:
    members = (
        _member("phone", phone="0912345678"),
        _member("mail"),
        _member("last", stratum="hcm|x"),
        _member("r1", role="reserve"),
    )
    survey = _opened(world, _drawn(world, _approved(world), *members))
    world.service.on_wave(tenant="hanoi", survey_id=survey.id, round_number=1, step="send")
    world.invitations.sent.clear()
    bounce = {"survey_id": survey.id, "round": "1"}
    world.service.on_delivery_failed(FailedDelivery("hanoi", bounce | {"member_id": "phone"}))
    assert world.invitations.sms == [("hanoi", "phone")] and _member_of(world, survey, "phone").status == "invited"
    world.service.on_delivery_failed(FailedDelivery("hanoi", bounce | {"member_id": "mail"}))
    assert world.invitations.sent == [("hanoi", "r1", False)]
    assert (_member_of(world, survey, "mail").status, _member_of(world, survey, "r1").replaces) == ("replaced", "mail")
    world.service.on_delivery_failed(FailedDelivery("hanoi", bounce | {"member_id": "last"}))
    assert _member_of(world, survey, "last").status == "unreachable"
    world.service.on_delivery_failed(FailedDelivery("hanoi", bounce | {"member_id": "phone"}, channel="sms"))
    assert _member_of(world, survey, "phone").status == "unreachable", "the SMS failed too, no reserve is left"
    tally = world.tally("hanoi", survey.id)
    assert (tally["replaced"], tally["planned"]) == (1, 3), "two mains and the reserve called in"
    assert world.tally("hanoi", survey.id, "hcm|x")["unreachable"] == 1
    world.service.on_delivery_failed(FailedDelivery("hanoi", bounce | {"member_id": "last"}))  # a repeated event
    assert world.tally("hanoi", survey.id, "hcm|x")["unreachable"] == 1


# -- a national survey -----------------------------------------------------------------------------------------------


def test_a_national_surveys_members_live_in_their_provinces_which_read_their_part_and_cannot_edit_it(world: World) -> None:
    plan = replace(PLAN, provinces=("hanoi", "hcm"))
    survey = _approved(world, owner=CCC_OFFICER, leader=CCC_LEADER, plan=plan)
    survey = _drawn(
        world,
        survey,
        _member("h1", province="hanoi"),
        _member("c1", province="hcm"),
        _member("c2", province="hcm"),
        owner=CCC_OFFICER,
    )
    assert {(t, m) for (t, _, _, m) in world.store.members_} == {("hanoi", "h1"), ("hcm", "c1"), ("hcm", "c2")}
    part = world.service.get(tenant="hcm", survey_id=survey.id)
    assert part.is_part and part.owner == "ccc" and [r.number for r in part.rounds] == [1]
    members, _ = world.service.members(tenant="hcm", survey_id=survey.id, round_number=1, cursor=None, actor=HCM_OFFICER)
    assert sorted(m.id for m in members) == ["c1", "c2"], "a province sees only its part"
    with pytest.raises(ForbiddenError):
        world.service.update(
            tenant="hcm", survey_id=survey.id, actor=HCM_OFFICER, plan=plan, settings=Settings(), version=part.version
        )
    with pytest.raises(ForbiddenError):
        world.service.replace_by_owner(
            tenant="hcm", survey_id=survey.id, round_number=1, member_id="c1", reason="refused", actor=HCM_OFFICER
        )
    survey = _opened(world, survey, owner=CCC_OFFICER)
    assert world.service.get(tenant="hcm", survey_id=survey.id).rounds[0].status == "open", "the part follows the owner"
    assert world.service.on_wave(tenant="ccc", survey_id=survey.id, round_number=1, step="send") == 3
    assert sorted(world.invitations.sent) == [("hanoi", "h1", False), ("hcm", "c1", False), ("hcm", "c2", False)]
    national = world.service.tally(tenant="ccc", survey_id=survey.id)
    assert national.overall["invited"] == 3 and world.service.tally(tenant="hcm", survey_id=survey.id).overall["invited"] == 2
    world.service.on_wave(tenant="ccc", survey_id=survey.id, round_number=1, step="close")
    assert world.service.get(tenant="hcm", survey_id=survey.id).rounds[0].status == "closed"


def test_reading_members_and_invitations_is_audited(world: World) -> None:
    survey = _opened(world, _drawn(world, _approved(world), _member("m1")))
    world.service.on_wave(tenant="hanoi", survey_id=survey.id, round_number=1, step="send")
    world.service.members(tenant="hanoi", survey_id=survey.id, round_number=1, cursor=None, actor=OFFICER)
    found, _ = world.service.invitations(tenant="hanoi", survey_id=survey.id, round_number=1, cursor=None, actor=OFFICER)
    assert found == ["m1"]
    read = [(e.actor, e.action, e.target_id, e.detail) for e in world.audit.events["hanoi"]]
    assert read == [
        (OFFICER.username, "survey.members.read", survey.id, {"round": "1", "part": "hanoi"}),
        (OFFICER.username, "survey.invitations.read", survey.id, {"round": "1", "part": "hanoi"}),
    ]
    with pytest.raises(NotFoundError):
        world.service.members(tenant="hanoi", survey_id=survey.id, round_number=9, cursor=None, actor=OFFICER)
    assert len(world.audit.events["hanoi"]) == 2, "a refused read is not recorded as a read"


def test_a_draw_whose_round_is_not_saved_leaves_no_members_and_no_counts(world: World, monkeypatch) -> None:
    survey = _approved(world)
    world.sampler.members = [_member("m1"), _member("m2"), _member("r1", role="reserve")]

    def refused(*args: object, **kwargs: object) -> None:
        raise ConflictError()

    monkeypatch.setattr(world.store, "save", refused)
    with pytest.raises(ConflictError):
        world.service.draw(
            tenant="hanoi", survey_id=survey.id, actor=OFFICER, kind="official", request=_request(), version=survey.version
        )
    assert [m for key, m in world.store.members_.items() if key[1] == survey.id] == []
    assert not any(world.tally("hanoi", survey.id).values()), "the planned counts were taken back"


def test_a_national_surveys_sending_progress_adds_up_its_parts(world: World) -> None:
    plan = replace(PLAN, provinces=("hanoi", "hcm"))
    ccc_officer = Principal("ccc.ccc-officer", "ccc", frozenset({"ccc_officer"}))
    ccc_leader = Principal("ccc.leader", "ccc", frozenset({"leader"}))
    survey = _approved(world, owner=ccc_officer, leader=ccc_leader, plan=plan)
    survey = _drawn(world, survey, _member("a", province="hanoi"), _member("b", province="hcm"), owner=ccc_officer)
    _opened(world, survey, owner=ccc_officer)
    world.service.on_wave(tenant="ccc", survey_id=survey.id, round_number=1, step="send")
    sending = world.service.sending(tenant="ccc", survey_id=survey.id)
    assert (sending.total, sending.sent) == (2, 2)
    assert world.service.sending(tenant="hanoi", survey_id=survey.id).total == 1, "a province sees its own part's"
