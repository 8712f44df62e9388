"""The same contract for the knowledge bank's store in memory and in DynamoDB (PynamoDB on moto)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.knowledge.domain import Content, Entry, create
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.ids import new_id
from chalicelib.shared.tenancy import Principal
from tests.fakes import FakeEntryStore

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TOPICS = frozenset({"bhxh", "bhxh.thai-san"})
OFFICER = Principal("hanoi.focal-officer", "hanoi", frozenset({"focal_officer"}), "truyen-thong")
LEADER = Principal("hanoi.leader", "hanoi", frozenset({"leader"}), "truyen-thong")


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        return FakeEntryStore()
    request.getfixturevalue("stack")
    from chalicelib.knowledge.store import DynamoEntryStore

    return DynamoEntryStore()


def _content(unit: str = "truyen-thong", **extra: Any) -> Content:
    values: dict[str, Any] = {
        "topic": "bhxh.thai-san",
        "question": "Thai sản được mấy tháng?",
        "answer": "Sáu tháng.",
        "valid_from": date(2025, 7, 1),
    }
    return Content(owner_unit=unit, **(values | extra))


def _published(store, tenant: str = "hanoi", unit: str = "truyen-thong", due: date | None = None) -> Entry:
    officer = Principal(f"{tenant}.focal-officer", tenant, frozenset({"focal_officer"}))
    leader = Principal(f"{tenant}.leader", tenant, frozenset({"leader"}))
    entry = create(new_id(), tenant, NOW, officer, _content(unit), topics=TOPICS)
    entry.submit(NOW, officer)
    entry.publish(NOW, leader, due or date(2026, 11, 1))
    if due:
        entry.review_due = due
    store.save(entry)
    return entry


def test_an_entry_and_its_versions_are_written_together_and_read_back(store):
    entry = create(new_id(), "hanoi", NOW, OFFICER, _content(scenarios=("thai san may thang",)), topics=TOPICS)
    entry.submit(NOW, OFFICER)
    store.save(entry)
    assert entry.version == 1 and entry.new_versions == []
    got = store.get(tenant="hanoi", entry_id=entry.id)
    assert got is not None and got.status == "in_review" and got.content.scenarios == ("thai san may thang",)
    assert got.revision == 2 and got.submitted_by == OFFICER.username
    assert [(v.number, v.action) for v in store.versions(tenant="hanoi", entry_id=entry.id)] == [(1, "created"), (2, "submitted")]
    assert store.get(tenant="hcm", entry_id=entry.id) is None
    assert store.many(tenant="hanoi", entry_ids=[entry.id, "nope"]).keys() == {entry.id}


def test_a_stale_version_is_a_conflict_and_writes_nothing(store):
    entry = create(new_id(), "hanoi", NOW, OFFICER, _content(), topics=TOPICS)
    store.save(entry)
    first, second = store.get(tenant="hanoi", entry_id=entry.id), store.get(tenant="hanoi", entry_id=entry.id)
    first.edit(NOW, OFFICER, _content(answer="Một"), topics=TOPICS)
    store.save(first)
    second.edit(NOW, OFFICER, _content(answer="Hai"), topics=TOPICS)
    with pytest.raises(ConflictError):
        store.save(second)
    assert store.get(tenant="hanoi", entry_id=entry.id).content.answer == "Một"
    assert len(store.versions(tenant="hanoi", entry_id=entry.id)) == 2


def test_lists_by_status_and_the_review_queue_by_unit_and_date(store):
    tenant = f"t{new_id()[-6:].lower()}"
    late = _published(store, tenant, "u1", date(2026, 10, 1))
    soon = _published(store, tenant, "u1", date(2026, 12, 1))
    other = _published(store, tenant, "u2", date(2026, 11, 1))
    assert [e.id for e in store.review_queue(tenant=tenant, unit_id="u1", before=None, limit=10)] == [late.id, soon.id]
    assert [e.id for e in store.review_queue(tenant=tenant, unit_id=None, before=date(2026, 11, 15), limit=10)] == [
        late.id,
        other.id,
    ]
    page, cursor = store.by_status(tenant=tenant, status="published", limit=2, cursor=None)
    rest, _ = store.by_status(tenant=tenant, status="published", limit=2, cursor=cursor)
    assert len(page) == 2 and {e.id for e in page + rest} == {late.id, soon.id, other.id}
    assert {e.id for e in store.every(tenant=tenant)} == {late.id, soon.id, other.id}
    retired = store.get(tenant=tenant, entry_id=late.id)
    retired.retire(NOW + timedelta(days=1), Principal(f"{tenant}.leader", tenant, frozenset({"leader"})), "")
    store.save(retired)
    assert late.id not in {e.id for e in store.review_queue(tenant=tenant, unit_id="u1", before=None, limit=10)}


def test_counters_add_up_per_month_most_first(store):
    tenant = f"t{new_id()[-6:].lower()}"
    for query in ("bao hiem xe may", "vay von", "bao hiem xe may"):
        store.count_gap(tenant=tenant, month="2026-11", query=query, label=query)
    store.count_gap(tenant=tenant, month="2026-12", query="vay von", label="vay von")
    assert [(c.key, c.count) for c in store.gaps(tenant=tenant, month="2026-11")] == [("bao hiem xe may", 2), ("vay von", 1)]
    entry = _published(store, tenant)
    store.count_citation(tenant=tenant, month="2026-11", entry=entry)
    store.count_citation(tenant=tenant, month="2026-11", entry=entry)
    [cited] = store.citations(tenant=tenant, month="2026-11")
    assert (cited.key, cited.count, cited.label, cited.owner) == (entry.id, 2, entry.content.question, tenant)
