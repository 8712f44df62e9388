"""The personal-data pages through chalice's test client: cheap checks of what the browser suite drives in Chromium."""

from __future__ import annotations

import uuid

from tests.api.test_request_pages import console, form


def person(unique: str) -> dict:
    return {
        "kind": "individual",
        "full_name": f"Vũ Thị Thu {unique}",
        "id_number": str(uuid.uuid4().int)[:12],
        "phone": "0987" + str(uuid.uuid4().int)[:6],
    }


def test_the_record_offers_export_and_erasure_to_a_leader_only(api, unique):
    agent = api("hanoi").login("agent")
    customer = agent.post("/api/customers", person(unique)).json
    as_agent, _ = console(agent)
    shown = as_agent.get(f"/customers/{customer['id']}")
    assert shown.status == 200 and 'data-testid="erase-customer"' not in shown.text and "/export" not in shown.text
    assert as_agent.get(f"/customers/{customer['id']}/export").status == 403
    leader, csrf = console(api("hanoi").login("leader"))
    shown = leader.get(f"/customers/{customer['id']}")
    assert 'data-testid="erase-customer"' in shown.text and f"/customers/{customer['id']}/export" in shown.text
    printable = leader.get(f"/customers/{customer['id']}/export")
    assert printable.status == 200 and customer["id_number"] in printable.text and "Điều 9 khoản 7" in printable.text


def test_an_unconfirmed_erasure_changes_nothing_and_a_confirmed_one_shows_the_anonymous_record(api, unique):
    agent = api("hanoi").login("agent")
    customer = agent.post("/api/customers", person(unique)).json
    leader, csrf = console(api("hanoi").login("leader"))
    path = f"/customers/{customer['id']}/erase"
    unconfirmed = form(leader, path, {"version": "1", "reason": "subject_request"}, csrf)
    assert unconfirmed.status == 422 and agent.get(f"/api/customers/{customer['id']}").json["full_name"] == customer["full_name"]
    assert form(leader, path, {"version": "1", "reason": "subject_request", "confirm": "yes"}, "forged").status == 403
    done = form(leader, path, {"version": "1", "reason": "subject_request", "confirm": "yes", "reference": "3/PYC"}, csrf)
    assert done.status == 303 and done.headers["location"] == f"/customers/{customer['id']}?erased=1"
    shown = leader.get(done.headers["location"])
    assert (
        "Khách hàng đã ẩn danh" in shown.text
        and customer["id_number"] not in shown.text
        and "Đã xoá dữ liệu cá nhân" in shown.text
    )


def test_the_retention_page_saves_refuses_and_runs(api):
    admin, csrf = console(api("hanoi").login("tenant-admin"))
    shown = admin.get("/admin/retention")
    assert shown.status == 200 and "Thời hạn lưu trữ dữ liệu cá nhân" in shown.text and "Giới hạn toàn quốc" in shown.text
    assert 'data-testid="bounds-form"' not in shown.text, "only the CCC sets the national bounds"
    version = api("hanoi").login("agent").get("/api/retention-policy").json["version"]
    refused = form(admin, "/admin/retention", {"version": str(version), "months.customer_profile": "3"}, csrf)
    assert refused.status == 422 and "giới hạn toàn quốc" in refused.text
    saved = form(admin, "/admin/retention", {"version": str(version), "months.customer_profile": "72"}, csrf)
    assert saved.status == 303
    assert "Đang áp dụng: 72 tháng (6 năm)" in admin.get("/admin/retention?saved=policy").text
    form(admin, "/admin/retention", {"version": str(version + 1)}, csrf)  # back to the defaults for the other tests
    ran = form(admin, "/admin/retention/run", {}, csrf)
    assert ran.status == 303 and "Lần xử lý gần nhất" in admin.get(ran.headers["location"]).text
    central, ccc_csrf = console(api("ccc").login("central-admin"))
    assert 'data-testid="bounds-form"' in central.get("/admin/retention").text
    assert console(api("hanoi").login("agent"))[0].get("/admin/retention").status == 403
