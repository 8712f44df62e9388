"""The customer store's contract, in memory and in DynamoDB (PynamoDB on moto): claims are unique per tenant."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.audit.domain import AuditEvent
from chalicelib.audit.store import AuditStore
from chalicelib.customers.domain import Customer
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.ids import new_id
from tests.fakes import FakeCustomerStore

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def event(target: str) -> AuditEvent:
    return AuditEvent("t.agent", "customer.create", "customer", target, NOW)


def person(*, id_number: str | None = None, social_insurance_code: str | None = None, phone: str | None = None) -> Customer:
    return Customer(
        kind="individual",
        id=new_id(),
        created_at=NOW,
        updated_at=NOW,
        full_name="Đỗ Văn Đạt",
        id_number=id_number,
        social_insurance_code=social_insurance_code,
        phone=phone,
    )


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        return FakeCustomerStore()
    request.getfixturevalue("stack")
    from chalicelib.customers.store import CustomerStore

    return CustomerStore(journal=AuditStore())


def test_add_then_get_claims_and_search(store, unique):
    tenant = f"t{unique}"
    added = store.add(tenant=tenant, customer=person(id_number="001203004567", phone="0912345678"), event=event("x"))
    assert store.get(tenant=tenant, customer_id=added.id) == added and added.version == 1
    assert store.claimed(tenant=tenant, identifiers={"id_number": "001203004567", "social_insurance_code": "9999999999"}) == {
        "id_number": added.id
    }
    assert [c.id for c in store.by_phone(tenant=tenant, phone="0912345678")] == [added.id]
    [hit] = store.search_identifier(tenant=tenant, kind="id_number", prefix="0012", limit=5)
    assert (hit.id, hit.identifiers, hit.matched) == (added.id, {"id_number": "********4567", "phone": "******5678"}, "id_number")
    assert [s.id for s in store.search_name(tenant=tenant, prefix="do van", limit=5)] == [added.id]


def test_a_taken_claim_refuses_the_whole_create_and_names_the_holder(store, unique):
    tenant = f"t{unique}"
    first = store.add(tenant=tenant, customer=person(social_insurance_code="0123456789"), event=event("a"))
    second = person(id_number="123456789", social_insurance_code="0123456789", phone="0912345678")
    with pytest.raises(ConflictError) as refused:
        store.add(tenant=tenant, customer=second, event=event("b"))
    assert refused.value.code == "duplicate_customer" and refused.value.fields == {
        "social_insurance_code": f"duplicate:{first.id}"
    }
    assert store.get(tenant=tenant, customer_id=second.id) is None
    assert store.claimed(tenant=tenant, identifiers={"id_number": "123456789"}) == {}, "nothing of the refused record stays"
    assert store.by_phone(tenant=tenant, phone="0912345678") == []


def test_a_phone_is_shared_not_claimed(store, unique):
    tenant = f"t{unique}"
    one = store.add(tenant=tenant, customer=person(id_number="001203004567", phone="0912345678"), event=event("a"))
    two = store.add(tenant=tenant, customer=person(id_number="001203004568", phone="0912345678"), event=event("b"))
    assert sorted(c.id for c in store.by_phone(tenant=tenant, phone="0912345678")) == sorted([one.id, two.id])


def test_replace_moves_claims_renames_and_checks_the_version(store, unique):
    tenant = f"t{unique}"
    before = store.add(tenant=tenant, customer=person(phone="0912345678", id_number="001203004567"), event=event("a"))
    after = replace(before, full_name="Đỗ Văn Đức", phone="0987654321")
    saved = store.replace(tenant=tenant, before=before, after=after, event=event("a"))
    assert saved.version == 2 and store.get(tenant=tenant, customer_id=before.id).phone == "0987654321"
    assert store.by_phone(tenant=tenant, phone="0912345678") == []
    assert [c.id for c in store.by_phone(tenant=tenant, phone="0987654321")] == [before.id]
    assert store.claimed(tenant=tenant, identifiers={"id_number": "001203004567"}) == {"id_number": before.id}
    assert [s.display_name for s in store.search_name(tenant=tenant, prefix="do van", limit=5)] == ["Đỗ Văn Đức"]
    [hit] = store.search_identifier(tenant=tenant, kind="id_number", prefix="001203004567", limit=5)
    assert hit.identifiers["phone"] == "******4321", "unchanged claims carry the new summary"
    with pytest.raises(ConflictError) as stale:
        store.replace(tenant=tenant, before=before, after=replace(before, phone="0900000000"), event=event("a"))
    assert stale.value.code == "conflict"


def test_tenants_never_see_each_other(store, unique):
    added = store.add(tenant=f"a{unique}", customer=person(phone="0912345678"), event=event("a"))
    assert store.get(tenant=f"b{unique}", customer_id=added.id) is None
    assert store.search_identifier(tenant=f"b{unique}", kind="phone", prefix="091", limit=5) == []
    other = store.add(tenant=f"b{unique}", customer=person(phone="0912345678"), event=event("b"))
    assert other.phone == "0912345678", "the same phone may be on record in two offices"


def test_a_new_customer_is_marked_for_the_retention_job_from_its_creation(store, unique):
    from chalicelib.customers.retention import RetentionMarks

    tenant = f"t{unique}"
    added = store.add(tenant=tenant, customer=person(id_number="001203004567"), event=event("a"))
    assert store.get(tenant=tenant, customer_id=added.id).marks == RetentionMarks(NOW, NOW)
    assert store.due(tenant=tenant, mark="activity", before=NOW + timedelta(seconds=1), limit=5) == ([added.id], None)
    assert store.due(tenant=tenant, mark="content", before=NOW, limit=5) == ([], None), "strictly before"
    assert store.due(tenant=f"x{unique}", mark="activity", before=NOW + timedelta(days=1), limit=5) == ([], None)


def test_the_job_moves_the_marks_without_touching_the_version_and_an_edit_keeps_them(store, unique):
    from chalicelib.customers.retention import RetentionMarks

    tenant = f"t{unique}"
    added = store.add(tenant=tenant, customer=person(id_number="001203004567"), event=event("a"))
    later = RetentionMarks(NOW + timedelta(days=30), NOW + timedelta(days=10))
    assert store.set_marks(tenant=tenant, customer_id=added.id, marks=later)
    read = store.get(tenant=tenant, customer_id=added.id)
    assert read.marks == later and read.version == 1, "a person holding version 1 can still save"
    saved = store.replace(tenant=tenant, before=read, after=replace(read, full_name="Đỗ Văn Đức"), event=event("a"))
    assert store.get(tenant=tenant, customer_id=added.id).marks == later and saved.version == 2
    assert store.due(tenant=tenant, mark="content", before=NOW + timedelta(days=11), limit=5) == ([added.id], None)
    assert not store.set_marks(tenant=tenant, customer_id=new_id(), marks=later), "no profile, nothing written"


def test_due_pages_oldest_first(store, unique):
    tenant = f"t{unique}"
    ids = [
        store.add(tenant=tenant, customer=replace(person(), created_at=NOW + timedelta(minutes=n)), event=event("a")).id
        for n in range(3)
    ]
    first, cursor = store.due(tenant=tenant, mark="activity", before=NOW + timedelta(days=1), limit=2)
    assert first == ids[:2] and cursor
    rest, end = store.due(tenant=tenant, mark="activity", before=NOW + timedelta(days=1), limit=2, cursor=cursor)
    assert rest == ids[2:] and end is None


def test_anonymise_leaves_an_anonymous_profile_and_no_claim_or_index_entry(store, unique):
    from chalicelib.customers.erasure import anonymised

    tenant = f"t{unique}"
    added = store.add(tenant=tenant, customer=person(id_number="001203004567", phone="0912345678"), event=event("a"))
    before = store.get(tenant=tenant, customer_id=added.id)
    later = NOW + timedelta(days=1)
    with pytest.raises(ConflictError):
        store.anonymise(
            tenant=tenant, before=replace(before, version=5), after=anonymised(before, now=later, reason="x"), event=event("a")
        )
    assert store.get(tenant=tenant, customer_id=added.id).full_name == "Đỗ Văn Đạt", "a stale version changes nothing"
    gone = store.anonymise(
        tenant=tenant, before=before, after=anonymised(before, now=later, reason="objection"), event=event("a")
    )
    read = store.get(tenant=tenant, customer_id=added.id)
    assert read == gone and read.version == 2 and read.anonymised_at == later and read.anonymised_reason == "objection"
    assert (read.full_name, read.id_number, read.phone, read.marks) == (None, None, None, None)
    assert store.claimed(tenant=tenant, identifiers={"id_number": "001203004567"}) == {}
    assert store.by_phone(tenant=tenant, phone="0912345678") == []
    assert store.search_name(tenant=tenant, prefix="do van", limit=5) == []
    assert store.due(tenant=tenant, mark="activity", before=later + timedelta(days=1), limit=5) == ([], None)
    assert not store.set_marks(tenant=tenant, customer_id=added.id, marks=before.marks), "an anonymised profile is left alone"
    again = store.add(tenant=tenant, customer=person(id_number="001203004567"), event=event("b"))
    assert again.id != added.id, "the person coming back is a new record"
