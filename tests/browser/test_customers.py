"""An agent records a customer with the form, finds them as they type, and opens the record."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.conftest import path_of

pytestmark = pytest.mark.browser


def test_agent_creates_then_finds_a_customer_as_they_type(page, url, sign_in, unique):
    cccd = str(uuid.uuid4().int)[:12]
    sign_in(page, "hanoi", "agent", path="/login?next=/customers/new")
    form = page.get_by_test_id("create-customer")
    form.get_by_label("Họ và tên").fill(f"Phạm Thị Đào {unique}")
    form.get_by_label("Số CMND/CCCD/Hộ chiếu").fill(cccd)
    form.get_by_label("Số điện thoại").fill("12")
    form.get_by_role("button", name="Lưu khách hàng").click()
    page.wait_for_load_state()
    assert "Số điện thoại gồm 10 chữ số" in page.locator("[data-field-error='phone']").inner_text()
    form.get_by_label("Số điện thoại").fill("")
    form.get_by_role("button", name="Lưu khách hàng").click()
    page.wait_for_load_state()
    record_path = path_of(page)
    assert record_path.startswith("/customers/") and f"Phạm Thị Đào {unique}" in page.get_by_test_id("customer-name").inner_text()

    page.goto(url("hanoi", "/customers"))
    page.get_by_label("Mã định danh", exact=False).press_sequentially(cccd[:9], delay=20)
    row = page.get_by_test_id("customer-results").locator(f"tr[data-customer='{record_path.rsplit('/', 1)[1]}']")
    row.wait_for()
    assert cccd[-4:] in row.inner_text() and cccd not in row.inner_text()
    assert path_of(page) == "/customers", "found without submitting the form"
    row.get_by_role("link").click()
    page.wait_for_load_state()
    assert path_of(page) == record_path and cccd in page.get_by_test_id("customer-fields").inner_text()
