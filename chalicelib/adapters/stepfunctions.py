"""Step Functions: the deadline timer of a request and the leader-approval wait (infra/statemachines/)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.shared.clock import iso
from chalicelib.shared.observability import logger


class Timers:
    """Starts executions named after what they time, so a retried start is the same execution."""

    def __init__(
        self, client: Any, *, deadline_arn: str, approval_arn: str, item_key: Callable[[str, str], tuple[str, str]]
    ) -> None:
        self._client = client
        self._deadline = deadline_arn
        self._approval = approval_arn
        self._item_key = item_key  # (tenant, subject) -> the (PK, SK) whose `open_timer` the machine checks

    def start_deadline(
        self, *, tenant: str, subject_id: str, timer_id: str, reminders: tuple[datetime | None, ...], due: datetime
    ) -> None:
        """Wait to each reminder point still ahead (50 %, 80 %: a missing one is skipped), then to the deadline."""
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
