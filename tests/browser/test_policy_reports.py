"""A policy report's page at a desk's width in Chromium: the five groups' figures are the API's, the typical
questions link to their requests, the recommendations form saves, and nothing pushes the page sideways."""

from __future__ import annotations

import os

import pytest

from tests.api.test_requests import _intake

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("POLICY_SHOTS_DIR", "/work/shots")
PERIOD = "2024-06"  # this file's month: no other test receives requests then


def test_the_report_page_shows_the_sections_and_saves_the_recommendations(page, sign_in, api, unique, run_jobs) -> None:
    agent, focal = api("hanoi").login("agent"), api("hanoi").login("focal-officer")
    at = f"{PERIOD}-12T10:00:00+07:00"
    for n, (category, subject) in enumerate(
        [("policy", "Điều kiện hưởng chế độ thai sản")] * 4
        + [("policy", "Cách tính lương hưu")] * 2
        + [("public_service", "Cấp lại thẻ BHYT bị mất")] * 3
        + [("staff_attitude", "Cán bộ một cửa chậm tiếp nhận hồ sơ")]
        + [("procedure_execution", "Thời hạn giải quyết trợ cấp ốm đau")] * 2
    ):
        _intake(agent, f"{unique}{n}", received_at=at, category=category, subject=subject)
    created = focal.post("/api/reports/policy", {"kind": "regular", "period": PERIOD})
    assert created.status == 201, created.text
    run_jobs()
    report = focal.get(f"/api/reports/policy/{created.json['id']}").json

    sign_in(page, "hanoi", "focal-officer", path=f"/login?next=/reports/policy/{report['id']}")
    assert page.get_by_test_id("policy-title").inner_text() == report["title"]
    received = page.locator("[data-testid=policy-figures-table] td[data-indicator=received]").all_inner_texts()
    assert received == ["6", "2", "3", "1", "0", "12"], "the five groups and the total, as the API counts them"
    questions = page.get_by_test_id("typical-question").all_inner_texts()
    assert questions[0].startswith("4") and "Điều kiện hưởng chế độ thai sản" in questions[0]
    assert page.get_by_test_id("evidence-request").count() >= 4
    form = page.get_by_test_id("recommendations-form")
    form.locator("textarea[name=overall]").fill("Đề nghị BHXH Việt Nam hướng dẫn thống nhất hồ sơ hưởng chế độ thai sản.")
    form.locator("textarea[name=policy]").fill("Bổ sung câu hỏi về điều kiện hưởng chế độ thai sản vào ngân hàng hỏi đáp.")
    form.get_by_role("button", name="Lưu kiến nghị").click()
    page.wait_for_load_state()
    saved = focal.get(f"/api/reports/policy/{report['id']}").json
    assert saved["overall"]["recommendation"].startswith("Đề nghị BHXH Việt Nam")
    assert page.get_by_test_id("approval-panel").is_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    if os.path.isdir(SHOTS):
        page.screenshot(path=f"{SHOTS}/policy-report.png", full_page=True)
