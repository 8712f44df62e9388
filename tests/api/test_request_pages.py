"""The request pages through chalice's test client: cheap checks of what the browser suite drives in Chromium."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode


def console(client):
    """The same user with a session cookie (as the browser), and the form's anti-forgery token."""
    from chalicelib.shared.auth import csrf_token

    page = client.on(client.tenant)
    page.token, page.extra_headers = None, {"cookie": f"cskh_session={client.token}"}
    return page, csrf_token(client.token)


def form(page, path: str, fields: dict, csrf: str):
    body = urlencode({"csrf": csrf, **fields}, doseq=True).encode()
    return page.call("POST", path, raw=body, headers={"content-type": "application/x-www-form-urlencoded"})


def intake(client, unique: str, channel: str = "hotline", **extra) -> dict:
    customer = {"kind": "individual", "full_name": f"Lê Thị Hoa {unique}", "id_number": str(uuid.uuid4().int)[:12]}
    body = {
        "channel": channel,
        "kind": "information",
        "category": "policy",
        "subject": f"Hỏi chế độ ốm đau {unique}",
        "question": "Tôi nghỉ ốm 5 ngày thì được hưởng bao nhiêu?",
        "customer": customer,
        **extra,
    }
    reply = client.post("/api/requests", body)
    assert reply.status == 201, reply.text
    return reply.json


def test_intake_form_shows_the_annex1_scripts_with_the_agents_code(api):
    agent = api("hanoi").login("agent")
    code = agent.get("/api/me").json["user"]["agent_code"]
    page, _ = console(agent)
    shown = page.get("/requests/new")
    assert shown.status == 200
    assert f"Mã số {code} tổng đài điện thoại của BHXH Việt Nam xin nghe." in shown.text
    assert "Tổng đài điện thoại" in shown.text and "Chính sách, chế độ" in shown.text
    assert 'name="idempotency_key"' in shown.text and "để trống nếu là bây giờ" in shown.text
    assert console(api("hanoi").login("leader"))[0].get("/requests/new").status == 403, "leaders do not take calls"


def test_a_form_error_shows_the_form_again_and_a_double_submit_creates_one_request(api, unique):
    page, csrf = console(api("hanoi").login("agent"))
    fields = {
        "idempotency_key": uuid.uuid4().hex,
        "channel": "hotline",
        "kind": "information",
        "category": "policy",
        "subject": "",
        "question": "Hỏi về lương hưu",
        "customer_kind": "individual",
        "full_name": f"Đỗ Văn Nam {unique}",
        "id_number": str(uuid.uuid4().int)[:12],
    }
    refused = form(page, "/requests/new", fields, csrf)
    assert refused.status == 400 and 'data-field-error="subject"' in refused.text and "Tiêu đề" in refused.text
    assert "Hỏi về lương hưu" in refused.text, "what was typed is kept"
    fields["subject"] = f"Lương hưu {unique}"
    first, second = form(page, "/requests/new", fields, csrf), form(page, "/requests/new", fields, csrf)
    assert first.status == second.status == 303
    assert first.headers["location"] == second.headers["location"] and first.headers["location"].startswith("/requests/")
    opened = page.get(first.headers["location"])
    assert opened.status == 200 and f"Lương hưu {unique}" in opened.text and "Tiếp nhận" in opened.text


def test_bad_list_parameters_give_the_error_page_not_a_500(api):
    page, _ = console(api("hanoi").login("agent"))
    for query in ("channel=telegram", "limit=abc", "overdue=perhaps", "sort=name"):
        reply = page.get(f"/requests?{query}")
        assert reply.status == 400, (query, reply.status)
        assert "Không thực hiện được" in reply.text and 'data-testid="error-message"' in reply.text


def test_inbox_tabs_follow_the_role(api, unique):
    created = intake(api("hanoi").login("agent"), unique)
    agent_page = console(api("hanoi").login("agent"))[0].get("/requests?assignee=me&limit=100").text
    assert created["reference"] in agent_page and "Của tôi" in agent_page and "Chờ phê duyệt" not in agent_page
    leader_page = console(api("hanoi").login("leader"))[0].get("/requests").text
    assert "Chờ phê duyệt" in leader_page and "Tiếp nhận yêu cầu" not in leader_page


def test_signing_in_from_a_link_returns_to_the_page_it_named(api, unique):
    created = intake(api("hanoi").login("agent"), unique)
    reply = api("hanoi").get(f"/requests/{created['id']}?tab=timeline")
    assert reply.status in (302, 303)
    assert reply.headers["location"] == "/login?next=" + quote(f"/requests/{created['id']}?tab=timeline")


def test_another_tenants_request_is_the_404_page(api, unique):
    created = intake(api("hanoi").login("agent"), unique)
    reply = console(api("hcm").login("agent"))[0].get(f"/requests/{created['id']}")
    assert reply.status == 404 and "Không tìm thấy" in reply.text and created["reference"] not in reply.text


def test_a_rule_error_shows_the_request_page_with_the_message(api, unique):
    agent = api("hanoi").login("agent")
    created = intake(agent, unique)
    answered = agent.post(
        f"/api/requests/{created['id']}/answer", {"version": created["version"], "text": "Được hưởng 75%."}
    ).json
    page, csrf = console(agent)
    refused = form(page, f"/requests/{created['id']}/rate", {"version": answered["version"], "satisfied": "no"}, csrf)
    assert refused.status == 422 and "Khi khách hàng chưa hài lòng cần ghi lý do." in refused.text
    assert created["reference"] in refused.text and 'data-action="rate"' in refused.text
    stale = form(page, f"/requests/{created['id']}/close", {"version": created["version"]}, csrf)
    assert stale.status == 409 and "Dữ liệu đã được người khác thay đổi" in stale.text
    assert form(page, f"/requests/{created['id']}/close", {"version": answered["version"]}, csrf).status == 303
    assert "Đã đóng" in page.get(f"/requests/{created['id']}").text


def test_central_list_is_the_cccs_only(api, unique):
    old = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    created = intake(api("hanoi").login("agent"), unique, channel="fanpage", received_at=old)
    page, _ = console(api("ccc").login("ccc-officer"))
    shown = page.get("/central/requests?tenant=hanoi&overdue=true&limit=100")
    assert (
        shown.status == 200 and created["reference"] in shown.text and f"hanoi.localhost/requests/{created['id']}" in shown.text
    )
    refused = page.get("/central/requests?status=closed")
    assert refused.status == 400 and "chọn tỉnh" in refused.text
    assert console(api("hanoi").login("leader"))[0].get("/central/requests").status == 403


def test_transfer_and_report_back_through_the_pages(api, unique):
    ccc = api("ccc").login("ccc-officer")
    created = intake(ccc, unique)
    page, csrf = console(ccc)
    moved = form(
        page,
        f"/requests/{created['id']}/transfer",
        {"version": created["version"], "to_tenant": "hanoi", "to_unit": "co-so-1", "note": "Hồ sơ tại cơ sở"},
        csrf,
    )
    assert moved.status == 303
    shown = page.get(f"/requests/{created['id']}").text
    assert "Chờ BHXH tỉnh báo cáo" in shown and "Hà Nội / co-so-1" in shown and 'data-action="transfer"' not in shown
    remote = ccc.get(f"/api/requests/{created['id']}").json["transfers"][0]["remote_request_id"]
    hanoi = api("hanoi").login("agent")
    local, local_csrf = console(hanoi)
    received = local.get(f"/requests/{remote}").text
    assert "Chuyển đến từ" in received and created["reference"] in received and "Nhận từ đơn vị khác" in received
    assert 'data-action="report_back"' not in received, "answer the customer first"
    version = hanoi.get(f"/api/requests/{remote}").json["version"]
    assert (
        form(local, f"/requests/{remote}/answer", {"version": version, "text": "Đã giải quyết tại cơ sở."}, local_csrf).status
        == 303
    )
    answered = local.get(f"/requests/{remote}").text
    assert 'data-action="report_back"' in answered
    version = hanoi.get(f"/api/requests/{remote}").json["version"]
    assert (
        form(
            local, f"/requests/{remote}/report_back", {"version": version, "result": "Đã trả lời khách hàng."}, local_csrf
        ).status
        == 303
    )
    assert 'data-action="report_back"' not in local.get(f"/requests/{remote}").text, "reported once"
    back = page.get(f"/requests/{created['id']}").text
    assert "Đã báo cáo" in back and "Đã trả lời khách hàng." in back and "Báo cáo kết quả" in back


def test_escalation_answered_by_the_units_specialist_through_the_pages(api, unique):
    created = intake(api("hanoi").login("agent"), unique)
    leader = api("hanoi").login("leader")
    page, csrf = console(leader)
    none = form(page, f"/requests/{created['id']}/escalate", {"version": created["version"]}, csrf)
    assert none.status == 400 and "Đơn vị nghiệp vụ" in none.text
    sent = form(
        page,
        f"/requests/{created['id']}/escalate",
        {"version": created["version"], "unit_ids": ["chinh-sach-bhxh", "thu"], "note": "Hai phần"},
        csrf,
    )
    assert sent.status == 303
    specialist = api("hanoi").login("specialist")
    unit = specialist.get("/api/me").json["user"]["unit_id"]
    mine, mine_csrf = console(specialist)
    assert created["reference"] in mine.get(f"/requests?unit={unit}").text, "the unit's tab lists it"
    shown = mine.get(f"/requests/{created['id']}").text
    assert shown.count('data-action="answer_escalation"') == 1, "only the specialist's own unit's part"
    current = specialist.get(f"/api/requests/{created['id']}").json
    part = next(e for e in current["escalations"] if e["unit_id"] == unit)
    answered = form(
        mine,
        f"/requests/{created['id']}/answer_escalation",
        {"version": current["version"], "escalation_id": part["id"], "text": "Phần chế độ: được hưởng."},
        mine_csrf,
    )
    assert answered.status == 303
    after = mine.get(f"/requests/{created['id']}").text
    assert "Phần chế độ: được hưởng." in after and "Đơn vị trả lời" in after and 'data-action="answer_escalation"' not in after


def test_returned_draft_and_an_unsatisfied_rating_through_the_pages(api, unique):
    officer = api("hanoi").login("focal-officer")
    created = intake(officer, unique, channel="email")
    page, csrf = console(officer)
    assert (
        form(page, f"/requests/{created['id']}/draft", {"version": created["version"], "text": "Dự thảo lần 1"}, csrf).status
        == 303
    )
    leader = api("hanoi").login("leader")
    boss, boss_csrf = console(leader)
    current = leader.get(f"/api/requests/{created['id']}").json
    decision = {"version": current["version"], "draft_id": current["drafts"][0]["id"]}
    refused = form(boss, f"/requests/{created['id']}/reject_draft", decision, boss_csrf)
    assert refused.status == 422 and "Cần ghi lý do trả lại." in refused.text
    assert form(boss, f"/requests/{created['id']}/reject_draft", {**decision, "note": "Bổ sung căn cứ"}, boss_csrf).status == 303
    shown = page.get(f"/requests/{created['id']}").text
    assert "Bị trả lại" in shown and "Bổ sung căn cứ" in shown and 'data-action="draft"' in shown
    current = officer.get(f"/api/requests/{created['id']}").json
    form(page, f"/requests/{created['id']}/draft", {"version": current["version"], "text": "Dự thảo lần 2"}, csrf)
    current = leader.get(f"/api/requests/{created['id']}").json
    approved = form(
        boss,
        f"/requests/{created['id']}/approve",
        {"version": current["version"], "draft_id": current["drafts"][1]["id"]},
        boss_csrf,
    )
    assert approved.status == 303
    current = officer.get(f"/api/requests/{created['id']}").json
    rated = form(
        page,
        f"/requests/{created['id']}/rate",
        {"version": current["version"], "satisfied": "no", "reason": "Chưa rõ", "remedy": "Gọi lại giải thích"},
        csrf,
    )
    assert rated.status == 303
    final = page.get(f"/requests/{created['id']}").text
    assert "Chưa hài lòng" in final and "Gọi lại giải thích" in final and 'data-testid="follow-up"' in final


def _offered(page_html: str) -> set[str]:
    """The actions the page's forms and buttons submit to."""
    import re

    return set(re.findall(r'(?:action|formaction)="/requests/\w+/(\w+)"', page_html))


def test_the_page_offers_exactly_the_read_models_allowed_actions(api, unique):
    """One answer to "what may I do now": the console's forms are the API's `allowed_actions`, role by role."""
    agent, officer = api("hanoi").login("agent"), api("hanoi").login("focal-officer")
    leader, specialist = api("hanoi").login("leader"), api("hanoi").login("specialist")
    hotline, letter = intake(agent, unique), intake(officer, unique + "w", channel="email")
    drafted = officer.post(f"/api/requests/{letter['id']}/draft", {"version": letter["version"], "text": "Dự thảo trả lời"}).json
    seen = []
    for client in (agent, officer, leader, specialist):
        page, _ = console(client)
        for request in (hotline, drafted):
            allowed = set(client.get(f"/api/requests/{request['id']}").json["allowed_actions"])
            assert _offered(page.get(f"/requests/{request['id']}").text) == allowed
            seen.append(allowed)
    assert {"answer", "schedule_callback", "assign"} <= seen[0] and "approve" in seen[5] and seen[6] == seen[7] == set()
    ccc = api("ccc").login("ccc-officer")
    at_ccc = intake(ccc, unique + "c")
    assert "transfer" in ccc.get(f"/api/requests/{at_ccc['id']}").json["allowed_actions"]
    assert "transfer" not in agent.get(f"/api/requests/{hotline['id']}").json["allowed_actions"], "Art. 6.1: the CCC transfers"


def test_a_backwards_range_of_receipt_days_gives_the_error_page_naming_the_field(api):
    page, _ = console(api("hanoi").login("agent"))
    reply = page.get("/requests?received_from=2023-06-30&received_to=2023-06-01")
    assert reply.status == 422 and 'data-testid="error-message"' in reply.text and "Đến ngày" in reply.text
    assert page.get("/requests?received_from=30/06/2023").status == 400
