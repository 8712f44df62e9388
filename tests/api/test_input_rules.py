"""Issue 7, "Bad input never gives a 5xx": each class the fuzzer found, with its exact payloads, refused at the edge
in the contract's shape (API.md "Input rules") and changing nothing."""

from __future__ import annotations

import base64
import json
import socket
from urllib.parse import quote

import pytest
import requests as http

from tests.api.test_requests import _act, _customer, _intake
from tests.conftest import Api, Reply

FAR_INSTANTS = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00")


def _contract_error(reply: Reply, status: int, code: str | None = None) -> dict:
    assert reply.status == status, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    error = reply.json["error"]
    assert set(reply.json) == {"error"} and isinstance(error["message"], str) and error["message"]
    if code:
        assert error["code"] == code
    return error


def _intake_body(unique: str, **extra: object) -> dict:
    return {
        "channel": "email",
        "kind": "information",
        "category": "policy",
        "subject": f"Hỏi về lương hưu {unique}",
        "question": "Khi nào tôi được nhận lương hưu?",
        "customer": _customer(unique),
        **extra,
    }


def _found(client: Api, id_number: str) -> list:
    return client.get(f"/api/customers?identifier={id_number}").json["items"]


# -- 1. instants far outside the product's range -------------------------------------------------------------------


@pytest.mark.parametrize("instant", FAR_INSTANTS)
def test_a_far_received_at_is_a_400_naming_the_field_and_creates_nothing(api, unique, instant):
    agent = api("hcm").login("agent")
    body = _intake_body(unique, received_at=instant)
    error = _contract_error(agent.post("/api/requests", body), 400, "invalid_fields")
    assert set(error["fields"]) == {"received_at"}
    assert _found(agent, body["customer"]["id_number"]) == [], "the customer of a refused intake is not created"


def test_a_received_at_before_2000_is_still_the_calendar_rule(api, unique):
    reply = api("hcm").login("agent").post("/api/requests", _intake_body(unique, received_at="1999-06-01T09:00:00+07:00"))
    _contract_error(reply, 422, "year_out_of_range")


@pytest.mark.parametrize("instant", FAR_INSTANTS)
def test_a_far_due_before_or_working_day_start_is_a_400(api, instant):
    agent = api("hcm").login("agent")
    listed = _contract_error(agent.get(f"/api/requests?due_before={quote(instant)}"), 400, "invalid_query")
    assert set(listed["fields"]) == {"due_before"}
    started = _contract_error(agent.get(f"/api/calendar/add-working-days?start={quote(instant)}&days=3"), 400, "invalid_query")
    assert set(started["fields"]) == {"start"}


@pytest.mark.parametrize("instant", FAR_INSTANTS)
def test_a_far_callback_time_is_a_400_and_the_request_is_unchanged(api, unique, instant):
    agent = api("hcm").login("agent")
    request = _intake(agent, unique)
    error = _contract_error(_act(agent, request, "schedule_callback", at=instant), 400, "invalid_fields")
    assert set(error["fields"]) == {"at"}
    assert agent.get(f"/api/requests/{request['id']}").json["version"] == request["version"]


# -- 2. blank identifiers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignee", ["", "   "])
def test_a_blank_assignee_is_a_400_on_assign_and_on_a_callback(api, unique, assignee):
    agent = api("hcm").login("agent")
    request = _intake(agent, unique)
    assigned = _contract_error(_act(agent, request, "assign", assignee=assignee), 400, "invalid_fields")
    assert set(assigned["fields"]) == {"assignee"}
    callback = _act(agent, request, "schedule_callback", at="2030-01-02T09:00:00+07:00", assignee=assignee)
    assert set(_contract_error(callback, 400, "invalid_fields")["fields"]) == {"assignee"}
    assert agent.get(f"/api/requests/{request['id']}").json["version"] == request["version"]


@pytest.mark.parametrize("unit_ids", [[""], [" "], ["co-so-1", ""], ["a#b"]])
def test_blank_or_odd_unit_ids_never_reach_a_key(api, unique, unit_ids):
    leader = api("hcm").login("leader")
    request = _intake(api("hcm").login("agent"), unique)
    _contract_error(_act(leader, request, "escalate", unit_ids=unit_ids), 400, "invalid_fields")


@pytest.mark.parametrize(
    "role,path",
    [("agent", "/api/requests/%20"), ("tenant-admin", "/api/units/" + "x" * 65)]
    + [("tenant-admin", "/api/users/t%C3%AAn"), ("agent", "/api/customers/a%23b")],
)
def test_malformed_ids_in_the_path_are_not_found(api, role, path):
    _contract_error(api("hcm").login(role).get(path), 404, "not_found")


def test_a_cursor_whose_key_was_edited_is_a_400_not_a_dynamodb_error(api, unique):
    agent = api("hcm").login("agent")
    for n in range(2):
        _intake(agent, f"{unique}{n}")
    cursor = agent.get("/api/requests?limit=1").json["next_cursor"]
    key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    for edited in ({**key, "SK": {"N": "1"}}, {**key, "SK": {"S": ""}}, {k: v for k, v in key.items() if k != "SK"}):
        forged = base64.urlsafe_b64encode(json.dumps(edited).encode()).decode().rstrip("=")
        _contract_error(agent.get(f"/api/requests?limit=1&cursor={forged}"), 400, "invalid_cursor")


# -- 3. the new-password step ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("session", ["x" * 30, "!!!", "x" * 3000, "AYABeC0ffee" * 4])
def test_an_unknown_or_malformed_session_is_session_expired_without_error_logs(api, log_lines, session):
    body = {"username": "agent", "session": session, "new_password": "Moi@Matkhau9"}
    _contract_error(api("hcm").post("/api/auth/new-password", body), 401, "session_expired")
    assert [line for line in log_lines() if line["level"] in ("ERROR", "CRITICAL")] == []


def test_a_spent_session_is_session_expired(api, unique):
    admin = api("hcm").login("tenant-admin")
    login = f"spent-{unique}"
    created = admin.post("/api/users", {"username": login, "full_name": "Phiên Đã Dùng", "roles": ["agent"]}).json
    first = api("hcm").post("/api/auth/login", {"username": login, "password": created["temporary_password"]}).json
    body = {"username": login, "session": first["session"], "new_password": "Moi@Matkhau9"}
    assert api("hcm").post("/api/auth/new-password", body).status == 200
    _contract_error(api("hcm").post("/api/auth/new-password", body), 401, "session_expired")


# -- 4. methods the API does not have, over HTTP on the local server -------------------------------------------------


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PROPFIND", "BREW"])
@pytest.mark.parametrize("path", ["/api/me", "/api/requests", "/openapi.json"])
def test_unknown_methods_are_a_contract_405_on_the_local_server(live_server, method, path):
    reply = http.request(method, f"{live_server}{path}", headers={"Host": "hcm.localhost"}, timeout=10)
    assert reply.status_code == 405 and reply.headers["content-type"].startswith("application/json")
    assert reply.json()["error"]["code"] == "method_not_allowed"


def test_unknown_methods_are_a_contract_405_in_process_too(api):
    _contract_error(api("hcm").call("PROPFIND", "/api/me"), 405, "method_not_allowed")


def test_what_the_http_server_itself_refuses_is_in_the_contract_shape_too(live_server):
    host, port = live_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"GET /api/me?q=" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: hcm.localhost\r\n\r\n")
        answer = conn.makefile("rb").read().decode()
    head, _, body = answer.partition("\r\n\r\n")
    status_line = head.splitlines()[0]
    assert status_line.startswith("HTTP/1.") and " 414 " in status_line and "application/json" in head
    assert '"code": "uri_too_long"' in body


# -- 5. types are what the contract says ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1", 1.0, None, True])
def test_a_version_that_is_not_a_json_integer_is_a_400(api, unique, version):
    agent = api("hcm").login("agent")
    request = _intake(agent, unique)
    reply = agent.post(f"/api/requests/{request['id']}/assign", {"version": version, "assignee": None})
    assert set(_contract_error(reply, 400, "invalid_fields")["fields"]) == {"version"}


@pytest.mark.parametrize("body", [{"satisfied": "true"}, {"satisfied": 1}, {"satisfied": None}])
def test_a_flag_that_is_not_a_json_boolean_is_a_400(api, unique, body):
    agent = api("hcm").login("agent")
    request = _intake(agent, unique)
    assert set(_contract_error(_act(agent, request, "rate", **body), 400, "invalid_fields")["fields"]) == {"satisfied"}


@pytest.mark.parametrize(
    "query,field",
    [("due_before=0.5", "due_before"), ("due_before=1700000000", "due_before"), ("limit=1.0", "limit"), ("limit=+5", "limit")]
    + [("overdue=1", "overdue"), ("overdue=yes", "overdue"), ("assignee=", "assignee")],
)
def test_query_values_have_one_written_form(api, query, field):
    reply = api("hcm").login("agent").get(f"/api/requests?{query}")
    assert set(_contract_error(reply, 400, "invalid_query")["fields"]) == {field}


def test_well_formed_query_values_still_work(api):
    agent = api("hcm").login("agent")
    due = quote("2030-01-01T00:00:00+07:00")
    assert agent.get(f"/api/requests?due_before={due}&overdue=false&limit=5").status == 200
    assert agent.get("/api/calendar/add-working-days?start=2027-02-03T10:00:00+07:00&days=1").status == 200


# -- 6. text --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field,value", [("subject", "Hỏi\u0000đáp"), ("question", "Câu hỏi\u0007?"), ("subject", "Hai\ndòng")])
def test_control_characters_in_text_are_a_400_and_create_nothing(api, unique, field, value):
    agent = api("hcm").login("agent")
    body = _intake_body(unique, **{field: value})
    assert set(_contract_error(agent.post("/api/requests", body), 400, "invalid_fields")["fields"]) == {field}
    assert _found(agent, body["customer"]["id_number"]) == []


def test_a_control_character_in_a_customer_name_is_a_400(api, unique):
    reply = api("hcm").login("agent").post("/api/customers", {"kind": "individual", "full_name": "Lê\u001bVăn"})
    assert set(_contract_error(reply, 400, "invalid_fields")["fields"]) == {"full_name"}


def test_bidi_overrides_are_removed_so_the_leader_reads_what_was_typed(api, unique):
    agent = api("hcm").login("agent")
    request = _intake(agent, unique, subject=f"\u202eĐơn khiếu nại {unique}\u202c", question="Dòng 1\r\nDòng\u2066 2\u2069")
    assert request["subject"] == f"Đơn khiếu nại {unique}"
    assert request["question"] == "Dòng 1\nDòng 2"
    answered = _act(agent, request, "answer", text="Đã\u202d trả lời\tđầy đủ.").json
    assert answered["answer"]["text"] == "Đã trả lời\tđầy đủ."


# -- 7. Idempotency-Key ---------------------------------------------------------------------------------------------


def test_an_idempotency_key_over_128_characters_is_a_400_never_cut(api, unique):
    agent = api("hcm").login("agent")
    shared = "k" * 128
    one = agent.post("/api/requests", _intake_body(unique), headers={"idempotency-key": shared + "1"})
    assert set(_contract_error(one, 400, "invalid_header")["fields"]) == {"Idempotency-Key"}
    two = agent.post("/api/requests", _intake_body(unique + "b"), headers={"idempotency-key": shared + "2"})
    _contract_error(two, 400, "invalid_header")
    kept = agent.post("/api/requests", _intake_body(unique), headers={"idempotency-key": f"{unique}-" + "k" * 119})
    assert kept.status == 201


@pytest.mark.parametrize("key", ["", "   ", "có dấu"])
def test_a_blank_or_non_ascii_idempotency_key_is_a_400(api, unique, key):
    agent = api("hcm").login("agent")
    reply = agent.post("/api/requests", _intake_body(unique), headers={"idempotency-key": key.encode().decode("latin-1")})
    _contract_error(reply, 400, "invalid_header")


# -- 8. to_unit of a transfer ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("to_unit", ["", "  "])
def test_an_empty_to_unit_is_refused_and_nothing_is_transferred(api, unique, to_unit):
    ccc = api("ccc").login("ccc-officer")
    request = _intake(ccc, unique)
    reply = _act(ccc, request, "transfer", to_tenant="hcm", to_unit=to_unit)
    assert set(_contract_error(reply, 400, "invalid_fields")["fields"]) == {"to_unit"}
    after = ccc.get(f"/api/requests/{request['id']}").json
    assert after["transfers"] == [] and after["version"] == request["version"]


def test_no_to_unit_means_no_unit(api, unique):
    ccc = api("ccc").login("ccc-officer")
    transferred = _act(ccc, _intake(ccc, unique), "transfer", to_tenant="hcm", to_unit=None).json
    assert transferred["transfers"][0]["to_unit"] is None
