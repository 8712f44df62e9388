"""The entry's life (Decision 1218 Art. 2.7, Decision 681 Art. 6.2), pure: time passed in."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.knowledge.domain import Content, LegalBasis, allowed_actions, create, diff, next_review, reminder_due
from chalicelib.knowledge.seams import TOPICS_FILE
from chalicelib.shared.errors import ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.tenancy import Principal
from tests.unit.test_knowledge_data import TOPICS_FILE as SHIPPED_TOPICS

NOW = datetime(2026, 3, 31, 3, 0, tzinfo=UTC)
TOPICS = frozenset({"bhyt", "bhyt.the-bhyt-cap-doi"})
EDITOR = Principal("ccc.ccc-officer", "ccc", frozenset({"ccc_officer"}), "cham-soc-khach-hang")
LEADER = Principal("ccc.leader", "ccc", frozenset({"leader"}))
BOTH = Principal("ccc.acting", "ccc", frozenset({"ccc_officer", "leader"}))
AGENT = Principal("ccc.agent", "ccc", frozenset({"agent"}))


def _content(**extra: Any) -> Content:
    base: dict[str, Any] = {
        "topic": "bhyt.the-bhyt-cap-doi",
        "question": " Cấp lại thẻ BHYT? ",
        "answer": "Qua VssID.",
        "valid_from": date(2025, 7, 1),
    }
    return Content(owner_unit="cham-soc-khach-hang", **(base | extra))


def _draft(actor: Principal = EDITOR):
    return create("e1", "ccc", NOW, actor, _content(scenarios=("cap lai the", " cap lai the ", "")), topics=TOPICS)


def test_a_draft_is_cleaned_and_recorded_as_its_first_version():
    entry = _draft()
    assert entry.status == "draft" and entry.content.question == "Cấp lại thẻ BHYT?"
    assert entry.content.scenarios == ("cap lai the",)
    assert [(v.number, v.action) for v in entry.new_versions] == [(1, "created")]
    with pytest.raises(ForbiddenError):
        create("e2", "ccc", NOW, AGENT, _content(), topics=TOPICS)


def test_content_that_breaks_a_rule_names_each_field():
    with pytest.raises(RuleViolationError) as refused:
        create(
            "e1",
            "ccc",
            NOW,
            EDITOR,
            _content(topic="x", answer=" ", valid_until=date(2024, 1, 1), related=("e1",)),
            topics=TOPICS,
        )
    assert refused.value.fields == {
        "answer": "required",
        "topic": "unknown",
        "valid_until": "before_valid_from",
        "related": "invalid",
    }


def test_the_author_never_publishes_their_own_submission():
    entry = _draft(BOTH)
    entry.submit(NOW, BOTH)
    assert "publish" not in allowed_actions(entry, BOTH)
    with pytest.raises(RuleViolationError) as refused:
        entry.publish(NOW, BOTH, date(2026, 3, 31))
    assert refused.value.code == "self_approval"
    entry.publish(NOW, LEADER, date(2026, 3, 31))
    assert entry.status == "published" and entry.review_due == date(2026, 6, 30)


def test_editing_a_submission_sends_it_back_to_draft_and_a_no_op_records_nothing():
    entry = _draft()
    entry.submit(NOW, EDITOR)
    assert entry.edit(NOW, EDITOR, entry.content, topics=TOPICS) == ()
    assert entry.status == "in_review" and len(entry.new_versions) == 2
    assert entry.edit(NOW, EDITOR, _content(answer="Qua VssID hoặc tại quầy.", scenarios=("cap lai the",)), topics=TOPICS) == (
        "answer",
    )
    assert entry.status == "draft" and entry.new_versions[-1].changed == ("answer",)


def test_what_each_role_may_do_follows_the_state():
    entry = _draft()
    assert allowed_actions(entry, EDITOR) == ["update", "submit", "restore"]
    assert allowed_actions(entry, LEADER) == []
    assert allowed_actions(entry, AGENT) == []
    entry.submit(NOW, EDITOR)
    assert allowed_actions(entry, LEADER) == ["publish", "return"]
    entry.publish(NOW, LEADER, date(2026, 3, 31))
    assert allowed_actions(entry, EDITOR) == ["review"]
    assert allowed_actions(entry, LEADER) == ["update", "retire", "review", "restore"]
    hanoi_leader = Principal("hanoi.leader", "hanoi", frozenset({"leader"}))
    with pytest.raises(ForbiddenError):
        entry.retire(NOW, hanoi_leader, "")
    entry.retire(NOW, LEADER, "")
    with pytest.raises(ConflictError):
        entry.review(NOW, LEADER, date(2026, 4, 1), "")


def test_validity_expiry_visibility_and_citability_on_a_day():
    entry = _draft()
    entry.content = _content(valid_until=date(2026, 6, 30))
    assert not entry.citable(tenant="hanoi", on=date(2026, 4, 1)) and not entry.visible_to("hanoi")  # a CCC draft
    entry.submit(NOW, EDITOR)
    entry.publish(NOW, LEADER, date(2026, 3, 31))
    assert entry.citable(tenant="hanoi", on=date(2026, 6, 30)) and not entry.expired(date(2026, 6, 30))
    assert not entry.citable(tenant="hanoi", on=date(2026, 7, 1)) and entry.expired(date(2026, 7, 1))
    assert not entry.citable(tenant="hanoi", on=date(2025, 6, 30))  # not yet in force


def test_the_review_falls_due_each_quarter_and_reminds_before_and_after():
    assert next_review(date(2026, 11, 30)) == date(2027, 2, 28)
    assert next_review(date(2026, 1, 15)) == date(2026, 4, 15)
    due = date(2026, 4, 15)
    reminded = [d for d in range(-20, 30) if reminder_due(due, date.fromordinal(due.toordinal() - d))]
    assert reminded == [-15, -8, -1, 0, 3, 14]  # days before the due date (negative: after it)


def test_the_diff_names_changed_fields_in_the_editors_order():
    before = _content().snapshot()
    after = _content(answer="Khác", legal_basis=(LegalBasis("Luật BHYT", "Điều 16", date(2024, 6, 27)),)).snapshot()
    assert [d.field for d in diff(before, after)] == ["answer", "legal_basis"]
    assert Content.from_snapshot(after) == _content(
        answer="Khác", legal_basis=(LegalBasis("Luật BHYT", "Điều 16", date(2024, 6, 27)),)
    )


def test_the_runtime_topic_tree_is_the_shipped_one():
    assert json.loads(TOPICS_FILE.read_text(encoding="utf-8")) == json.loads(SHIPPED_TOPICS.read_text(encoding="utf-8"))
