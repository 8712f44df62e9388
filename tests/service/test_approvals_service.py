"""The inbox use case on the in-memory store: a leader sees the kinds they decide, nothing of another office."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.approvals.kinds import register_kind
from chalicelib.approvals.service import ApprovalInbox
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import Principal
from tests.fakes import FakePendingApprovals

AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
LEADER = Principal("hanoi.leader", "hanoi", frozenset({"leader"}))
SUPERVISOR = Principal("hanoi.supervisor", "hanoi", frozenset({"supervisor"}))


def _inbox() -> tuple[ApprovalInbox, FakePendingApprovals]:
    store = FakePendingApprovals()
    register_kind("survey_plan", "Kế hoạch khảo sát", Permission.PLANS_APPROVE)
    register_kind("test_supervision_finding", "Kết luận giám sát (thử)", Permission.SUPERVISION_MANAGE)
    for n, (tenant, kind) in enumerate([("hanoi", "survey_plan"), ("hanoi", "test_supervision_finding"), ("hcm", "survey_plan")]):
        item = store.pending_item(
            tenant=tenant,
            kind=kind,
            subject_id=f"x{n}",
            title=f"Hồ sơ {n}",
            submitted_at=AT + timedelta(minutes=n),
            url=f"/x/{n}",
        )
        store.apply(saved=[item])
    return ApprovalInbox(store=store), store


def test_each_person_sees_the_kinds_they_decide_in_their_own_office():
    inbox, _ = _inbox()
    assert [p.subject_id for p in inbox.list(tenant="hanoi", actor=LEADER, cursor=None)[0]] == ["x0"]
    assert [p.subject_id for p in inbox.list(tenant="hanoi", actor=SUPERVISOR, cursor=None)[0]] == ["x1"]
