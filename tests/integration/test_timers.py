"""Step Functions on moto drive the deadlines: remind at 50 % and 80 %, mark overdue and tell the leaders, stop when answered.

Wait states sleep in real time, so these requests get deadlines a few seconds away.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest

from chalicelib.bootstrap import container
from chalicelib.shared.clock import parse_iso

T = TypeVar("T")


def _soon(monkeypatch, seconds: float) -> None:
    due = datetime.now(UTC) + timedelta(seconds=seconds)
    monkeypatch.setattr(container().sla, "due_at", lambda **kw: due)


def _intake(client, unique: str, channel: str = "hotline") -> dict:
    body = {
        "channel": channel,
        "kind": "information",
        "category": "policy",
        "subject": f"Hẹn giờ {unique}",
        "question": "Câu hỏi cần thời hạn.",
        "customer": {
            "kind": "individual",
            "full_name": "Lê Văn Hẹn",
            "id_number": "0790" + unique[:8].translate(str.maketrans("abcdef", "123456")),
        },
    }
    reply = client.post("/api/requests", body)
    assert reply.status == 201, reply.text
    return reply.json


def _until(check: Callable[[], T | None], drain: Callable[[], object], seconds: float = 20) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        drain()
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError("the timer did not act in time")


def _leader_with_email(api, unique: str) -> str:
    admin = api("hanoi").login("tenant-admin")
    email = f"lanh.dao.{unique}@baohiemxahoi.vn"
    reply = admin.post(
        "/api/users", {"username": f"ld-{unique}", "full_name": "Lãnh đạo nhận cảnh báo", "roles": ["leader"], "email": email}
    )
    assert reply.status == 201
    return email


def test_a_request_left_alone_is_reminded_then_marked_overdue_and_leaders_told(api, unique, drain, sent, monkeypatch):
    email = _leader_with_email(api, unique)
    agent = api("hanoi").login("agent")
    _soon(monkeypatch, 4)
    request = _intake(agent, unique)

    def escalated():
        current = agent.get(f"/api/requests/{request['id']}").json
        return current if any(e["action"] == "overdue_escalated" for e in current["timeline"]) else None

    current = _until(escalated, drain)
    reminders = [e["detail"] for e in current["timeline"] if e["action"] == "deadline_reminder"]
    assert reminders == ["50%", "80%"]
    assert current["version"] == request["version"], "the timer's notes never bump the version a person works from"
    # moto's Wait may wake up to a second early; overdue is the deadline compared with the clock itself.
    time.sleep(max(0.0, (parse_iso(current["due_at"]) - datetime.now(UTC)).total_seconds()) + 0.2)
    assert agent.get(f"/api/requests/{request['id']}").json["overdue"] is True
    assert request["id"] in [r["id"] for r in agent.get("/api/requests?overdue=true&limit=100").json["items"]]
    mails = [
        m for m in sent()["emails"] if email in m.destinations["ToAddresses"] and request["reference"] in str(m.template_data)
    ]
    assert len(mails) == 1 and mails[0].template == "deadline-reminder", "the leaders hear of the breach once"


def test_answering_stops_the_timer(api, unique, drain, monkeypatch):
    agent = api("hanoi").login("agent")
    _soon(monkeypatch, 3)
    request = _intake(agent, unique)
    answered = agent.post(f"/api/requests/{request['id']}/answer", {"version": request["version"], "text": "Đã trả lời ngay"})
    assert answered.status == 200
    time.sleep(4.5)
    drain()
    after = agent.get(f"/api/requests/{request['id']}").json
    assert after["overdue"] is False
    assert not [e for e in after["timeline"] if e["action"] in ("deadline_reminder", "overdue_escalated")]


def test_an_unapproved_draft_escalates_to_the_leaders_in_time(api, unique, drain, monkeypatch):
    import chalicelib.requests.service as service

    monkeypatch.setattr(service, "APPROVAL_MIN_SECONDS", 2)
    officer = api("hanoi").login("focal-officer")
    _soon(monkeypatch, 4)
    request = _intake(officer, unique, channel="email")
    officer.post(f"/api/requests/{request['id']}/draft", {"version": request["version"], "text": "Dự thảo"})

    def overdue():
        current = officer.get(f"/api/requests/{request['id']}").json
        return current if any(e["action"] == "approval_overdue" for e in current["timeline"]) else None

    current = _until(overdue, drain)
    assert current["status"] == "awaiting_approval"


def test_approval_ends_the_wait(api, unique, drain, monkeypatch, stack):
    import boto3

    import chalicelib.requests.service as service

    monkeypatch.setattr(service, "APPROVAL_MIN_SECONDS", 30)
    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    request = _intake(officer, unique, channel="web_portal")
    drafted = officer.post(f"/api/requests/{request['id']}/draft", {"version": request["version"], "text": "Dự thảo"}).json
    draft_id = drafted["drafts"][0]["id"]
    sfn = boto3.client("stepfunctions", endpoint_url=stack.endpoint, region_name=stack.region)
    arn = stack.state_machines["cskh-draft-approval"]

    def waiting():
        drain()
        execution = next(e for e in sfn.list_executions(stateMachineArn=arn)["executions"] if e["name"].endswith(draft_id[-12:]))
        return execution if execution["status"] == "RUNNING" else None

    execution = _until(waiting, drain)
    current = officer.get(f"/api/requests/{request['id']}").json
    assert (
        leader.post(f"/api/requests/{request['id']}/approve", {"version": current["version"], "draft_id": draft_id}).status == 200
    )

    def finished():
        return sfn.describe_execution(executionArn=execution["executionArn"])["status"] == "SUCCEEDED"

    assert _until(finished, drain, 10)


@pytest.mark.parametrize("level", [50])
def test_a_superseded_timer_does_nothing(api, unique, drain, level):
    """A reminder for a timer the request no longer carries (a deadline since moved) changes nothing."""
    agent = api("hanoi").login("agent")
    request = _intake(agent, unique)
    container().worker.handle(
        {"type": "deadline_reminder", "tenant": "hanoi", "subject_id": request["id"], "timer_id": "old", "level": level}
    )
    container().worker.handle({"type": "deadline_breached", "tenant": "hanoi", "subject_id": request["id"], "timer_id": "old"})
    after = agent.get(f"/api/requests/{request['id']}").json
    assert after["version"] == request["version"] and after["overdue"] is False
