"""Step Functions: the deadline timer of a request and the leader-approval wait (infra/statemachines/).

Executions are named after what they time, so starting one twice is the same execution (ExecutionAlreadyExists),
and whether a timer is running is one DescribeExecution of a name known in advance. A timer is started after the
change that needs it committed: a failed start is logged and counted, never the user's error; `on_refused` (the
outbox queue, wired in bootstrap) asks the worker to start it again within a minute, and the reconcile job
(requests/reconcile.py) catches whatever that misses. A restart after a failed execution is named `…-r{n}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.shared.clock import iso
from chalicelib.shared.observability import count, logger

NAME_MAX = 80


def _code(exc: Exception) -> str:
    return str(exc.response.get("Error", {}).get("Code")) if isinstance(exc, ClientError) else type(exc).__name__


class Timers:
    """Starts executions named after what they time, so a retried start is the same execution."""

    def __init__(
        self,
        client: Any,
        *,
        deadline_arn: str,
        approval_arn: str,
        item_key: Callable[[str, str], tuple[str, str]],
        on_refused: Callable[[str, str], None] | None = None,
    ) -> None:
        self._client = client
        self._deadline = deadline_arn
        self._approval = approval_arn
        self._item_key = item_key  # (tenant, subject) -> the (PK, SK) whose `open_timer` the machine checks
        self._on_refused = on_refused  # (tenant, subject) of a timer Step Functions would not start

    def start_deadline(
        self,
        *,
        tenant: str,
        subject_id: str,
        timer_id: str,
        reminders: tuple[datetime | None, ...],
        due: datetime,
        attempt: int = 0,
    ) -> bool:
        """Wait to each reminder point still ahead (50 %, 80 %: a missing one is skipped), then to the deadline.

        True when the timer runs (started now or before); False when Step Functions refused (logged, counted).
        """
        pk, sk = self._item_key(tenant, subject_id)
        payload: dict[str, Any] = {
            "tenant": tenant,
            "pk": pk,
            "sk": sk,
            "subject_id": subject_id,
            "timer_id": timer_id,
            "due_at": iso(due),
        }
        for name, point in zip(("remind_50_at", "remind_80_at"), reminders, strict=False):
            if point is not None:
                payload[name] = iso(point)
        return self._start(self._deadline, deadline_name(tenant, subject_id, timer_id, attempt), payload, (tenant, subject_id))

    def start_approval(self, *, tenant: str, subject_id: str, draft_id: str, timeout_seconds: int, attempt: int = 0) -> bool:
        """Wait for the leader (task token via the outbox queue); on time-out, escalate. False when refused."""
        payload = {"tenant": tenant, "subject_id": subject_id, "draft_id": draft_id, "timeout_seconds": max(timeout_seconds, 1)}
        return self._start(self._approval, approval_name(tenant, subject_id, draft_id, attempt), payload, (tenant, subject_id))

    def deadline_status(self, *, tenant: str, subject_id: str, timer_id: str, attempt: int = 0) -> str | None:
        """RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED — or None when no such execution was ever started."""
        return self._status(self._deadline, deadline_name(tenant, subject_id, timer_id, attempt))

    def approval_status(self, *, tenant: str, subject_id: str, draft_id: str, attempt: int = 0) -> str | None:
        """The approval wait's execution status, or None when it was never started."""
        return self._status(self._approval, approval_name(tenant, subject_id, draft_id, attempt))

    def approved(self, *, task_token: str) -> None:
        """End an approval wait (a token that already ended is fine; a wait left running times out harmlessly)."""
        try:
            self._client.send_task_success(taskToken=task_token, output=json.dumps({"approved": True}))
        except (ClientError, BotoCoreError) as exc:
            logger.warning("approval wait not ended", extra={"error": _code(exc)})

    def _start(self, arn: str, name: str, payload: dict[str, Any], subject: tuple[str, str]) -> bool:
        if not arn:
            logger.warning("no state machine configured", extra={"timer": name})
            return False
        try:
            self._client.start_execution(stateMachineArn=arn, name=name, input=json.dumps(payload))
        except (ClientError, BotoCoreError) as exc:
            if _code(exc) == "ExecutionAlreadyExists":
                return True
            logger.warning("timer not started; the reconcile job will start it", extra={"timer": name, "error": _code(exc)})
            count("TimerStartFailed")
            if self._on_refused is not None:
                self._on_refused(*subject)
            return False
        return True

    def _status(self, arn: str, name: str) -> str | None:
        if not arn:
            return None
        try:
            return str(self._client.describe_execution(executionArn=execution_arn(arn, name))["status"])
        except ClientError as exc:
            if _code(exc) == "ExecutionDoesNotExist":
                return None
            raise


def deadline_name(tenant: str, subject_id: str, timer_id: str, attempt: int = 0) -> str:
    """The execution name of a request's deadline timer (its restarts: `-r1`, `-r2`, …)."""
    return _name(f"{tenant}-{subject_id}-{timer_id}", attempt)


def approval_name(tenant: str, subject_id: str, draft_id: str, attempt: int = 0) -> str:
    """The execution name of a draft's approval wait."""
    return _name(f"{tenant}-{subject_id}-{draft_id[-12:]}", attempt)


def _name(base: str, attempt: int) -> str:
    suffix = f"-r{attempt}" if attempt else ""
    return base[: NAME_MAX - len(suffix)] + suffix


def execution_arn(state_machine_arn: str, name: str) -> str:
    """arn:aws:states:{region}:{account}:stateMachine:{machine} → …:execution:{machine}:{name}."""
    return state_machine_arn.replace(":stateMachine:", ":execution:", 1) + f":{name}"


class SurveyWaves:
    """Starts a survey round's waves (infra/statemachines/survey-waves.asl.json), named after the round."""

    def __init__(self, client: Any, *, arn: str) -> None:
        self._client = client
        self._arn = arn

    def start(self, *, tenant: str, survey_id: str, round_number: int, steps: list[tuple[datetime, str]]) -> None:
        """Send at the first step, remind at each `remind`, close at the last; starting it twice is one execution.

        A refused start raises: the owner's "open" is then an error to retry (the round stays drawn), since a
        round that sends nothing and never closes would be worse than a retry.
        """
        payload = {
            "tenant": tenant,
            "survey_id": survey_id,
            "round": round_number,
            "send_at": iso(next(at for at, step in steps if step == "send")),
            "remind_at": [iso(at) for at, step in steps if step == "remind"],
            "close_at": iso(next(at for at, step in steps if step == "close")),
        }
        name = _name(f"{tenant}-{survey_id}-r{round_number:02d}", 0)
        try:
            self._client.start_execution(stateMachineArn=self._arn, name=name, input=json.dumps(payload))
        except ClientError as exc:
            if _code(exc) != "ExecutionAlreadyExists":
                raise
