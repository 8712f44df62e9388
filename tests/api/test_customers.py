"""Customers over the API on the emulated stack: look-up by every identifier, duplicates, tenancy, CCC reads, audit."""

from __future__ import annotations

import io
import json
import logging
import uuid

import pytest


def digits(n: int) -> str:
    """n random digits (unique enough for the session's shared table)."""
    return str(uuid.uuid4().int)[:n]


def person(unique: str) -> dict:
    """An individual with every identifier, fresh for this test."""
    return {
        "kind": "individual",
        "full_name": f"Nguyễn Văn Đạt {unique}",
        "id_number": digits(12),
        "social_insurance_code": digits(10),
        "health_card_code": "DN4" + digits(12),
        "phone": "+84 9" + digits(8),
        "email": f"dat.{unique}@example.vn",
        "address": "12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội",
    }


@pytest.fixture
def log_lines():
    """What the app's own log handler writes (its real formatter), as parsed JSON lines."""
    from chalicelib.shared.observability import logger

    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler), handler
    stream = io.StringIO()
    previous_stream, previous_level = handler.setStream(stream), logger.log_level
    logger.setLevel("DEBUG")
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    handler.setStream(previous_stream)
    logger.setLevel(previous_level)


@pytest.fixture
def agent(api):
    return api("hanoi").login("agent")


def found_ids(client, query: str) -> list[str]:
    reply = client.get(f"/api/customers?{query}&limit=50")
    assert reply.status == 200, reply.body
    return [item["id"] for item in reply.json["items"]]


def test_create_then_find_by_every_identifier_its_beginning_and_the_name(agent, unique):
    body = person(unique)
    created = agent.post("/api/customers", body)
    assert created.status == 201, created.body
    record = created.json
    assert record["phone"] == "09" + body["phone"][5:] and record["display_name"] == body["full_name"]
    assert record["version"] == 1 and record["timeline"] == []
    org = agent.post(
        "/api/customers", {"kind": "organization", "org_name": f"Công ty Đông Á {unique}", "unit_code": f"TA{digits(6)}"}
    )
    assert org.status == 201, org.body
    for field in ("id_number", "social_insurance_code", "health_card_code", "phone"):
        assert found_ids(agent, f"identifier={record[field]}") == [record["id"]], field
        assert record["id"] in found_ids(agent, f"identifier={record[field][:-2]}"), f"prefix of {field}"
    assert found_ids(agent, f"identifier={org.json['unit_code'].lower()}") == [org.json["id"]]
    assert found_ids(agent, f"q=nguyen van dat {unique}") == [record["id"]]
    assert found_ids(agent, f"q=cong ty dong a {unique}") == [org.json["id"]]


def test_search_results_mask_identifiers(agent, unique):
    body = person(unique)
    record = agent.post("/api/customers", body).json
    [item] = agent.get(f"/api/customers?identifier={record['id_number']}").json["items"]
    assert item["identifiers"]["id_number"] == "*" * 8 + record["id_number"][-4:]
    assert record["phone"] not in json.dumps(item) and record["social_insurance_code"] not in json.dumps(item)


def test_a_duplicate_is_refused_with_a_pointer_to_the_existing_record(agent, unique):
    body = person(unique)
    first = agent.post("/api/customers", body).json
    other = {"kind": "individual", "full_name": f"Người Khác {unique}", "id_number": body["id_number"], "phone": "09" + digits(8)}
    again = agent.post("/api/customers", other)
    assert again.status == 409 and again.error_code == "duplicate_customer"
    assert again.json["error"]["fields"] == {"id_number": f"duplicate:{first['id']}"}
    assert "hồ sơ" in again.json["error"]["message"]
    assert found_ids(agent, f"identifier={other['phone']}") == [], "the refused record wrote no phone entry"
    assert found_ids(agent, f"q=nguoi khac {unique}") == [], "nor a name entry"


def test_bad_identifiers_are_422_naming_the_field_and_unknown_fields_400(agent, unique):
    bad = agent.post("/api/customers", {"kind": "individual", "full_name": "A", "id_number": "12345", "phone": "12"})
    assert bad.status == 422 and bad.json["error"]["fields"] == {"id_number": "format", "phone": "format"}
    nameless = agent.post("/api/customers", {"kind": "organization", "unit_code": "TA0001A"})
    assert nameless.status == 422 and nameless.json["error"]["fields"] == {"org_name": "required"}
    assert agent.post("/api/customers", {"kind": "individual", "full_name": "A", "gender": "nam"}).status == 400


def test_update_with_the_version_moves_the_phone(agent, unique):
    body = person(unique)
    record = agent.post("/api/customers", body).json
    new_phone = "09" + digits(8)
    updated = agent.put(f"/api/customers/{record['id']}", {**body, "phone": new_phone, "version": record["version"]})
    assert updated.status == 200 and updated.json["version"] == 2 and updated.json["phone"] == new_phone
    assert found_ids(agent, f"identifier={record['phone']}") == []
    assert found_ids(agent, f"identifier={new_phone}") == [record["id"]]
    stale = agent.put(f"/api/customers/{record['id']}", {**body, "version": record["version"]})
    assert stale.status == 409 and stale.error_code == "conflict"


def test_matching_returns_the_existing_record(agent, unique):
    from chalicelib.bootstrap import container
    from chalicelib.customers.schemas import CustomerIdentity
    from chalicelib.shared.tenancy import Principal

    record = agent.post("/api/customers", person(unique)).json
    actor = Principal("hanoi.agent", "hanoi", frozenset({"agent"}))
    intake = CustomerIdentity(kind="individual", full_name="Tên khác", social_insurance_code=record["social_insurance_code"])
    found = container().customers.match(tenant="hanoi", actor=actor, data=intake)
    assert not found.new and found.customer.id == record["id"] and found.customer.full_name == record["full_name"]


def test_another_tenants_customer_is_404_and_not_found_by_its_identifiers(api, agent, unique):
    record = agent.post("/api/customers", person(unique)).json
    hcm = api("hcm").login("agent")
    assert hcm.get(f"/api/customers/{record['id']}").status == 404
    assert found_ids(hcm, f"identifier={record['id_number']}") == []
    assert found_ids(hcm, f"q=nguyen van dat {unique}") == []
    assert agent.on("hcm").get(f"/api/customers/{record['id']}").status == 403, "a Hà Nội token on the HCM host"


def test_the_ccc_reads_a_province_customer_and_a_province_cannot(api, agent, unique):
    record = agent.post("/api/customers", person(unique)).json
    ccc = api("ccc").login("ccc-officer")
    central = ccc.get(f"/api/central/customers/hanoi/{record['id']}")
    assert central.status == 200 and central.json["id_number"] == record["id_number"]
    assert ccc.get(f"/api/central/customers/atlantis/{record['id']}").status == 404
    assert api("hanoi").login("leader").get(f"/api/central/customers/hanoi/{record['id']}").status == 403
    trail = api("ccc").login("leader").get("/api/audit").json["items"]
    entry = next(e for e in trail if e["action"] == "customer.read" and e["target_id"] == record["id"])
    assert entry["actor"] == "ccc.ccc-officer" and entry["detail"] == {"tenant": "hanoi"}


def test_reads_are_audited_without_personal_data_in_the_trail_or_the_logs(api, agent, unique, log_lines):
    body = person(unique)
    record = agent.post("/api/customers", body).json
    assert agent.get(f"/api/customers/{record['id']}").status == 200
    assert agent.get(f"/api/customers?identifier={record['id_number']}").status == 200
    assert agent.get(f"/api/customers?identifier={record['phone']}").status == 200
    trail = api("hanoi").login("tenant-admin").get("/api/audit").json["items"]
    read = next(e for e in trail if e["action"] == "customer.read" and e["target_id"] == record["id"])
    assert read["actor"] == "hanoi.agent"
    search = next(e for e in trail if e["action"] == "customer.search" and e["actor"] == "hanoi.agent")
    assert set(search["detail"]) == {"by", "count"}
    secrets = [record[f] for f in ("id_number", "phone", "social_insurance_code", "health_card_code", "email")]
    trail_text, log_text = json.dumps(trail, ensure_ascii=False), json.dumps(log_lines(), ensure_ascii=False)
    assert log_text.count("request handled") >= 4
    for secret in secrets:
        assert secret not in trail_text and secret not in log_text, secret


def test_staff_without_customer_rights_are_refused(api, unique):
    admin = api("hanoi").login("tenant-admin")
    assert admin.get("/api/customers?q=nguyen").status == 403
    assert admin.post("/api/customers", person(unique)).status == 403


def console(api_client, tenant: str = "hanoi"):
    """A signed-in console session: cookie headers, and the form's anti-forgery token."""
    from chalicelib.shared.auth import csrf_token

    token = api_client.token
    plain = api_client.on(tenant)
    plain.token = None
    plain.extra_headers = {"cookie": f"cskh_session={token}"}
    return plain, csrf_token(token)


def form(client, path: str, fields: dict, csrf: str):
    from urllib.parse import urlencode

    body = urlencode({"csrf": csrf, **fields}).encode()
    return client.call("POST", path, raw=body, headers={"content-type": "application/x-www-form-urlencoded"})


def test_search_page_works_without_javascript_and_masks(agent, unique):
    record = agent.post("/api/customers", person(unique)).json
    page, csrf = console(agent)
    reply = page.get(f"/customers?identifier={record['id_number']}")
    assert reply.status == 200, reply.text
    assert f'href="/customers/{record["id"]}"' in reply.text and "*" * 8 + record["id_number"][-4:] in reply.text
    results = reply.text.split('data-testid="customer-results"', 1)[1].split("</table>", 1)[0]
    assert record["id_number"] not in results and record["phone"] not in reply.text, "only what was typed is echoed"
    assert f'<meta name="csrf-token" content="{csrf}">' in reply.text and "/static/customers.js" in reply.text
    assert "đang được xây dựng" not in reply.text
    by_name = page.get(f"/customers?q=nguyen+van+dat+{unique}")
    assert f'href="/customers/{record["id"]}"' in by_name.text and "Tìm thấy 1 khách hàng." in by_name.text
    assert "Từ khoá tìm kiếm quá ngắn." in page.get("/customers?identifier=79").text


def test_detail_page_shows_every_field_and_the_timeline(agent, unique):
    record = agent.post("/api/customers", person(unique)).json
    page, _ = console(agent)
    reply = page.get(f"/customers/{record['id']}")
    assert reply.status == 200
    for field in ("full_name", "id_number", "social_insurance_code", "health_card_code", "phone", "address"):
        assert record[field] in reply.text, field
    assert "Lịch sử giao dịch" in reply.text and "Ngày tạo hồ sơ" in reply.text
    assert page.get("/customers/01ARZ3NDEKTSV4RRFFQ69G5FAV").status == 404


def test_create_form_shows_field_errors_then_opens_the_record(agent, unique):
    page, csrf = console(agent)
    assert 'name="social_insurance_code"' in page.get("/customers/new").text
    fields = {"kind": "individual", "full_name": f"Lê Thị Hoa {unique}", "phone": "12345"}
    refused = form(page, "/customers/new", fields, csrf)
    assert refused.status == 422 and "Số điện thoại gồm 10 chữ số" in refused.text
    assert f'value="Lê Thị Hoa {unique}"' in refused.text, "typed values are kept"
    phone = "09" + digits(8)
    created = form(page, "/customers/new", {**fields, "phone": phone}, csrf)
    assert created.status == 303 and created.headers["location"].startswith("/customers/")
    customer_id = created.headers["location"].rsplit("/", 1)[1]
    id_number = "0790" + digits(8)
    first = form(page, "/customers/new", {**fields, "phone": "09" + digits(8), "id_number": id_number}, csrf)
    assert first.status == 303
    holder = first.headers["location"].rsplit("/", 1)[1]
    duplicate = form(page, "/customers/new", {**fields, "phone": phone, "id_number": id_number}, csrf)
    assert duplicate.status == 409 and f'href="/customers/{holder}"' in duplicate.text
    assert customer_id != holder
    assert form(page, "/customers/new", fields, "forged").status == 403


def test_a_household_shares_a_phone_and_each_keeps_their_own_record(api, unique):
    """Intake from a relative's phone must not land on the relative's record (Art. 7.1: wrong person, wrong data)."""
    agent = api("hanoi").login("agent")
    phone = "098" + unique[:7].translate(str.maketrans("abcdef", "123456"))
    mother = agent.post(
        "/api/customers", {"kind": "individual", "full_name": "Trần Thị Mẹ", "id_number": "0012" + phone[2:], "phone": phone}
    )
    assert mother.status == 201
    son = agent.post(
        "/api/customers", {"kind": "individual", "full_name": "Lê Văn Con", "id_number": "0013" + phone[2:], "phone": phone}
    )
    assert son.status == 201, "a shared phone is not a duplicate"
    from chalicelib.bootstrap import container
    from chalicelib.customers.schemas import CustomerIdentity
    from chalicelib.shared.tenancy import Principal

    actor = Principal("hanoi.agent", "hanoi", frozenset({"agent"}))
    customers = container().customers
    by_id = customers.match(
        tenant="hanoi",
        actor=actor,
        data=CustomerIdentity(kind="individual", full_name="Lê Văn Con", id_number="0013" + phone[2:], phone=phone),
    )
    assert by_id.customer.id == son.json["id"]
    stranger = customers.match(
        tenant="hanoi", actor=actor, data=CustomerIdentity(kind="individual", full_name="Ngô Khách Lạ", phone=phone)
    )
    assert stranger.new, "same phone, another name: a new customer"
    again = customers.match(
        tenant="hanoi", actor=actor, data=CustomerIdentity(kind="individual", full_name="Tran Thi Me", phone=phone)
    )
    assert again.customer.id == mother.json["id"], "same phone and the same name (diacritics aside): the same person"
