"""Erasure rules (Decree 13/2023 Art. 9.5, 16) and the removal of a request's personal content — pure, time passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.customers.domain import ANONYMOUS_NAME, Customer
from chalicelib.customers.erasure import anonymised, check_erasure
from chalicelib.customers.retention import RequestActivity
from chalicelib.requests.domain import Callback, Category, Channel, Draft, Escalation, Event, Kind, Rating, Request, Status
from chalicelib.requests.messages import REDACTED_TEXT
from chalicelib.shared.errors import ConflictError, RuleViolationError

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
AN = Customer(
    kind="individual",
    id="01JCUSTOMER0000000000000AN",
    version=3,
    full_name="Nguyễn Văn An",
    id_number="001203004567",
    phone="0912345678",
    email="an@example.vn",
    address="12 Lý Thường Kiệt",
    created_at=NOW - timedelta(days=900),
    updated_at=NOW - timedelta(days=400),
)
CLOSED = RequestActivity("r1", "HANOI-261101-AAAA", False, NOW - timedelta(days=30))
OPEN = RequestActivity("r2", "HANOI-261120-BBBB", True, NOW - timedelta(days=2))


def test_an_erasure_needs_a_known_legal_basis():
    check_erasure(customer=AN, requests=[CLOSED], reason="subject_request", reference="15/PYC-BHXH")
    with pytest.raises(RuleViolationError) as refused:
        check_erasure(customer=AN, requests=[], reason="because", reference=None)
    assert refused.value.fields == {"reason": "unknown"}


def test_an_open_request_holds_the_erasure_back_naming_it():
    with pytest.raises(RuleViolationError) as refused:
        check_erasure(customer=AN, requests=[CLOSED, OPEN], reason="subject_request", reference=None)
    assert refused.value.code == "customer_has_open_requests" and "HANOI-261120-BBBB" in refused.value.message
    assert "HANOI-261101-AAAA" not in refused.value.message


@pytest.mark.parametrize(
    ("reference", "problem"),
    [("CCCD-001203004567", "personal_data"), ("0912.345.678", "personal_data"), ("Đơn ông An", "format")],
)
def test_the_reference_kept_in_the_audit_trail_cannot_carry_the_data_it_protects(reference, problem):
    with pytest.raises(RuleViolationError) as refused:
        check_erasure(customer=AN, requests=[], reason="subject_request", reference=reference)
    assert refused.value.fields == {"reference": problem}


def test_the_anonymous_record_keeps_only_id_kind_dates_and_why():
    gone = anonymised(AN, now=NOW, reason="subject_request")
    assert (gone.id, gone.kind, gone.created_at, gone.version) == (AN.id, "individual", AN.created_at, 3)
    assert (gone.anonymised_at, gone.anonymised_reason, gone.updated_at) == (NOW, "subject_request", NOW)
    assert gone.identifiers() == {} and (gone.full_name, gone.email, gone.address) == (None, None, None)
    assert gone.display_name == ANONYMOUS_NAME
    with pytest.raises(ConflictError):
        anonymised(gone, now=NOW, reason="subject_request")


def _answered_request() -> Request:
    received = NOW - timedelta(days=40)
    request = Request(
        id="01JREQUEST000000000000000A",
        reference="HANOI-261022-000A",
        tenant="hanoi",
        channel=Channel.EMAIL,
        kind=Kind.COMPLAINT,
        category=Category.POLICY,
        subject="Chế độ ốm đau của chị An",
        question="Tôi là Nguyễn Văn An, CCCD 001203004567, con tôi nằm viện...",
        customer_id=AN.id,
        customer_name="Nguyễn Văn An",
        received_at=received,
        recorded_at=received,
        created_by="hanoi.focal-officer",
        status=Status.CLOSED,
        unit_id="cham-soc-khach-hang",
        answer="Kính gửi ông An, ...",
        answered_at=received + timedelta(days=3),
        answered_by="hanoi.leader",
        callback=Callback(received + timedelta(days=1), "Gọi số 0912345678 sau 14 giờ", "agent"),
        escalations=[Escalation("e1", "phong-chinh-sach", received + timedelta(days=5), "answered", "Ông An đủ điều kiện")],
        drafts=[Draft("d1", "Kính gửi ông An", "hanoi.focal-officer", received, "approved", "hanoi.leader", received, "Đồng ý")],
        rating=Rating(False, "Ông An chưa nhận được tiền", "Gọi lại cho ông", received + timedelta(days=4), "agent"),
    )
    request.history = [
        Event(received, "hanoi.focal-officer", "received"),
        Event(received + timedelta(hours=1), "hanoi.leader", "escalated", "phong-chinh-sach — hỏi giúp ông An"),
        Event(received + timedelta(days=2), "hanoi.leader", "approved", "Ông An cần bản sao"),
        Event(received + timedelta(days=5), "agent", "reopened", "Ông An gọi lại"),
    ]
    return request


def test_a_finished_request_keeps_its_statistics_and_loses_what_names_or_describes_the_person():
    request = _answered_request()
    request.redact(NOW, "system", "retention_expired")
    kept = (request.channel, request.kind, request.category, request.status, request.received_at, request.answered_at)
    assert kept == (
        Channel.EMAIL,
        Kind.COMPLAINT,
        Category.POLICY,
        Status.CLOSED,
        NOW - timedelta(days=40),
        NOW - timedelta(days=37),
    )
    assert (
        request.escalations[0].unit_id == "phong-chinh-sach" and request.rating is not None and request.rating.satisfied is False
    )
    text = repr(request)
    for personal in ("An", "001203004567", "0912345678", "ốm đau", "nằm viện"):
        assert personal not in text.replace(REDACTED_TEXT, "").replace("Khách hàng đã ẩn danh", ""), personal
    assert [e.detail for e in request.history] == ["", "phong-chinh-sach", "", ""]
    assert (request.redacted_at, request.new_events[-1].action) == (NOW, "content_redacted")


def test_redaction_waits_for_an_open_request_and_happens_once():
    request = _answered_request()
    request.status = Status.OPEN
    with pytest.raises(ConflictError):
        request.redact(NOW, "system", "retention_expired")
    request.status = Status.ANSWERED
    request.redact(NOW, "system", "retention_expired")
    request.redact(NOW + timedelta(days=1), "system", "retention_expired")
    assert request.redacted_at == NOW and len(request.new_events) == 1
