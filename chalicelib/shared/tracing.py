"""X-Ray subsegments for the app's AWS calls, without the X-Ray SDK.

The deployed stack traces every invocation: `xray: true` in .chalice/config.json turns on API Gateway tracing and
the functions' active tracing, so Lambda records each invocation's segment and hands its trace header to the
function in `_X_AMZN_TRACE_ID` (which botocore forwards to the services it calls, linking SQS and Step Functions).
This module adds what the SDK's botocore patch added on top: one subsegment per AWS call — service, operation,
table or queue, status, retries, timing — sent to the X-Ray daemon as a UDP datagram, which is all the SDK's emitter
does. It needs nothing botocore has not imported already; Powertools' Tracer with the SDK, wrapt, `requests` and the
SDK's patches cost ~30 ms of every cold start (bench/results.md).

Only what names a resource goes out (table, index, queue, topic, state machine) and AWS's error code — never keys,
items, messages, e-mail addresses or phone numbers.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from collections.abc import Callable, Mapping
from typing import Any

_HEADER = b'{"format": "json", "version": 1}\n'
_DEFAULT_DAEMON = ("127.0.0.1", 2000)

# Request parameters and response fields recorded per service (by endpoint prefix), and their names in the document.
_REQUEST_FIELDS: dict[str, dict[str, str]] = {
    "dynamodb": {"TableName": "table_name", "IndexName": "index_name", "ConsistentRead": "consistent_read", "Limit": "limit"},
    "sqs": {"QueueUrl": "queue_url"},
    "sns": {"TopicArn": "topic_arn"},
    "states": {"stateMachineArn": "state_machine_arn"},
}
_RESPONSE_FIELDS: dict[str, dict[str, str]] = {
    "dynamodb": {"ConsumedCapacity": "consumed_capacity", "Count": "count", "ScannedCount": "scanned_count"},
    "sqs": {"MessageId": "message_id"},
}

_socket: socket.socket | None = None


def enabled(env: Mapping[str, str] = os.environ) -> bool:
    """Tracing is on in a Lambda, unless turned off (POWERTOOLS_TRACE_DISABLED, as the local stack and tests do)."""
    if env.get("POWERTOOLS_TRACE_DISABLED", "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    return bool(env.get("AWS_LAMBDA_FUNCTION_NAME")) and not env.get("AWS_SAM_LOCAL") and not env.get("AWS_CHALICE_CLI_MODE")


def current_parent(env: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """(trace id, parent id) of the invocation when Lambda sampled it, from the header it sets per invocation."""
    fields = dict(part.split("=", 1) for part in env.get("_X_AMZN_TRACE_ID", "").split(";") if "=" in part)
    if fields.get("Sampled") != "1" or not fields.get("Root") or not fields.get("Parent"):
        return None
    return fields["Root"], fields["Parent"]


def daemon_address(env: Mapping[str, str] = os.environ) -> tuple[str, int]:
    """The daemon's UDP address: AWS_XRAY_DAEMON_ADDRESS is `host:port` or `tcp:host:port udp:host:port`."""
    value = env.get("AWS_XRAY_DAEMON_ADDRESS", "").strip()
    if not value:
        return _DEFAULT_DAEMON
    parts = value.split()
    chosen = next((p.removeprefix("udp:") for p in parts if p.startswith("udp:")), parts[0])
    host, _, port = chosen.rpartition(":")
    try:
        return host or _DEFAULT_DAEMON[0], int(port)
    except ValueError:
        return _DEFAULT_DAEMON


def emit(document: dict[str, Any]) -> None:
    """Send one document to the daemon; tracing never fails a request."""
    global _socket
    try:
        if _socket is None:
            _socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            _socket.setblocking(False)
        _socket.sendto(_HEADER + json.dumps(document, separators=(",", ":"), default=str).encode(), daemon_address())
    except OSError:
        pass


def subsegment(
    *,
    service: str,
    operation: str,
    region: str | None,
    params: Mapping[str, Any],
    parent: tuple[str, str],
    start: float,
    end: float,
    response: Mapping[str, Any] | None = None,
    error: BaseException | None = None,
) -> dict[str, Any]:
    """The subsegment of one AWS call, as the X-Ray SDK's botocore patch writes it (names of resources only)."""
    trace_id, parent_id = parent
    aws: dict[str, Any] = {"operation": operation, "region": region}
    for key, name in _REQUEST_FIELDS.get(service, {}).items():
        if key in params:
            aws[name] = params[key]
    answer = response if response is not None else getattr(error, "response", None) or {}
    meta = answer.get("ResponseMetadata", {})
    if meta.get("RequestId"):
        aws["request_id"] = meta["RequestId"]
    if meta.get("RetryAttempts"):
        aws["retries"] = meta["RetryAttempts"]
    for key, name in _RESPONSE_FIELDS.get(service, {}).items():
        if response is not None and key in response:
            aws[name] = response[key]
    document: dict[str, Any] = {
        "id": secrets.token_hex(8),
        "trace_id": trace_id,
        "parent_id": parent_id,
        "type": "subsegment",
        "name": service,
        "namespace": "aws",
        "start_time": start,
        "end_time": end,
        "aws": aws,
    }
    status = meta.get("HTTPStatusCode")
    if status:
        document["http"] = {"response": {"status": status}}
    if error is not None:
        code = str(answer.get("Error", {}).get("Code", "")) or type(error).__name__
        if status == 429 or "Throttl" in code:
            document.update(error=True, throttle=True)
        elif status and 400 <= status < 500:
            document["error"] = True
        else:
            document["fault"] = True
        document["cause"] = {"exceptions": [{"id": secrets.token_hex(8), "type": code}]}
    return document


def trace_botocore() -> Callable[[], None]:
    """Record a subsegment for every botocore call of a sampled invocation; returns the undo."""
    from botocore.client import BaseClient

    original = BaseClient._make_api_call
    if getattr(original, "_cskh_traced", False):  # already traced (a second container in the same process)
        return lambda: None

    def traced(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        parent = current_parent()
        if parent is None:
            return original(self, operation_name, api_params)
        started = time.time()
        meta = self.meta
        call = {
            "service": meta.service_model.endpoint_prefix,
            "operation": operation_name,
            "region": meta.region_name,
            "params": api_params,
            "parent": parent,
            "start": started,
        }
        try:
            response = original(self, operation_name, api_params)
        except Exception as exc:
            emit(subsegment(**call, end=time.time(), error=exc))
            raise
        emit(subsegment(**call, end=time.time(), response=response))
        return response

    traced.__wrapped__ = original  # type: ignore[attr-defined]
    traced._cskh_traced = True  # type: ignore[attr-defined]
    BaseClient._make_api_call = traced  # type: ignore[method-assign]

    def undo() -> None:
        BaseClient._make_api_call = original  # type: ignore[method-assign]

    return undo
