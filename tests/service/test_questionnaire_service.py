"""Questionnaire use cases with the in-memory store: create, edit, freeze for a survey, new versions, tenants apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import ConflictError, NotFoundError, RuleViolationError
from chalicelib.surveys.questionnaire import Content, Question, Section
from chalicelib.surveys.questionnaire_service import QuestionnaireService
from chalicelib.surveys.standard import STANDARD_ID, VERSION
from tests.fakes import FakeQuestionnaireStore

AT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
CONTENT = Content(
    title="Khảo sát tổ chức", form_kind="organisation_interview", sections=(Section("A", (Question("q1", "yes_no", "A?"),)),)
)


@pytest.fixture
def service() -> QuestionnaireService:
    return QuestionnaireService(store=FakeQuestionnaireStore(), clock=FixedClock(AT))


def test_a_questionnaire_is_edited_in_place_until_a_survey_freezes_it_then_edits_make_version_two(service):
    made = service.create(tenant="hanoi", actor="focal", content=CONTENT)
    edited = service.update(
        tenant="hanoi",
        questionnaire_id=made.id,
        actor="focal",
        content=replace(CONTENT, title="Sửa 1"),
        expected_version=made.version,
    )
    assert (edited.number, edited.frozen) == (1, False)
    v1 = service.freeze(tenant="hanoi", questionnaire_id=made.id)
    assert (v1.number, v1.frozen, v1.content.title) == (1, True, "Sửa 1")
    assert service.freeze(tenant="hanoi", questionnaire_id=made.id, number=1) == v1, "freezing again is harmless"
    frozen = service.get(tenant="hanoi", questionnaire_id=made.id)
    v2 = service.update(
        tenant="hanoi",
        questionnaire_id=made.id,
        actor="focal",
        content=replace(CONTENT, title="Sửa 2"),
        expected_version=frozen.version,
    )
    assert (v2.number, v2.frozen) == (2, False)
    assert service.version(tenant="hanoi", questionnaire_id=made.id, number=1).content.title == "Sửa 1"
    assert service.version(tenant="hanoi", questionnaire_id=made.id, number=2).content.title == "Sửa 2"
    assert service.freeze(tenant="hanoi", questionnaire_id=made.id, number=1) == v1, (
        "an older frozen version is returned as it is"
    )
    with pytest.raises(NotFoundError):
        service.version(tenant="hanoi", questionnaire_id=made.id, number=3)


def test_a_stale_edit_is_a_conflict_and_writes_nothing(service):
    made = service.create(tenant="hanoi", actor="focal", content=CONTENT)
    service.update(
        tenant="hanoi", questionnaire_id=made.id, actor="a", content=replace(CONTENT, title="A"), expected_version=made.version
    )
    with pytest.raises(ConflictError):
        service.update(
            tenant="hanoi",
            questionnaire_id=made.id,
            actor="b",
            content=replace(CONTENT, title="B"),
            expected_version=made.version,
        )
    assert service.get(tenant="hanoi", questionnaire_id=made.id).content.title == "A"


def test_another_tenant_s_questionnaire_is_not_found(service):
    made = service.create(tenant="hanoi", actor="focal", content=CONTENT)
    with pytest.raises(NotFoundError):
        service.get(tenant="hcm", questionnaire_id=made.id)
    with pytest.raises(NotFoundError):
        service.update(tenant="hcm", questionnaire_id=made.id, actor="x", content=CONTENT, expected_version=1)


def test_the_standard_questionnaire_is_every_tenant_s_read_only_and_first_in_the_list(service):
    assert service.get(tenant="hcm", questionnaire_id=STANDARD_ID).current() == VERSION
    assert service.freeze(tenant="hcm", questionnaire_id=STANDARD_ID) == VERSION
    with pytest.raises(RuleViolationError):
        service.update(tenant="hcm", questionnaire_id=STANDARD_ID, actor="x", content=CONTENT, expected_version=0)
    made = service.create(tenant="hcm", actor="focal", content=CONTENT)
    items, _ = service.list(tenant="hcm")
    assert [q.id for q in items] == [STANDARD_ID, made.id]
