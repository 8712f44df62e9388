"""Timers under faults, on moto's Step Functions: a refused StartExecution after the change committed is not the
user's error, and the reconcile job starts the timer that is missing — once, under its own name."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from chalicelib.adapters.stepfunctions import approval_name, deadline_name
from chalicelib.bootstrap import container
from chalicelib.entrypoints import jobs
from tests.faults import THROTTLED, UNAVAILABLE
from tests.integration.test_timers import _until

LIMIT = 100_000  # every open request of the test session in one run


@pytest.fixture
def sfn(stack: Any) -> Any:
    return boto3.client("stepfunctions", endpoint_url=stack.endpoint, region_name=stack.region)


def _executions(sfn: Any, stack: Any, machine: str, name: str) -> list[dict[str, Any]]:
    arn = stack.state_machines[f"cskh-{machine}"]
    found = [e for e in sfn.list_executions(stateMachineArn=arn, maxResults=1000)["executions"] if e["name"] == name]
    return found


def _delayed(sqs: Any, stack: Any) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=stack.outbox_queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessagesDelayed"])


@pytest.mark.parametrize("code", [THROTTLED["sfn"], UNAVAILABLE["sfn"]])
def test_an_intake_whose_timer_was_refused_is_committed_and_the_worker_starts_the_timer_a_minute_later(
    api, unique, faults, sfn, stack, code
):
    sqs = boto3.client("sqs", endpoint_url=stack.endpoint, region_name=stack.region)
    agent = api("hanoi").login("agent")
    delayed = _delayed(sqs, stack)
    with faults.inject("sfn.StartExecution", code, status=503 if code == UNAVAILABLE["sfn"] else 400) as fault:
        reply = agent.post("/api/requests", _body(unique))
    assert reply.status == 201 and fault.injected == 1, "the request is recorded; the timer is not the agent's problem"
    name = _deadline_name(reply.json["id"])
    assert _executions(sfn, stack, "request-deadline", name) == []
    assert _delayed(sqs, stack) == delayed + 1, "the worker is asked to try again in a minute"

    # The minute passes; the queue delivers the message (twice, as SQS may).
    message = {"type": "timer_restart", "tenant": "hanoi", "subject_id": reply.json["id"]}
    container().worker.handle(message)
    container().worker.handle(message, receive_count=2)
    (execution,) = _executions(sfn, stack, "request-deadline", name)
    started = json.loads(sfn.describe_execution(executionArn=execution["executionArn"])["input"])
    assert execution["status"] == "RUNNING" and started["due_at"].endswith("Z")
    assert started["timer_id"] == name.rsplit("-", 1)[1]


def test_a_timer_refused_while_the_queue_is_down_too_is_started_by_the_scheduled_job_once(api, unique, faults, sfn, stack):
    agent = api("hanoi").login("agent")
    with (
        faults.inject("sfn.StartExecution", THROTTLED["sfn"]),
        faults.inject("sqs.SendMessage", UNAVAILABLE["sfn"], status=503) as lost,
    ):
        reply = agent.post("/api/requests", _body(unique))
    assert reply.status == 201 and lost.injected == 1
    name = _deadline_name(reply.json["id"])

    report = jobs.reconcile(limit=LIMIT)  # what the schedule (and `make run`'s timer) calls
    (execution,) = _executions(sfn, stack, "request-deadline", name)
    assert execution["status"] == "RUNNING" and report["restarted"] >= 1 and report["wrapped"] == 1
    again = container().reconciler.run(limit=LIMIT)
    assert len(_executions(sfn, stack, "request-deadline", name)) == 1, "a second run starts nothing more"
    assert again.refused == 0


def _deadline_name(request_id: str) -> str:
    request = container().requests.get(tenant="hanoi", request_id=request_id)
    assert request.timer_id
    return deadline_name("hanoi", request_id, request.timer_id)


def test_a_timer_whose_execution_failed_is_started_again_under_the_next_name(api, unique, sfn, stack, drain):
    agent = api("hanoi").login("agent")
    request = agent.post("/api/requests", _body(unique)).json
    timer = container().requests.get(tenant="hanoi", request_id=request["id"]).timer_id
    assert timer
    arn = stack.state_machines["cskh-request-deadline"]
    first = sfn.describe_execution(
        executionArn=_executions(sfn, stack, "request-deadline", deadline_name("hanoi", request["id"], timer))[0]["executionArn"]
    )
    sfn.stop_execution(executionArn=first["executionArn"])  # the execution ended before its deadline (as a failure would)
    assert sfn.describe_execution(executionArn=first["executionArn"])["status"] == "ABORTED"

    container().reconciler.run(limit=LIMIT)
    (restarted,) = _executions(sfn, stack, "request-deadline", deadline_name("hanoi", request["id"], timer, 1))
    assert restarted["status"] == "RUNNING" and restarted["stateMachineArn"] == arn


def test_a_draft_whose_approval_wait_was_refused_gets_it_from_the_job_and_approval_ends_it(
    api, unique, faults, sfn, stack, drain, monkeypatch
):
    import chalicelib.requests.service as service

    monkeypatch.setattr(service, "APPROVAL_MIN_SECONDS", 60)
    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    request = officer.post("/api/requests", _body(unique, channel="web_portal")).json
    with faults.inject("sfn.StartExecution", THROTTLED["sfn"]):
        drafted = officer.post(f"/api/requests/{request['id']}/draft", {"version": request["version"], "text": "Dự thảo"})
    assert drafted.status == 200
    draft_id = drafted.json["drafts"][0]["id"]
    name = approval_name("hanoi", request["id"], draft_id)
    assert _executions(sfn, stack, "draft-approval", name) == []

    container().reconciler.run(limit=LIMIT)
    (execution,) = _executions(sfn, stack, "draft-approval", name)
    assert execution["status"] == "RUNNING"
    waited = json.loads(sfn.describe_execution(executionArn=execution["executionArn"])["input"])
    stored = container().requests.get(tenant="hanoi", request_id=request["id"])
    assert stored is not None and stored.due_at is not None
    drafted_at = stored.drafts[0].created_at
    first_would_end = drafted_at + (stored.due_at - drafted_at) / 2
    ends = execution["startDate"] + timedelta(seconds=waited["timeout_seconds"])
    assert abs((ends - first_would_end).total_seconds()) < 5, "the restarted wait ends when the first one would have"

    def token_kept() -> bool:
        current = container().requests.get(tenant="hanoi", request_id=request["id"])
        return bool(current.drafts[0].task_token)

    _until(token_kept, drain)
    current = officer.get(f"/api/requests/{request['id']}").json
    approved = leader.post(f"/api/requests/{request['id']}/approve", {"version": current["version"], "draft_id": draft_id})
    assert approved.status == 200

    def finished() -> bool:
        return sfn.describe_execution(executionArn=execution["executionArn"])["status"] == "SUCCEEDED"

    assert _until(finished, drain, 10)


def test_ending_an_approval_wait_that_step_functions_refuses_does_not_fail_the_approval(api, unique, faults, drain):
    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    request = officer.post("/api/requests", _body(unique, channel="web_portal")).json
    drafted = officer.post(f"/api/requests/{request['id']}/draft", {"version": request["version"], "text": "Dự thảo"}).json
    draft_id = drafted["drafts"][0]["id"]

    def token_kept() -> bool:
        return bool(container().requests.get(tenant="hanoi", request_id=request["id"]).drafts[0].task_token)

    _until(token_kept, drain)
    current = officer.get(f"/api/requests/{request['id']}").json
    with faults.inject("sfn.SendTaskSuccess", UNAVAILABLE["sfn"], status=503) as fault:
        approved = leader.post(f"/api/requests/{request['id']}/approve", {"version": current["version"], "draft_id": draft_id})
    assert approved.status == 200 and approved.json["status"] == "answered" and fault.injected == 1


def _body(unique: str, channel: str = "hotline") -> dict[str, Any]:
    return {
        "channel": channel,
        "kind": "information",
        "category": "policy",
        "subject": f"Hẹn giờ lỗi {unique}",
        "question": "Câu hỏi cần thời hạn.",
        "customer": {
            "kind": "individual",
            "full_name": "Lê Văn Lỗi",
            "id_number": "0791" + unique[:8].translate(str.maketrans("abcdef", "123456")),
        },
    }


def test_the_lambda_handlers_run_the_job_and_report_a_partial_batch(chalice_client, faults, unique):
    """app.py's scheduled function returns the job's report; the queue's names the one message that failed."""
    from chalicelib.notifications.domain import Notice
    from chalicelib.notifications.store import OutboxStore
    from tests.faults import mail_to

    events = chalice_client.events
    scheduled = events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    report = chalice_client.lambda_.invoke("reconcile", scheduled).payload
    assert {"examined", "restarted", "refused", "gave_up", "notices_requeued", "notices_abandoned"} <= set(report)

    store = OutboxStore(clock=container().clock)
    good = Notice(
        "email",
        f"good.{unique}@example.vn",
        "deadline-reminder",
        {"reference": "R", "subject": "s", "level": "50", "due_local": "", "url": "u"},
    )
    bad = Notice("email", f"bad.{unique}@example.vn", "deadline-reminder", dict(good.data))
    for notice in (good, bad):
        store.entry(tenant="hanoi", notice=notice).save()
    bodies = [json.dumps({"type": "notice", "tenant": "hanoi", "notice_id": n.id}) for n in (good, bad)]
    with faults.inject("ses.SendTemplatedEmail", THROTTLED["ses"], matches=mail_to(bad.to)):
        answer = chalice_client.lambda_.invoke(
            "outbox", events.generate_sqs_event(message_bodies=bodies, queue_name="cskh-outbox")
        )
    assert len(answer.payload["batchItemFailures"]) == 1
    statuses = [getattr(store.get(tenant="hanoi", notice_id=n.id), "status", None) for n in (good, bad)]
    assert statuses == ["sent", "pending"], "the good one went; the bad one waits for its retry"
