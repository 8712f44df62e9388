"""The knowledge service with fakes: search over a built index checked against the store, gaps, citations,
proposals, rebuild requests and the review digests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from chalicelib.knowledge.domain import Content
from chalicelib.knowledge.ports import AnsweredRequest
from chalicelib.knowledge.reviews import ReviewReminders
from chalicelib.knowledge.search import ANSWERABLE, SearchFilters
from chalicelib.knowledge.service import KnowledgeService
from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import RuleViolationError
from chalicelib.shared.tenancy import Principal
from tests.fakes import FakeEntryStore, FakeIndexes

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TOPICS = frozenset({"bhtn", "bhtn.muc-huong"})
OFFICERS = {t: Principal(f"{t}.focal-officer", t, frozenset({"focal_officer"}), "u1") for t in ("ccc", "hanoi", "hcm")}
LEADERS = {t: Principal(f"{t}.leader", t, frozenset({"leader"})) for t in ("ccc", "hanoi", "hcm")}


class Requests:
    def __init__(self) -> None:
        self.answered_ones: dict[tuple[str, str], AnsweredRequest] = {}

    def answered(self, *, tenant: str, request_id: str) -> AnsweredRequest | None:
        return self.answered_ones.get((tenant, request_id))


class Units:
    def exists(self, *, tenant: str, unit_id: str) -> bool:
        return unit_id in ("u1", "u2")


@pytest.fixture
def world():
    store = FakeEntryStore()
    indexes = FakeIndexes(store, ["ccc", "hanoi", "hcm"])
    requests = Requests()
    service = KnowledgeService(
        store=store,
        counters=store,
        indexes=indexes,
        rebuilds=indexes,
        requests=requests,
        units=Units(),
        topics=TOPICS,
        clock=FixedClock(NOW),
    )
    return SimpleNamespace(store=store, indexes=indexes, requests=requests, service=service)


def _publish(world, tenant: str, question: str, **extra):
    content = Content(
        topic="bhtn.muc-huong",
        question=question,
        answer="Bằng 60% lương bình quân.",
        valid_from=date(2025, 1, 1),
        owner_unit="u1",
    )
    s = world.service
    entry = s.create(tenant=tenant, actor=OFFICERS[tenant], content=content.__class__(**(content.__dict__ | extra)))
    entry = s.submit(tenant=tenant, actor=OFFICERS[tenant], entry_id=entry.id, version=entry.version)
    return s.publish(tenant=tenant, actor=LEADERS[tenant], entry_id=entry.id, version=entry.version)


def test_every_change_asks_for_a_rebuild_and_search_sees_it_once_built(world):
    entry = _publish(world, "ccc", "Mức hưởng trợ cấp thất nghiệp hằng tháng?")
    assert len(world.indexes.requested) == 3
    assert world.service.search(tenant="hanoi", text="muc huong tro cap that nghiep", filters=ANSWERABLE) == []
    world.indexes.rebuild()
    [found] = world.service.search(tenant="hanoi", text="muc huong tro cap that nghiep", filters=ANSWERABLE)
    assert found.entry.id == entry.id and found.current


def test_an_entry_retired_after_the_build_is_never_offered_and_an_editor_sees_it_not_current(world):
    entry = _publish(world, "ccc", "Mức hưởng trợ cấp thất nghiệp hằng tháng?")
    world.indexes.rebuild()
    world.service.retire(tenant="ccc", actor=LEADERS["ccc"], entry_id=entry.id, version=entry.version, note="")
    assert world.service.search(tenant="hanoi", text="tro cap that nghiep", filters=ANSWERABLE) == []
    editor = SearchFilters(statuses=frozenset({"published"}), current_only=False)
    [stale] = world.service.search(tenant="ccc", text="tro cap that nghiep", filters=editor)
    assert not stale.current and stale.entry.status == "retired"


def test_local_entries_stay_in_their_province(world):
    _publish(world, "hanoi", "Trợ cấp thất nghiệp ở Hà Nội nhận tại đâu?")
    world.indexes.rebuild()
    assert world.service.search(tenant="hanoi", text="that nghiep ha noi", filters=ANSWERABLE)
    assert world.service.search(tenant="hcm", text="that nghiep ha noi", filters=ANSWERABLE) == []


def test_a_gap_is_counted_by_its_folded_words_without_long_numbers(world):
    for text in ("Vay vốn bằng sổ BHXH 0912345678", "vay von bang so bhxh 0987654321", "   "):
        world.service.search(tenant="hanoi", text=text, filters=ANSWERABLE)
    world.service.search(tenant="hanoi", text="vay von", filters=ANSWERABLE, record=False)
    assert [(g.key, g.count) for g in world.service.gaps(tenant="hanoi", month="2026-11")] == [("vay von bang so bhxh #", 2)]


def test_citations_are_checked_on_the_day_and_counted_for_the_citing_office(world):
    entry = _publish(world, "ccc", "Mức hưởng?", valid_until=date(2026, 11, 30))
    world.service.require_citable(tenant="hanoi", entry_id=entry.id, on=date(2026, 11, 30))
    with pytest.raises(RuleViolationError) as refused:
        world.service.require_citable(tenant="hanoi", entry_id=entry.id, on=date(2026, 12, 1))
    assert refused.value.code == "knowledge_not_citable"
    world.service.cited(tenant="hanoi", entry_id=entry.id, at=NOW)
    [count] = world.service.citations(tenant="hanoi", month="2026-11")
    assert (count.key, count.count, count.owner) == (entry.id, 1, "ccc")
    assert world.service.citations(tenant="ccc", month="2026-11") == []


def test_a_proposal_takes_the_answered_request_and_links_it(world):
    world.requests.answered_ones[("hanoi", "r1")] = AnsweredRequest("r1", "Hỏi", "Câu hỏi của dân?", "Câu trả lời.")
    entry = world.service.propose(tenant="hanoi", actor=OFFICERS["hanoi"], request_id="r1", owner_unit="u1", topic="bhtn")
    assert (entry.status, entry.content.question, entry.source_request_id) == ("draft", "Câu hỏi của dân?", "r1")
    with pytest.raises(RuleViolationError):
        world.service.propose(tenant="hcm", actor=OFFICERS["hcm"], request_id="r1", owner_unit="u1", topic="bhtn")


def test_the_review_digest_goes_to_the_units_editors_and_the_leaders_on_reminder_days(world):
    soon = _publish(world, "hanoi", "Sắp đến hạn rà soát?")
    stored = world.store.rows[("hanoi", soon.id)]
    stored.review_due = date(2026, 11, 26)  # three days ahead of 23/11 (Vietnam)
    people = [
        SimpleNamespace(roles=("focal_officer",), unit_id="u1", email="bientap@hanoi.vn", enabled=True),
        SimpleNamespace(roles=("focal_officer",), unit_id="u2", email="khac@hanoi.vn", enabled=True),
        SimpleNamespace(roles=("leader",), unit_id=None, email="lanhdao@hanoi.vn", enabled=True),
        SimpleNamespace(roles=("agent",), unit_id="u1", email="gdv@hanoi.vn", enabled=True),
    ]
    reminders = ReviewReminders(
        store=world.store,
        staff=lambda tenant: people,
        entries=None,
        outbox=None,
        clock=FixedClock(NOW),
        console_url=lambda t: "http://x",
    )
    notices = reminders.digests(tenant="hanoi")
    assert sorted(n.to for n in notices) == ["bientap@hanoi.vn", "lanhdao@hanoi.vn"]
    assert notices[0].template == "knowledge-review" and notices[0].data["count"] == "1"
    stored.review_due = date(2026, 11, 25)  # two days ahead: not a reminder day
    assert reminders.digests(tenant="hanoi") == []
    later = ReviewReminders(
        store=world.store,
        staff=lambda tenant: people,
        entries=None,
        outbox=None,
        clock=FixedClock(NOW + timedelta(days=3)),
        console_url=lambda t: "http://x",
    )
    overdue = later.digests(tenant="hanoi")  # 26/11: overdue by one day, reminded again
    assert len(overdue) == 2 and overdue[0].data["overdue"] == "1"
