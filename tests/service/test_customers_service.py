"""CustomerService with in-memory fakes: find-or-create, duplicates, audited reads, tenancy, timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.customers.domain import TimelineEntry
from chalicelib.customers.schemas import CustomerIdentity
from chalicelib.customers.service import CustomerService
from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from chalicelib.shared.tenancy import Principal
from tests.fakes import FakeAudit, FakeCustomerStore, FakeTimeline

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
AGENT = Principal("hanoi.agent", "hanoi", frozenset({"agent"}))
HCM_AGENT = Principal("hcm.agent", "hcm", frozenset({"agent"}))
CCC_OFFICER = Principal("ccc.ccc-officer", "ccc", frozenset({"ccc_officer"}))
AN = CustomerIdentity(
    kind="individual",
    full_name="Nguyễn Văn An",
    id_number="001 203 004 567",
    social_insurance_code="0112345678",
    health_card_code="DN 4 01 0123456789",
    phone="+84 912 345 678",
    address="12 Lý Thường Kiệt, Hà Nội",
)


@pytest.fixture
def world():
    audit = FakeAudit()
    store = FakeCustomerStore(audit)
    timeline = FakeTimeline()
    service = CustomerService(store=store, audit=audit, clock=FixedClock(NOW), timeline=timeline)
    return service, store, audit, timeline


def test_create_normalises_and_audits_without_personal_data(world):
    service, _, audit, _ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    assert (an.id_number, an.phone, an.health_card_code, an.version) == ("001203004567", "0912345678", "DN4010123456789", 1)
    assert an.display_name == "Nguyễn Văn An" and an.created_at == NOW
    event = audit.events["hanoi"][-1]
    assert (event.actor, event.action, event.target_id) == ("hanoi.agent", "customer.create", an.id)
    assert "001203004567" not in str(event.detail) and "0912345678" not in str(event.detail)


@pytest.mark.parametrize(
    ("field", "value"),
    [("id_number", "001203004567"), ("social_insurance_code", "01 1234 5678"), ("health_card_code", "DN 401 0123456789")],
)
def test_a_taken_identifier_is_409_pointing_at_the_record(world, field, value):
    service, *_ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    other = CustomerIdentity(kind="individual", full_name="Trần Thị Bình", **{field: value})
    with pytest.raises(ConflictError) as refused:
        service.create(tenant="hanoi", actor=AGENT, data=other)
    assert refused.value.code == "duplicate_customer" and refused.value.fields == {field: f"duplicate:{an.id}"}


def test_matching_returns_the_existing_record_without_overwriting_and_writes_nothing(world):
    service, store, audit, _ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    trail = list(audit.events["hanoi"])
    same = CustomerIdentity(kind="individual", full_name="Nguyen Van An", phone="0912345678", email="moi@example.vn")
    found = service.match(tenant="hanoi", actor=AGENT, data=same)
    assert not found.new and found.customer.id == an.id
    assert found.customer.full_name == "Nguyễn Văn An" and found.customer.email is None
    assert (found.event.action, found.event.detail, found.trail) == (
        "customer.read",
        {"via": "intake", "matched": "phone"},
        "hanoi",
    )
    assert len(store.rows) == 1 and audit.events["hanoi"] == trail, "the intake's own change writes the read"


def test_only_a_phone_and_another_name_is_another_person(world):
    service, store, *_ = world
    service.create(tenant="hanoi", actor=AGENT, data=AN)
    relative = CustomerIdentity(kind="individual", full_name="Nguyễn Thị Hoa", phone="0912345678")
    assert service.match(tenant="hanoi", actor=AGENT, data=relative).new


def test_matching_nothing_makes_a_new_customer_that_is_not_yet_written(world):
    service, store, audit, _ = world
    service.create(tenant="hanoi", actor=AGENT, data=AN)
    new = service.match(
        tenant="hanoi", actor=AGENT, data=CustomerIdentity(kind="individual", full_name="Lê Thị Cúc", id_number="123456789")
    )
    assert new.new and new.customer.id_number == "123456789" and new.customer.id
    assert (new.event.action, new.trail) == ("customer.create", "hanoi")
    assert len(store.rows) == 1


def test_a_read_for_another_command_is_audited_by_that_command(world):
    service, store, audit, _ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    trail = list(audit.events["hanoi"])
    read = service.read(tenant="hanoi", actor=AGENT, customer_id=an.id, via="notice")
    assert read.customer.id == an.id and (read.event.action, read.event.detail) == ("customer.read", {"via": "notice"})
    assert audit.events["hanoi"] == trail
    with pytest.raises(NotFoundError):
        service.read(tenant="hcm", actor=Principal("hcm.agent", "hcm", frozenset({"agent"})), customer_id=an.id, via="notice")


def test_get_is_audited_and_carries_the_timeline_newest_first(world):
    service, _, audit, timeline = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    old = TimelineEntry(NOW - timedelta(days=3), "request", "Hỏi về chế độ thai sản", "R1")
    new = TimelineEntry(NOW - timedelta(days=1), "rating", "Hài lòng", "R1")
    timeline.by_customer[("hanoi", an.id)] = [old, new]
    read = service.get(tenant="hanoi", actor=AGENT, customer_id=an.id)
    assert read.timeline == (new, old)
    event = audit.events["hanoi"][-1]
    assert (event.action, event.actor, event.target_id, event.detail) == ("customer.read", "hanoi.agent", an.id, {})


def test_without_a_timeline_source_the_timeline_is_empty(world):
    _, store, audit, _ = world
    service = CustomerService(store=store, audit=audit, clock=FixedClock(NOW))
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    assert service.get(tenant="hanoi", actor=AGENT, customer_id=an.id).timeline == ()


def test_other_tenants_customers_are_not_found_and_not_reachable(world):
    service, *_ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    with pytest.raises(NotFoundError):
        service.get(tenant="hcm", actor=HCM_AGENT, customer_id=an.id)
    with pytest.raises(ForbiddenError):
        service.get(tenant="hanoi", actor=HCM_AGENT, customer_id=an.id)
    with pytest.raises(NotFoundError):
        service.get(tenant="hanoi", actor=AGENT, customer_id="not-an-id")
    assert service.search(tenant="hcm", actor=HCM_AGENT, identifier="001203004567", name=None) == []


def test_the_ccc_reads_any_province_and_the_read_is_in_its_own_trail(world):
    service, _, audit, _ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    assert service.get(tenant="hanoi", actor=CCC_OFFICER, customer_id=an.id).id == an.id
    event = audit.events["ccc"][-1]
    assert (event.action, event.actor, event.detail) == ("customer.read", "ccc.ccc-officer", {"tenant": "hanoi"})
    with pytest.raises(ForbiddenError):
        service.create(tenant="hanoi", actor=CCC_OFFICER, data=AN)
    with pytest.raises(NotFoundError):
        service.get(tenant="atlantis", actor=CCC_OFFICER, customer_id=an.id)


@pytest.mark.parametrize(
    "typed", ["001203004567", "001 203", "0112345678", "011234", "dn401", "DN4010123456789", "+84912", "0912 345 678"]
)
def test_search_by_identifier_or_its_beginning_masks_the_results(world, typed):
    service, _, audit, _ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    found = service.search(tenant="hanoi", actor=AGENT, identifier=typed, name=None)
    assert [s.id for s in found] == [an.id]
    assert found[0].identifiers["id_number"] == "********4567" and "0912345678" not in str(found[0])
    event = audit.events["hanoi"][-1]
    assert (event.action, event.detail) == ("customer.search", {"by": "identifier", "count": "1"})


@pytest.mark.parametrize("typed", ["nguyen van", "Nguyễn Văn An", "NGUYEN", "ng"])
def test_search_by_name_without_diacritics(world, typed):
    service, *_ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    service.create(tenant="hanoi", actor=AGENT, data=CustomerIdentity(kind="individual", full_name="Đặng Thị Ánh"))
    assert [s.id for s in service.search(tenant="hanoi", actor=AGENT, identifier=None, name=typed)] == [an.id]


def test_search_needs_something_long_enough(world):
    service, *_ = world
    with pytest.raises(RuleViolationError) as empty:
        service.search(tenant="hanoi", actor=AGENT, identifier="  ", name=None)
    assert empty.value.fields == {"identifier": "required"}
    with pytest.raises(RuleViolationError) as short:
        service.search(tenant="hanoi", actor=AGENT, identifier="79", name=None)
    assert short.value.fields == {"identifier": "too_short"}


def test_update_moves_identifiers_and_frees_the_old_ones(world):
    service, *_ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    changed = AN.model_copy(update={"phone": "0987654321", "email": "an@example.vn"})
    updated = service.update(tenant="hanoi", actor=AGENT, customer_id=an.id, version=an.version, data=changed)
    assert (updated.phone, updated.version) == ("0987654321", 2)
    assert service.search(tenant="hanoi", actor=AGENT, identifier="0912345678", name=None) == []
    other = CustomerIdentity(kind="individual", full_name="Trần Bình", phone="0912345678")
    assert service.create(tenant="hanoi", actor=AGENT, data=other).phone == "0912345678"
    with pytest.raises(ConflictError):
        service.update(tenant="hanoi", actor=AGENT, customer_id=an.id, version=an.version, data=AN)


def test_update_to_an_identifier_of_another_record_is_refused(world):
    service, *_ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    binh = service.create(
        tenant="hanoi", actor=AGENT, data=CustomerIdentity(kind="individual", full_name="B", phone="0987654321")
    )
    with pytest.raises(ConflictError) as refused:
        service.update(
            tenant="hanoi", actor=AGENT, customer_id=binh.id, version=1, data=AN.model_copy(update={"id_number": "123456789"})
        )
    pointer = f"duplicate:{an.id}"
    assert refused.value.fields == {"social_insurance_code": pointer, "health_card_code": pointer}


def test_update_records_the_names_of_changed_fields_only(world):
    service, _, audit, _ = world
    an = service.create(tenant="hanoi", actor=AGENT, data=AN)
    service.update(tenant="hanoi", actor=AGENT, customer_id=an.id, version=1, data=AN.model_copy(update={"phone": "0987654321"}))
    assert audit.events["hanoi"][-1].detail == {"fields": "phone"}
