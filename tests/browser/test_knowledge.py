"""The knowledge bank in the console: search as you type with the keyboard only, citing an entry into a hotline
answer in one keystroke, and an entry edited, compared with its earlier version and restored."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import path_of
from tests.browser.test_requests import intake

pytestmark = pytest.mark.browser


def test_an_agent_searches_as_they_type_and_opens_an_entry_without_the_mouse(page, url, sign_in):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, "hanoi", "agent", path="/knowledge")
    box = page.get_by_test_id("kb-search")
    expect(box).to_be_focused()
    box.press_sequentially("bao hiem that nghiep", delay=20)
    results = page.get_by_test_id("kb-results").locator("li")
    expect(results.first).to_contain_text("thất nghiệp")
    assert results.count() <= 8
    expect(results.first.locator("mark").first).to_be_visible()  # the matched words are marked
    page.screenshot(path="/tmp/knowledge-search.png", full_page=True)
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(results.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    expect(results.nth(0)).to_have_attribute("aria-selected", "true")
    chosen = results.nth(0).get_attribute("data-id")
    box.press("Enter")
    page.wait_for_url(re.compile(rf"/knowledge/{chosen}$"))
    expect(page.get_by_test_id("legal-basis")).to_be_visible()
    expect(page.get_by_test_id("validity")).to_contain_text("từ ")
    page.screenshot(path="/tmp/knowledge-entry.png", full_page=True)
    page.go_back()
    box = page.get_by_test_id("kb-search")
    box.fill("")
    box.press_sequentially("luong co so 1,8 trieu", delay=10)
    expect(page.get_by_test_id("kb-results").locator("li").first).to_be_visible()
    box.press("Escape")
    expect(box).to_have_value("")
    expect(page.get_by_test_id("kb-results").locator("li")).to_have_count(0)
    assert errors == []


def test_an_expired_entry_is_flagged_on_its_page(page, url, sign_in, api):
    officer = api("ccc").login("ccc-officer")
    found = officer.get("/api/knowledge/search?q=luong%20co%20so&status=published&limit=20").json["items"]
    expired = next(i for i in found if i["expired"])
    sign_in(page, "ccc", "ccc-officer")
    page.goto(url("ccc", f"/knowledge/{expired['id']}"))
    expect(page.get_by_test_id("flag-expired")).to_contain_text("Hết hiệu lực")
    expect(page.get_by_test_id("flag-current")).to_have_count(0)


def test_an_agent_cites_a_suggestion_into_the_answer_with_one_keystroke(page, url, sign_in, api, unique):
    agent = api("hanoi").login("agent")
    request = intake(agent, unique, question="Cho tôi hỏi mức hưởng trợ cấp thất nghiệp hằng tháng là bao nhiêu?")
    sign_in(page, "hanoi", "agent")
    page.goto(url("hanoi", f"/requests/{request['id']}"))
    suggestions = page.get_by_test_id("kb-suggestions").locator("li")
    expect(suggestions.first).to_be_visible()
    first_id = suggestions.first.get_attribute("data-id")
    answer = page.locator("[data-action=answer] textarea[name=text]")
    answer.focus()
    page.keyboard.press("Alt+1")
    expect(page.locator("[data-action=answer] input[name=knowledge_id]")).to_have_value(first_id or "")
    expect(page.get_by_test_id("kb-cited")).to_contain_text(first_id or "")
    assert len(answer.input_value()) > 20
    page.screenshot(path="/tmp/knowledge-cite.png", full_page=True)
    page.locator("[data-action=answer]").get_by_role("button", name="Trả lời").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("answer")).to_be_visible()
    assert agent.get(f"/api/requests/{request['id']}").json["answer"]["knowledge_id"] == first_id


def test_the_intake_form_suggests_as_the_question_is_typed_and_carries_the_choice(page, url, sign_in, unique):
    sign_in(page, "hanoi", "agent", path="/requests/new")
    page.locator("textarea[name=question]").press_sequentially("cap lai the bhyt bi mat", delay=10)
    suggestions = page.get_by_test_id("kb-suggestions").locator("li")
    expect(suggestions.first).to_be_visible()
    page.keyboard.press("Alt+1")
    chosen = suggestions.first.get_attribute("data-id") or ""
    expect(page.locator("input[name=cite]")).to_have_value(chosen)
    page.screenshot(path="/tmp/knowledge-intake.png", full_page=True)
    page.locator("input[name=subject]").fill(f"Cấp lại thẻ {unique}")
    page.locator("input[name=full_name]").fill("Lê Thị Hoa")
    page.locator("input[name=phone]").fill("0913" + str(int(unique, 16))[-6:].zfill(6))
    page.get_by_test_id("submit-intake").click()
    page.wait_for_url(re.compile(r"/requests/[^/?]+\?cite="))
    expect(page.locator("[data-action=answer] input[name=knowledge_id]")).to_have_value(chosen)
    assert path_of(page).endswith(f"?cite={chosen}")


def test_an_editor_changes_an_entry_sees_the_diff_and_restores_the_earlier_version(page, url, sign_in, api, unique):
    officer = api("hanoi").login("focal-officer")
    body = {
        "topic": "chung.tra-cuu",
        "question": f"Tra cứu hồ sơ {unique} ở đâu?",
        "answer": "Tra cứu trên VssID.",
        "valid_from": "2025-01-01",
        "owner_unit": "truyen-thong",
    }
    entry = officer.post("/api/knowledge", body).json
    sign_in(page, "hanoi", "focal-officer")
    page.goto(url("hanoi", f"/knowledge/{entry['id']}"))
    page.get_by_test_id("edit-entry").click()
    page.wait_for_load_state()
    editor_answer = page.get_by_test_id("editor-answer")
    editor_answer.fill("Ông/Bà tra cứu:\n- trên ứng dụng VssID;\n- tại Cổng Dịch vụ công.")
    preview = page.get_by_test_id("preview")
    expect(preview.locator("li")).to_have_count(2)
    expect(preview.locator("p")).to_have_text("Ông/Bà tra cứu:")
    page.screenshot(path="/tmp/knowledge-editor.png", full_page=True)
    page.get_by_test_id("save-entry").click()
    page.wait_for_url(re.compile(rf"/knowledge/{entry['id']}$"))
    expect(page.get_by_test_id("entry-answer").locator("li")).to_have_count(2)
    page.get_by_test_id("compare-1").click()
    page.wait_for_load_state()
    diff = page.get_by_test_id("diff")
    expect(diff.locator("tr[data-field]")).to_have_count(1)
    expect(diff.locator("tr[data-field=answer] .kb-before")).to_contain_text("Tra cứu trên VssID.")
    page.screenshot(path="/tmp/knowledge-diff.png", full_page=True)
    page.get_by_test_id("restore").click()
    page.wait_for_url(re.compile(rf"/knowledge/{entry['id']}$"))
    expect(page.get_by_test_id("entry-answer")).to_have_text("Tra cứu trên VssID.")
    expect(page.get_by_test_id("versions").locator("tbody tr")).to_have_count(3)
    page.screenshot(path="/tmp/knowledge-restored.png", full_page=True)


def test_the_review_queue_and_the_report_show_what_needs_doing(page, url, sign_in, context, api):
    overdue = api("ccc").login("ccc-officer").get("/api/knowledge/report").json["overdue"][0]
    sign_in(page, "ccc", "leader")
    page.goto(url("ccc", f"/knowledge/reviews?unit={overdue['owner_unit']}"))
    queue = page.get_by_test_id("review-queue")
    expect(queue.locator(f"tr.kb-row-overdue[data-id='{overdue['id']}']")).to_be_visible()
    page.screenshot(path="/tmp/knowledge-reviews.png", full_page=True)
    context.clear_cookies()
    sign_in(page, "ccc", "ccc-officer", path="/knowledge/report")
    expect(page.get_by_test_id("gaps")).to_contain_text("mat the ngan hang nhan luong huu")
    expect(page.get_by_test_id("citations").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("overdue").locator("tbody tr").first).to_be_visible()
    page.screenshot(path="/tmp/knowledge-report.png", full_page=True)
