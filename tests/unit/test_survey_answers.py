"""A respondent's answers: screens, conditions, validation per field, the closed options counted, the rendered form."""

from __future__ import annotations

import re

from chalicelib.surveys import answers as an
from chalicelib.surveys.form import render_done, render_problem, render_screen
from chalicelib.surveys.questionnaire import Choice, Condition, Content, Question, QuestionnaireVersion, Section
from chalicelib.surveys.standard import VERSION as STANDARD

CHANNELS = (Choice("hotline", "Tổng đài"), Choice("web", "Cổng thông tin"), Choice("desk", "Bộ phận một cửa"))
VERSION = QuestionnaireVersion(
    "Q1",
    2,
    Content(
        title="Khảo sát người tham gia",
        intro="Xin cảm ơn Ông/Bà.",
        sections=(
            Section(
                "Liên hệ",
                (
                    Question("q1", "yes_no", "Ông/Bà đã liên hệ với cơ quan BHXH trong năm qua?"),
                    Question("q2", "single", "Qua kênh nào?", choices=CHANNELS, show_if=Condition("q1", ("yes",))),
                    Question("q3", "likert", "Mức độ hài lòng với kênh đó?", show_if=Condition("q1", ("yes",)), angle="service"),
                    Question("q4", "likert", "Thủ tục có đơn giản không?", scale="agreement", angle="policy"),
                ),
            ),
            Section(
                "Góp ý",
                (
                    Question("q5", "multiple", "Cần cải thiện điều gì?", choices=CHANNELS, max_choices=2, required=False),
                    Question("q6", "text", "Góp ý khác", required=False, max_length=20),
                ),
            ),
        ),
    ),
    frozen=True,
)


def ids(screen: an.Screen) -> list[str]:
    return [q.id for q in screen.questions]


def test_screens_keep_sections_whole_give_open_and_multiple_questions_their_own_and_start_anew_at_a_condition():
    first = an.screens(VERSION, {})
    assert [ids(s) for s in first] == [["q1"], ["q4"], ["q5"], ["q6"]], "q2 and q3 are hidden until q1 is answered yes"
    yes = an.screens(VERSION, {"q1": "yes"})
    assert [ids(s) for s in yes] == [["q1"], ["q2", "q3", "q4"], ["q5"], ["q6"]]
    assert [(s.first, s.last, s.total) for s in yes][:2] == [(1, 1, 6), (2, 4, 6)]
    assert [(s.first, s.total) for s in first][:2] == [(1, 4), (2, 4)], "progress counts visible questions"


def test_a_screen_reports_each_missing_or_wrong_answer_in_vietnamese():
    screen = an.screens(VERSION, {"q1": "yes"})[1]
    assert ids(screen) == ["q2", "q3", "q4"]
    answers, errors = an.validate_screen(VERSION, 1, {"q2": ["fax"], "q4": ["6"]}, {"q1": "yes"})
    assert errors == {"q2": "Chọn một phương án", "q3": "Chọn một mức độ hài lòng", "q4": "Chọn một mức độ đồng ý"}
    assert answers == {"q1": "yes"}
    answers, errors = an.validate_screen(VERSION, 1, {"q2": ["web"], "q3": ["4"], "q4": ["5"]}, {"q1": "yes"})
    assert errors == {} and answers == {"q1": "yes", "q2": "web", "q3": 4, "q4": 5}


def test_multiple_choice_max_and_text_length_and_control_characters():
    _, errors = an.validate_screen(VERSION, 2, {"q5": ["web", "desk", "hotline"]}, {"q1": "no", "q4": 3})
    assert errors == {"q5": "Chọn tối đa 2 phương án"}
    answers, errors = an.validate_screen(VERSION, 2, {"q5": ["web", "web"]}, {"q1": "no", "q4": 3})
    assert errors == {} and answers["q5"] == ["web"]
    _, errors = an.validate_screen(VERSION, 3, {"q6": ["x" * 21]}, {"q1": "no", "q4": 3})
    assert errors == {"q6": "Câu trả lời không được quá 20 ký tự (hiện có 21)"}
    _, errors = an.validate_screen(VERSION, 3, {"q6": ["a\x00b"]}, {"q1": "no", "q4": 3})
    assert "ký tự không hợp lệ" in errors["q6"]
    answers, errors = an.validate_screen(VERSION, 3, {"q6": ["  "]}, {"q1": "no", "q4": 3})
    assert errors == {} and "q6" not in answers, "an optional question left blank has no answer"


def test_changing_an_earlier_answer_drops_the_answers_of_questions_it_now_hides():
    given: dict[str, an.Value] = {"q1": "yes", "q2": "web", "q3": 4, "q4": 5}
    answers, errors = an.validate_screen(VERSION, 0, {"q1": ["no"]}, given)
    assert errors == {} and answers == {"q1": "no", "q4": 5}


def test_validate_all_checks_every_visible_question_and_drops_hidden_ones():
    answers, errors = an.validate_all(VERSION, {"q1": "no", "q2": "web", "q4": 9})
    assert answers == {"q1": "no"} and errors == {"q4": "Chọn một mức độ đồng ý"}
    answers, errors = an.validate_all(VERSION, {"q1": "yes", "q2": "desk", "q3": 2, "q4": 4, "q5": ["web"], "q6": "ok"})
    assert errors == {} and answers["q5"] == ["web"]


def test_closed_answers_list_each_chosen_option_of_visible_closed_questions():
    given = {"q1": "yes", "q2": "desk", "q3": 2, "q4": 4, "q5": ["web", "hotline"], "q6": "ok"}
    assert an.closed_answers(VERSION, given) == [
        ("q1", "yes"),
        ("q2", "desk"),
        ("q3", "2"),
        ("q4", "4"),
        ("q5", "web"),
        ("q5", "hotline"),
    ]
    assert an.closed_answers(VERSION, {"q1": "no", "q2": "desk"}) == [("q1", "no")]


def render(screen: int = 0, answers=None, errors=None, **extra) -> str:
    return render_screen(
        STANDARD,
        screen,
        answers or {},
        errors or {},
        action_url="/s/tok",
        office_name="BHXH thành phố Hà Nội",
        hotline="1900 9068",
        purpose="Đánh giá câu trả lời về chế độ ốm đau",
        **extra,
    )


def test_a_single_question_screen_is_its_own_heading_with_the_office_purpose_progress_and_a_hidden_nonce():
    page = render(hidden={"nonce": "n-1", "entry_id": "E1"})
    assert re.search(r"<legend[^>]*><h1[^>]*>Ông/Bà có hài lòng với câu trả lời không\?</h1></legend>", page)
    assert "BHXH thành phố Hà Nội" in page and "Đánh giá câu trả lời về chế độ ốm đau" in page and "1900 9068" in page
    assert "Câu 1/5" in page and 'name="nonce" value="n-1"' in page and 'name="entry_id" value="E1"' in page
    assert "<script" not in page and "style=" not in page, "no inline script or style (CSP)"
    assert "Tiếp tục" in page and "Quay lại" not in page


def test_errors_are_summarised_at_the_top_with_links_to_their_fields():
    page = render(1, {"q1": "yes"}, {"q2": "Chọn một mức độ hài lòng"}, back_url="/s/tok?screen=0")
    summary = page.index('data-testid="error-summary"')
    assert summary < page.index("<form")
    assert '<a href="#q2">Câu 2: Chọn một mức độ hài lòng</a>' in page and 'id="q2"' in page, "numbered: a screen has three"
    assert "<title>Lỗi: " in page and 'href="/s/tok?screen=0"' in page and "Câu 2–4/5" in page


def test_the_last_screen_sends_and_answers_are_kept_when_shown_again():
    page = render(2, {"q1": "no", "q2": 3, "q3": 4, "q4": 5, "q5": "Nhanh hơn <b>"})
    assert "Gửi câu trả lời" in page and "Nhanh hơn &lt;b&gt;" in page
    again = render(1, {"q1": "no", "q2": 3})
    assert re.search(r'id="q2-3" name="q2" type="radio" value="3" checked', again)


def test_done_and_problem_pages_are_vietnamese_with_the_hotline():
    assert "Cảm ơn Ông/Bà" in render_done(office_name="BHXH Hà Nội")
    assert "đã được ghi nhận" in render_done(office_name="BHXH Hà Nội", again=True)
    expired = render_problem("expired", office_name="BHXH Hà Nội", hotline="1900 9068")
    assert "hết hạn" in expired and "1900 9068" in expired
    assert "Không tìm thấy" in render_problem("forged-or-anything")


def test_a_screen_followed_only_by_hidden_questions_still_says_continue():
    follow_up = QuestionnaireVersion(
        "Q2",
        1,
        Content(
            title="Giải quyết",
            sections=(
                Section(
                    "A",
                    (
                        Question("q1", "yes_no", "Đã được giải quyết chưa?"),
                        Question("q2", "text", "Vì sao chưa?", show_if=Condition("q1", ("no",))),
                    ),
                ),
            ),
        ),
    )
    page = render_screen(follow_up, 0, {}, {}, action_url="/s/t", office_name="BHXH Hà Nội")
    assert "Tiếp tục" in page and "Gửi câu trả lời" not in page and "Câu 1/1" in page
    assert "Gửi câu trả lời" in render_screen(follow_up, 1, {"q1": "no"}, {}, action_url="/s/t", office_name="BHXH Hà Nội")


def test_a_respondent_coming_back_resumes_at_the_first_screen_not_yet_answered():
    assert an.resume_at(VERSION, {}) == 0
    assert an.resume_at(VERSION, {"q1": "yes"}) == 1
    assert an.resume_at(VERSION, {"q1": "no", "q4": 3}) == 2
    done = {"q1": "no", "q4": 3, "q5": ["web"], "q6": "ok"}
    assert an.resume_at(VERSION, done) == 3, "all answered: the last screen, to send"
