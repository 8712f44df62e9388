"""The index tree from a questionnaire's tags, and a respondent's scores weighted up criterion → factor → angle."""

from __future__ import annotations

from chalicelib.surveys import index
from chalicelib.surveys.questionnaire import Content, Question, QuestionnaireVersion, Section


def likert(qid: str, angle: str | None, factor: str = "", criterion: str = "") -> Question:
    return Question(qid, "likert", f"Câu {qid}", angle=angle, factor=factor, criterion=criterion)


VERSION = QuestionnaireVersion(
    "q",
    1,
    Content(
        "Khảo sát",
        sections=(
            Section(
                "A",
                (
                    likert("q1", "service", "Thủ tục", "Thời gian"),
                    likert("q2", "service", "Thủ tục", "Thời gian"),
                    likert("q3", "service", "Thái độ", "Lịch sự"),
                    likert("q4", "policy"),
                    likert("q5", None),
                    Question("q6", "yes_no", "Có dùng VssID?", angle="rights"),
                ),
            ),
        ),
    ),
)


def test_the_tree_follows_the_tags_in_angle_order_and_leaves_untagged_and_non_likert_questions_out():
    root = index.tree(VERSION)
    assert root is not None
    assert [a.key for a in root.children] == ["angle:policy", "angle:service"]
    policy, service = root.children
    assert [(f.label, [c.label for c in f.children]) for f in service.children] == [
        ("Thủ tục", ["Thời gian"]),
        ("Thái độ", ["Lịch sự"]),
    ]
    assert service.children[0].children[0].questions == ("q1", "q2")
    assert policy.children[0].label == index.GENERAL_FACTOR and policy.children[0].children[0].label == "Câu q4"
    assert index.tree(QuestionnaireVersion("x", 1, Content("x", sections=(Section("A", (likert("a", None),)),)))) is None


def test_a_respondents_scores_average_what_they_rated_and_weigh_the_children():
    root = index.tree(VERSION)
    answers = {"q1": 5, "q2": 2, "q3": 4, "q4": 1}
    scores = index.respondent_scores(root, answers, {})
    assert scores["factor:service|Thủ tục"] == 0.5
    assert scores["factor:service|Thái độ"] == 1.0
    assert scores["angle:service"] == 0.75
    assert scores["angle:policy"] == 0.0
    assert scores["overall"] == 0.375
    weighted = index.respondent_scores(root, answers, {"factor:service|Thái độ": 3, "angle:policy": 0.5})
    assert weighted["angle:service"] == (0.5 + 3 * 1.0) / 4
    assert weighted["overall"] == (0.5 * 0.0 + 1 * 0.875) / 1.5


def test_nothing_rated_under_a_node_gives_it_no_score():
    root = index.tree(VERSION)
    assert index.respondent_scores(root, {"q3": 3}, {}) == {
        "factor:service|Thái độ": 0.0,
        "angle:service": 0.0,
        "overall": 0.0,
    }
    assert index.respondent_scores(root, {}, {}) == {}


def test_weights_must_name_a_node_and_be_positive_up_to_a_hundred():
    root = index.tree(VERSION)
    assert index.weight_problems(root, {"angle:policy": 2, "factor:service|Thủ tục": 0.5}) == {}
    assert index.weight_problems(root, {"angle:nope": 1, "angle:policy": 0, "angle:service": True, "overall": 1}) == {
        "angle:nope": "unknown",
        "angle:policy": "out_of_range",
        "angle:service": "out_of_range",
        "overall": "unknown",
    }
