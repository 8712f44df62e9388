"""The outbox queue's consumer: the Lambda's SQS handler and the local stack's poller both call `handle_records`.

Each message names its tenant (notices, and the timers' messages from Step Functions): that is its tenant scope,
so a message's handler touches that tenant's items and no other's (adapters/tenant_scope.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from chalicelib.entrypoints import container
from chalicelib.shared.observability import logger
from chalicelib.shared.tenancy import acting_for

OUTBOX_QUEUE = "cskh-outbox"  # infra/definitions.py QUEUES[0]
JOBS_QUEUE = "cskh-jobs"  # infra/definitions.py JOBS_QUEUE: the same handler, on a function with a longer time-out


def handle_records(records: Iterable[dict[str, Any]]) -> list[str]:
    """Handle every message of the batch; returns the ids of those that failed, for SQS to deliver again.

    Each message is tried even when one before it fails (handlers are idempotent), so a notice that keeps failing
    never uses up the receives of the others in its batch (the function reports partial batch failures).
    """
    worker = container().worker
    failed: list[str] = []
    for record in records:
        logger.clear_state()
        count = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
        try:
            body = json.loads(record["body"])
            with acting_for(str(body.get("tenant", ""))):
                worker.handle(body, receive_count=count)
        except Exception:  # noqa: BLE001 - one message's failure is retried by SQS, the rest of the batch goes on
            logger.exception("outbox message failed; it will be retried", extra={"receive_count": count})
            failed.append(str(record.get("messageId", "")))
    return failed


def batch_response(failed: list[str]) -> dict[str, Any]:
    """The SQS event source's partial batch response (FunctionResponseTypes: ReportBatchItemFailures)."""
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
