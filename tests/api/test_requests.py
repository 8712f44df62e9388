"""Requests end to end through the API: Art. 5–6, Annex 2 (DOMAIN.md §2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.adapters.dynamo import tenant_key
from chalicelib.links.domain import Link
from chalicelib.links.service import LinkService
from chalicelib.links.store import DynamoLinkStore
from chalicelib.notifications.store import OutboxItem
from chalicelib.shared.clock import VN_TZ, SystemClock
from tests.conftest import Api, Reply


def _customer(unique: str, **extra: str) -> dict:
    digits = str(abs(hash(unique)))[:9].rjust(9, "1")
    return {"kind": "individual", "full_name": "Nguyễn Văn An", "id_number": "001" + digits, "phone": "09" + digits[:8], **extra}


def _intake(client: Api, unique: str, channel: str = "hotline", **extra: Any) -> dict:
    body = {
        "channel": channel,
        "kind": "information",
        "category": "policy",
        "subject": f"Chế độ thai sản {unique}",
        "question": "Tôi muốn hỏi về chế độ thai sản khi sinh con.",
        "customer": _customer(unique, **extra.pop("customer", {})),
        **extra,
    }
    reply = client.post("/api/requests", body)
    assert reply.status == 201, reply.text
    return reply.json


def _act(client: Api, request: dict, action: str, **body: Any) -> Reply:
    return client.post(f"/api/requests/{request['id']}/{action}", {"version": request["version"], **body})


def test_intake_finds_or_creates_the_customer_and_sets_the_annex2_deadline(api, unique):
    agent = api("hanoi").login("agent")
    first = _intake(agent, unique)
    assert first["status"] == "open" and first["reference"].startswith("HANOI-")
    assert first["due_at"] is not None and first["assignee"] == "agent"
    second = _intake(agent, unique + "b", customer=_customer(unique))
    assert second["customer_id"] == first["customer_id"], "the same ID number is the same customer"


def test_intake_is_idempotent_with_a_key(api, unique):
    agent = api("hanoi").login("agent")
    body = {
        "channel": "email",
        "kind": "complaint",
        "category": "staff_attitude",
        "subject": "Thái độ cán bộ",
        "question": "Cán bộ tiếp nhận không nhiệt tình.",
        "customer": _customer(unique),
    }
    key = {"idempotency-key": f"intake-{unique}"}
    one, two = agent.post("/api/requests", body, headers=key), agent.post("/api/requests", body, headers=key)
    assert one.status == two.status == 201 and one.json["id"] == two.json["id"]
    reused = agent.post("/api/requests", {**body, "subject": "Khác hẳn"}, headers=key)
    assert reused.status == 422 and reused.error_code == "idempotency_key_reused"


def test_late_hotline_record_is_flagged(api, unique):
    agent = api("hanoi").login("agent")
    received = (datetime.now(UTC) - timedelta(minutes=12)).isoformat()
    request = _intake(agent, unique, received_at=received)
    assert request["late_record"] is True
    assert "nhập muộn" in request["timeline"][0]["detail"]
    assert _intake(agent, unique + "x")["late_record"] is False


def test_bad_intake_is_refused_and_stores_nothing(api, unique):
    agent = api("hanoi").login("agent")
    reply = agent.post(
        "/api/requests",
        {
            "channel": "telegram",
            "kind": "information",
            "category": "policy",
            "subject": "abc",
            "question": "abc",
            "customer": _customer(unique),
        },
    )
    assert reply.status == 400 and "channel" in reply.json["error"]["fields"]
    naive = agent.post(
        "/api/requests",
        {
            "channel": "post",
            "kind": "information",
            "category": "policy",
            "received_at": "2026-11-20T09:00:00",
            "subject": "abc",
            "question": "abc",
            "customer": _customer(unique),
        },
    )
    assert naive.status == 400 and "received_at" in naive.json["error"]["fields"]
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    newcomer = _customer(unique + "-new")
    since = datetime.now(UTC)
    refused = agent.post(
        "/api/requests",
        {
            "channel": "post",
            "kind": "information",
            "category": "policy",
            "received_at": future,
            "subject": "abc",
            "question": "abc",
            "customer": newcomer,
        },
    )
    assert refused.status == 422 and refused.json["error"]["fields"] == {"received_at": "future"}
    found = agent.get(f"/api/customers?identifier={newcomer['id_number']}").json["items"]
    assert found == [], "the refused intake left no customer behind"
    assert "customer.create" not in _audited_since(api, since), "nor an audit entry of one"


def _audited_since(api: Any, since: datetime, tenant: str = "hanoi") -> list[str]:
    """The actions of the tenant's audit trail since a moment (the trail is newest first)."""
    trail = api(tenant).login("tenant-admin").get("/api/audit?limit=100").json["items"]
    return [entry["action"] for entry in trail if datetime.fromisoformat(entry["at"]) >= since]


def test_hotline_answer_close_and_rating(api, unique):
    agent = api("hanoi").login("agent")
    request = _intake(agent, unique)
    answered = _act(agent, request, "answer", text="Ông/Bà được hưởng 6 tháng.").json
    assert answered["status"] == "answered" and answered["answer"]["text"] == "Ông/Bà được hưởng 6 tháng."
    assert answered["due_at"] is None
    closed = _act(agent, answered, "close").json
    rated = _act(agent, closed, "rate", satisfied=True).json
    assert rated["rating"]["satisfied"] is True
    assert [e["action"] for e in rated["timeline"]] == ["received", "answered", "closed", "rated"]
    assert all(e["actor"] == "hanoi.agent" for e in rated["timeline"])


def test_not_satisfied_needs_a_reason_and_opens_a_follow_up(api, unique):
    agent = api("hanoi").login("agent")
    answered = _act(agent, _intake(agent, unique), "answer", text="Trả lời.").json
    missing = _act(agent, answered, "rate", satisfied=False)
    assert missing.status == 422 and missing.json["error"]["fields"] == {"reason": "required"}
    rated = _act(agent, answered, "rate", satisfied=False, reason="Chưa rõ mức hưởng", remedy="Gửi văn bản hướng dẫn").json
    follow = agent.get(f"/api/requests/{rated['follow_up_id']}").json
    assert follow["follow_up_of"] == rated["id"] and follow["status"] == "open" and "Chưa rõ mức hưởng" in follow["question"]


def test_written_answers_need_a_leaders_approval_and_go_out_with_a_survey_link(api, unique, drain, sent):
    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    email = f"an.{unique}@example.vn"
    request = _intake(officer, unique, channel="email", customer={"email": email})
    refused = _act(officer, request, "answer", text="Gửi ngay")
    assert refused.status == 409 and refused.error_code == "approval_required"
    drafted = _act(officer, request, "draft", text="Kính gửi Ông/Bà, …").json
    assert drafted["status"] == "awaiting_approval"
    assert _act(officer, drafted, "approve", draft_id=drafted["drafts"][0]["id"]).status == 403, "the officer cannot approve"
    returned = _act(leader, drafted, "reject_draft", draft_id=drafted["drafts"][0]["id"], note="Bổ sung căn cứ pháp lý").json
    assert returned["status"] == "open" and returned["drafts"][0]["status"] == "returned"
    redrafted = _act(officer, returned, "draft", text="Kính gửi Ông/Bà, theo Luật BHXH 2024 …").json
    approved = _act(leader, redrafted, "approve", draft_id=redrafted["drafts"][1]["id"]).json
    assert approved["status"] == "answered" and approved["answer"]["text"].startswith("Kính gửi Ông/Bà, theo Luật")
    survey = approved["survey"]
    assert (
        survey["sent_at"] and survey["valid_until"] > survey["sent_at"] and survey["opened_at"] is survey["answered_at"] is None
    )
    before = len(sent()["emails"])
    drain()
    mails = sent()["emails"][before:]
    mine = [m for m in mails if email in m.destinations["ToAddresses"]]
    assert len(mine) == 1 and mine[0].template == "request-answer"
    url = json.loads(mine[0].template_data)["survey_url"]
    assert url.startswith("http://hanoi.localhost/s/")
    token = url.rsplit("/s/", 1)[1]
    link = LinkService(store=DynamoLinkStore(), clock=SystemClock()).resolve(tenant="hanoi", token=token, now=datetime.now(UTC))
    assert isinstance(link, Link) and link.purpose == "answer" and link.subject["request_id"] == approved["id"]
    assert token not in json.dumps(leader.get(f"/api/requests/{approved['id']}").json)
    stored = list(OutboxItem.query(tenant_key("hanoi", "OUTBOX"), filter_condition=OutboxItem.subject_id == approved["id"]))
    assert stored and all(i.status == "sent" and not i.secret for i in stored), "the outbox blanked the link once sent"
    assert token not in str([i.attribute_values for i in stored])
    assert "Bảo hiểm xã hội thành phố Hà Nội" in str(mine[0].template_data), "signed with the office's name, not its code"


def test_escalation_to_several_units_each_with_its_deadline(api, unique, drain, sent):
    agent, leader = api("hanoi").login("agent"), api("hanoi").login("leader")
    request = _intake(agent, unique)
    assert _act(agent, request, "escalate", unit_ids=["chinh-sach-bhxh"]).status == 403, "a leader signs escalations"
    unknown = _act(leader, request, "escalate", unit_ids=["nowhere"])
    assert unknown.status == 422
    escalated = _act(leader, request, "escalate", unit_ids=["chinh-sach-bhxh", "thu"], note="Cần trả lời cả hai phần").json
    assert escalated["status"] == "escalated" and {e["unit_id"] for e in escalated["escalations"]} == {"chinh-sach-bhxh", "thu"}
    assert all(e["due_at"] for e in escalated["escalations"])
    # The demo specialist belongs to the first department; the other unit's part is not theirs to answer.
    specialist = api("hanoi").login("specialist")
    me = specialist.get("/api/me").json["user"]["unit_id"]
    mine = next(e for e in escalated["escalations"] if e["unit_id"] == me)
    other = next(e for e in escalated["escalations"] if e["unit_id"] != me)
    queue = specialist.get(f"/api/requests?unit={me}").json["items"]
    assert escalated["id"] in [r["id"] for r in queue]
    wrong = specialist.post(
        f"/api/requests/{escalated['id']}/escalations/{other['id']}/answer", {"version": escalated["version"], "text": "x"}
    )
    assert wrong.status == 403
    part = specialist.post(
        f"/api/requests/{escalated['id']}/escalations/{mine['id']}/answer",
        {"version": escalated["version"], "text": "Phần chế độ: …"},
    ).json
    assert part["status"] == "escalated"
    assert escalated["id"] not in [r["id"] for r in specialist.get(f"/api/requests?unit={me}").json["items"]]
    admin = api("hanoi").login("tenant-admin")
    login = f"thu-{unique}"
    created = admin.post(
        "/api/users", {"username": login, "full_name": "Chuyên viên Thu", "roles": ["specialist"], "unit_id": other["unit_id"]}
    ).json
    first = api("hanoi").post("/api/auth/login", {"username": login, "password": created["temporary_password"]}).json
    token = (
        api("hanoi")
        .post("/api/auth/new-password", {"username": login, "session": first["session"], "new_password": "Thu@123456"})
        .json["access_token"]
    )
    colleague = api("hanoi")
    colleague.token = token
    done = colleague.post(
        f"/api/requests/{part['id']}/escalations/{other['id']}/answer", {"version": part["version"], "text": "Phần thu: …"}
    ).json
    assert done["status"] == "open" and done["due_at"] is not None, "all units answered: the relay deadline runs"
    relayed = _act(agent, done, "answer", text="Tổng hợp trả lời của hai phòng").json
    assert relayed["status"] == "answered"
    drain()
    sms = [text for number, text in sent()["sms"] if relayed["reference"] in text]
    assert len(sms) == 1 and "đã có kết quả" in sms[0]


def test_callback_must_be_in_working_hours_and_is_confirmed_by_sms(api, unique, drain, sent):
    agent = api("hanoi").login("agent")
    request = _intake(agent, unique)
    from chalicelib.bootstrap import container

    day = datetime.now(VN_TZ).date() + timedelta(days=1)
    while not container().sla.is_working_time(at=datetime(day.year, day.month, day.day, 9, 30, tzinfo=VN_TZ)):
        day += timedelta(days=1)  # the next working day by the Vietnamese calendar (weekends, Tết, decrees)
    night = datetime(day.year, day.month, day.day, 21, 0, tzinfo=VN_TZ)
    lunch = datetime(day.year, day.month, day.day, 12, 15, tzinfo=VN_TZ)
    for bad in (night, lunch):
        reply = _act(agent, request, "schedule_callback", at=bad.isoformat())
        assert reply.status == 422 and reply.error_code == "outside_working_hours"
    good = datetime(day.year, day.month, day.day, 9, 30, tzinfo=VN_TZ)
    stranger = _act(agent, request, "schedule_callback", at=good.isoformat(), assignee="ccc-officer")
    assert stranger.status == 422, "hand over only to a colleague of this office"
    scheduled = _act(agent, request, "schedule_callback", at=good.isoformat(), note="Khách bận buổi sáng sớm")
    assert scheduled.status == 200 and scheduled.json["callback"]["at"]
    drain()
    texts = [text for number, text in sent()["sms"] if scheduled.json["reference"] in text]
    assert len(texts) == 1 and good.strftime("%H:%M %d/%m/%Y") in texts[0]


def test_transfer_to_a_province_which_reports_back(api, unique):
    ccc = api("ccc").login("ccc-officer")
    request = _intake(ccc, unique)
    unknown = _act(ccc, request, "transfer", to_tenant="atlantis")
    assert unknown.status == 422
    transferred = _act(ccc, request, "transfer", to_tenant="hanoi", to_unit="co-so-1", note="Hồ sơ tại BHXH cơ sở").json
    assert transferred["status"] == "transferred" and transferred["transfers"][0]["status"] == "pending"
    remote_id = transferred["transfers"][0]["remote_request_id"]
    hanoi = api("hanoi").login("agent")
    remote = hanoi.get(f"/api/requests/{remote_id}").json
    assert remote["origin"]["tenant"] == "ccc" and "Hồ sơ tại BHXH cơ sở" in remote["question"]
    early = _act(hanoi, remote, "report_back", result="Đã xử lý")
    assert early.status == 409, "answer the customer before reporting back"
    answered = _act(hanoi, remote, "answer", text="Đã giải quyết hồ sơ.").json
    assert _act(hanoi, answered, "report_back", result="Đã trả lời khách hàng, hồ sơ đã duyệt").status == 200
    back = ccc.get(f"/api/requests/{request['id']}").json
    assert back["status"] == "open" and back["transfers"][0]["status"] == "reported"
    assert back["transfers"][0]["result"] == "Đã trả lời khách hàng, hồ sơ đã duyệt"
    assert any(e["action"] == "reported_back" for e in back["timeline"])
    assert api("hcm").login("agent").get(f"/api/requests/{remote_id}").status == 404


def test_state_rules_give_409_and_closed_requests_reopen(api, unique):
    agent, leader = api("hanoi").login("agent"), api("hanoi").login("leader")
    closed = _act(agent, _act(agent, _intake(agent, unique), "answer", text="Xong").json, "close").json
    refused = _act(leader, closed, "escalate", unit_ids=["thu"])
    assert refused.status == 409 and refused.error_code == "wrong_state"
    assert _act(agent, closed, "reopen").status == 422, "a reason is needed"
    reopened = _act(agent, closed, "reopen", reason="Khách hàng gọi lại hỏi thêm").json
    assert reopened["status"] == "open" and reopened["due_at"]


def test_two_people_acting_at_once_one_gets_409(api, unique):
    agent, colleague = api("hanoi").login("agent"), api("hanoi").login("focal-officer")
    request = _intake(agent, unique)
    assert _act(agent, request, "answer", text="Người thứ nhất").status == 200
    late = _act(colleague, request, "assign", assignee="focal-officer")
    assert late.status == 409 and late.error_code == "conflict"
    assert agent.get(f"/api/requests/{request['id']}").json["answer"]["text"] == "Người thứ nhất"


def test_another_tenants_request_is_404_everywhere(api, unique):
    request = _intake(api("hanoi").login("agent"), unique)
    hcm = api("hcm").login("agent")
    assert hcm.get(f"/api/requests/{request['id']}").status == 404
    assert _act(hcm, request, "answer", text="x").status == 404
    assert request["id"] not in [r["id"] for r in hcm.get("/api/requests").json["items"]]


def test_lists_by_status_assignee_overdue_and_pages(api, unique):
    agent = api("hanoi").login("agent")
    old = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    overdue = _intake(agent, unique, channel="fanpage", received_at=old)
    fresh = _intake(agent, unique + "f")
    ids = lambda reply: [r["id"] for r in reply.json["items"]]  # noqa: E731
    assert overdue["id"] in ids(agent.get("/api/requests?overdue=true"))
    assert fresh["id"] not in ids(agent.get("/api/requests?overdue=true"))
    assert fresh["id"] in ids(agent.get("/api/requests?assignee=me&limit=100"))
    assert overdue["id"] not in ids(agent.get("/api/requests?assignee=me&limit=100")), "fanpage requests wait in the shared queue"
    assert overdue["id"] in ids(agent.get("/api/requests?channel=fanpage&limit=100"))
    first = agent.get("/api/requests?limit=1")
    assert len(first.json["items"]) == 1 and first.json["next_cursor"]
    second = agent.get(f"/api/requests?limit=1&cursor={first.json['next_cursor']}")
    assert second.status == 200 and ids(second) != ids(first)
    foreign = api("hcm").login("agent").get(f"/api/requests?limit=1&cursor={first.json['next_cursor']}")
    assert foreign.status == 400 and foreign.error_code == "invalid_cursor"


def test_ccc_sees_every_province_and_provinces_do_not(api, unique):
    hanoi = api("hanoi").login("agent")
    old = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    request = _intake(hanoi, unique, channel="fanpage", received_at=old)
    ccc = api("ccc").login("leader")
    national = ccc.get("/api/central/requests?overdue=true&limit=100").json["items"]
    assert any(r["id"] == request["id"] and r["tenant"] == "hanoi" for r in national)
    one = ccc.get("/api/central/requests?tenant=hanoi&overdue=true&limit=100").json["items"]
    assert request["id"] in [r["id"] for r in one] and all(r["tenant"] == "hanoi" for r in one)
    assert ccc.get("/api/central/requests?status=closed").status == 400
    assert hanoi.get("/api/central/requests").status == 403


def test_customer_timeline_shows_requests_and_ratings(api, unique):
    agent = api("hanoi").login("agent")
    request = _intake(agent, unique)
    answered = _act(agent, request, "answer", text="Xong").json
    _act(agent, answered, "rate", satisfied=True)
    customer = agent.get(f"/api/customers/{request['customer_id']}").json
    entries = [e for e in customer["timeline"] if e["ref_id"] == request["id"]]
    assert len(entries) == 1 and "hài lòng" in entries[0]["detail"]


def test_a_transfer_moves_the_ccc_deadline_to_the_transfers(api, unique):
    from chalicelib.adapters.dynamo import tenant_key
    from chalicelib.requests.store import RequestItem

    ccc = api("ccc").login("ccc-officer")
    request = _intake(ccc, unique)
    timer = RequestItem.get(tenant_key("ccc", "REQ", request["id"]), "REQ").open_timer
    transferred = _act(ccc, request, "transfer", to_tenant="hcm").json
    assert transferred["due_at"] == transferred["transfers"][0]["due_at"]
    after = RequestItem.get(tenant_key("ccc", "REQ", request["id"]), "REQ").open_timer
    assert after and after != timer, "the old timer is superseded: it cannot mark the request overdue at the old date"


def test_a_transfer_to_a_grassroots_office_lands_in_its_inbox(api, unique):
    ccc = api("ccc").login("ccc-officer")
    transferred = _act(ccc, _intake(ccc, unique), "transfer", to_tenant="hanoi", to_unit="co-so-2").json
    remote_id = transferred["transfers"][0]["remote_request_id"]
    hanoi = api("hanoi").login("agent")
    assert remote_id in [r["id"] for r in hanoi.get("/api/requests?unit=co-so-2").json["items"]]
    assert remote_id not in [r["id"] for r in hanoi.get("/api/requests?unit=co-so-1").json["items"]]
    remote = hanoi.get(f"/api/requests/{remote_id}").json
    taken = _act(hanoi, remote, "assign", assignee="focal-officer").json
    assert remote_id not in [r["id"] for r in hanoi.get("/api/requests?unit=co-so-2").json["items"]], "taken by a person"
    assert _act(hanoi, taken, "assign", assignee="nobody-here").status == 422


def test_approval_note_is_kept_and_search_ignores_case_and_diacritics(api, unique):
    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    request = _intake(officer, unique, channel="email")
    drafted = _act(officer, request, "draft", text="Dự thảo").json
    approved = _act(leader, drafted, "approve", draft_id=drafted["drafts"][0]["id"], note="Đồng ý, gửi ngay").json
    assert approved["drafts"][0]["note"] == "Đồng ý, gửi ngay"
    assert next(e for e in approved["timeline"] if e["action"] == "approved")["detail"] == "Đồng ý, gửi ngay"
    found = officer.get(f"/api/requests?status=answered&q=CHE DO THAI SAN {unique}&limit=100").json["items"]
    assert request["id"] in [r["id"] for r in found]
    by_reference = officer.get(f"/api/requests?status=answered&q={request['reference'].lower()}&limit=100").json["items"]
    assert [r["id"] for r in by_reference] == [request["id"]]


def test_escalation_and_transfer_refuse_closed_or_unknown_units_and_store_nothing(api, unique):
    admin, leader = api("hanoi").login("tenant-admin"), api("hanoi").login("leader")
    unit = admin.post("/api/units", {"code": f"dong-{unique}", "name": "Sắp giải thể", "kind": "department"}).json
    admin.put(f"/api/units/dong-{unique}", {"version": unit["version"], "active": False})
    request = _intake(api("hanoi").login("agent"), unique)
    refused = _act(leader, request, "escalate", unit_ids=["thu", f"dong-{unique}"])
    assert refused.status == 422 and refused.json["error"]["fields"] == {"unit_ids": "unknown"}
    after = leader.get(f"/api/requests/{request['id']}").json
    assert after["version"] == request["version"] and after["escalations"] == [], "nothing of the refused escalation stays"
    ccc = api("ccc").login("ccc-officer")
    central = _intake(ccc, unique + "c")
    since = datetime.now(UTC)
    bad = _act(ccc, central, "transfer", to_tenant="hanoi", to_unit="khong-co")
    assert bad.status == 422 and bad.json["error"]["fields"] == {"to_unit": "unknown"}
    province = api("hanoi").login("agent").get(f"/api/customers?identifier={_customer(unique + 'c')['id_number']}")
    assert province.json["items"] == [], "the province got no copy of the customer"
    assert "customer.create" not in _audited_since(api, since)
    assert ccc.get(f"/api/requests/{central['id']}").json["status"] == "open"
