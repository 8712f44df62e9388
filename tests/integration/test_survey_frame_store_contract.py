"""The frames' store contract, in memory and in DynamoDB (PynamoDB on moto): a frame reads back whole, by id and in
the tenant's list, newest first, and never in another tenant's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.surveys.frames import Frame
from tests.fakes import FakeFrameStore

AT = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        return FakeFrameStore()
    request.getfixturevalue("stack")
    from chalicelib.surveys.frame_store import FrameStore

    return FrameStore()


def _frame(tenant: str, frame_id: str, minutes: int = 0) -> Frame:
    at = AT + timedelta(minutes=minutes)
    return Frame(
        id=frame_id, tenant=tenant, source="upload", title="Khảo sát người lao động", rows=1200, duplicates=3,
        counts={"province": {"hanoi": 1200}, "channel": {"hotline": 700, "unknown": 500}, "group": {}},
        columns=("name", "phone"), file_key=f"frames/{tenant}/{frame_id}.jsonl.gz", created_by="officer",
        created_at=at, expires_at=at + timedelta(days=7), params={"file_name": "ds.csv"},
    )  # fmt: skip


def test_a_frame_reads_back_whole_and_a_second_save_is_the_same_frame(store, unique) -> None:
    tenant = f"t{unique}"
    frame = _frame(tenant, f"F{unique}")
    store.save(frame)
    store.save(frame)  # a retried job
    assert store.get(tenant=tenant, frame_id=frame.id) == frame
    assert store.list(tenant=tenant) == [frame]


def test_frames_are_listed_newest_first_and_only_in_their_tenant(store, unique) -> None:
    tenant, other = f"a{unique}", f"b{unique}"
    older, newer = _frame(tenant, f"F1{unique}"), _frame(tenant, f"F2{unique}", minutes=5)
    store.save(older)
    store.save(newer)
    store.save(_frame(other, f"F3{unique}"))
    assert [f.id for f in store.list(tenant=tenant)] == [newer.id, older.id]
    assert store.get(tenant=other, frame_id=older.id) is None
