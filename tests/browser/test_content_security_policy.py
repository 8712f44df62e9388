"""The console works under its Content-Security-Policy: no page trips it, and the scripts and styles it allows
(from /static only) still do their work."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import path_of

pytestmark = pytest.mark.browser

# Recorded by the page itself: an init script runs before any of the page's own and is not subject to its CSP.
_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(context: Any, page: Any) -> Callable[[], list[str]]:
    """`watched()` → every CSP violation so far on the test's page: its events and Chromium's console reports."""
    context.add_init_script(_RECORD_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: console.append(f"page error: {e}"))

    def found() -> list[str]:
        events = page.evaluate("window.__cspViolations || []")
        return [*events, *console]

    return found


def _visit(page: Any, address: str, watched: Callable[[], list[str]], shot: str) -> None:
    page.goto(address)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.styleSheets.length") >= 1, "the stylesheet from /static was applied"
    page.screenshot(path=f"/tmp/csp-{shot}.png", full_page=True)
    assert watched() == [], (address, watched())


def test_the_main_pages_trip_nothing_and_their_scripts_work(page, url, sign_in, api, unique, watched):
    agent = api("hanoi").login("agent")
    cccd = str(uuid.uuid4().int)[:12]
    customer = agent.post(
        "/api/customers", {"kind": "individual", "full_name": f"Trịnh Văn Quý {unique}", "id_number": cccd}
    ).json
    request = agent.post(
        "/api/requests",
        {
            "channel": "hotline",
            "kind": "information",
            "category": "policy",
            "subject": f"Hỏi về bảo hiểm thất nghiệp {unique}",
            "question": "Tôi nghỉ việc thì được hưởng trợ cấp thất nghiệp bao lâu?",
            "customer": {"id": customer["id"]},
        },
    ).json

    _visit(page, url("hanoi", "/login"), watched, "login")
    sign_in(page, "hanoi", "agent")
    assert watched() == []
    _visit(page, url("hanoi", "/requests"), watched, "requests")
    _visit(page, url("hanoi", f"/requests/{request['id']}"), watched, "request")
    layout = page.locator(".req-layout").evaluate("e => getComputedStyle(e).display")
    assert layout == "grid", "requests.css (once an inline <style>) is applied"
    _visit(page, url("hanoi", f"/customers/{customer['id']}"), watched, "customer")

    _visit(page, url("hanoi", "/customers"), watched, "customers")
    page.get_by_label("Mã định danh", exact=False).press_sequentially(cccd[:9], delay=20)
    page.get_by_test_id("customer-results").locator(f"tr[data-customer='{customer['id']}']").wait_for()
    assert watched() == [], "the look-up as you type fetched and drew its rows"

    _visit(page, url("hanoi", "/requests/new"), watched, "intake")
    form = page.get_by_test_id("intake-form")
    form.get_by_label("Tìm khách hàng đã có").press_sequentially(cccd[:9], delay=20)
    form.get_by_test_id("lookup-results").locator(f"button[data-customer='{customer['id']}']").click()
    assert f"Trịnh Văn Quý {unique}" in form.get_by_test_id("picked-customer").inner_text()
    assert watched() == []


def test_the_error_page_s_back_link_works_without_inline_script(page, url, sign_in, watched):
    sign_in(page, "hanoi", "agent")
    _visit(page, url("hanoi", "/requests"), watched, "before-error")
    page.goto(url("hanoi", "/requests/khong-co"))
    assert page.get_by_test_id("error-message").is_visible()
    page.get_by_role("link", name="Quay lại").click()
    page.wait_for_load_state()
    assert path_of(page) == "/requests", "back in history, as javascript:history.back() did"
    assert watched() == []


def test_the_leader_confirms_a_dialog_under_the_policy(page, url, sign_in, watched):
    sign_in(page, "hanoi", "tenant-admin")
    _visit(page, url("hanoi", "/admin/users"), watched, "admin-users")
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.locator("button[data-confirm]").first.click()
    assert asked and asked[0].startswith(("Khoá tài khoản", "Cấp lại mật khẩu")), "app.js asked before submitting"
    assert path_of(page) == "/admin/users" and watched() == []
