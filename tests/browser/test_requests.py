"""Requests in the console: a hotline call, a written answer approved by the leader, rule errors, the CCC's view."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.shared.clock import VN_TZ
from tests.browser.conftest import PASSWORD, TIMEOUT_MS, path_of

pytestmark = pytest.mark.browser


def digits(n: int) -> str:
    """n random digits."""
    return str(uuid.uuid4().int)[:n]


def intake(client, unique: str, channel: str = "hotline", **extra) -> dict:
    """A request recorded through the API (the pages are tested elsewhere in the test)."""
    customer = {"kind": "individual", "full_name": f"Hoàng Văn Bình {unique}", "id_number": digits(12)}
    body = {
        "channel": channel,
        "kind": "information",
        "category": "policy",
        "subject": f"Hỏi chế độ hưu trí {unique}",
        "question": "Tôi đóng BHXH 20 năm thì được hưởng lương hưu bao nhiêu?",
        "customer": customer,
        **extra,
    }
    reply = client.post("/api/requests", body)
    assert reply.status == 201, reply.text
    return reply.json


def timeline(page) -> list[str]:
    """The 'Thao tác' column of the request page's timeline, oldest first."""
    return [t.strip() for t in page.get_by_test_id("timeline").locator("tbody tr td:nth-child(3)").all_inner_texts()]


def act(page, action: str, button: str) -> None:
    """Submit one action form of the request page and wait for the page it leads to."""
    page.locator(f"[data-action='{action}']").get_by_role("button", name=button).click()
    page.wait_for_load_state()


def other_user(browser, sign_in, tenant: str, username: str, path: str):
    """A second person in their own browser profile."""
    ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    tab = ctx.new_page()
    sign_in(tab, tenant, username, PASSWORD, path=path)
    return ctx, tab


def test_agent_takes_a_hotline_call_answers_closes_and_records_the_rating(page, sign_in, api, unique):
    agent = api("hanoi").login("agent")
    code = agent.get("/api/me").json["user"]["agent_code"]
    cccd = digits(12)
    customer = agent.post("/api/customers", {"kind": "individual", "full_name": f"Vũ Thị Lan {unique}", "id_number": cccd}).json

    sign_in(page, "hanoi", "agent", path="/login?next=/requests/new")
    assert path_of(page) == "/requests/new"
    assert f"Mã số {code} tổng đài" in page.get_by_test_id("scripts").inner_text()
    form = page.get_by_test_id("intake-form")
    assert form.get_by_label("Kênh tiếp nhận").locator("option:checked").inner_text() == "Tổng đài điện thoại"
    form.get_by_label("Tìm khách hàng đã có").press_sequentially(cccd[:9], delay=20)
    form.get_by_test_id("lookup-results").locator(f"button[data-customer='{customer['id']}']").click()
    assert f"Vũ Thị Lan {unique}" in form.get_by_test_id("picked-customer").inner_text()
    form.get_by_label("Tiêu đề").fill(f"Chế độ thai sản {unique}")
    form.get_by_label("Nội dung câu hỏi").fill("Sinh con thứ hai thì được nghỉ bao lâu?")
    form.get_by_role("button", name="Ghi nhận yêu cầu").click()
    page.wait_for_load_state()

    assert path_of(page).startswith("/requests/") and path_of(page) != "/requests/new"
    reference = page.get_by_test_id("reference").inner_text()
    assert reference.startswith("HANOI-")
    assert f"Vũ Thị Lan {unique}" in page.get_by_test_id("customer").inner_text()
    assert f"Mã số {code} tổng đài điện thoại của BHXH Việt Nam xin nghe." in page.get_by_test_id("scripts").inner_text()
    assert page.get_by_test_id("status").inner_text() == "Đang xử lý"
    assert "còn" in page.get_by_test_id("due").inner_text()

    page.locator("[data-action='answer']").get_by_label("Nội dung trả lời").fill("Lao động nữ được nghỉ 6 tháng.")
    act(page, "answer", "Trả lời")
    assert page.get_by_test_id("status").inner_text() == "Đã trả lời"
    assert page.get_by_test_id("answer").inner_text() == "Lao động nữ được nghỉ 6 tháng."
    act(page, "close", "Đóng yêu cầu")
    assert page.get_by_test_id("status").inner_text() == "Đã đóng"
    act(page, "rate", "Ghi nhận đánh giá")
    assert "Hài lòng" in page.get_by_test_id("rating").inner_text()
    assert timeline(page) == ["Tiếp nhận", "Trả lời", "Đóng", "Đánh giá"]
    assert page.get_by_test_id("reference").inner_text() == reference


def test_written_answer_is_drafted_then_approved_by_the_leader(browser, page, sign_in, unique):
    sign_in(page, "hanoi", "focal-officer", path="/login?next=/requests/new")
    form = page.get_by_test_id("intake-form")
    form.get_by_label("Kênh tiếp nhận").select_option(label="Thư điện tử")
    form.get_by_label("Tiêu đề").fill(f"Cấp lại sổ BHXH {unique}")
    form.get_by_label("Nội dung câu hỏi").fill("Tôi bị mất sổ BHXH, xin hướng dẫn thủ tục cấp lại.")
    form.get_by_label("Họ và tên").fill(f"Ngô Thị Mai {unique}")
    form.get_by_label("Số CMND/CCCD/Hộ chiếu").fill(digits(12))
    form.get_by_label("Thư điện tử", exact=True).fill(f"mai.{unique}@example.vn")
    form.get_by_role("button", name="Ghi nhận yêu cầu").click()
    page.wait_for_load_state()
    reference = page.get_by_test_id("reference").inner_text()
    assert page.locator("[data-action='answer']").count() == 0, "written answers need approval"

    page.locator("[data-action='draft']").get_by_label("Dự thảo").fill("Kính gửi bà, thủ tục cấp lại sổ gồm …")
    act(page, "draft", "Gửi lãnh đạo phê duyệt")
    assert page.get_by_test_id("status").inner_text() == "Chờ lãnh đạo phê duyệt"
    assert page.get_by_role("button", name="Phê duyệt và gửi").count() == 0, "the officer cannot approve"

    ctx, leader = other_user(browser, sign_in, "hanoi", "leader", "/login?next=/requests")
    try:
        leader.get_by_test_id("inbox-tabs").get_by_role("link", name="Chờ phê duyệt").click()
        leader.wait_for_load_state()
        leader.get_by_test_id("request-table").get_by_role("link", name=reference).click()
        leader.wait_for_load_state()
        assert leader.get_by_role("button", name="Trả lại").count() == 1, "the leader may also return it"
        leader.screenshot(path="/tmp/request-approval.png", full_page=True)
        act(leader, "approve", "Phê duyệt và gửi")
        assert leader.get_by_test_id("status").inner_text() == "Đã trả lời"
        assert leader.get_by_test_id("answer").inner_text() == "Kính gửi bà, thủ tục cấp lại sổ gồm …"
        assert leader.get_by_test_id("survey-link").inner_text().startswith("Đã gửi "), "the link's state: its URL is not kept"
        assert timeline(leader) == ["Tiếp nhận", "Soạn dự thảo", "Phê duyệt", "Trả lời"]
    finally:
        ctx.close()
    page.reload()
    assert page.get_by_test_id("status").inner_text() == "Đã trả lời"
    page.screenshot(path="/tmp/request-answered.png", full_page=True)


def test_a_callback_in_the_evening_is_refused_on_the_page(page, sign_in, api, unique):
    created = intake(api("hanoi").login("agent"), unique)
    day = datetime.now(VN_TZ).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    sign_in(page, "hanoi", "agent", path=f"/login?next=/requests/{created['id']}")
    form = page.locator("[data-action='schedule_callback']")
    form.get_by_label("Thời điểm gọi lại").fill(f"{day.isoformat()}T21:00")
    form.get_by_label("Ghi chú").fill("Khách hẹn buổi tối")
    act(page, "schedule_callback", "Hẹn gọi lại")
    assert "giờ làm việc" in page.get_by_test_id("action-error").inner_text()
    assert page.get_by_test_id("reference").inner_text() == created["reference"], "the request page, not an error page"
    assert page.locator("[data-action='schedule_callback']").get_by_label("Ghi chú").input_value() == "Khách hẹn buổi tối"
    assert timeline(page) == ["Tiếp nhận"]


def test_ccc_transfers_to_hanoi_and_sees_it_in_the_national_list(page, sign_in, api, unique):
    ccc = api("ccc").login("ccc-officer")
    created = intake(ccc, unique)
    sign_in(page, "ccc", "ccc-officer", path=f"/login?next=/requests/{created['id']}")
    form = page.locator("[data-action='transfer']")
    form.get_by_label("Đơn vị nhận").select_option(label="Hà Nội")
    form.get_by_label("Ghi chú chuyển").fill("Hồ sơ do BHXH Hà Nội quản lý")
    act(page, "transfer", "Chuyển")
    assert page.get_by_test_id("status").inner_text() == "Chờ BHXH tỉnh báo cáo"
    assert "Hà Nội" in page.get_by_test_id("transfers").inner_text()
    assert timeline(page)[-1] == "Chuyển BHXH tỉnh"
    remote = ccc.get(f"/api/requests/{created['id']}").json["transfers"][0]["remote_request_id"]

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Yêu cầu toàn quốc").click()
    page.wait_for_load_state()
    filters = page.get_by_test_id("central-filters")
    filters.get_by_label("Tỉnh, thành phố").select_option(label="Hà Nội")
    filters.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    assert "tenant=hanoi" in path_of(page)
    provinces = page.get_by_test_id("central-table").locator("tbody tr td:first-child").all_inner_texts()
    assert provinces and {p.strip() for p in provinces} == {"Hà Nội"}
    page.goto(page.url + "&limit=100")
    row = page.get_by_test_id("central-table").locator(f"tr[data-request='{remote}']")
    assert f"hanoi.localhost/requests/{remote}" in row.inner_text()
    assert row.get_by_role("link").count() == 0, "a province's request is not opened on the CCC's host"


def test_overdue_tab_lists_an_old_request_and_not_a_fresh_one(page, sign_in, api, unique):
    agent = api("hanoi").login("agent")
    old = intake(agent, unique, channel="fanpage", received_at=(datetime.now(UTC) - timedelta(days=30)).isoformat())
    fresh = intake(agent, unique + "f")
    sign_in(page, "hanoi", "agent", path="/login?next=/requests")
    page.get_by_test_id("inbox-tabs").get_by_role("link", name="Quá hạn").click()
    page.wait_for_load_state()
    assert "overdue=true" in path_of(page)
    seen: list[str] = []
    while True:
        seen += page.get_by_test_id("request-table").locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.request)")
        more = page.get_by_test_id("next-page")
        if old["id"] in seen or more.count() == 0:
            break
        more.click()
        page.wait_for_load_state()
    assert old["id"] in seen and fresh["id"] not in seen
    row = page.locator(f"tr[data-request='{old['id']}']")
    assert "quá hạn" in row.get_by_test_id("time-left").inner_text()
    assert "overdue" in (row.get_by_test_id("time-left").get_attribute("class") or "")
