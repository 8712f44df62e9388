"""DynamoDB cancelling a transaction for a conflict with another one (TransactionCanceledException, reason
TransactionConflict): the same transaction goes again; when the conflict lasts, the caller gets a 503 and the table
is exactly as before — never a 409, which would tell a person someone else changed what nobody changed."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from chalicelib.adapters.unit_of_work import CONFLICT_RETRIES
from chalicelib.bootstrap import container
from tests.api.test_requests import _act, _intake
from tests.faults import touches
from tests.integration.test_timers import _leader_with_email

CANCELLED = "TransactionCanceledException"


@pytest.fixture
def table(stack: Any) -> Any:
    return boto3.resource("dynamodb", endpoint_url=stack.endpoint, region_name=stack.region).Table(stack.table_name)


def _partition(table: Any, pk: str) -> list[dict[str, Any]]:
    return sorted(table.query(KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": pk})["Items"], key=str)


def _notices_for(table: Any, request_id: str) -> list[dict[str, Any]]:
    items = table.query(KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": "T#hanoi#OUTBOX"})["Items"]
    return [i for i in items if i.get("subject_id") == request_id]


def test_a_change_that_loses_to_another_transaction_is_sent_again_and_done_once(api, unique, faults, table):
    agent = api("hanoi").login("agent")
    request = _intake(agent, unique)
    pk = f"T#hanoi#REQ#{request['id']}"
    with faults.inject("dynamodb.TransactWriteItems", CANCELLED, reasons=("TransactionConflict",), matches=touches(pk)) as fault:
        answered = _act(agent, request, "answer", text="Đã trả lời ngay")
    assert answered.status == 200 and fault.injected == 1 and fault.passed == 1
    after = agent.get(f"/api/requests/{request['id']}").json
    assert after["version"] == request["version"] + 1
    assert [e["action"] for e in after["timeline"]].count("answered") == 1


def test_a_lasting_conflict_is_a_503_and_leaves_the_table_as_it_was(api, unique, faults, table):
    agent = api("hanoi").login("agent")
    request = _intake(agent, unique)
    pk = f"T#hanoi#REQ#{request['id']}"
    before, notices_before = _partition(table, pk), _notices_for(table, request["id"])
    with faults.inject(
        "dynamodb.TransactWriteItems", CANCELLED, reasons=("TransactionConflict",), times=None, matches=touches(pk)
    ) as fault:
        refused = _act(agent, request, "schedule_callback", at=_working_hour(), note="Gọi lại")
    assert refused.status == 503 and refused.error_code == "service_unavailable"
    assert fault.injected == CONFLICT_RETRIES + 1
    assert _partition(table, pk) == before, "nothing of the change was written"
    assert _notices_for(table, request["id"]) == notices_before, "and no SMS was queued for it"
    retried = _act(agent, request, "schedule_callback", at=_working_hour(), note="Gọi lại")
    assert retried.status == 200, "the same call, repeated, succeeds: the refusal wrote nothing, not even a version"


def test_a_timer_note_under_a_lasting_conflict_is_retried_by_the_queue_and_written_once(api, unique, faults, table):
    """A system step never takes a conflict for "not wanted any more": it fails, and its message comes again."""
    _leader_with_email(api, unique)
    agent = api("hanoi").login("agent")
    request = _intake(agent, unique)
    timer = container().requests.get(tenant="hanoi", request_id=request["id"]).timer_id
    message = {"type": "deadline_breached", "tenant": "hanoi", "subject_id": request["id"], "timer_id": timer}
    pk = f"T#hanoi#REQ#{request['id']}"
    with faults.inject(
        "dynamodb.TransactWriteItems", CANCELLED, reasons=("TransactionConflict",), times=None, matches=touches(pk)
    ):
        with pytest.raises(Exception) as failed:
            container().worker.handle(message)
    assert failed.value.__class__.__name__ == "UnavailableError"
    assert not [i for i in _partition(table, pk) if str(i["SK"]).startswith("NOTE#")]
    container().worker.handle(message, receive_count=2)  # SQS delivers it again
    told = _notices_for(table, request["id"])
    container().worker.handle(message, receive_count=3)  # and, at least once, maybe once more
    notes = [i for i in _partition(table, pk) if str(i["SK"]).startswith("NOTE#")]
    assert [n["action"] for n in notes] == ["overdue_escalated"]
    assert told and _notices_for(table, request["id"]) == told, "the leaders are told once"
    after = agent.get(f"/api/requests/{request['id']}").json
    assert after["version"] == request["version"], "the note leaves the version a person works from alone"


def _working_hour() -> str:
    from datetime import datetime, timedelta

    from chalicelib.shared.clock import VN_TZ

    day = datetime.now(VN_TZ).date() + timedelta(days=1)
    while not container().sla.is_working_time(at=datetime(day.year, day.month, day.day, 9, 30, tzinfo=VN_TZ)):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=VN_TZ).isoformat()
