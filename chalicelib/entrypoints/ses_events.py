"""SES's events queue (configuration set → SNS → SQS): the Lambda's handler and the local stack's poller call
`handle_ses_records`. Each event names its tenant in its message tags, which is its tenant scope."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from chalicelib.entrypoints import container
from chalicelib.shared.observability import logger
from chalicelib.shared.tenancy import acting_for

SES_EVENTS_QUEUE = "cskh-ses-events"  # infra/definitions.py MAIL_EVENTS.queue


def unwrap(body: str) -> dict[str, Any]:
    """The SES event inside an SQS message: an SNS notification's `Message`, or the event itself (raw delivery)."""
    outer = json.loads(body)
    if isinstance(outer, dict) and outer.get("Type") == "Notification" and isinstance(outer.get("Message"), str):
        inner = json.loads(outer["Message"])
        return inner if isinstance(inner, dict) else {}
    return outer if isinstance(outer, dict) else {}


def _tenant(event: dict[str, Any]) -> str:
    values = ((event.get("mail") or {}).get("tags") or {}).get("tenant") or [""]
    return str(values[0])


def handle_ses_records(records: Iterable[dict[str, Any]]) -> list[str]:
    """Handle each event (idempotent); returns the ids of those that failed, for SQS to deliver again."""
    deliveries = container().deliveries
    failed: list[str] = []
    for record in records:
        logger.clear_state()
        try:
            event = unwrap(record["body"])
            tenant = _tenant(event)
            if not tenant:
                continue  # not a delivery's message (the outbox's notices carry no tags)
            logger.append_keys(tenant=tenant)
            with acting_for(tenant):
                deliveries.on_ses_event(event=event)
        except Exception:  # noqa: BLE001 - one event's failure is retried by SQS, the rest of the batch goes on
            logger.exception("SES event failed; it will be retried")
            failed.append(str(record.get("messageId", "")))
    return failed
