"""The same contract for the delivery store in memory and in DynamoDB: counts follow every change, a change from a
status the delivery left is refused whole, the suppression list answers by address."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.links.deliveries import DELIVERED, PENDING, PERMANENT, SENDING, Delivery
from chalicelib.shared.errors import ConflictError
from tests.fakes import FakeDeliveryStore

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        return FakeDeliveryStore()
    request.getfixturevalue("stack")
    from chalicelib.links.delivery_store import DynamoDeliveryStore

    return DynamoDeliveryStore()


def _advanced(delivery: Delivery, status: str) -> Delivery:
    moved = delivery.advance(status, T0)
    assert moved is not None
    return moved


def _deliveries(tenant: str, group: str, n: int) -> list[Delivery]:
    return [
        Delivery(
            tenant,
            group,
            f"d{i:04d}",
            f"l{i}",
            "survey",
            {"member_id": f"m{i}"},
            "email",
            f"p{i}@x.vn",
            "t",
            data={"office_name": "Hà Nội"},
            secret={"survey_url": f"https://x/s/{i}"},
        )
        for i in range(n)
    ]


def test_a_groups_deliveries_are_written_in_transactions_of_99_and_counted(store, unique):
    tenant, group = f"t{unique}", "s1.official"
    assert store.add(tenant=tenant, group=group, deliveries=_deliveries(tenant, group, 120)) == 2
    assert store.counts(tenant=tenant, group=group) == {
        "total": 120,
        "pending": 120,
        "sending": 0,
        "delivered": 0,
        "permanent-failure": 0,
        "temporary-failure": 0,
        "technical-failure": 0,
    }
    first = store.get(tenant=tenant, group=group, delivery_id="d0007")
    assert first is not None and first.destination == "p7@x.vn" and first.secret == {"survey_url": "https://x/s/7"}
    assert len(store.pending(tenant=tenant, group=group, limit=50)) == 50
    page, cursor = store.list(tenant=tenant, group=group, limit=100, cursor=None)
    rest, end = store.list(tenant=tenant, group=group, limit=100, cursor=cursor)
    assert len(page) == 100 and len(rest) == 20 and end is None
    assert store.counts(tenant=f"o{unique}", group=group)["total"] == 0


def test_changes_move_the_counts_and_leave_the_pending_list(store, unique):
    tenant, group = f"t{unique}", "g"
    ds = _deliveries(tenant, group, 3)
    store.add(tenant=tenant, group=group, deliveries=ds)
    claimed = [_advanced(d, SENDING) for d in ds]
    store.change([(d, c) for d, c in zip(ds, claimed, strict=True)])
    store.sent([replace(c, provider_id=f"ses-{c.id}", secret={}) for c in claimed])
    after = store.get(tenant=tenant, group=group, delivery_id="d0001")
    assert after is not None and after.status == SENDING and after.provider_id == "ses-d0001" and after.secret == {}
    assert store.pending(tenant=tenant, group=group, limit=10) == []
    delivered = _advanced(after, DELIVERED)
    store.change([(after, delivered)])
    counts = store.counts(tenant=tenant, group=group)
    assert (counts[PENDING], counts[SENDING], counts[DELIVERED], counts["total"]) == (0, 2, 1, 3)


def test_a_change_from_a_status_the_delivery_left_writes_nothing(store, unique):
    tenant, group = f"t{unique}", "g"
    ds = _deliveries(tenant, group, 2)
    store.add(tenant=tenant, group=group, deliveries=ds)
    store.change([(ds[0], _advanced(ds[0], SENDING))])
    with pytest.raises(ConflictError):
        store.change([(ds[1], _advanced(ds[1], SENDING)), (ds[0], _advanced(ds[0], PERMANENT))])
    second = store.get(tenant=tenant, group=group, delivery_id="d0001")
    assert second is not None and second.status == PENDING
    assert store.counts(tenant=tenant, group=group)[SENDING] == 1


def test_an_address_is_suppressed_once_and_found_whatever_its_case(store, unique):
    tenant = f"t{unique}"
    assert store.suppress(tenant=tenant, address="An@X.vn", reason="bounce", at=T0)
    assert not store.suppress(tenant=tenant, address="an@x.vn", reason="complaint", at=T0)
    assert store.suppressed(tenant=tenant, addresses=["an@x.vn", "other@x.vn"]) == {"an@x.vn"}
    assert store.suppressed(tenant=f"o{unique}", addresses=["an@x.vn"]) == set()
