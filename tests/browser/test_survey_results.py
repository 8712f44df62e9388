"""The results page at a desk's width and a published report on a phone, in Chromium: the index's chart and tables
fit, nothing pushes the phone's page sideways (wide tables scroll inside their box), and the figures are the API's."""

from __future__ import annotations

import os
from typing import Any

import pytest

from chalicelib.web.charts import format_percent
from tests.api.test_survey_results_pages import _answered_round, _published
from tests.browser.test_surveys import PHONE

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("RESULTS_SHOTS_DIR", "/work/shots")


def _shot(page: Any, name: str) -> None:
    if os.path.isdir(SHOTS):
        page.screenshot(path=f"{SHOTS}/results-{name}.png", full_page=True)


def test_the_results_page_and_the_published_report_on_a_phone(browser, page, sign_in, url, api, unique, run_jobs) -> None:
    officer, leader, survey = _answered_round(api, unique, run_jobs)
    data = officer.get(f"/api/surveys/{survey['id']}/results?round=1").json
    sign_in(page, "hanoi", "focal-officer", path=f"/login?next=/surveys/{survey['id']}/results?round=1%26by=channel")
    assert page.get_by_test_id("results-title").inner_text() == "Kết quả khảo sát"
    values = page.get_by_test_id("index-value").all_inner_texts()
    assert values == [format_percent(r["estimate"]["value"]) for r in data["index"]]
    assert page.get_by_test_id("index-chart").locator("svg").is_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    _shot(page, "desktop")

    report = _published(api, officer, leader, survey)
    assert officer.post(f"/api/surveys/{survey['id']}/report/publish", {"version": report["version"]}).status == 200
    phone = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    tab = phone.new_page()
    tab.goto(url("hanoi", "/khao-sat/ket-qua"))
    tab.get_by_test_id("published-link").filter(has_text=unique).click()
    tab.wait_for_load_state()
    assert tab.get_by_test_id("published-title").inner_text().endswith(unique)
    assert tab.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], "no sideways scroll on a phone"
    _shot(tab, "public-phone")
    phone.close()
