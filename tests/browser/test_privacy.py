"""Personal data in the console: the administrator's retention periods and the job run now; a leader hands a customer
their data and erases it on their request."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.conftest import path_of

pytestmark = pytest.mark.browser


def digits(n: int) -> str:
    return str(uuid.uuid4().int)[:n]


def test_the_administrator_sets_a_retention_period_and_runs_the_job(page, sign_in, api):
    sign_in(page, "hanoi", "tenant-admin", path="/login?next=/admin/retention")
    assert path_of(page) == "/admin/retention"
    table = page.get_by_test_id("retention-table")
    table.get_by_label("customer_profile").fill("24")
    table.get_by_label("request_content").fill("60")
    page.get_by_role("button", name="Lưu thời hạn").click()
    page.wait_for_load_state()
    refused = page.get_by_test_id("retention-error").inner_text()
    assert refused == "Thời hạn lưu nội dung yêu cầu không được dài hơn thời hạn lưu hồ sơ khách hàng."
    table = page.get_by_test_id("retention-table")
    table.get_by_label("request_content").fill("")
    table.get_by_label("customer_profile").fill("72")
    page.get_by_role("button", name="Lưu thời hạn").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Đã lưu thời hạn lưu trữ."
    assert page.get_by_test_id("applied-customer_profile").inner_text() == "Đang áp dụng: 72 tháng (6 năm)"
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("retention-run").get_by_role("button", name="Chạy ngay").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Đã xử lý dữ liệu hết thời hạn lưu trữ."
    assert "Hoàn tất" in page.get_by_test_id("retention-run").inner_text()
    page.screenshot(path="/tmp/retention.png", full_page=True)
    version = api("hanoi").login("agent").get("/api/retention-policy").json["version"]
    assert api("hanoi").login("tenant-admin").put("/api/retention-policy", {"months": {}, "version": version}).status == 200


def test_a_leader_prints_the_customers_data_then_erases_it_on_their_request(page, sign_in, api, unique):
    agent = api("hanoi").login("agent")
    person = {"kind": "individual", "full_name": f"Đinh Thị Lụa {unique}", "id_number": digits(12), "phone": "09" + digits(8)}
    customer = agent.post("/api/customers", person).json
    call = {
        "channel": "hotline",
        "kind": "information",
        "category": "policy",
        "subject": "Hỏi chế độ thai sản",
        "question": "Chị Lụa hỏi được nghỉ thai sản mấy tháng khi sinh đôi.",
        "customer": {"id": customer["id"]},
    }
    request = agent.post("/api/requests", call).json
    agent.post(f"/api/requests/{request['id']}/answer", {"version": request["version"], "text": "Chị được nghỉ 7 tháng."})

    sign_in(page, "hanoi", "leader", path=f"/login?next=/customers/{customer['id']}")
    page.get_by_test_id("export-link").click()
    page.wait_for_load_state()
    export = page.get_by_test_id("customer-export")
    assert person["id_number"] in export.get_by_test_id("export-profile").inner_text()
    [shown] = export.get_by_test_id("export-request").all()
    assert request["reference"] in shown.inner_text() and "Chị được nghỉ 7 tháng." in shown.inner_text()
    assert "leader" not in export.inner_text() and "agent" not in export.inner_text()
    page.screenshot(path="/tmp/customer-export.png", full_page=True)

    page.go_back()
    page.wait_for_load_state()
    form = page.get_by_test_id("erase-customer")
    form.get_by_label("Căn cứ xoá dữ liệu").select_option("subject_request")
    form.get_by_label("Số phiếu yêu cầu", exact=False).fill("21/PYC-BHXH")
    form.get_by_role("checkbox").check()
    page.screenshot(path="/tmp/customer-privacy.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Xoá dữ liệu cá nhân").click()
    page.wait_for_load_state()
    assert path_of(page) == f"/customers/{customer['id']}?erased=1"
    assert page.get_by_test_id("customer-name").inner_text() == "Khách hàng đã ẩn danh"
    assert "Chủ thể dữ liệu yêu cầu xoá" in page.get_by_test_id("customer-anonymised").inner_text()
    assert person["id_number"] not in page.content() and person["full_name"] not in page.content()
    assert page.get_by_test_id("customer-privacy").count() == 0, "nothing left to export or erase"
    page.screenshot(path="/tmp/customer-erased.png", full_page=True)
