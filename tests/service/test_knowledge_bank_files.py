"""The bank as its import and export jobs see it, on fakes: rows in as versions of the bank's own entries, rows out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chalicelib.knowledge.bank_files import BankFiles
from chalicelib.knowledge.service import KnowledgeService
from chalicelib.knowledge.transfer import EntryRecord
from chalicelib.shared.clock import FixedClock
from tests.fakes import FakeEntryStore, FakeIndexes
from tests.service.test_knowledge_service import TOPICS, Requests, Units

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
ROW = EntryRecord(
    id="KB-0141",
    topic="bhtn.muc-huong",
    question="Mức hưởng trợ cấp thất nghiệp hằng tháng là bao nhiêu?",
    answer="Bằng 60% bình quân tiền lương tháng đóng bảo hiểm thất nghiệp của 6 tháng liền kề trước khi thất nghiệp.",
    valid_from=date(2026, 1, 1),
    owner_unit="u1",
    status="published",
    scenarios=("mất việc thì mỗi tháng được nhận bao nhiêu tiền",),
)


@pytest.fixture
def bank():
    store = FakeEntryStore()
    indexes = FakeIndexes(store, ["ccc", "hanoi"])
    service = KnowledgeService(
        store=store,
        counters=store,
        indexes=indexes,
        rebuilds=indexes,
        requests=Requests(),
        units=Units(),
        topics=TOPICS,
        clock=FixedClock(NOW),
    )
    return BankFiles(entries=store, saver=service, topics=TOPICS, clock=FixedClock(NOW)), store


def test_a_row_becomes_a_published_entry_with_its_first_review_and_reads_back_the_same(bank):
    files, store = bank
    files.import_entries(tenant="ccc", actor="ccc.leader", entries=[ROW])
    entry = store.get(tenant="ccc", entry_id=ROW.id)
    assert entry.status == "published" and entry.published_by == "ccc.leader" and entry.review_due == date(2027, 2, 23)
    assert [v.action for v in store.versions(tenant="ccc", entry_id=ROW.id)] == ["imported"]
    assert list(files.entries(tenant="ccc")) == [ROW] and files.count(tenant="ccc") == 1


def test_importing_the_same_row_again_writes_nothing_and_a_changed_row_is_the_next_version(bank):
    files, store = bank
    files.import_entries(tenant="ccc", actor="ccc.leader", entries=[ROW])
    files.import_entries(tenant="ccc", actor="ccc.leader", entries=[ROW])
    assert len(store.versions(tenant="ccc", entry_id=ROW.id)) == 1
    files.import_entries(
        tenant="ccc", actor="ccc.leader", entries=[replace(ROW, answer=ROW.answer + " Tối đa 5 lần lương cơ sở.")]
    )
    versions = store.versions(tenant="ccc", entry_id=ROW.id)
    assert [v.action for v in versions] == ["imported", "imported"] and versions[-1].changed == ("answer",)


def test_the_banks_rules_are_checked_before_anything_is_written(bank):
    files, store = bank
    assert files.problems(tenant="ccc", record=ROW) == {}
    assert files.problems(tenant="ccc", record=replace(ROW, topic="bhtn.khong-co")) == {"topic": "unknown"}
    files.import_entries(tenant="ccc", actor="ccc.leader", entries=[ROW])
    assert files.problems(tenant="hanoi", record=ROW) == {"id": "national"}, "a local copy would hide the national entry"
    assert files.problems(tenant="hanoi", record=replace(ROW, id="HN-0099")) == {}
