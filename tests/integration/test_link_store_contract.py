"""The same contract for the link store in memory and in DynamoDB, and 20 racing submissions of one token on moto."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from pynamodb.attributes import UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key
from chalicelib.links.domain import issue
from chalicelib.links.service import LinkService, LinkUsedError
from chalicelib.links.store import LinkItem, LinkUse, link_item
from chalicelib.shared.clock import SystemClock
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.tenancy import acting_for
from tests.fakes import FakeLinkStore

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


class RaceAnswerItem(BaseItem, discriminator="TestRaceAnswer"):
    """A subject's submission, written in the link's transaction (test only)."""

    link_id = UnicodeAttribute()


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        return FakeLinkStore()
    request.getfixturevalue("stack")
    from chalicelib.links.store import DynamoLinkStore

    return DynamoLinkStore()


def _item(tenant: str, link_id: str) -> LinkItem:
    return link_item(
        tenant=tenant,
        link_id=link_id,
        purpose="survey",
        subject={"survey_id": "s1", "member_id": "m1"},
        valid_from=T0,
        valid_until=T0 + timedelta(days=7),
        issued_at=T0,
    )


def test_a_link_is_read_back_by_its_id_in_its_tenant_only(store, unique):
    tenant, link_id = f"t{unique}", issue().link_id
    assert store.add(links=[_item(tenant, link_id)]) == 1
    link = store.get(tenant=tenant, link_id=link_id)
    assert link is not None and link.subject == {"survey_id": "s1", "member_id": "m1"} and link.valid_from == T0
    assert link.opened_at is None and link.used_at is None
    assert store.get(tenant=f"o{unique}", link_id=link_id) is None
    assert store.many(tenant=tenant, link_ids=[link_id, "missing"]).keys() == {link_id}


def test_a_link_id_is_written_once(store, unique):
    tenant, link_id = f"t{unique}", issue().link_id
    store.add(links=[_item(tenant, link_id)])
    with pytest.raises(ConflictError):
        store.add(links=[_item(tenant, link_id)])


def test_many_links_go_in_transactions_of_100(store, unique):
    tenant = f"t{unique}"
    ids = [issue().link_id for _ in range(130)]
    assert store.add(links=(_item(tenant, i) for i in ids)) == 2
    assert len(store.many(tenant=tenant, link_ids=ids)) == 130


def test_only_the_first_opening_and_the_first_use_count(store, unique):
    tenant, link_id = f"t{unique}", issue().link_id
    store.add(links=[_item(tenant, link_id)])
    assert store.mark_opened(tenant=tenant, link_id=link_id, at=T0 + timedelta(hours=1))
    assert not store.mark_opened(tenant=tenant, link_id=link_id, at=T0 + timedelta(hours=2))
    assert not store.mark_opened(tenant=tenant, link_id="missing", at=T0)
    store.use(LinkUse(tenant, link_id, T0 + timedelta(hours=3)), lambda tx: None)
    with pytest.raises(ConflictError):
        store.use(LinkUse(tenant, link_id, T0 + timedelta(hours=4)), lambda tx: None)
    with pytest.raises(ConflictError):
        store.use(LinkUse(tenant, "missing", T0), lambda tx: None)
    link = store.get(tenant=tenant, link_id=link_id)
    assert link is not None and link.opened_at == T0 + timedelta(hours=1) and link.used_at == T0 + timedelta(hours=3)


def test_twenty_racing_submissions_of_one_token_count_once(stack, unique):
    from chalicelib.links.store import DynamoLinkStore

    tenant = "hanoi"
    service = LinkService(store=DynamoLinkStore(), clock=SystemClock())
    now = datetime.now(UTC)
    issued = service.issue(
        tenant=tenant, purpose="survey", subject={"member_id": unique}, valid_from=now, valid_until=now + timedelta(days=1)
    )
    start = threading.Barrier(20)

    def submit(n: int) -> str:
        def answer(tx) -> None:
            tx.save(RaceAnswerItem(tenant_key(tenant, "RACE", unique), f"A#{n}", tenant=tenant, link_id=issued.link_id))

        with acting_for(tenant):
            start.wait()
            try:
                service.consume(tenant=tenant, token=issued.token, now=datetime.now(UTC), parts=answer)
            except LinkUsedError:
                return "already used"
            return "won"

    with ThreadPoolExecutor(20) as pool:
        outcomes = list(pool.map(submit, range(20)))
    assert sorted(outcomes) == ["already used"] * 19 + ["won"]
    answers = list(RaceAnswerItem.query(tenant_key(tenant, "RACE", unique)))
    assert len(answers) == 1, "exactly one submission was written"
