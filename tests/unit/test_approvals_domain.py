"""The approval of a plan or report (Decision 681 Art. 8 step 1), pure: time passed in."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.approvals.domain import Approval, actions, from_body, to_body
from chalicelib.approvals.kinds import kind_of, register_kind
from chalicelib.shared.errors import ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import Principal

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=3)
P = Permission.PLANS_APPROVE
OFFICER = Principal("hanoi.focal", "hanoi", frozenset({"focal_officer"}), display_name="Nguyễn Văn An")
COLLEAGUE = Principal("hanoi.focal2", "hanoi", frozenset({"focal_officer"}))
LEADER = Principal("hanoi.leader", "hanoi", frozenset({"leader"}), display_name="Trần Thị Bình")
DEPUTY = Principal("hanoi.deputy", "hanoi", frozenset({"leader"}))
AUTHORS = {"hanoi.focal"}


def _submitted(by: Principal = OFFICER) -> Approval:
    approval = Approval()
    approval.submit(NOW, by, "Kính trình lãnh đạo")
    return approval


def test_a_leader_approves_what_an_officer_submitted_and_the_history_says_who_in_which_role():
    approval = _submitted()
    with pytest.raises(ConflictError) as before:
        approval.require_approved()
    assert before.value.code == "not_approved"
    approval.approve(LATER, LEADER, " Đồng ý ", permission=P, authors=AUTHORS)
    approval.require_approved()
    assert (approval.status, approval.decided_by, approval.decided_at, approval.note) == (
        "approved",
        "hanoi.leader",
        LATER,
        "Đồng ý",
    )
    assert [(s.action, s.actor, s.name, s.role, s.at, s.note) for s in approval.history] == [
        ("submit", "hanoi.focal", "Nguyễn Văn An", "focal_officer", NOW, "Kính trình lãnh đạo"),
        ("approve", "hanoi.leader", "Trần Thị Bình", "leader", LATER, "Đồng ý"),
    ]


def test_the_author_cannot_approve_even_when_they_hold_the_leader_role():
    acting = Principal("hanoi.acting", "hanoi", frozenset({"focal_officer", "leader"}))
    approval = _submitted(acting)  # the submitter
    with pytest.raises(RuleViolationError) as refused:
        approval.approve(LATER, acting, permission=P, authors=set())
    assert refused.value.code == "self_approval"
    written = _submitted(COLLEAGUE)  # submitted by a colleague, but the leader wrote the plan
    with pytest.raises(RuleViolationError):
        written.return_(LATER, acting, "Sửa lại", permission=P, authors={"hanoi.acting"})
    assert (approval.status, written.status) == ("submitted", "submitted"), "a refused step changes nothing"
    assert len(approval.history) == 1


def test_only_a_holder_of_the_approve_permission_decides():
    approval = _submitted()
    with pytest.raises(ForbiddenError) as refused:
        approval.approve(LATER, COLLEAGUE, permission=P, authors=AUTHORS)
    assert refused.value.code == "not_approver"
    with pytest.raises(ForbiddenError):
        approval.approve(LATER, LEADER, permission=Permission.SUPERVISION_MANAGE, authors=AUTHORS)  # not the subject's


def test_a_return_needs_a_reason_and_writes_nothing_without_one():
    approval = _submitted()
    with pytest.raises(RuleViolationError) as refused:
        approval.return_(LATER, LEADER, "   ", permission=P, authors=AUTHORS)
    assert (refused.value.code, refused.value.fields) == ("reason_required", {"note": "required"})
    assert approval.status == "submitted" and len(approval.history) == 1


def test_approving_twice_is_a_conflict_and_approved_is_final():
    approval = _submitted()
    approval.approve(LATER, LEADER, permission=P, authors=AUTHORS)
    with pytest.raises(ConflictError) as twice:
        approval.approve(LATER, DEPUTY, permission=P, authors=AUTHORS)
    assert twice.value.code == "already_approved" and twice.value.status == 409
    for step in (
        lambda: approval.return_(LATER, DEPUTY, "Không", permission=P, authors=AUTHORS),
        lambda: approval.submit(LATER, OFFICER),
        lambda: approval.withdraw(LATER, OFFICER),
    ):
        with pytest.raises(ConflictError):
            step()
    assert approval.decided_by == "hanoi.leader"


def test_deciding_what_was_not_submitted_is_a_conflict():
    for approval in (Approval(), _returned()):
        with pytest.raises(ConflictError) as refused:
            approval.approve(LATER, LEADER, permission=P, authors=AUTHORS)
        assert refused.value.code == "not_submitted"


def _returned() -> Approval:
    approval = _submitted()
    approval.return_(LATER, LEADER, "Bổ sung kinh phí", permission=P, authors=AUTHORS)
    return approval


def test_returned_then_resubmitted_then_approved():
    approval = _returned()
    assert (approval.status, approval.note) == ("returned", "Bổ sung kinh phí")
    again = LATER + timedelta(days=1)
    approval.submit(again, OFFICER, "Đã bổ sung")
    assert (approval.status, approval.submitted_at, approval.note, approval.decided_by) == ("submitted", again, "", None)
    approval.approve(again + timedelta(hours=1), DEPUTY, permission=P, authors=AUTHORS)
    assert [s.action for s in approval.history] == ["submit", "return", "submit", "approve"]
    assert approval.history[1].note == "Bổ sung kinh phí", "the reason stays in the history"


def test_submitting_twice_is_a_conflict_and_a_withdrawn_subject_is_a_draft_again():
    approval = _submitted()
    with pytest.raises(ConflictError) as twice:
        approval.submit(LATER, OFFICER)
    assert twice.value.code == "already_submitted"
    approval.withdraw(LATER, OFFICER)
    assert approval.status == "draft"
    with pytest.raises(ConflictError):
        approval.withdraw(LATER, OFFICER)
    with pytest.raises(ConflictError):
        approval.approve(LATER, LEADER, permission=P, authors=AUTHORS)


def test_actions_offer_exactly_what_the_steps_accept():
    draft, pending, approved = Approval(), _submitted(), _submitted()
    approved.approve(LATER, LEADER, permission=P, authors=AUTHORS)
    assert actions(draft, OFFICER, can_approve=False, is_author=True) == {"submit"}
    assert actions(draft, LEADER, can_approve=True, is_author=False) == set(), "a leader who did not write it submits nothing"
    assert actions(pending, OFFICER, can_approve=False, is_author=True) == {"withdraw"}
    assert actions(pending, LEADER, can_approve=True, is_author=False) == {"approve", "return"}
    assert actions(pending, COLLEAGUE, can_approve=False, is_author=False, can_submit=True) == {"withdraw"}
    submitter = Principal("hanoi.focal", "hanoi", frozenset({"focal_officer", "leader"}))
    assert actions(pending, submitter, can_approve=True, is_author=False) == {"withdraw"}, "the submitter is an author"
    assert actions(_returned(), OFFICER, can_approve=False, is_author=True) == {"submit"}
    assert actions(approved, LEADER, can_approve=True, is_author=False) == set()


def test_the_body_round_trips_through_json():
    approval = _returned()
    approval.submit(LATER, OFFICER, "Đã sửa")
    stored = json.loads(json.dumps(to_body(approval)))
    assert from_body(stored) == approval
    assert from_body(None) == Approval() == from_body({})
    with pytest.raises(ValueError):
        from_body({"status": "rejected"})


def test_kinds_are_registered_once_and_an_unknown_kind_still_has_a_label():
    kind = register_kind("test_report", "Báo cáo thử", Permission.PLANS_APPROVE)
    assert register_kind("test_report", "Báo cáo thử", Permission.PLANS_APPROVE) == kind == kind_of("test_report")
    with pytest.raises(ValueError):
        register_kind("test_report", "Khác", Permission.PLANS_APPROVE)
    assert kind_of("retired_kind").label == "Hồ sơ cần phê duyệt"


def test_a_subject_may_have_submit_and_withdraw_checked_against_its_edit_permission():
    approval = Approval()
    with pytest.raises(ForbiddenError) as refused:
        approval.submit(NOW, LEADER, permission=Permission.SURVEYS_MANAGE)
    assert refused.value.code == "not_submitter" and approval.status == "draft"
    approval.submit(NOW, OFFICER, permission=Permission.SURVEYS_MANAGE)
    with pytest.raises(ForbiddenError):
        approval.withdraw(NOW, LEADER, permission=Permission.SURVEYS_MANAGE)
    assert approval.status == "submitted"


def test_standing_reads_the_permissions_and_the_authors_for_actions():
    from chalicelib.approvals.domain import standing

    pending = _submitted()
    leader = standing(LEADER, permission=P, authors=AUTHORS, submit_permission=Permission.SURVEYS_MANAGE)
    officer = standing(COLLEAGUE, permission=P, authors=AUTHORS, submit_permission=Permission.SURVEYS_MANAGE)
    assert (leader.can_approve, leader.can_submit, leader.is_author) == (True, False, False)
    assert actions(pending, LEADER, leader.can_approve, leader.is_author, can_submit=leader.can_submit) == {"approve", "return"}
    assert actions(pending, COLLEAGUE, officer.can_approve, officer.is_author, can_submit=officer.can_submit) == {"withdraw"}
