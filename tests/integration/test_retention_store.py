"""The retention settings' store and the audit trail's monthly purge, in memory and in DynamoDB (PynamoDB on moto)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.audit.domain import AuditEvent
from chalicelib.customers.privacy_store import RetentionRun
from chalicelib.customers.retention import CUSTOMER_PROFILE, NationalBounds, RetentionPolicy
from chalicelib.shared.errors import ConflictError
from tests.fakes import FakeAudit, FakeRetentionStore

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
EVENT = AuditEvent("hanoi.tenant-admin", "retention_policy.update", "retention_policy", "hanoi", NOW)


@pytest.fixture(params=["memory", "dynamodb"])
def stores(request):
    """(retention store, audit trail) in memory or on moto."""
    if request.param == "memory":
        audit = FakeAudit()
        return FakeRetentionStore(audit), audit
    request.getfixturevalue("stack")
    from chalicelib.audit.store import AuditStore
    from chalicelib.customers.privacy_store import RetentionStore

    trail = AuditStore()
    return RetentionStore(journal=trail), trail


def test_a_policy_reads_as_the_defaults_until_saved_then_at_its_version(stores, unique):
    store, audit = stores
    tenant = f"t{unique}"
    bounds = NationalBounds()
    assert store.policy(tenant=tenant, national=bounds) == RetentionPolicy(tenant, national=bounds)
    saved = store.save_policy(policy=RetentionPolicy(tenant, {CUSTOMER_PROFILE: 48}, 0, bounds), event=EVENT)
    assert saved.version == 1 and store.policy(tenant=tenant, national=bounds) == saved
    with pytest.raises(ConflictError):
        store.save_policy(policy=RetentionPolicy(tenant, {CUSTOMER_PROFILE: 36}, 0, bounds), event=EVENT)
    assert store.policy(tenant=tenant, national=bounds).custom == {CUSTOMER_PROFILE: 48}
    assert [e.action for e in audit.list_month(tenant=tenant, month="2026-12")] == ["retention_policy.update"]
    assert store.policy(tenant=f"x{unique}", national=bounds).version == 0, "another tenant's policy is its own"


def test_national_bounds_are_one_item_under_the_ccc_at_a_version(stores):
    store, _ = stores
    current = store.national()
    saved = store.save_national(bounds=NationalBounds({CUSTOMER_PROFILE: (24, 96)}, current.version), event=EVENT)
    assert saved.version == current.version + 1 and store.national() == saved and saved.of(CUSTOMER_PROFILE) == (24, 96)
    with pytest.raises(ConflictError):
        store.save_national(bounds=NationalBounds({}, current.version), event=EVENT)
    store.save_national(bounds=NationalBounds({}, saved.version), event=EVENT)  # leave the shared table as it was


def test_the_last_run_is_kept_per_tenant_latest_wins(stores, unique):
    store, _ = stores
    tenant = f"t{unique}"
    assert store.last_run(tenant=tenant) is None
    store.save_run(tenant=tenant, run=RetentionRun(NOW, 1, 2, 0, False, None))
    store.save_run(tenant=tenant, run=RetentionRun(NOW, 3, 4, 1, True, "2021-11"))
    assert store.last_run(tenant=tenant) == RetentionRun(NOW, 3, 4, 1, True, "2021-11")


def test_a_month_of_the_audit_trail_is_purged_whole_and_only_that_month(stores, unique):
    _, audit = stores
    tenant = f"t{unique}"
    for day in (1, 15, 30):
        audit.append(tenant=tenant, event=AuditEvent("a", "customer.read", "customer", "x", datetime(2026, 9, day, tzinfo=UTC)))
    audit.append(tenant=tenant, event=AuditEvent("a", "customer.read", "customer", "y", datetime(2026, 10, 1, tzinfo=UTC)))
    assert audit.purge_month(tenant=tenant, month="2026-09") == 3
    assert audit.list_month(tenant=tenant, month="2026-09") == []
    assert [e.target_id for e in audit.list_month(tenant=tenant, month="2026-10")] == ["y"]
    assert audit.purge_month(tenant=tenant, month="2026-09") == 0
