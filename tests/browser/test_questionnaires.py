"""The questionnaire editor and its phone preview in Chromium: edit a question with plain forms, see it in the
390×844 frame, answer a screen on a phone-sized page, get the error summary and follow its link to the field."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import TIMEOUT_MS, path_of

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SHOTS_DIR", "/tmp")
BODY = {
    "title": "Khảo sát hài lòng về tổng đài 1900 9068",
    "form_kind": "questionnaire",
    "intro": "Xin Ông/Bà dành 2 phút trả lời vài câu hỏi về lần gọi tổng đài gần nhất.",
    "sections": [
        {
            "title": "Lần gọi gần nhất",
            "questions": [
                {"kind": "likert", "text": "Ông/Bà hài lòng với thời gian chờ kết nối?", "angle": "service"},
                {"kind": "likert", "text": "Ông/Bà hài lòng với thái độ của tổng đài viên?", "angle": "service"},
                {"kind": "yes_no", "text": "Vấn đề của Ông/Bà đã được giải quyết chưa?", "angle": "rights"},
            ],
        },
        {
            "title": "Góp ý",
            "questions": [
                {"kind": "text", "text": "Vì sao chưa được giải quyết?", "show_if": {"question": "q3", "equals": "no"}},
            ],
        },
    ],
}


def test_the_editor_changes_a_question_and_the_phone_preview_shows_it(page, sign_in, api):
    q = api("hanoi").login("focal-officer").post("/api/surveys/questionnaires", BODY).json
    sign_in(page, "hanoi", "focal-officer", path=f"/login?next=/surveys/questionnaires/{q['id']}")
    assert path_of(page) == f"/surveys/questionnaires/{q['id']}"
    frame = page.frame_locator('[data-testid="preview-frame"]')
    assert frame.get_by_test_id("progress").inner_text() == "Câu 1–3/3"
    box = page.get_by_test_id("preview-frame").bounding_box()
    assert box is not None and (box["width"], box["height"]) == (390, 844)

    question = page.get_by_test_id("question-q2")
    question.get_by_text("Sửa câu hỏi").click()
    question.get_by_label("Nội dung câu hỏi").fill("Ông/Bà hài lòng với cách tổng đài viên giải thích?")
    question.get_by_label("Yếu tố").fill("Tổng đài viên")
    question.get_by_test_id("save-q2").click()
    page.wait_for_load_state()
    assert path_of(page) == f"/surveys/questionnaires/{q['id']}"
    assert "cách tổng đài viên giải thích" in page.get_by_test_id("question-q2").inner_text()
    assert "Yếu tố: Tổng đài viên" in page.get_by_test_id("question-q2").inner_text()
    assert frame.get_by_text("Ông/Bà hài lòng với cách tổng đài viên giải thích?").is_visible()

    page.get_by_test_id("question-q3").get_by_role("button", name="Lên câu q3").click()
    page.wait_for_load_state()
    order = page.locator('[data-testid^="question-q"]').evaluate_all("els => els.map(e => e.id)")
    assert order == ["q1", "q3", "q2", "q4"]

    question = page.get_by_test_id("question-q2")
    question.get_by_text("Sửa câu hỏi").click()
    question.get_by_label("Điều kiện hiển thị").select_option(label="Chỉ khi q3 = Có")
    question.get_by_test_id("save-q2").click()
    page.wait_for_load_state()
    assert "Chỉ hiện khi q3 = Có" in page.get_by_test_id("question-q2").inner_text()
    assert frame.get_by_test_id("progress").inner_text() == "Câu 1–2/2", "q2 waits for q3 = Có, on a screen of its own"
    page.screenshot(path=f"{SHOTS}/questionnaire-editor.png", full_page=True)


def test_a_screen_answered_on_a_phone_shows_the_error_summary_and_goes_on_when_right(browser, sign_in, api, url):
    q = api("hanoi").login("focal-officer").post("/api/surveys/questionnaires", BODY).json
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.set_default_timeout(TIMEOUT_MS)
    try:
        page = phone.new_page()
        sign_in(page, "hanoi", "focal-officer", path=f"/login?next=/surveys/questionnaires/{q['id']}/preview")
        assert page.get_by_role("heading", level=1).inner_text() == "Lần gọi gần nhất"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing wider than the phone"
        radio, label = page.locator("#q1"), page.locator('label[for="q1"]')
        assert radio.bounding_box()["height"] >= 44 and label.bounding_box()["height"] >= 44, "touch targets ≥ 44 px"
        page.locator('label[for="q1-4"]').click()  # "4 Hài lòng"
        page.get_by_test_id("continue").click()

        summary = page.get_by_test_id("error-summary")
        assert summary.is_visible()
        assert summary.get_by_role("link").all_inner_texts() == ["Câu 2: Chọn một mức độ hài lòng", "Câu 3: Chọn Có hoặc Không"]
        assert page.title().startswith("Lỗi: ")
        assert page.locator("#q1-4").is_checked(), "what was answered is kept"
        page.screenshot(path=f"{SHOTS}/questionnaire-preview-errors-390x844.png", full_page=True)
        summary.get_by_role("link", name="Chọn Có hoặc Không").click()
        assert page.evaluate("location.hash") == "#q3"

        page.locator('label[for="q2-5"]').click()
        page.locator('label[for="q3-2"]').click()  # "Không": the follow-up question appears
        page.get_by_test_id("continue").click()
        assert page.get_by_test_id("progress").inner_text() == "Câu 4/4"
        assert page.get_by_role("heading", level=1).inner_text() == "Vì sao chưa được giải quyết?"
        page.get_by_label("Vì sao chưa được giải quyết?").fill("Tổng đài viên hẹn gọi lại nhưng chưa gọi.")
        page.get_by_test_id("continue").click()
        assert page.get_by_test_id("done").is_visible() and page.get_by_test_id("preview-banner").is_visible()
        page.screenshot(path=f"{SHOTS}/questionnaire-preview-done-390x844.png", full_page=True)
    finally:
        phone.close()
