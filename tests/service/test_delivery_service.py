"""Sending deliveries with fakes: bulk calls of 50, suppressed addresses skipped, pacing, SES events, failure hooks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.adapters.messaging import BulkDestination, BulkResult, SendRefused
from chalicelib.links.deliveries import DELIVERED, PENDING, PERMANENT, SENDING, TECHNICAL, TEMPORARY, Delivery
from chalicelib.links.sending import MESSAGE, DeliveryService
from tests.fakes import FakeDeliveryStore

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
GROUP = "s1.official"


class Clock:
    def now(self) -> datetime:
        return T0


class RecordingMailer:
    def __init__(self, refuse: bool = False) -> None:
        self.calls: list[list[BulkDestination]] = []
        self.refuse = refuse

    def send_bulk(self, *, template: str, destinations: list[BulkDestination]) -> list[BulkResult]:
        if self.refuse:
            raise SendRefused("Throttling")
        self.calls.append(destinations)
        return [BulkResult(None, "MessageRejected") if "reject" in d.to else BulkResult(f"ses-{d.to}") for d in destinations]


class RecordingSms:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict]] = []

    def send(self, *, to: str, text: str, attributes: dict[str, str] | None = None) -> str:
        self.sent.append((to, text, attributes or {}))
        return f"sns-{to}"


class RecordingQueue:
    def __init__(self) -> None:
        self.messages: list[tuple[dict, int]] = []

    def send(self, message: dict, *, delay_seconds: int = 0) -> None:
        self.messages.append((message, delay_seconds))


def _world(refuse: bool = False):
    store, mailer, sms, queue = FakeDeliveryStore(), RecordingMailer(refuse), RecordingSms(), RecordingQueue()
    service = DeliveryService(store=store, mailer=mailer, sms=sms, queue=queue, clock=Clock(), rate=10)
    return service, store, mailer, sms, queue


def _email(n: int, to: str | None = None) -> Delivery:
    return Delivery(
        "hanoi",
        GROUP,
        f"d{n:05d}",
        f"l{n}",
        "survey",
        {"member_id": f"m{n}"},
        "email",
        to or f"p{n}@x.vn",
        "survey-invitation",
        data={"office_name": "Bảo hiểm xã hội thành phố Hà Nội"},
        secret={"survey_url": f"https://hanoi.x/s/tok{n}"},
    )


def _sms(n: int) -> Delivery:
    return Delivery(
        "hanoi",
        GROUP,
        f"s{n:05d}",
        f"l{n}",
        "survey",
        {"member_id": f"m{n}"},
        "sms",
        f"09{n:08d}",
        "invitation",
        data={"office": "Bảo hiểm xã hội thành phố Hà Nội"},
        secret={"url": f"https://hanoi.x/s/tok{n}"},
    )


def test_120_emails_go_in_3_bulk_calls_each_tagged_and_their_links_blanked_once_sent():
    service, store, mailer, _, _ = _world()
    service.prepare(tenant="hanoi", group=GROUP, deliveries=[_email(n) for n in range(120)])
    assert service.progress(tenant="hanoi", group=GROUP).sent == 0
    service.send_chunk(tenant="hanoi", group=GROUP, rate=10)
    assert [len(c) for c in mailer.calls] == [50, 50, 20]
    first = mailer.calls[0][0]
    assert first.tags == {"tenant": "hanoi", "group": GROUP, "delivery": "d00000"}
    assert first.data["survey_url"] == "https://hanoi.x/s/tok0" and first.data["office_name"].startswith("Bảo hiểm")
    progress = service.progress(tenant="hanoi", group=GROUP)
    assert (progress.total, progress.sent, progress.counts[SENDING]) == (120, 120, 120)
    stored = store.get(tenant="hanoi", group=GROUP, delivery_id="d00007")
    assert stored is not None and stored.provider_id == "ses-p7@x.vn" and stored.secret == {}, "no token at rest once sent"


def test_sending_is_paced_chunk_by_chunk_on_the_queue():
    service, _, mailer, _, queue = _world()
    service.prepare(tenant="hanoi", group=GROUP, deliveries=[_email(n) for n in range(700)])
    service.start(tenant="hanoi", group=GROUP, rate=5)
    assert queue.messages == [({"type": MESSAGE, "tenant": "hanoi", "group": GROUP, "rate": 5}, 0)]
    assert service.send_chunk(tenant="hanoi", group=GROUP, rate=5) == 300, "5 a second for a minute"
    assert queue.messages[-1] == ({"type": MESSAGE, "tenant": "hanoi", "group": GROUP, "rate": 5}, 60)
    service.send_chunk(tenant="hanoi", group=GROUP, rate=5)
    assert service.send_chunk(tenant="hanoi", group=GROUP, rate=5) == 100
    assert len(queue.messages) == 3, "the last chunk queues no other"
    assert service.progress(tenant="hanoi", group=GROUP).sent == 700 and sum(len(c) for c in mailer.calls) == 700


def test_a_suppressed_address_is_a_permanent_failure_without_a_call_and_the_subject_is_told():
    service, store, mailer, _, _ = _world()
    told: list[Delivery] = []
    service.on_failure("survey", told.append)
    store.suppress(tenant="hanoi", address="gone@x.vn", reason="bounce", at=T0)
    service.prepare(tenant="hanoi", group=GROUP, deliveries=[_email(1, "GONE@x.vn"), _email(2)])
    service.send_chunk(tenant="hanoi", group=GROUP, rate=10)
    assert [d.to for c in mailer.calls for d in c] == ["p2@x.vn"]
    gone = store.get(tenant="hanoi", group=GROUP, delivery_id="d00001")
    assert gone is not None and gone.status == PERMANENT and gone.history[-1].detail == "suppressed"
    assert [d.id for d in told] == ["d00001"]


def test_a_destination_ses_refuses_is_a_technical_failure_and_a_refused_call_is_retried():
    service, store, _, _, _ = _world()
    service.prepare(tenant="hanoi", group=GROUP, deliveries=[_email(1, "reject@x.vn"), _email(2)])
    service.send_chunk(tenant="hanoi", group=GROUP, rate=10)
    rejected = store.get(tenant="hanoi", group=GROUP, delivery_id="d00001")
    assert rejected is not None and rejected.status == TECHNICAL
    down, down_store, _, _, _ = _world(refuse=True)
    down.prepare(tenant="hanoi", group=GROUP, deliveries=[_email(3)])
    with pytest.raises(SendRefused):
        down.send_chunk(tenant="hanoi", group=GROUP, rate=10)
    again = down_store.get(tenant="hanoi", group=GROUP, delivery_id="d00003")
    assert again is not None and again.status == PENDING and again.secret, "back in the queue, link kept for the retry"


def test_a_text_goes_unaccented_in_one_segment_with_its_attributes():
    service, store, _, sms, _ = _world()
    service.prepare(tenant="hanoi", group=GROUP, deliveries=[_sms(1)])
    service.send_chunk(tenant="hanoi", group=GROUP, rate=10)
    to, text, attributes = sms.sent[0]
    assert to == "0900000001" and text.startswith("Bao hiem xa hoi thanh pho Ha Noi: ") and text.endswith("/s/tok1")
    assert len(text) <= 160 and attributes == {"tenant": "hanoi", "group": GROUP, "delivery": "s00001"}
    stored = store.get(tenant="hanoi", group=GROUP, delivery_id="s00001")
    assert stored is not None and stored.status == SENDING and stored.provider_id == "sns-0900000001"


def _event(kind: str, delivery: str = "d00001", **extra) -> dict:
    tags = {"tenant": ["hanoi"], "group": [GROUP], "delivery": [delivery]}
    return {"eventType": kind, "mail": {"messageId": "m", "tags": tags}, **extra}


def _sent_one(service, store, to: str = "an@x.vn") -> None:
    service.prepare(tenant="hanoi", group=GROUP, deliveries=[_email(1, to)])
    service.send_chunk(tenant="hanoi", group=GROUP, rate=10)


def test_events_move_the_status_once_however_often_they_come():
    service, store, _, _, _ = _world()
    _sent_one(service, store)
    service.on_ses_event(event=_event("Bounce", bounce={"bounceType": "Transient", "bounceSubType": "MailboxFull"}))
    service.on_ses_event(event=_event("Delivery"))
    before = store.writes
    service.on_ses_event(event=_event("Delivery"))
    assert store.writes == before, "a duplicate event writes nothing"
    stored = store.get(tenant="hanoi", group=GROUP, delivery_id="d00001")
    assert stored is not None and stored.status == DELIVERED
    assert [s.status for s in stored.history] == [SENDING, TEMPORARY, DELIVERED]
    service.on_ses_event(event=_event("Delivery", delivery="unknown"))  # an unknown delivery is logged, not raised


def test_a_hard_bounce_or_complaint_suppresses_the_address_and_calls_the_hook_once():
    service, store, _, _, _ = _world()
    told: list[str] = []
    service.on_failure("survey", lambda d: told.append(d.status))
    _sent_one(service, store)
    bounce = _event("Bounce", bounce={"bounceType": "Permanent", "bounceSubType": "General"})
    service.on_ses_event(event=bounce)
    service.on_ses_event(event=bounce)
    assert told == [PERMANENT] and store.suppressed(tenant="hanoi", addresses=["an@x.vn"]) == {"an@x.vn"}
    other, other_store, _, _, _ = _world()
    complained: list[str] = []
    other.on_failure("survey", lambda d: complained.append(d.id))
    _sent_one(other, other_store, "c@x.vn")
    other.on_ses_event(event=_event("Complaint"))
    other.on_ses_event(event=_event("Complaint"))
    assert complained == ["d00001"] and other_store.suppressed(tenant="hanoi", addresses=["c@x.vn"]) == {"c@x.vn"}
