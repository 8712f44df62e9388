"""The same contract for the statistics' counter store in memory (tests/fakes.py) and in DynamoDB (moto)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.reports.recording import CounterRecorder
from chalicelib.requests.domain import Category, Channel, Escalation, Kind, Rating, Request, Status, Transfer
from chalicelib.shared.clock import VN_TZ, FixedClock
from chalicelib.sla.domain import CalendarOverrides, WorkingCalendar
from tests.fakes import FakeCounterStore
from tests.integration.test_survey_store_contract import _updates

RECEIVED = datetime(2026, 11, 30, 9, 0, tzinfo=VN_TZ)


class _Calendars:
    def calendar(self, *, year: int) -> WorkingCalendar:
        return WorkingCalendar([CalendarOverrides(year), CalendarOverrides(year + 1)])


@dataclass
class Contract:
    store: Any

    def in_transaction(self, parts: Any) -> None:
        """The parts as the request store's transaction carries them."""
        if isinstance(self.store, FakeCounterStore):
            self.store.apply(parts)
            return
        from chalicelib.adapters.unit_of_work import commit

        def build(tx: Any) -> None:
            for item, actions in parts:
                tx.update(item, actions=actions, add_version_condition=False)

        commit(build)


@pytest.fixture(params=["memory", "dynamodb"])
def contract(request: Any) -> Contract:
    if request.param == "memory":
        return Contract(FakeCounterStore())
    request.getfixturevalue("stack")
    from chalicelib.reports.store import DynamoCounterStore

    return Contract(DynamoCounterStore())


def _busiest(tenant: str) -> Request:
    """A request with every fact: answered late after escalations to five units and two transfers, rated."""
    at = RECEIVED.astimezone(UTC)
    r = Request("r1", "X", tenant, Channel.FANPAGE, Kind.COMPLAINT, Category.STAFF_ATTITUDE, "s", "q", "c", "n", at, at, "a")
    r.unit_id, r.late_record = "phong-truyen-thong-ho-tro-nguoi-tham-gia", True
    due = at + timedelta(days=3)
    r.escalations = [Escalation(f"e{n}", f"phong-nghiep-vu-so-{n:02d}-dai", due, "answered", "x", due) for n in range(5)]
    r.transfers = [Transfer(f"t{n}", p, None, due, "x", "reported", "", due) for n, p in enumerate(("hcm", "danang"))]
    r.status, r.answered_at, r.answer_due_at = Status.CLOSED, at + timedelta(days=45), due
    r.rating = Rating(True, "", "", at + timedelta(days=46), "a")
    return r


def test_a_step_of_the_busiest_request_fits_dynamodb_expressions_and_reads_back(contract: Contract, unique: str) -> None:
    tenant = f"t{unique}"
    recorder = CounterRecorder(calendars=_Calendars(), store=contract.store, clock=FixedClock(datetime(2027, 2, 1, tzinfo=UTC)))
    request = _busiest(tenant)
    parts = recorder.updates([(tenant, None, recorder.counted(request))])
    assert len(parts) == 8, "the totals and the dimensions of its day, month, quarter, year: closed, it is not NOW"
    with _updates() as seen:
        contract.in_transaction(parts)
    assert all(len(u) <= 4096 for u in seen), "DynamoDB refuses an expression past 4 KB (moto does not check)"
    month = contract.store.values(tenant=tenant, key="M#2026-11", consistent=True)
    assert month["received"] == month["corr|received"] == 1, "November had closed: counted, and as a correction"
    assert month["unit_answered|unit=phong-nghiep-vu-so-03-dai"] == 1 and month["transferred:danang"] == 1
    assert month["wd:30+|unit=phong-truyen-thong-ho-tro-nguoi-tham-gia"] == 1 and month["late|kind=complaint"] == 1


def test_adjust_adds_and_many_reads_across_tenants(contract: Contract, unique: str) -> None:
    a, b = f"a{unique}", f"b{unique}"
    contract.store.adjust(tenant=a, deltas={"M#2026-12": {"received": 3, "received|channel=email": 2}})
    contract.store.adjust(tenant=a, deltas={"M#2026-12": {"received": -1}, "D#2026-12-01": {"received": 1}})
    contract.store.adjust(tenant=b, deltas={"M#2026-12": {"answered": 1}})
    found = contract.store.many([(a, "M#2026-12"), (b, "M#2026-12"), (a, "D#2026-12-01"), (b, "NOW")])
    assert found[(a, "M#2026-12")] == {"received": 2, "received|channel=email": 2}
    assert found[(b, "M#2026-12")] == {"answered": 1} and found[(a, "D#2026-12-01")] == {"received": 1}
    assert found[(b, "NOW")] == {}, "an item never written reads as no counters"
    assert contract.store.values(tenant=a, key="Y#2026") == {}


def test_many_reads_more_than_one_batch(contract: Contract, unique: str) -> None:
    tenant = f"m{unique}"
    keys = [f"D#2026-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 12)]  # 132 items: two BatchGets
    for key in keys:
        contract.store.adjust(tenant=tenant, deltas={key: {"received": 1}})
    found = contract.store.many((tenant, k) for k in keys)
    assert len(found) == 132 and all(v == {"received": 1} for v in found.values())


def test_totals_read_alone_and_both_parts_read_as_one_period(contract: Contract, unique: str) -> None:
    """The league table and the dashboard read a period's totals; a period's page reads its dimensions too."""
    tenant = f"s{unique}"
    values = {"received": 4, "wd:0": 3, "transferred:hcm": 1, "corr|received": 1}
    dims = {"received|channel=hotline": 4, "escalated|unit=u1": 2, "corr|received|channel=hotline": 1}
    contract.store.adjust(tenant=tenant, deltas={"M#2026-10": values | dims})
    contract.store.adjust(tenant=tenant, deltas={"M#2026-10": {"received": 1, "received|channel=hotline": 1}})
    assert contract.store.values(tenant=tenant, key="M#2026-10") == values | dims | {
        "received": 5,
        "received|channel=hotline": 5,
    }
    totals = contract.store.many([(tenant, "M#2026-10"), (tenant, "NOW")], dimensions=False)
    assert totals[(tenant, "M#2026-10")] == values | {"received": 5}, "no dimension value in a totals read"


def test_a_period_written_before_the_split_still_reads_summed(stack: Any, unique: str) -> None:
    """An item of the old layout (every counter in the period's item) and the new dimensions' item add up."""
    from chalicelib.reports.store import DynamoCounterStore, KpiItem, _adds, _pk

    tenant, store = f"o{unique}", DynamoCounterStore()
    KpiItem(_pk(tenant), "M#2026-09", tenant=tenant).update(
        actions=_adds({"received": 2, "received|kind=question": 2}, tenant), add_version_condition=False
    )
    store.adjust(tenant=tenant, deltas={"M#2026-09": {"received": 1, "received|kind=question": 1}})
    assert store.values(tenant=tenant, key="M#2026-09") == {"received": 3, "received|kind=question": 3}


def test_named_counters_read_alone(contract: Contract, unique: str) -> None:
    """The league table reads only the counters its indicator reads, however many the item holds."""
    tenant = f"n{unique}"
    values = {"received": 9, "instant": 7, "rated": 4, "wd:0": 7, "received|channel=email": 9, "transferred:hcm": 2}
    contract.store.adjust(tenant=tenant, deltas={"M#2026-08": values})
    found = contract.store.many([(tenant, "M#2026-08"), (tenant, "M#2026-07")], names=("instant", "received", "late"))
    assert found == {(tenant, "M#2026-08"): {"instant": 7, "received": 9}, (tenant, "M#2026-07"): {}}
