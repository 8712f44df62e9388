"""AWS calls of a sampled invocation become X-Ray subsegments on the daemon's UDP port; nothing personal goes out."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber

from chalicelib.shared import tracing

TRACE = "Root=1-6b0e7860-fb08c6fcf0cf9a520f7c41a1;Parent=53995c3f42cd8ad8;Sampled=1"


@pytest.fixture
def daemon(monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A UDP socket standing in for the X-Ray daemon, botocore traced while the test runs."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(2)
        monkeypatch.setenv("AWS_XRAY_DAEMON_ADDRESS", f"127.0.0.1:{sock.getsockname()[1]}")
        monkeypatch.setenv("_X_AMZN_TRACE_ID", TRACE)
        undo = tracing.trace_botocore()
        try:
            yield sock
        finally:
            undo()


def _received(sock: socket.socket, operation: str) -> tuple[bytes, dict[str, Any]]:
    """The datagram of the test's own call: the trace header is process-wide, so another thread's call may come first."""
    for _ in range(20):
        header, _, document = sock.recv(65536).partition(b"\n")
        doc = json.loads(document)
        if doc.get("aws", {}).get("operation") == operation:
            return header, doc
    raise AssertionError(f"no subsegment for {operation}")


def _dynamodb() -> Any:
    session = botocore.session.get_session()
    return session.create_client(
        "dynamodb", region_name="ap-southeast-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def test_a_query_becomes_a_subsegment_of_the_invocation(daemon: socket.socket) -> None:
    client = _dynamodb()
    params = {
        "TableName": "cskh-main",
        "IndexName": "GSI1",
        "KeyConditionExpression": "#0 = :0",
        "ExpressionAttributeNames": {"#0": "GSI1PK"},
        "ExpressionAttributeValues": {":0": {"S": "T#hanoi#PHONE#0912345678"}},
    }
    with Stubber(client) as stub:
        stub.add_response("query", {"Items": [], "Count": 0, "ScannedCount": 0}, params)
        client.query(**params)
    header, doc = _received(daemon, "Query")
    assert json.loads(header) == {"format": "json", "version": 1}
    assert doc["type"] == "subsegment" and doc["namespace"] == "aws" and doc["name"] == "dynamodb"
    assert doc["trace_id"] == "1-6b0e7860-fb08c6fcf0cf9a520f7c41a1" and doc["parent_id"] == "53995c3f42cd8ad8"
    assert doc["aws"]["operation"] == "Query" and doc["aws"]["table_name"] == "cskh-main" and doc["aws"]["index_name"] == "GSI1"
    assert doc["start_time"] <= doc["end_time"] and len(doc["id"]) == 16
    assert "0912345678" not in json.dumps(doc)


def test_a_refused_call_is_an_error_with_its_code_only(daemon: socket.socket) -> None:
    client = _dynamodb()
    with Stubber(client) as stub:
        stub.add_client_error("put_item", "ConditionalCheckFailedException", "value 001203004567 exists", http_status_code=400)
        with pytest.raises(client.exceptions.ConditionalCheckFailedException):
            client.put_item(TableName="cskh-main", Item={"PK": {"S": "T#hanoi#C#001203004567"}})
    _, doc = _received(daemon, "PutItem")
    assert doc["error"] is True and "fault" not in doc and doc["http"]["response"]["status"] == 400
    assert doc["cause"]["exceptions"][0]["type"] == "ConditionalCheckFailedException"
    assert "001203004567" not in json.dumps(doc)


def test_an_unsampled_invocation_sends_nothing(daemon: socket.socket, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_X_AMZN_TRACE_ID", TRACE.replace("Sampled=1", "Sampled=0"))
    client = _dynamodb()
    with Stubber(client) as stub:
        stub.add_response("get_item", {}, {"TableName": "cskh-main", "Key": {"PK": {"S": "x"}, "SK": {"S": "y"}}})
        client.get_item(TableName="cskh-main", Key={"PK": {"S": "x"}, "SK": {"S": "y"}})
    daemon.settimeout(0.2)
    with pytest.raises(TimeoutError):
        daemon.recv(65536)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"AWS_LAMBDA_FUNCTION_NAME": "cskh-dev"}, True),
        ({"AWS_LAMBDA_FUNCTION_NAME": "cskh-dev", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({}, False),
    ],
)
def test_tracing_is_on_in_a_lambda_unless_turned_off(env: dict[str, str], expected: bool) -> None:
    assert tracing.enabled(env) is expected


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("", ("127.0.0.1", 2000)),
        ("169.254.79.129:2000", ("169.254.79.129", 2000)),
        ("tcp:127.0.0.1:2000 udp:127.0.0.2:2001", ("127.0.0.2", 2001)),
    ],
)
def test_daemon_address_forms(value: str, address: tuple[str, int]) -> None:
    assert tracing.daemon_address({"AWS_XRAY_DAEMON_ADDRESS": value}) == address
