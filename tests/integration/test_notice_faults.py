"""Notices under faults: SES and SNS throttled or failing, the table refusing the record of a send, the queue
delivering a message twice or losing it. In the end each notice is sent exactly once, or listed as failed.

The outbox's service runs as deployed (its store on moto's table, SES and SNS on moto) with a queue of its own and a
clock the test moves: a message that fails is made visible again at once and the clock moves on by the queue's
visibility timeout, as if SQS had waited before delivering it again (moto counts the receives and dead-letters the
message after the fifth, as SQS does).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib.adapters import dynamo
from chalicelib.adapters.messaging import Mailer, OutboxQueue, Sms
from chalicelib.entrypoints.queue import handle_records
from chalicelib.notifications.domain import CLAIM_SECONDS, MAX_ATTEMPTS, OUTCOME_UNKNOWN, UNSETTLED_AFTER, Notice
from chalicelib.notifications.service import NoticeBusyError, NotificationService, Worker
from chalicelib.notifications.store import OutboxItem, OutboxStore
from chalicelib.shared.clock import FixedClock
from infra.definitions import MAIL, QUEUES
from tests.faults import THROTTLED, UNAVAILABLE, Faults, mail_to, outbox_write, sms_to

TENANT = "hanoi"
DATA = {"reference": "HANOI-F", "subject": "s", "level": "50", "due_local": "", "url": "u"}


@dataclass
class Outbox:
    """The outbox as the worker runs it, with faults on every client it uses."""

    service: NotificationService
    store: OutboxStore
    worker: Worker
    clock: FixedClock
    faults: Faults
    sqs: Any
    url: str
    dlq_url: str
    receives: int = 0

    def notice(self, notice: Notice) -> str:
        """Write the notice as a change's transaction would, then tell the worker."""
        self.store.entry(tenant=TENANT, notice=notice).save()
        self.service.enqueue(tenant=TENANT, notices=[notice])
        return notice.id

    def run(self, rounds: int = 30) -> None:
        """Deliver until the queue is empty; a failed message comes back after the visibility timeout."""
        for _ in range(rounds):
            messages = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
                "Messages", []
            )
            if not messages:
                return
            for message in messages:
                self.receives += 1
                count = int(message["Attributes"]["ApproximateReceiveCount"])
                try:
                    self.worker.handle(json.loads(message["Body"]), receive_count=count)
                except Exception:  # noqa: BLE001 - SQS keeps the message; it comes back after the visibility timeout
                    self.sqs.change_message_visibility(
                        QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )
                    self.clock.advance(timedelta(seconds=CLAIM_SECONDS))
                    continue
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        raise AssertionError("the queue did not empty")

    def item(self, notice_id: str) -> OutboxItem:
        """The notice as stored."""
        found = self.store.get(tenant=TENANT, notice_id=notice_id)
        assert found is not None
        return found

    def dead_letters(self) -> int:
        """Messages SQS gave up on."""
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.dlq_url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


@pytest.fixture
def outbox(stack: Any, unique: str) -> Iterator[Outbox]:
    faults = Faults()
    kw = {"endpoint_url": stack.endpoint, "region_name": stack.region}
    clients = {name: boto3.client(name, **kw) for name in ("ses", "sns", "sqs")}  # type: ignore[call-overload]
    table = dynamo.connection().client
    for client in (*clients.values(), table):
        client.meta.events.register("before-call", faults.handler, unique_id="notice-faults")
    queue = QUEUES[0]
    sqs = boto3.client("sqs", **kw)  # the test's own view of the queue, without faults
    dlq_url = sqs.create_queue(QueueName=f"faults-{unique}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(queue.max_receive_count)}
    url = sqs.create_queue(
        QueueName=f"faults-{unique}",
        Attributes={"VisibilityTimeout": str(queue.visibility_timeout_seconds), "RedrivePolicy": json.dumps(policy)},
    )["QueueUrl"]
    clock = FixedClock(datetime.now(UTC))
    store = OutboxStore(clock=clock)
    service = NotificationService(
        store=store,
        queue=OutboxQueue(clients["sqs"], url=url),
        mailer=Mailer(clients["ses"], sender=MAIL.sender, configuration_set=MAIL.configuration_set),
        sms=Sms(clients["sns"]),
        clock=clock,
    )
    worker = Worker({"notice": service.deliver, "notice_sent": service.record_sent})
    yield Outbox(service, store, worker, clock, faults, sqs, url, dlq_url)
    for client in (*clients.values(), table):
        client.meta.events.unregister("before-call", unique_id="notice-faults")


def _mail(unique: str, tag: str) -> Notice:
    return Notice("email", f"{tag}.{unique}@example.vn", "deadline-reminder", dict(DATA))


def _mails_to(sent: Any, address: str) -> int:
    return len([m for m in sent()["emails"] if address in m.destinations["ToAddresses"]])


def _sms_to(sent: Any, number: str) -> int:
    return len([m for m in sent()["sms"] if m[0] == number])


def test_the_config_constants_are_the_queues():
    assert (MAX_ATTEMPTS, CLAIM_SECONDS) == (QUEUES[0].max_receive_count, QUEUES[0].visibility_timeout_seconds)


@pytest.mark.parametrize("code", [THROTTLED["ses"], UNAVAILABLE["ses"]])
def test_a_throttled_or_failing_mail_is_retried_and_sent_once(outbox, unique, sent, code):
    notice = _mail(unique, "ses")
    with outbox.faults.inject("ses.SendTemplatedEmail", code, status=503 if code == UNAVAILABLE["ses"] else 400, times=2):
        notice_id = outbox.notice(notice)
        outbox.run()
    assert _mails_to(sent, notice.to) == 1
    item = outbox.item(notice_id)
    assert (item.status, item.attempts, item.last_error) == ("sent", 3, None)
    assert outbox.receives == 3, "two refusals cost two more deliveries of the message"


def test_a_throttled_or_failing_sms_is_retried_and_sent_once(outbox, unique, sent):
    phone = "09" + str(int(unique, 16))[:8].zfill(8)
    number = "+84" + phone[1:]
    with (
        outbox.faults.inject("sns.Publish", THROTTLED["sns"], matches=sms_to(number)),
        outbox.faults.inject("sns.Publish", UNAVAILABLE["sns"], status=500, matches=sms_to(number)),
    ):
        notice_id = outbox.notice(Notice("sms", phone, "request_answered", {"reference": "HANOI-F"}))
        outbox.run()
    assert _sms_to(sent, number) == 1
    assert outbox.item(notice_id).status == "sent" and outbox.receives == 3


def test_a_notice_refused_every_time_is_listed_as_failed_after_the_last_try_and_can_be_resent(outbox, unique, sent):
    notice = _mail(unique, "down")
    with outbox.faults.inject("ses.SendTemplatedEmail", UNAVAILABLE["ses"], status=503, times=None, matches=mail_to(notice.to)):
        notice_id = outbox.notice(notice)
        outbox.run()
    item = outbox.item(notice_id)
    assert (item.status, item.attempts, item.last_error) == ("failed", MAX_ATTEMPTS, "ServiceUnavailable")
    assert notice_id in [i.SK for i in outbox.service.failed(tenant=TENANT)]
    assert _mails_to(sent, notice.to) == 0 and outbox.dead_letters() == 1

    outbox.service.resend(tenant=TENANT, notice_id=notice_id)
    outbox.run()
    assert _mails_to(sent, notice.to) == 1 and outbox.item(notice_id).status == "sent"


def test_a_send_whose_record_fails_is_not_sent_again(outbox, unique, sent):
    """SES took the mail, then the table refused to record it: the record goes through the queue, no second mail."""
    notice = _mail(unique, "record")
    # The notice's first write is its claim; the second, after the send, is its record.
    with outbox.faults.inject(
        "dynamodb.UpdateItem", UNAVAILABLE["dynamodb"], status=500, skip=1, times=3, matches=outbox_write(notice.id)
    ) as fault:
        notice_id = outbox.notice(notice)
        outbox.run()
    assert fault.injected >= 1
    assert _mails_to(sent, notice.to) == 1
    item = outbox.item(notice_id)
    assert item.status == "sent" and item.provider_id and item.attempts == 1


def test_a_send_whose_record_and_its_message_both_fail_is_listed_as_unknown_not_sent_again(outbox, unique, sent):
    """The table and the queue both refuse after SES took the mail: after the claim's time the notice is listed for a
    person to check (it may have gone out), and no delivery sends it a second time."""
    notice = _mail(unique, "unknown")
    with (
        outbox.faults.inject(
            "dynamodb.UpdateItem", UNAVAILABLE["dynamodb"], status=500, skip=1, times=1, matches=outbox_write(notice.id)
        ),
        outbox.faults.inject("sqs.SendMessage", UNAVAILABLE["sfn"], status=503, skip=1, times=1),
    ):
        notice_id = outbox.notice(notice)
        outbox.run()
    assert _mails_to(sent, notice.to) == 1
    item = outbox.item(notice_id)
    assert (item.status, item.last_error) == ("failed", OUTCOME_UNKNOWN)
    assert notice_id in [i.SK for i in outbox.service.failed(tenant=TENANT)]


def test_a_message_delivered_twice_sends_once(outbox, unique, sent):
    notice = _mail(unique, "twice")
    notice_id = outbox.notice(notice)
    outbox.service.enqueue(tenant=TENANT, notices=[notice])  # SQS's at-least-once: the same message again
    outbox.run()
    assert _mails_to(sent, notice.to) == 1 and outbox.item(notice_id).status == "sent"


def test_a_delivery_that_finds_the_notice_claimed_leaves_it_to_the_claim(outbox, unique, sent):
    """A second delivery while another is sending comes back later; once the other attempt has certainly ended
    without a record, the notice is listed as failed rather than risk a second mail."""
    notice = _mail(unique, "claimed")
    notice_id = outbox.notice(notice)
    assert outbox.store.claim(outbox.item(notice_id), at=outbox.clock.now())  # another delivery is sending it now
    with pytest.raises(NoticeBusyError):
        outbox.service.deliver(tenant=TENANT, notice_id=notice_id)
    outbox.clock.advance(timedelta(seconds=CLAIM_SECONDS))
    outbox.run()
    assert _mails_to(sent, notice.to) == 0
    assert (outbox.item(notice_id).status, outbox.item(notice_id).last_error) == ("failed", OUTCOME_UNKNOWN)


def test_the_record_of_a_send_wins_over_a_claim_given_up(outbox, unique, sent):
    notice = _mail(unique, "late")
    notice_id = outbox.notice(notice)
    assert outbox.store.claim(outbox.item(notice_id), at=outbox.clock.now())
    outbox.clock.advance(timedelta(seconds=CLAIM_SECONDS))
    outbox.run()  # the claim looks abandoned: failed, outcome unknown
    outbox.service.record_sent(tenant=TENANT, notice_id=notice_id, provider_id="late-answer")
    item = outbox.item(notice_id)
    assert (item.status, item.provider_id) == ("sent", "late-answer") and _mails_to(sent, notice.to) == 0


def test_a_lost_enqueue_is_swept_and_sent_once(outbox, unique, sent):
    """The change committed with its notice, but the message never reached the queue: the sweep sends it."""
    notice = _mail(unique, "lost")
    with outbox.faults.inject("sqs.SendMessage", UNAVAILABLE["sfn"], status=503):
        notice_id = outbox.notice(notice)
    outbox.run()
    assert _mails_to(sent, notice.to) == 0 and outbox.item(notice_id).status == "pending"
    assert outbox.service.sweep(tenant=TENANT) == (0, 0), "not before the queue's retries could have ended"
    outbox.clock.advance(UNSETTLED_AFTER + timedelta(seconds=1))
    requeued, _ = outbox.service.sweep(tenant=TENANT)
    assert requeued >= 1
    outbox.run()
    assert _mails_to(sent, notice.to) == 1 and outbox.item(notice_id).status == "sent"
    assert notice_id not in [i.SK for i in outbox.store.unsettled(tenant=TENANT, created_before=outbox.clock.now(), limit=100)]


def test_one_failing_message_does_not_hold_back_the_rest_of_its_batch(stack, unique, faults, sent):
    from chalicelib.bootstrap import container

    good, bad = _mail(unique, "good"), _mail(unique, "bad")
    store = OutboxStore(clock=container().clock)
    for notice in (bad, good):
        store.entry(tenant=TENANT, notice=notice).save()
    records = [
        {"messageId": n.id, "body": json.dumps({"type": "notice", "tenant": TENANT, "notice_id": n.id})} for n in (bad, good)
    ]
    with faults.inject("ses.SendTemplatedEmail", THROTTLED["ses"], matches=mail_to(bad.to)):
        assert handle_records(records) == [bad.id]
    assert _mails_to(sent, good.to) == 1 and _mails_to(sent, bad.to) == 0
