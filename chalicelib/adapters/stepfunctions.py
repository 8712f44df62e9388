"""Step Functions: the deadline timer of a request and the leader-approval wait (infra/statemachines/)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.shared.clock import iso
from chalicelib.shared.observability import logger


class Timers:
    """Starts executions named after what they time, so a retried start is the same execution."""

    def __init__(self, client: Any, *, deadline_arn: str, approval_arn: str) -> None:
        self._client = client
        self._deadline = deadline_arn
        self._approval = approval_arn

    def start_deadline(
        self, *, tenant: str, pk: str, sk: str, subject_id: str, timer_id: str, remind_50: datetime, remind_80: datetime, due: datetime
    ) -> None:
        """Wait to 50 % and 80 % of the time (reminders), then to the deadline (overdue, leader)."""
        payload = {
            "tenant": tenant, "pk": pk, "sk": sk, "subject_id": subject_id, "timer_id": timer_id,
            "remind_50_at": iso(remind_50), "remind_80_at": iso(remind_80), "due_at": iso(due),
        }
        self._start(self._deadline, f"{tenant}-{subject_id}-{timer_id}", payload)

    def start_approval(self, *, tenant: str, subject_id: str, draft_id: str, timeout_seconds: int) -> None:
        """Wait for the leader (task token via the outbox queue); on time-out, escalate."""
        payload = {"tenant": tenant, "subject_id": subject_id, "draft_id": draft_id, "timeout_seconds": max(timeout_seconds, 1)}
        self._start(self._approval, f"{tenant}-{subject_id}-{draft_id[-12:]}", payload)

    def approved(self, *, task_token: str) -> None:
        """End an approval wait (a token that already ended is fine)."""
        try:
            self._client.send_task_success(taskToken=task_token, output=json.dumps({"approved": True}))
        except ClientError as exc:
            logger.warning("approval wait already ended", extra={"error": exc.response.get("Error", {}).get("Code")})

    def _start(self, arn: str, name: str, payload: dict[str, Any]) -> None:
        if not arn:
            logger.warning("no state machine configured", extra={"timer": name})
            return
        try:
            self._client.start_execution(stateMachineArn=arn, name=name[:80], input=json.dumps(payload))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
                raise
