"""Personal data over the API on the emulated stack (Decree 13/2023): export, erasure, retention settings, the job."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.customers.retention import AUDIT_ENTRY, CUSTOMER_PROFILE, REQUEST_CONTENT
from chalicelib.tenancy.catalog import TENANT_BY_CODE
from tests.conftest import Api, Reply


def digits(n: int) -> str:
    return str(uuid.uuid4().int)[:n]


def person(unique: str) -> dict[str, Any]:
    return {
        "kind": "individual",
        "full_name": f"Lê Thị Hạnh {unique}",
        "id_number": digits(12),
        "social_insurance_code": digits(10),
        "phone": "09" + digits(8),
        "email": f"hanh.{unique}@example.vn",
        "address": "8 Hùng Vương, Ba Đình, Hà Nội",
    }


def intake(agent: Api, customer: dict[str, Any], unique: str) -> dict[str, Any]:
    body = {
        "channel": "hotline",
        "kind": "information",
        "category": "policy",
        "subject": f"Chế độ ốm đau {unique}",
        "question": f"Chị {customer['full_name']} hỏi chế độ ốm đau khi con nằm viện",
        "customer": {"id": customer["id"]},
    }
    reply = agent.post("/api/requests", body)
    assert reply.status == 201, reply.text
    return reply.json


def audit_text(client: Api) -> str:
    """This month's audit trail of the client's tenant, as the leader reads it."""
    month = datetime.now(UTC).strftime("%Y-%m")
    reply = client.get(f"/api/audit?month={month}&limit=500")
    assert reply.status == 200, reply.text
    return json.dumps(reply.json["items"], ensure_ascii=False)


def entries_about(client: Api, target: str) -> list[dict[str, Any]]:
    return [e for e in json.loads(audit_text(client)) if e["target_id"] == target]


@pytest.fixture
def hanoi(api) -> dict[str, Api]:
    return {role: api("hanoi").login(role) for role in ("agent", "leader", "tenant-admin")}


def erase(leader: Api, customer: dict[str, Any], **body: Any) -> Reply:
    return leader.post(
        f"/api/customers/{customer['id']}/erase", {"version": customer["version"], "reason": "subject_request", **body}
    )


def test_a_leader_exports_the_customer_with_their_requests_audited_and_an_agent_may_not(hanoi, unique):
    agent, leader = hanoi["agent"], hanoi["leader"]
    customer = agent.post("/api/customers", person(unique)).json
    request = intake(agent, customer, unique)
    refused = agent.get(f"/api/customers/{customer['id']}/export")
    assert refused.status == 403 and refused.error_code == "forbidden"
    before = [e["action"] for e in entries_about(leader, customer["id"])]
    assert "customer.export" not in before, "a refused call writes nothing"

    reply = leader.get(f"/api/customers/{customer['id']}/export")
    assert reply.status == 200, reply.text
    export = reply.json
    assert export["office"] == TENANT_BY_CODE["hanoi"].name
    assert export["customer"]["id_number"] == customer["id_number"] and export["customer"]["email"] == customer["email"]
    [exported] = export["requests"]
    assert exported["reference"] == request["reference"] and exported["question"] == request["question"]
    assert [s["step"] for s in exported["steps"]] == ["received"] and "agent" not in json.dumps(exported)
    assert [e["action"] for e in entries_about(leader, customer["id"])] == ["customer.export", *before]


def test_another_office_gets_404_and_a_token_of_another_office_403(api, hanoi, unique):
    customer = hanoi["agent"].post("/api/customers", person(unique)).json
    hcm_leader = api("hcm").login("leader")
    for path in (f"/api/customers/{customer['id']}/export",):
        assert hcm_leader.get(path).status == 404
    gone = hcm_leader.post(f"/api/customers/{customer['id']}/erase", {"version": 1, "reason": "subject_request"})
    assert gone.status == 404 and gone.error_code == "not_found"
    assert hanoi["leader"].on("hcm").get(f"/api/customers/{customer['id']}/export").status == 403
    assert hanoi["agent"].get(f"/api/customers/{customer['id']}").json["full_name"] == customer["full_name"]


def test_an_erasure_waits_for_open_requests_and_refusals_write_nothing(hanoi, unique):
    agent, leader = hanoi["agent"], hanoi["leader"]
    customer = agent.post("/api/customers", person(unique)).json
    request = intake(agent, customer, unique)
    assert agent.post(f"/api/customers/{customer['id']}/erase", {"version": 1, "reason": "subject_request"}).status == 403
    held = erase(leader, customer)
    assert held.status == 422 and held.error_code == "customer_has_open_requests"
    assert request["reference"] in held.json["error"]["message"]
    assert erase(leader, {**customer, "version": 9}).status == 409
    unknown = leader.post(f"/api/customers/{customer['id']}/erase", {"version": 1, "reason": "because"})
    assert unknown.status == 400
    personal = {"version": 1, "reason": "objection", "reference": "CCCD-" + customer["id_number"]}
    named = leader.post(f"/api/customers/{customer['id']}/erase", personal)
    assert named.status == 422 and named.json["error"]["fields"] == {"reference": "personal_data"}
    assert agent.get(f"/api/customers/{customer['id']}").json["full_name"] == customer["full_name"]
    assert agent.get(f"/api/requests/{request['id']}").json["question"] == request["question"]
    assert not [e for e in entries_about(leader, customer["id"]) if e["action"] == "customer.erase"]


def test_an_erasure_anonymises_the_customer_and_their_requests_keep_only_statistics(hanoi, unique):
    agent, leader = hanoi["agent"], hanoi["leader"]
    body = person(unique)
    customer = agent.post("/api/customers", body).json
    request = intake(agent, customer, unique)
    answered = agent.post(
        f"/api/requests/{request['id']}/answer", {"version": request["version"], "text": f"Chị {body['full_name']} được hưởng"}
    )
    assert answered.status == 200, answered.text

    reply = erase(leader, customer, reference="15/PYC-BHXH")
    assert reply.status == 200, reply.text
    assert reply.json["requests_redacted"] == 1 and reply.json["customer"]["anonymised_reason"] == "subject_request"
    record = agent.get(f"/api/customers/{customer['id']}").json
    assert record["anonymised_at"] and record["display_name"] == "Khách hàng đã ẩn danh"
    assert all(record[f] is None for f in ("full_name", "id_number", "social_insurance_code", "phone", "email", "address"))
    assert agent.get(f"/api/customers?identifier={body['id_number']}").json["items"] == []
    assert agent.get(f"/api/customers?q=le thi hanh {unique}").json["items"] == []
    kept = agent.get(f"/api/requests/{request['id']}").json
    assert (kept["status"], kept["channel"], kept["category"], kept["received_at"]) == (
        "answered",
        "hotline",
        "policy",
        request["received_at"],
    )
    assert body["full_name"] not in json.dumps(kept, ensure_ascii=False) and kept["customer_name"] == "Khách hàng đã ẩn danh"
    again = erase(leader, customer)
    assert again.status == 200 and again.json["requests_redacted"] == 0, "a retried erasure changes nothing"
    assert [e["action"] for e in entries_about(leader, customer["id"])].count("customer.erase") == 1
    edited = agent.put(f"/api/customers/{customer['id']}", {**body, "version": record["version"]})
    assert edited.status == 409 and edited.error_code == "customer_anonymised"


def test_no_audit_entry_holds_the_customers_name_id_number_or_phone(hanoi, unique):
    agent, leader = hanoi["agent"], hanoi["leader"]
    body = person(unique)
    customer = agent.post("/api/customers", body).json
    moved = {**body, "phone": "09" + digits(8), "full_name": f"Lê Thị Hạnh Mai {unique}"}
    updated = agent.put(f"/api/customers/{customer['id']}", {**moved, "version": 1}).json
    agent.get(f"/api/customers/{customer['id']}")
    leader.get(f"/api/customers/{customer['id']}/export")
    assert erase(leader, updated).status == 200
    trail = audit_text(leader)
    assert {e["action"] for e in entries_about(leader, customer["id"])} >= {
        "customer.create",
        "customer.update",
        "customer.read",
        "customer.export",
        "customer.erase",
    }
    for value in (
        body["full_name"],
        moved["full_name"],
        body["id_number"],
        body["social_insurance_code"],
        customer["phone"],
        updated["phone"],
        body["email"],
    ):
        assert value not in trail, value


def test_the_office_sets_its_retention_inside_the_bounds_at_its_version(hanoi, api):
    admin, agent = hanoi["tenant-admin"], hanoi["agent"]
    current = agent.get("/api/retention-policy")
    assert current.status == 200
    kinds = {k["kind"]: k for k in current.json["kinds"]}
    assert set(kinds) == {CUSTOMER_PROFILE, REQUEST_CONTENT, AUDIT_ENTRY}
    version = current.json["version"]
    assert agent.put("/api/retention-policy", {"months": {CUSTOMER_PROFILE: 48}, "version": version}).status == 403
    out = admin.put("/api/retention-policy", {"months": {CUSTOMER_PROFILE: 6}, "version": version})
    assert out.status == 422 and out.json["error"]["fields"] == {"months.customer_profile": "out_of_bounds"}
    longer = admin.put("/api/retention-policy", {"months": {CUSTOMER_PROFILE: 24, REQUEST_CONTENT: 36}, "version": version})
    assert longer.status == 422 and longer.error_code == "content_longer"
    assert agent.get("/api/retention-policy").json["version"] == version, "refused changes write nothing"
    saved = admin.put("/api/retention-policy", {"months": {CUSTOMER_PROFILE: 48, REQUEST_CONTENT: 24}, "version": version})
    assert saved.status == 200, saved.text
    assert {k["kind"]: k["months"] for k in saved.json["kinds"]} == {CUSTOMER_PROFILE: 48, REQUEST_CONTENT: 24, AUDIT_ENTRY: 60}
    stale = admin.put("/api/retention-policy", {"months": {}, "version": version})
    assert stale.status == 409
    assert admin.put("/api/retention-policy", {"months": {}, "version": saved.json["version"]}).status == 200


def test_only_the_ccc_central_administrator_sets_national_bounds(api, hanoi):
    assert hanoi["tenant-admin"].get("/api/central/retention-bounds").status == 403
    central = api("ccc").login("central-admin")
    current = central.get("/api/central/retention-bounds")
    assert current.status == 200, current.text
    bounds = {k["kind"]: {"minimum": k["minimum"], "maximum": k["maximum"]} for k in current.json["kinds"]}
    bad = central.put(
        "/api/central/retention-bounds",
        {"bounds": {CUSTOMER_PROFILE: {"minimum": 60, "maximum": 12}}, "version": current.json["version"]},
    )
    assert bad.status == 422
    saved = central.put("/api/central/retention-bounds", {"bounds": bounds, "version": current.json["version"]})
    assert saved.status == 200 and saved.json["version"] == current.json["version"] + 1
    assert central.put("/api/central/retention-bounds", {"bounds": bounds, "version": current.json["version"]}).status == 409


def test_the_office_runs_the_job_now_and_it_reports_what_it_did(hanoi):
    run = hanoi["tenant-admin"].post("/api/retention-policy/run")
    assert run.status == 200, run.text
    assert run.json["complete"] is True and set(run.json) >= {"customers_anonymised", "requests_redacted", "audit_months_purged"}
    assert hanoi["agent"].post("/api/retention-policy/run").status == 403
    assert hanoi["agent"].get("/api/retention-policy").json["last_run"]["ran_at"] == run.json["ran_at"]
    # The demo data (local/seed.py): the customer inactive since 2020 is gone, the one recorded last year stays.
    assert hanoi["agent"].get("/api/customers?identifier=001085012345").json["items"] == []
    [mai] = hanoi["agent"].get("/api/customers?identifier=001190067890").json["items"]
    assert mai["display_name"] == "Nguyễn Thị Mai"


def test_the_job_seven_years_on_anonymises_the_inactive_and_keeps_the_waiting(stack, unique):
    """The job with the clock moved on, in an office no other test uses (danang), through the real stores on moto."""
    from chalicelib import bootstrap
    from chalicelib.customers.schemas import CustomerIdentity
    from chalicelib.requests.schemas import CustomerRef, RequestCreate
    from chalicelib.shared.clock import FixedClock
    from chalicelib.shared.tenancy import Principal

    today = bootstrap.container()
    actor = Principal("danang.agent", "danang", frozenset({"agent"}))
    made = [
        today.customers.create(tenant="danang", actor=actor, data=CustomerIdentity(**person(f"{unique}{n}"))) for n in range(3)
    ]
    waiting = made.pop()
    question = RequestCreate(
        channel="email",
        kind="complaint",
        category="policy",
        customer=CustomerRef(id=waiting.id),
        subject="Chưa nhận lương hưu",
        question="Ba tháng chưa nhận",
    )
    open_request = today.requests.intake(tenant="danang", actor=actor, data=question, idempotency_key=None)
    later = bootstrap.build(clock=FixedClock(datetime.now(UTC) + timedelta(days=7 * 366)))
    run = later.privacy.run(tenant="danang")
    assert run.customers_anonymised >= 2 and run.complete
    for customer in made:
        gone = later.customers.get(tenant="danang", actor=actor, customer_id=customer.id)
        assert gone.anonymised_at is not None and gone.identifiers() == {}
    kept = later.customers.get(tenant="danang", actor=actor, customer_id=waiting.id)
    assert kept.anonymised_at is None and kept.full_name == waiting.full_name, "an open request keeps its customer"
    assert later.requests.get(tenant="danang", request_id=open_request.id).question == "Ba tháng chưa nhận"
    assert later.privacy.run(tenant="danang").customers_anonymised == 0, "a second run finds nothing more"
