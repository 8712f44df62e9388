"""Questionnaires: rules of a valid questionnaire, conditions, versions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.shared.errors import ConflictError, RuleViolationError
from chalicelib.surveys import questionnaire as qn
from chalicelib.surveys.questionnaire import Choice, Condition, Content, Question, Section
from chalicelib.surveys.standard import STANDARD_ID, VERSION, standard

AT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
CHANNELS = (Choice("hotline", "Tổng đài"), Choice("web", "Cổng thông tin"))


def content(*questions: Question, title: str = "Khảo sát hài lòng") -> Content:
    return Content(title=title, sections=(Section("Chung", questions),))


def test_a_valid_questionnaire_has_no_problems_and_round_trips_through_its_stored_shape():
    c = content(
        Question("q1", "single", "Ông/Bà liên hệ qua kênh nào?", choices=CHANNELS),
        Question("q2", "likert", "Mức độ hài lòng?", show_if=Condition("q1", ("hotline",)), angle="service", factor="Tổng đài"),
        Question(
            "q3", "multiple", "Điều gì cần cải thiện?", choices=CHANNELS, max_choices=1, show_if=Condition("q2", ("1", "2"))
        ),
        Question("q4", "text", "Góp ý", required=False, max_length=300),
    )
    assert qn.problems(c) == {}
    assert qn.content_from_dict(qn.content_to_dict(c)) == c


@pytest.mark.parametrize(
    ("question", "path", "words"),
    [
        (Question("q2", "single", "Kênh?", choices=CHANNELS[:1]), "sections[0].questions[1].choices", "hai phương án"),
        (Question("q2", "single", "Kênh?", choices=(CHANNELS[0], CHANNELS[0])), "sections[0].questions[1].choices", "trùng"),
        (Question("q1", "yes_no", "Lặp mã?"), "sections[0].questions[1].id", "trùng"),
        (Question("q2", "text", "Góp ý", angle="policy"), "sections[0].questions[1].angle", "câu hỏi đóng"),
        (Question("q2", "likert", "?", angle="money"), "sections[0].questions[1].angle", "ba góc độ"),
        (Question("q2", "multiple", "?", choices=CHANNELS, max_choices=3), "sections[0].questions[1].max_choices", "tối đa"),
        (Question("q2", "text", "?", max_length=5000), "sections[0].questions[1].max_length", "2000"),
        (Question("q2", "yes_no", " "), "sections[0].questions[1].text", "Nhập nội dung"),
    ],
)
def test_a_broken_question_is_named_by_its_path(question, path, words):
    errors = qn.problems(content(Question("q1", "yes_no", "Đã từng liên hệ?"), question))
    assert path in errors and words in errors[path]


def test_a_condition_refers_only_to_an_earlier_closed_question_and_an_existing_value():
    forward = content(Question("q1", "yes_no", "A?", show_if=Condition("q2", ("yes",))), Question("q2", "yes_no", "B?"))
    assert "đứng trước" in qn.problems(forward)["sections[0].questions[0].show_if"]
    self_ref = content(Question("q1", "yes_no", "A?", show_if=Condition("q1", ("yes",))))
    assert "chính câu hỏi" in qn.problems(self_ref)["sections[0].questions[0].show_if"]
    missing_value = content(Question("q1", "likert", "A?"), Question("q2", "text", "B?", show_if=Condition("q1", ("6",))))
    assert "phương án" in qn.problems(missing_value)["sections[0].questions[1].show_if"]
    on_text = content(Question("q1", "text", "A?"), Question("q2", "yes_no", "B?", show_if=Condition("q1", ("x",))))
    assert "câu hỏi đóng" in qn.problems(on_text)["sections[0].questions[1].show_if"]


def test_create_refuses_an_empty_questionnaire_with_field_errors():
    with pytest.raises(RuleViolationError) as caught:
        qn.create(questionnaire_id="Q1", tenant="hn", content=Content(title="", form_kind="email"), actor="a", at=AT)
    assert set(caught.value.fields) == {"title", "form_kind", "sections"}


def test_editing_a_frozen_version_makes_the_next_one_and_leaves_the_frozen_one_as_it_was():
    draft = qn.create(questionnaire_id="Q1", tenant="hn", content=content(Question("q1", "yes_no", "A?")), actor="a", at=AT)
    edited = qn.edit(draft, content=content(Question("q1", "yes_no", "A2?")), expected_version=0, actor="a", at=AT)
    assert edited.number == 1, "a draft is edited in place"
    frozen, v1 = qn.freeze(edited, number=1)
    assert v1.frozen and v1.content.sections[0].questions[0].text == "A2?"
    again, same = qn.freeze(frozen, number=1)
    assert same == v1 and again.frozen, "a second freeze of the same version changes nothing"
    v2 = qn.edit(frozen, content=content(Question("q1", "yes_no", "A3?")), expected_version=0, actor="b", at=AT)
    assert (v2.number, v2.frozen, v2.frozen_numbers) == (2, False, (1,))
    assert v1.content.sections[0].questions[0].text == "A2?"
    with pytest.raises(RuleViolationError):
        qn.freeze(v2, number=1)


def test_an_edit_from_a_stale_version_is_a_conflict():
    draft = qn.create(questionnaire_id="Q1", tenant="hn", content=content(Question("q1", "yes_no", "A?")), actor="a", at=AT)
    with pytest.raises(ConflictError):
        qn.edit(replace(draft, version=3), content=draft.content, expected_version=2, actor="a", at=AT)


def test_next_question_id_never_takes_a_gap_left_by_a_removed_question():
    c = content(Question("q1", "yes_no", "A?"), Question("q3", "yes_no", "B?"))
    assert qn.next_question_id(c) == "q4"
    assert qn.next_question_id(content(Question("q2", "yes_no", "A?"))) == "q3"


def test_the_standard_questionnaire_is_valid_frozen_and_tags_each_angle_once():
    assert qn.problems(VERSION.content) == {}
    assert (VERSION.questionnaire_id, VERSION.number, VERSION.frozen) == (STANDARD_ID, 1, True)
    angles = [q.angle for q in VERSION.content.questions() if q.angle]
    assert sorted(angles) == ["policy", "rights", "service"]
    assert standard("hn").current() == VERSION


def test_control_characters_and_bidi_overrides_are_refused_anywhere_in_the_text():
    assert "content" in qn.problems(content(Question("q1", "yes_no", "A\x1b[31m?")))
    assert "content" in qn.problems(replace(content(Question("q1", "yes_no", "A?")), intro="x\u202ey"))
    assert qn.problems(replace(content(Question("q1", "yes_no", "A?")), intro="Dòng 1\nDòng 2\tx")) == {}
