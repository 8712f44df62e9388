"""A survey from plan to closed rounds (Decision 681 Art. 8), and a member through a round — pure, time passed in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.approvals.domain import Approval
from chalicelib.shared.errors import AppError, ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import Principal
from chalicelib.surveys.domain import Design, Plan, Settings, Survey, allowed_actions
from chalicelib.surveys.members import Contact, Member

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
OWNER = Principal("hanoi.focal-officer", "hanoi", frozenset({"focal_officer"}))
LEADER = Principal("hanoi.leader", "hanoi", frozenset({"leader"}))
OTHER_LEADER = Principal("hanoi.leader-2", "hanoi", frozenset({"leader"}))
PLAN = Plan(
    title="Khảo sát hài lòng về tổng đài 2026",
    kind="care",
    purpose="Đánh giá mức độ hài lòng của người gọi tổng đài.",
    period_start=date(2026, 12, 1),
    period_end=date(2026, 12, 31),
    methods=("online",),
    lead_unit="truyen-thong",
)
DESIGN = Design("f1", "seed", ("channel",), {"hotline": 3, "email": 2}, {"hotline": 2, "email": 1}, 4)


def _survey(**extra) -> Survey:
    return Survey("s1", "hanoi", "hanoi", PLAN, Settings(), Approval(), OWNER.username, NOW, NOW, **extra)


def _approved() -> Survey:
    survey = _survey()
    survey.approval.submit(NOW, OWNER)
    survey.approval.approve(NOW, LEADER, permission=Permission.PLANS_APPROVE, authors={OWNER.username})
    return survey


def test_a_plan_is_checked_field_by_field():
    bad = replace(PLAN, title=" ", period_end=date(2026, 11, 1), methods=(), provinces=("hcm",))
    found = bad.cleaned().problems(tenant="hanoi", provinces=frozenset({"hcm"}))
    assert found == {
        "title": "required",
        "methods": "required",
        "period_end": "before_period_start",
        "provinces": "national_only",
    }
    assert replace(PLAN, provinces=("nowhere",)).problems(tenant="ccc", provinces=frozenset({"hcm"})) == {"provinces": "unknown"}


def test_nothing_is_drawn_or_sent_before_the_leader_approves():
    survey = _survey()
    with pytest.raises(AppError) as refused:
        survey.draw(now=NOW, actor=OWNER, kind="official", design=DESIGN)
    assert refused.value.code == "not_approved"
    survey.approval.submit(NOW, OWNER)
    with pytest.raises(AppError):
        survey.draw(now=NOW, actor=OWNER, kind="official", design=DESIGN)


def test_the_author_never_approves_their_own_plan():
    survey = _survey()
    survey.approval.submit(NOW, OWNER)
    with pytest.raises((ForbiddenError, ConflictError)):
        survey.approval.approve(NOW, OWNER, permission=Permission.PLANS_APPROVE, authors={OWNER.username})


def test_an_approved_plan_is_locked_and_a_returned_one_is_edited_again():
    survey = _approved()
    with pytest.raises(ConflictError):
        survey.edit(now=NOW, actor=OWNER, plan=PLAN, settings=Settings())
    returned = _survey()
    returned.approval.submit(NOW, OWNER)
    returned.approval.return_(NOW, LEADER, "Bổ sung kinh phí", permission=Permission.PLANS_APPROVE, authors={OWNER.username})
    returned.edit(now=NOW, actor=OWNER, plan=replace(PLAN, budget=5_000_000), settings=Settings())
    assert returned.plan.budget == 5_000_000


def test_a_pilot_must_leave_its_lessons_before_the_official_run():
    survey = _approved()
    pilot = survey.draw(now=NOW, actor=OWNER, kind="pilot", design=DESIGN)
    survey.open(
        now=NOW, actor=OWNER, number=pilot.number, questionnaire_version=1, closes_at=NOW + timedelta(days=7), reminders=(2,)
    )
    survey.close(now=NOW + timedelta(days=7), number=pilot.number)
    with pytest.raises(RuleViolationError) as refused:
        survey.draw(now=NOW, actor=OWNER, kind="official", design=DESIGN)
    assert refused.value.code == "pilot_lessons_missing"
    survey.note_lessons(now=NOW, actor=OWNER, number=1, lessons="Câu 3 khó hiểu, sửa lại.")
    official = survey.draw(now=NOW, actor=OWNER, kind="official", design=DESIGN)
    assert (official.number, survey.stage) == (2, "official")
    assert allowed_actions(survey, OWNER, can_manage=True, can_approve=False) == ["open"]


def test_a_round_opens_once_with_its_waves_and_closes_once():
    survey = _approved()
    r = survey.draw(now=NOW, actor=OWNER, kind="official", design=DESIGN)
    closes = NOW + timedelta(days=10)
    with pytest.raises(RuleViolationError) as bad:
        survey.open(now=NOW, actor=OWNER, number=1, questionnaire_version=2, closes_at=closes, reminders=(7, 3))
    assert bad.value.fields == {"reminders": "not_increasing"}
    survey.open(now=NOW, actor=OWNER, number=1, questionnaire_version=2, closes_at=closes, reminders=(3, 7, 12))
    assert r.waves() == [
        (NOW, "send"),
        (NOW + timedelta(days=3), "remind"),
        (NOW + timedelta(days=7), "remind"),
        (closes, "close"),
    ]
    with pytest.raises(ConflictError):
        survey.open(now=NOW, actor=OWNER, number=1, questionnaire_version=2, closes_at=closes, reminders=())
    assert survey.accepting(1, NOW + timedelta(days=9)) and not survey.accepting(1, closes)
    assert survey.close(now=closes, number=1) is True and survey.close(now=closes, number=1) is False


def test_a_province_reads_its_part_of_a_national_survey_but_never_changes_it():
    national = Survey(
        "s2", "hanoi", "ccc", replace(PLAN, provinces=("hanoi", "hcm")), Settings(), Approval(), "ccc.ccc-officer", NOW, NOW
    )
    assert national.is_part and national.national
    with pytest.raises(ForbiddenError):
        national.edit(now=NOW, actor=OWNER, plan=PLAN, settings=Settings())
    assert allowed_actions(national, LEADER, can_manage=False, can_approve=True) == []


def _member(role="main", stratum="hotline", rank=0, member_id="m1") -> Member:
    return Member(member_id, 1, stratum, role, rank, Contact(email="a@example.vn"), "pk-" + member_id)  # type: ignore[arg-type]


def test_each_step_is_tallied_once_and_a_completion_counts_the_steps_it_skipped():
    m = _member()
    assert m.plan() == {"planned": 1, "aapor_U": 1}
    assert m.invite(NOW) == {"invited": 1}
    assert m.invite(NOW) == {} and m.reminders == 1
    assert m.opened() == {"delivered": 1, "opened": 1, "aapor_U": -1, "aapor_NC": 1}
    assert m.opened() == {}
    assert m.complete(NOW) == {"started": 1, "completed": 1, "aapor_NC": -1, "aapor_I": 1}
    with pytest.raises(ConflictError):
        m.complete(NOW)
    assert not m.awaiting and m.settled and m.status == "completed"


def test_a_reserve_of_the_same_stratum_replaces_and_both_say_who_and_why():
    main, reserve = _member(), _member("reserve", rank=3, member_id="r1")
    main.plan()
    assert main.replace_with(reserve, "unreachable") == ({"replaced": 1}, {"planned": 1, "aapor_U": 1})
    assert (main.replaced_by, reserve.replaces, reserve.role, main.reason) == ("r1", "m1", "main", "unreachable")
    assert (main.status, reserve.status) == ("replaced", "planned")
    other = _member("reserve", stratum="email", member_id="r2")
    with pytest.raises(ConflictError):
        _member(member_id="m3").replace_with(other, "unreachable")
    with pytest.raises(RuleViolationError):
        _member(member_id="m4").replace_with(_member("reserve", member_id="r4"), "no reason")
