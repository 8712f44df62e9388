"""Surveys in Chromium as people use them: a focal officer plans a survey, a leader approves it, the officer draws a
sample and opens the round; the invitation read back from the emulated SES is answered on a 390×844 phone (the error
summary, a reload that keeps the answers, one submission), and the officer sees it counted, the members' statuses and
the deliveries. For the direct methods, an interviewer enters a member's answers on the same form, once."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from chalicelib.shared.clock import VN_TZ
from tests.api.test_surveys import _frame, _until
from tests.browser.conftest import PASSWORD, TIMEOUT_MS, path_of

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SHOTS_DIR", "/tmp")
PHONE = {"width": 390, "height": 844}


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _person(browser: Any, sign_in: Any, username: str, path: str) -> tuple[Any, Any]:
    """Someone else in their own browser profile, signed in, on `path`."""
    ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    tab = ctx.new_page()
    sign_in(tab, "hanoi", username, PASSWORD, path=f"/login?next={path}")
    return ctx, tab


def _phone(browser: Any) -> Any:
    """A phone with scripts turned off: the respondent's form works without JavaScript."""
    ctx = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    ctx.set_default_timeout(TIMEOUT_MS)
    return ctx


def _fits_the_phone(page: Any, *, targets: bool = True) -> None:
    """Nothing wider than the phone; the choices' labels and the buttons are touch targets of 44 px or more."""
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], "no horizontal scroll"
    if not targets:
        return
    heights = page.locator("label.option-label, button, .button").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44, heights


def _click(page: Any, within: Any, text: str) -> None:
    within.get_by_role("button", name=text).click()
    page.wait_for_load_state()


def _plan_in_the_browser(page: Any, title: str, *, method: str = "online") -> str:
    """The officer fills the plan form and submits the saved draft to the leader; returns the survey's id."""
    page.get_by_test_id("new-survey").click()
    page.wait_for_load_state()
    assert path_of(page) == "/surveys/new"
    form = page.get_by_test_id("plan-form")
    form.get_by_test_id("plan-title").fill(title)
    form.get_by_test_id("plan-purpose").fill("Đánh giá mức độ hài lòng của người dân gọi tổng đài 1900 9068.")
    end = page.evaluate("new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10)")
    form.get_by_test_id("plan-end").fill(end)
    if method != "online":
        form.locator("input[name=methods][value=online]").uncheck()
        form.locator(f"input[name=methods][value={method}]").check()
    form.get_by_label("Tiêu chí đánh giá").fill("Thái độ phục vụ\nThời gian chờ")
    _shot(page, "desktop-plan-form")
    form.get_by_test_id("plan-save").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("form-error").count() == 0, page.locator(".alert, .field-error").all_inner_texts()
    survey_id = path_of(page).rsplit("/", 1)[1]
    assert path_of(page) == f"/surveys/{survey_id}" and page.get_by_test_id("survey-title").inner_text() == title
    panel = page.get_by_test_id("approval-panel")
    assert panel.get_attribute("data-approval-status") == "draft"
    panel.get_by_label("Ghi chú gửi lãnh đạo").fill("Kính trình lãnh đạo phê duyệt.")
    _click(page, panel, "Gửi lãnh đạo phê duyệt")
    assert page.get_by_test_id("approval-panel").get_attribute("data-approval-status") == "submitted"
    assert page.get_by_test_id("approval-approve").count() == 0, "the author never approves"
    return survey_id


def _approve_as_leader(browser: Any, sign_in: Any, survey_id: str, title: str) -> None:
    ctx, leader = _person(browser, sign_in, "leader", "/approvals")
    try:
        row = leader.get_by_test_id("approvals").locator(f"tr[data-subject$=':{survey_id}']")
        assert title in row.inner_text()
        row.get_by_role("link", name=title).click()
        leader.wait_for_load_state()
        assert path_of(leader) == f"/surveys/{survey_id}"
        leader.get_by_test_id("approval-panel").get_by_label("Ghi chú (bắt buộc khi trả lại)").fill("Đồng ý")
        leader.get_by_test_id("approval-approve").click()
        leader.wait_for_load_state()
        assert leader.get_by_test_id("approval-panel").get_attribute("data-approval-status") == "approved"
        assert "Đồng ý" in leader.get_by_test_id("approval-history").inner_text()
        leader.goto(leader.url.rsplit("/", 1)[0])
        assert leader.get_by_test_id("survey-list").locator(f"tr[data-id='{survey_id}']").count() == 1
        _shot(leader, "desktop-survey-list")
    finally:
        ctx.close()


def _draw_and_open(page: Any, frame_id: str, size: int) -> None:
    """The officer draws the official sample from the frame and starts sending (the round closes in five days)."""
    page.reload()
    _shot(page, "desktop-survey-approved-draw-form")
    draw = page.get_by_test_id("draw-form")
    draw.locator("select[name=kind]").select_option("official")
    draw.get_by_test_id("draw-frame").select_option(frame_id)
    draw.get_by_test_id("draw-size").fill(str(size))
    draw.get_by_test_id("draw-submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("form-error").count() == 0, page.get_by_test_id("form-error").all_inner_texts()
    assert page.locator("[data-round='1']").get_attribute("data-status") == "drawn"
    closes = page.evaluate("new Date(Date.now() + 5 * 86400000 + 7 * 3600000).toISOString().slice(0, 16)")
    page.get_by_test_id("open-closes").fill(closes)
    page.get_by_test_id("open-submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("form-error").count() == 0, page.get_by_test_id("form-error").all_inner_texts()
    assert page.locator("[data-round='1']").get_attribute("data-status") == "open"


def _choose_each(page: Any, pick: str = "last") -> None:
    """Answer every choice question of the screen (the last option: the most satisfied / 'Không')."""
    for fieldset in page.locator("fieldset.fieldset").all():
        labels = fieldset.locator("label.option-label")
        (labels.last if pick == "last" else labels.first).click()


def test_an_invitation_is_answered_on_a_phone_once_and_the_officer_sees_it_counted(
    browser, page, sign_in, api, url, unique, run_jobs, drain, ses_events, sent
):
    title = f"Khảo sát hài lòng về tổng đài {unique}"
    sign_in(page, "hanoi", "focal-officer", path="/login?next=/surveys")
    survey_id = _plan_in_the_browser(page, title)
    _approve_as_leader(browser, sign_in, survey_id, title)
    officer = api("hanoi").login("focal-officer")
    frame_id = _frame(officer, run_jobs, unique, rows=12)
    _draw_and_open(page, frame_id, size=4)

    mine = f".{unique}@example.vn"

    def invited() -> list[Any]:
        return [d for m in sent()["bulk"] for d in m.destinations if mine in d["Destination"]["ToAddresses"][0]]

    destinations = _until(lambda: len(invited()) >= 4 and invited(), drain, run_jobs)
    ses_events()
    link = urlsplit(json.loads(destinations[0]["ReplacementTemplateData"])["survey_url"])
    assert link.hostname == "hanoi.localhost" and link.path.startswith("/s/")

    phone = _phone(browser)
    try:
        tab = phone.new_page()
        tab.goto(url("hanoi", link.path))
        assert tab.get_by_test_id("office-name").inner_text() == "Bảo hiểm xã hội thành phố Hà Nội"
        assert tab.get_by_test_id("progress").inner_text() == "Câu 1/5"
        assert "nguoi" not in tab.content() and mine not in tab.content(), "no personal data on the page"
        _fits_the_phone(tab)
        tab.get_by_test_id("continue").click()
        tab.wait_for_load_state()
        summary = tab.get_by_test_id("error-summary")
        assert summary.is_visible() and tab.title().startswith("Lỗi: ")
        _shot(tab, "phone-1-error")
        summary.get_by_role("link").first.click()
        assert tab.evaluate("location.hash") == "#q1"
        _choose_each(tab, "first")  # "Có"
        tab.get_by_test_id("continue").click()
        tab.wait_for_load_state()
        assert tab.get_by_test_id("progress").inner_text() == "Câu 2–4/5"
        _fits_the_phone(tab)
        tab.locator("label[for='q2-5']").click()
        tab.get_by_test_id("continue").click()
        tab.wait_for_load_state()
        assert tab.get_by_test_id("error-summary").get_by_role("link").count() == 2
        assert tab.locator("#q2-5").is_checked(), "what was answered on a screen with errors is kept"
        _shot(tab, "phone-2-error")
        _choose_each(tab)
        tab.get_by_test_id("continue").click()
        tab.wait_for_load_state()
        assert tab.get_by_test_id("progress").inner_text() == "Câu 5/5"

        tab.reload()  # the respondent comes back later with the same link: where they left off, answers kept
        assert tab.get_by_test_id("progress").inner_text() == "Câu 5/5"
        tab.get_by_test_id("back").click()
        tab.wait_for_load_state()
        assert tab.locator("#q2-5").is_checked() and tab.locator("#q4-5").is_checked()
        tab.get_by_test_id("continue").click()
        tab.wait_for_load_state()
        _fits_the_phone(tab)
        tab.get_by_label("Ông/Bà có góp ý gì thêm cho chúng tôi không?").fill("Tổng đài viên nhiệt tình, dễ hiểu.")
        _shot(tab, "phone-3-comment")
        assert tab.get_by_test_id("continue").inner_text() == "Gửi câu trả lời"
        tab.get_by_test_id("continue").click()
        tab.wait_for_load_state()
        assert "Cảm ơn" in tab.get_by_test_id("done").inner_text()
        _shot(tab, "phone-4-thank-you")

        tab.goto(url("hanoi", link.path))
        assert "đã được ghi nhận" in tab.get_by_test_id("done").inner_text(), "a second visit gets the polite page"
        _shot(tab, "phone-5-already-recorded")
        tab.goto(url("hanoi", "/s/not-a-real-token-at-all-000000"))
        assert tab.get_by_test_id("problem-title").inner_text() == "Không tìm thấy phiếu khảo sát"
        assert "1900 9068" in tab.get_by_test_id("hotline").inner_text()
        assert tab.get_by_test_id("problem-hotline").get_attribute("href") == "tel:19009068"
        _fits_the_phone(tab)
        _shot(tab, "phone-6-unknown-link")
    finally:
        phone.close()

    page.reload()
    overall = page.get_by_test_id("tally-overall").locator("td").all_inner_texts()
    headings = page.get_by_test_id("tally-table").locator("thead th").all_inner_texts()
    row = dict(zip(headings[1:], overall, strict=True))
    assert (row["Kế hoạch"], row["Đã mời"], row["Đã nhận"], row["Hoàn thành"]) == ("4", "4", "4", "1"), row
    assert page.get_by_test_id("tally-chart").locator("svg").count() == 1
    assert page.get_by_test_id("sending-sent").inner_text() == "4"
    assert page.get_by_test_id("sending-statuses").inner_text() == "Đã nhận: 4", "in Vietnamese, the empty ones left out"
    assert page.get_by_test_id("plan-questionnaire").inner_text() == "Đánh giá câu trả lời của cơ quan BHXH"
    assert page.get_by_test_id("plan-lead-unit").inner_text() == "Phòng Quản lý thu và phát triển người tham gia"
    _shot(page, "desktop-survey-with-tally")

    page.get_by_test_id("members-link").click()
    page.wait_for_load_state()
    statuses = (
        page.get_by_test_id("member-list").locator("tr[data-status]").evaluate_all("rows => rows.map(r => r.dataset.status)")
    )
    assert statuses.count("completed") == 1 and statuses.count("delivered") == 3, statuses
    assert "Đã trả lời" in page.get_by_test_id("member-list").inner_text()
    roles = page.get_by_test_id("member-list").locator("tbody tr").evaluate_all("rows => rows.map(r => r.cells[1].innerText)")
    assert roles == sorted(roles, key=lambda r: r != "Mẫu chính"), "the main sample first, then the reserves"
    _shot(page, "desktop-members")

    page.get_by_test_id("invitations-link").click()
    page.wait_for_load_state()
    labels = page.get_by_test_id("invitation-list").get_by_test_id("invitation-status").all_inner_texts()
    assert len(labels) == 4 and set(labels) == {"Đã nhận"}, labels
    assert "Đang gửi → Đã nhận" in page.get_by_test_id("invitation-list").inner_text()
    _shot(page, "desktop-invitations")


def test_an_interviewer_enters_a_members_answers_once_on_the_same_form(browser, page, sign_in, api, unique, run_jobs):
    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    plan = {
        "title": f"Phỏng vấn người tham gia {unique}",
        "kind": "participants",
        "purpose": "Phỏng vấn trực tiếp người đến giao dịch tại bộ phận một cửa.",
        "period_start": "2026-12-01",
        "period_end": "2026-12-31",
        "methods": ["individual_interview"],
        "lead_unit": "truyen-thong",
    }
    survey = officer.post("/api/surveys", plan).json
    submitted = officer.post(f"/api/surveys/{survey['id']}/submit", {"version": survey["version"]}).json
    survey = leader.post(f"/api/surveys/{survey['id']}/approve", {"version": submitted["version"]}).json
    frame_id = _frame(officer, run_jobs, unique, rows=8)
    draw = {"kind": "official", "frame_id": frame_id, "size": 2, "version": survey["version"]}
    assert officer.post(f"/api/surveys/{survey['id']}/rounds", draw).status == 201
    version = officer.get(f"/api/surveys/{survey['id']}").json["version"]
    closes = (datetime.now(VN_TZ) + timedelta(days=5)).isoformat()
    opened = officer.post(f"/api/surveys/{survey['id']}/rounds/1/open", {"closes_at": closes, "version": version})
    assert opened.status == 200, opened.text

    sign_in(page, "hanoi", "focal-officer", path=f"/login?next=/surveys/{survey['id']}/rounds/1/members")
    links = page.get_by_test_id("interview-link")
    _shot(page, "desktop-members-interview")
    assert links.count() == 2 and links.first.inner_text() == "Nhập phiếu phỏng vấn"
    member_id = links.first.locator("xpath=ancestor::tr").get_attribute("data-id")
    links.first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("progress").inner_text() == "Câu 1/5"
    banner = page.get_by_test_id("interview-banner")
    assert "Nhập phiếu phỏng vấn: đợt 1, mẫu chính thứ tự 1" in banner.inner_text()
    assert banner.get_by_role("link").get_attribute("href") == f"/surveys/{survey['id']}/rounds/1/members"
    _choose_each(page, "first")
    page.get_by_test_id("continue").click()
    page.wait_for_load_state()
    _shot(page, "desktop-interview-form")
    _choose_each(page)
    page.get_by_test_id("continue").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("continue").inner_text() == "Gửi câu trả lời"
    entry = page.locator("form input[type=hidden]").evaluate_all("els => Object.fromEntries(els.map(e => [e.name, e.value]))")
    page.get_by_test_id("continue").click()
    page.wait_for_load_state()
    assert path_of(page) == f"/surveys/{survey['id']}/rounds/1/members?recorded={member_id}"
    assert page.get_by_test_id("recorded").is_visible()
    row = page.get_by_test_id("member-list").locator(f"tr[data-id='{member_id}']")
    assert row.get_attribute("data-status") == "completed" and row.get_by_test_id("interview-link").count() == 0

    retried = page.evaluate(
        """async ([action, fields]) => {
            const r = await fetch(action, {method: "POST", body: new URLSearchParams(fields)});
            return r.url;
        }""",
        [f"/surveys/{survey['id']}/rounds/1/members/{member_id}/interview", entry | {"q5": ""}],
    )
    assert retried.endswith(f"/members?recorded={member_id}"), "the retried last screen (a double submit) is one entry"
    api_again = officer.post(
        f"/api/surveys/{survey['id']}/rounds/1/members/{member_id}/interview",
        {"entry_id": entry["entry_id"], "answers": {"q1": "yes", "q2": "5", "q3": "5", "q4": "5"}},
    )
    assert api_again.status == 200 and api_again.json["again"] is True, api_again.text
    tally = officer.get(f"/api/surveys/{survey['id']}/tally").json["overall"]
    assert tally["completed"] == 1, tally


def test_a_plan_ending_before_it_starts_is_refused_in_place_in_vietnamese(page, sign_in, unique):
    sign_in(page, "hanoi", "focal-officer", path="/login?next=/surveys/new")
    form = page.get_by_test_id("plan-form")
    form.get_by_test_id("plan-title").fill(f"Khảo sát ngược ngày {unique}")
    form.get_by_test_id("plan-purpose").fill("Thử kế hoạch có ngày kết thúc trước ngày bắt đầu.")
    form.get_by_label("Tiêu chí đánh giá").fill("Thái độ phục vụ\nThời gian chờ")
    form.get_by_label("Từ ngày").fill("2026-12-20")
    form.get_by_test_id("plan-end").fill("2026-12-10")
    form.locator("input[name=budget]").fill("mười triệu")
    form.get_by_test_id("plan-save").click()
    page.wait_for_load_state()
    assert path_of(page) == "/surveys/new"
    error = page.get_by_test_id("form-error").inner_text()
    assert error.startswith("Thông tin chưa hợp lệ: ") and "budget" not in error, error
    problems = page.locator("[data-field-error]").all_inner_texts()
    assert problems == ["Không đúng định dạng."], problems
    assert form.get_by_test_id("plan-title").input_value() == f"Khảo sát ngược ngày {unique}", "what was typed is kept"
    assert form.get_by_label("Tiêu chí đánh giá").input_value() == "Thái độ phục vụ\nThời gian chờ"
    _shot(page, "desktop-plan-form-errors")
    form.locator("input[name=budget]").fill("10000000")
    form.get_by_test_id("plan-save").click()
    page.wait_for_load_state()
    assert path_of(page) == "/surveys/new", "still refused: it ends before it starts"
    assert page.locator("[data-field-error='period_end']").inner_text() == "Ngày kết thúc phải sau ngày bắt đầu."
