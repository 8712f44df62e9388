"""The outbox queue's consumer: the Lambda's SQS handler and the local stack's poller both call `handle_records`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from chalicelib.entrypoints import container
from chalicelib.shared.observability import logger

OUTBOX_QUEUE = "cskh-outbox"  # infra/definitions.py QUEUES[0]


def handle_records(records: Iterable[dict[str, Any]]) -> None:
    """Handle each message; an exception leaves the batch to be retried (handlers are idempotent)."""
    worker = container().worker
    for record in records:
        logger.clear_state()
        body = json.loads(record["body"])
        count = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
        worker.handle(body, receive_count=count)
