"""Delivery statuses (GOV.UK Notify's) and how SES's events map onto them."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.links.deliveries import (
    DELIVERED,
    PENDING,
    PERMANENT,
    SENDING,
    TECHNICAL,
    TEMPORARY,
    Delivery,
    SesEvent,
    address_hash,
    ses_event,
)

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _delivery(status: str = PENDING) -> Delivery:
    return Delivery("hanoi", "s1.official", "d1", "l1", "survey", {"member_id": "m1"}, "email", "an@x.vn", "t", status=status)


def _event(kind: str, **extra) -> dict:
    tags = {"tenant": ["hanoi"], "group": ["s1.official"], "delivery": ["d1"]}
    return {"eventType": kind, "mail": {"messageId": "m", "tags": tags}, **extra}


def test_a_delivery_moves_forward_only_and_a_repeat_is_no_change():
    sending = _delivery().advance(SENDING, T0)
    assert sending is not None and sending.status == SENDING and sending.history[-1].status == SENDING
    delivered = sending.advance(DELIVERED, T0)
    assert delivered is not None and delivered.advance(DELIVERED, T0) is None, "the same event twice changes nothing"
    assert delivered.advance(TEMPORARY, T0) is None, "a late soft bounce does not undo a delivery"
    assert delivered.advance(PERMANENT, T0) is not None, "SES may report a bounce after the delivery"
    failed = sending.advance(TEMPORARY, T0)
    assert failed is not None and failed.advance(DELIVERED, T0) is not None, "SES kept trying and delivered"
    assert _delivery(TECHNICAL).advance(DELIVERED, T0) is None and _delivery(PERMANENT).advance(SENDING, T0) is None


def _mapped(event: dict) -> SesEvent:
    found = ses_event(event)
    assert found is not None
    return found


def test_ses_events_map_to_statuses_and_suppression():
    assert _mapped(_event("Delivery")).status == DELIVERED
    hard = _mapped(_event("Bounce", bounce={"bounceType": "Permanent", "bounceSubType": "General"}))
    assert hard.status == PERMANENT and hard.suppress
    soft = _mapped(_event("Bounce", bounce={"bounceType": "Transient", "bounceSubType": "MailboxFull"}))
    assert soft.status == TEMPORARY and not soft.suppress
    complaint = _mapped(_event("Complaint"))
    assert complaint.status is None and complaint.suppress
    assert _mapped(_event("Reject")).status == _mapped(_event("Rendering Failure")).status == TECHNICAL
    assert ses_event(_event("Send")) is None
    assert ses_event({"eventType": "Delivery", "mail": {"tags": {}}}) is None, "a message of the outbox, not a delivery"


def test_suppressed_addresses_are_keyed_by_hash_whatever_their_case():
    assert address_hash(" An@X.vn ") == address_hash("an@x.vn") and "an@x.vn" not in address_hash("an@x.vn")
