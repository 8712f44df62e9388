"""The same contract for questionnaires in memory and in DynamoDB (PynamoDB on moto)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.shared.errors import ConflictError
from chalicelib.surveys import questionnaire as qn
from chalicelib.surveys.questionnaire import Choice, Condition, Content, Question, Section
from tests.fakes import FakeQuestionnaireStore

AT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
CONTENT = Content(
    title="Khảo sát hài lòng về dịch vụ công",
    form_kind="individual_interview",
    intro="Xin chào Ông/Bà.",
    sections=(
        Section(
            "Chung",
            (
                Question("q1", "single", "Kênh liên hệ?", choices=(Choice("hotline", "Tổng đài"), Choice("web", "Cổng"))),
                Question(
                    "q2", "likert", "Hài lòng?", show_if=Condition("q1", ("hotline",)), angle="service", factor="F", criterion="C"
                ),
            ),
        ),
    ),
)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        return FakeQuestionnaireStore()
    request.getfixturevalue("stack")
    from chalicelib.surveys.questionnaire_store import QuestionnaireStore

    return QuestionnaireStore()


def _new(tenant: str, qid: str, at: datetime = AT) -> qn.Questionnaire:
    return qn.create(questionnaire_id=qid, tenant=tenant, content=CONTENT, actor="focal", at=at)


def test_a_questionnaire_is_saved_read_back_and_a_stale_save_is_a_conflict(store, unique):
    tenant = f"t{unique}"
    saved = store.save(_new(tenant, "Q1"))
    assert saved.version == 1
    read = store.get(tenant=tenant, questionnaire_id="Q1")
    assert read == saved and read.content == CONTENT and read.created_at == AT
    with pytest.raises(ConflictError):
        store.save(_new(tenant, "Q1")), "an id that exists is not created twice"
    edited = store.save(replace(read, content=replace(CONTENT, title="Mới"), updated_at=AT + timedelta(minutes=1)))
    assert edited.version == 2
    with pytest.raises(ConflictError):
        store.save(replace(read, content=replace(CONTENT, title="Cũ")))
    assert store.get(tenant=tenant, questionnaire_id="Q1").content.title == "Mới"
    assert store.get(tenant=f"other{unique}", questionnaire_id="Q1") is None


def test_a_frozen_version_is_kept_as_it_was_and_written_once(store, unique):
    tenant = f"t{unique}"
    saved = store.save(_new(tenant, "Q2"))
    frozen, v1 = qn.freeze(saved, number=1)
    after = store.save(frozen, frozen=v1)
    assert store.get_version(tenant=tenant, questionnaire_id="Q2", number=1) == v1
    v2 = qn.edit(after, content=replace(CONTENT, title="Phiên bản 2"), expected_version=after.version, actor="x", at=AT)
    stored = store.save(v2)
    assert (stored.number, stored.frozen, stored.frozen_numbers) == (2, False, (1,))
    assert store.get_version(tenant=tenant, questionnaire_id="Q2", number=1).content.title == CONTENT.title
    assert store.get_version(tenant=tenant, questionnaire_id="Q2", number=2) is None
    with pytest.raises(ConflictError):
        store.save(stored, frozen=v1), "a frozen version is never written again"
    assert store.get(tenant=tenant, questionnaire_id="Q2") == stored, "a refused save writes nothing"


def test_lists_page_through_a_tenant_s_questionnaires_only(store, unique):
    tenant = f"t{unique}"
    for n in range(3):
        store.save(_new(tenant, f"Q{n}", AT + timedelta(minutes=n)))
    store.save(_new(f"other{unique}", "QX"))
    first, cursor = store.list(tenant=tenant, limit=2, cursor=None)
    assert [q.id for q in first] == ["Q0", "Q1"] and cursor
    rest, _ = store.list(tenant=tenant, limit=2, cursor=cursor)
    assert [q.id for q in rest] == ["Q2"]
