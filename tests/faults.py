"""Faults injected into the app's AWS calls through botocore's `before-call` event.

A handler of `before-call.{service}.{Operation}` that returns `(http, parsed)` stands in for the service's answer:
botocore raises the ClientError that answer makes, exactly as after a real throttle or 5xx and the SDK's own
retries. The app's code, PynamoDB and botocore's error parsing run unchanged, every other call reaches moto, and
no call sleeps (a `before-send` hook would also run botocore's retry loop, with its real back-off sleeps).

    with faults.inject("ses.SendTemplatedEmail", "Throttling", times=2): ...

The hook is registered on the app's botocore session before the container makes its clients (the fixture builds
a fresh container), and on PynamoDB's client, which comes from a session of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse

# Codes and statuses as the services answer them.
THROTTLED = {"ses": "Throttling", "sns": "Throttled", "sfn": "ThrottlingException", "dynamodb": "ThrottlingException"}
UNAVAILABLE = {
    "ses": "ServiceUnavailable",
    "sns": "InternalError",
    "sfn": "ServiceUnavailable",
    "dynamodb": "InternalServerError",
}


@dataclass
class Fault:
    """Fail the next `times` calls of one operation (None: every call) whose request `matches`."""

    operation: str  # "{service id}.{Operation}": ses.SendTemplatedEmail, sns.Publish, sfn.StartExecution, dynamodb.…
    code: str
    status: int = 400
    times: int | None = 1
    skip: int = 0  # matching calls let through before the first failure
    reasons: tuple[str, ...] = ()  # a cancelled transaction's reason for each of its items, "None" when it had none
    matches: Callable[[dict[str, Any]], bool] | None = None  # on the request's parameters (body_of)
    injected: int = 0
    passed: int = 0

    def wants(self, params: dict[str, Any]) -> bool:
        """Whether this call fails."""
        if self.times is not None and self.injected >= self.times:
            return False
        if self.matches is not None and not self.matches(body_of(params)):
            return False
        if self.skip:
            self.skip -= 1
            return False
        return True

    def answer(self, params: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
        """The service's error answer."""
        self.injected += 1
        parsed: dict[str, Any] = {
            "Error": {"Code": self.code, "Message": f"injected {self.code}"},
            "ResponseMetadata": {"HTTPStatusCode": self.status, "HTTPHeaders": {}},
        }
        if self.code == "TransactionCanceledException":
            count = len(body_of(params).get("TransactItems", []))
            reasons = list(self.reasons) + ["None"] * (count - len(self.reasons))
            parsed["CancellationReasons"] = [{"Code": r, "Message": f"injected {r}"} for r in reasons[:count]]
            parsed["Error"]["Message"] = (
                f"Transaction cancelled, please refer cancellation reasons for specific reasons {reasons}"
            )
        return AWSResponse("https://injected.invalid", self.status, {}, None), parsed


def body_of(params: dict[str, Any]) -> dict[str, Any]:
    """The request's parameters: a JSON body (DynamoDB, Step Functions) or the query protocol's form (SES, SNS, SQS)."""
    body = params.get("body")
    if isinstance(body, dict):
        return body
    if isinstance(body, bytes | str) and body:
        try:
            value = json.loads(body)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}
    return {}


@dataclass
class Faults:
    """The faults in force, and every call each operation received (failed or passed on)."""

    active: list[Fault] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)

    def handler(self, model: Any, params: dict[str, Any], **kwargs: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        """botocore's before-call handler: an injected answer, or None to let the call through."""
        name = f"{model.service_model.service_id.hyphenize()}.{model.name}"
        self.calls[name] = self.calls.get(name, 0) + 1
        for fault in self.active:
            if fault.operation == name:
                if fault.wants(params):
                    return fault.answer(params)
                fault.passed += 1
        return None

    @contextmanager
    def inject(self, operation: str, code: str, *, status: int = 400, **kwargs: Any) -> Iterator[Fault]:
        """Fail calls of `operation` with `code` while the block runs."""
        fault = Fault(operation, code, status, **kwargs)
        self.active.append(fault)
        try:
            yield fault
        finally:
            self.active.remove(fault)

    def count(self, operation: str) -> int:
        """How many calls of the operation the app made (injected or not)."""
        return self.calls.get(operation, 0)


def outbox_write(notice_id: str) -> Callable[[dict[str, Any]], bool]:
    """Matches a DynamoDB write of one outbox item (its claim, its outcome)."""

    def matches(body: dict[str, Any]) -> bool:
        key = body.get("Key") or body.get("Item") or {}
        return key.get("SK", {}).get("S") == notice_id and "#OUTBOX" in key.get("PK", {}).get("S", "")

    return matches


def touches(pk: str) -> Callable[[dict[str, Any]], bool]:
    """Matches a transaction with any item in partition `pk`."""

    def matches(body: dict[str, Any]) -> bool:
        for entry in body.get("TransactItems", []):
            for op in entry.values():
                key = op.get("Key") or op.get("Item") or {}
                if key.get("PK", {}).get("S") == pk:
                    return True
        return False

    return matches


def mail_to(address: str) -> Callable[[dict[str, Any]], bool]:
    """Matches an SES send to one address."""
    return lambda body: body.get("Destination.ToAddresses.member.1") == address


def sms_to(number: str) -> Callable[[dict[str, Any]], bool]:
    """Matches an SNS publish to one phone number (+84…)."""
    return lambda body: body.get("PhoneNumber") == number
