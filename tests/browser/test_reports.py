"""The statistics pages in Chromium: the CCC's dashboard and league at a desk's width, an office's statistics on a
phone — the figures are the API's, the charts are drawn, "Báo cáo" and "Toàn quốc" lead to them, and nothing pushes
the phone's page sideways (wide tables scroll inside their box)."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

import pytest

from chalicelib.shared.clock import VN_TZ
from chalicelib.web.charts import format_number, format_percent
from tests.api.test_requests import _act, _intake
from tests.browser.conftest import path_of
from tests.browser.test_surveys import PHONE

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("REPORTS_SHOTS_DIR", "/work/shots")


def _shot(page: Any, name: str) -> None:
    if os.path.isdir(SHOTS):
        page.screenshot(path=f"{SHOTS}/reports-{name}.png", full_page=True)


def _activity(api: Any, unique: str) -> None:
    """A few requests of Hà Nội on several channels: the hotline's answered in the call, the written ones open."""
    agent = api("hanoi").login("agent")
    for n, channel in enumerate(("hotline", "hotline", "hotline", "email", "fanpage")):
        request = _intake(agent, f"{unique}{n}", channel=channel)
        if channel == "hotline":
            answered = _act(agent, request, "answer", text="Đã giải đáp theo quy định hiện hành.")
            assert answered.status == 200, answered.text


def test_the_cccs_dashboard_and_league_at_a_desk(page, sign_in, api, unique) -> None:
    _activity(api, unique)
    sign_in(page, "ccc", "leader")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Báo cáo", exact=True).click()
    page.wait_for_load_state()
    assert path_of(page) == "/reports/dashboard"
    read = api("ccc").login("leader").get("/api/reports/dashboard").json
    hanoi = next(o for o in read["offices"] if o["tenant"] == "hanoi")
    row = page.locator('[data-testid="row-offices"][data-key="hanoi"]')
    assert row.locator('[data-col="2"]').inner_text() == format_number(hanoi["open"])
    assert page.get_by_test_id("row-offices").count() == 35
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    _shot(page, "dashboard")

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Toàn quốc", exact=True).click()
    page.wait_for_load_state()
    assert path_of(page) == "/reports/national"
    month = f"{datetime.now(VN_TZ):%Y-%m}"
    league = api("ccc").login("leader").get(f"/api/reports/league?indicator=instant_rate&period={month}").json
    first = league["items"][0]
    cell = page.locator(f'[data-testid="row-league"][data-key="{first["tenant"]}"] [data-col="2"]')
    assert cell.inner_text() == format_percent(first["value"])
    assert page.get_by_test_id("league-chart").locator("svg").is_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    _shot(page, "national")
    page.locator('[data-testid="row-league"][data-key="hanoi"] a').click()
    page.wait_for_load_state()
    assert path_of(page).startswith("/reports/national/hanoi")
    assert "thành phố Hà Nội" in page.get_by_test_id("reports-office").inner_text()


def test_an_offices_statistics_on_a_phone(browser, url, api, unique) -> None:
    _activity(api, unique)
    phone = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    tab = phone.new_page()
    tab.goto(url("hanoi", "/login?next=/reports"))
    tab.get_by_label("Tên đăng nhập").fill("leader")
    tab.get_by_label("Mật khẩu").fill("Demo@2026")
    tab.get_by_role("button", name="Đăng nhập").click()
    tab.wait_for_load_state()
    assert tab.get_by_test_id("reports-title").inner_text() == "Thống kê"
    figures = api("hanoi").login("leader").get(f"/api/reports/figures?period={datetime.now(VN_TZ):%Y-%m}").json
    instant = next(i for i in figures["indicators"] if i["key"] == "instant_rate")["value"]
    assert tab.get_by_test_id("kpi-instant_rate").get_by_test_id("kpi-value").inner_text() == format_percent(instant)
    tab.get_by_test_id("how-instant_rate").locator("summary").click()
    assert tab.get_by_test_id("how-instant_rate").get_by_text("tổng số yêu cầu tiếp nhận").is_visible()
    assert tab.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], "no sideways scroll on a phone"
    _shot(tab, "phone")
    tab.get_by_role("link", name="Quý").click()
    tab.wait_for_load_state()
    assert tab.get_by_label("Quý").is_visible()
    phone.close()
