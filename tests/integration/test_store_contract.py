"""The same contract for the unit store in memory and in DynamoDB (PynamoDB on moto)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.audit.domain import AuditEvent
from chalicelib.audit.store import AuditStore
from chalicelib.shared.errors import ConflictError
from chalicelib.tenancy.domain import Unit
from tests.fakes import FakeUnitStore

EVENT = AuditEvent("hanoi.tenant-admin", "unit.create", "unit", "x", datetime(2026, 11, 22, tzinfo=UTC))


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        return FakeUnitStore()
    request.getfixturevalue("stack")
    from chalicelib.tenancy.store import UnitStore

    return UnitStore(journal=AuditStore())


def test_add_then_get_and_list(store, unique):
    tenant = f"t{unique}"
    added = store.add(tenant=tenant, unit=Unit("co-so-9", "Cơ sở 9", "district_office"), event=EVENT)
    assert added.version == 1
    assert store.get(tenant=tenant, unit_id="co-so-9") == added
    assert store.list(tenant=tenant) == [added]


def test_adding_an_existing_id_conflicts(store, unique):
    tenant = f"t{unique}"
    store.add(tenant=tenant, unit=Unit("a", "A", "department"), event=EVENT)
    with pytest.raises(ConflictError):
        store.add(tenant=tenant, unit=Unit("a", "Khác", "department"), event=EVENT)
    assert store.get(tenant=tenant, unit_id="a").name == "A"


def test_replace_with_a_stale_version_conflicts(store, unique):
    tenant = f"t{unique}"
    added = store.add(tenant=tenant, unit=Unit("a", "A", "department"), event=EVENT)
    saved = store.replace(tenant=tenant, unit=Unit("a", "B", "department", version=added.version), event=EVENT)
    assert saved.version == added.version + 1
    with pytest.raises(ConflictError):
        store.replace(tenant=tenant, unit=Unit("a", "C", "department", version=added.version), event=EVENT)
    assert store.get(tenant=tenant, unit_id="a").name == "B"


def test_tenants_never_see_each_other(store, unique):
    store.add(tenant=f"a{unique}", unit=Unit("same", "A", "department"), event=EVENT)
    assert store.get(tenant=f"b{unique}", unit_id="same") is None
    assert store.list(tenant=f"b{unique}") == []


def test_a_conflicting_write_leaves_no_audit_entry(stack, unique):
    """In DynamoDB the change and its audit entry are one transaction: a lost race records nothing."""
    from chalicelib.audit.store import AuditStore
    from chalicelib.tenancy.store import UnitStore

    tenant, trail = f"t{unique}", AuditStore()
    store = UnitStore(journal=trail)
    added = store.add(tenant=tenant, unit=Unit("a", "A", "department"), event=EVENT)
    with pytest.raises(ConflictError):
        store.replace(tenant=tenant, unit=Unit("a", "C", "department", version=added.version + 3), event=EVENT)
    assert len(trail.list_month(tenant=tenant, month="2026-11")) == 1
