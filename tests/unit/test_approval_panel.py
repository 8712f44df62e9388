"""The approval panel macro every subject page includes: the buttons are exactly the allowed actions, as plain forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from chalicelib.approvals.domain import Approval, actions
from chalicelib.approvals.schemas import approval_read
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import Principal
from chalicelib.web.render import templates

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
OFFICER = Principal("hanoi.focal", "hanoi", frozenset({"focal_officer"}), display_name="Nguyễn Văn An")
LEADER = Principal("hanoi.leader", "hanoi", frozenset({"leader"}))


def _panel(approval: Approval, actor: Principal, can_approve: bool, is_author: bool) -> str:
    macro = templates().from_string(
        '{% from "approval_macros.html" import approval_panel %}{{ approval_panel(a, post_url="/surveys/s1/approval", '
        'csrf="tok", version=7) }}'
    )
    return macro.render(a=approval_read(approval, actions(approval, actor, can_approve, is_author)))


def _posts(html: str) -> set[str]:
    return set(re.findall(r'(?:action|formaction)="/surveys/s1/approval/(\w+)"', html))


def test_the_leader_gets_approve_and_return_the_author_gets_withdraw_with_the_token_and_version():
    approval = Approval()
    approval.submit(NOW, OFFICER, "Kính trình")
    leader = _panel(approval, LEADER, True, False)
    assert _posts(leader) == {"approve", "return"}
    assert 'name="csrf" value="tok"' in leader and 'name="version" value="7"' in leader
    assert "Chờ phê duyệt" in leader and "09:00 01/12/2026" in leader and "Nguyễn Văn An (Cán bộ đầu mối CSKH)" in leader
    assert _posts(_panel(approval, OFFICER, False, True)) == {"withdraw"}


def test_a_returned_subject_shows_the_reason_and_an_approved_one_no_button():
    approval = Approval()
    approval.submit(NOW, OFFICER)
    approval.return_(NOW, LEADER, "Bổ sung <kinh phí>", permission=Permission.PLANS_APPROVE, authors={"hanoi.focal"})
    returned = _panel(approval, OFFICER, False, True)
    assert _posts(returned) == {"submit"} and "Lý do trả lại: Bổ sung &lt;kinh phí&gt;" in returned
    approval.submit(NOW, OFFICER)
    approval.approve(NOW, LEADER, permission=Permission.PLANS_APPROVE, authors={"hanoi.focal"})
    assert _posts(_panel(approval, LEADER, True, False)) == set()
