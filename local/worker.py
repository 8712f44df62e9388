"""The local stack's stand-ins for the SQS event sources (poll the outbox and jobs queues, run the Lambda's handler) and
for the EventBridge schedule of the reconcile job."""

from __future__ import annotations

import threading
from typing import Any

import boto3

from chalicelib.shared.observability import logger

from .aws import Resources


def receive_and_handle(sqs: Any, url: str, wait_seconds: int = 0, handler: Any = None) -> int:
    """One receive of up to 10 messages: handle each (the outbox's handler unless told), delete those handled;
    returns how many were handled."""
    from chalicelib.entrypoints.queue import handle_records

    handle_records = handler or handle_records
    response = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds, AttributeNames=["All"])
    handled = 0
    for message in response.get("Messages", []):
        record = {"messageId": message["MessageId"], "body": message["Body"], "attributes": message.get("Attributes", {})}
        if handle_records([record]):  # like Lambda: a failed message stays on the queue, SQS retries then dead-letters it
            continue
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        handled += 1
    return handled


def start(resources: Resources, stop: threading.Event) -> threading.Thread:
    """Poll in the background until `stop` is set."""
    sqs = boto3.client("sqs", endpoint_url=resources.endpoint, region_name=resources.region)

    def loop(url: str, handler: Any = None) -> None:
        while not stop.is_set():
            try:
                receive_and_handle(sqs, url, wait_seconds=1, handler=handler)
            except Exception:  # noqa: BLE001 - keep polling whatever one batch did
                logger.exception("queue poll failed", extra={"queue": url.rsplit("/", 1)[-1]})
                stop.wait(1)

    # One poller a queue, as each has its own function in AWS: a long export never holds up a notice.
    jobs = threading.Thread(target=loop, args=(resources.jobs_queue_url,), name="jobs-worker", daemon=True)
    jobs.start()
    if resources.ses_events_queue_url:
        from chalicelib.entrypoints.ses_events import handle_ses_records

        events = threading.Thread(
            target=loop, args=(resources.ses_events_queue_url, handle_ses_records), name="ses-events-worker", daemon=True
        )
        events.start()
    thread = threading.Thread(target=loop, args=(resources.outbox_queue_url,), name="outbox-worker", daemon=True)
    thread.start()
    return thread
