"""The CCC's transfers per province on fakes (issue 11): how many, answered to the citizen in time, reported back (in
time) — from the requests' own steps through the counters to the national table — and the `kpi-reconcile` job that
recounts them and leaves the survey answers' counters alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.reports.periods import Period
from chalicelib.reports.reconcile import KpiReconciler
from chalicelib.reports.recording import CounterRecorder
from chalicelib.reports.service import ReportService
from chalicelib.reports.tables import transfers
from chalicelib.requests.domain import Request
from chalicelib.sla.domain import CalendarOverrides, WorkingCalendar
from tests.fakes import FakeCounterStore
from tests.service import test_request_service as base
from tests.service.test_request_service import AGENT, World, intake, who

world = base.world  # the request service's fixture
MONTH = Period.parse("2026-11")
OFFICES = {"ccc": "Trung tâm CSKH", "hanoi": "BHXH Hà Nội", "hcm": "BHXH TP. Hồ Chí Minh"}
CCC = who("ccc", "ccc_officer")


class _Calendars:
    def calendar(self, *, year: int) -> WorkingCalendar:
        return WorkingCalendar([CalendarOverrides(year), CalendarOverrides(year + 1)])


@pytest.fixture
def items(world: World) -> FakeCounterStore:
    """The request store of `world` counting in these counter items, as the real store does in its transaction."""
    found = FakeCounterStore()
    world.store.counters = CounterRecorder(calendars=_Calendars(), store=found, clock=world.clock)  # type: ignore[arg-type]
    world.store.counter_items = found
    return found


def _transferred(world: World) -> Request:
    central = intake(world, tenant="ccc")
    moved = world.service.transfer(
        tenant="ccc", actor=CCC, request_id=central.id, version=central.version, to_tenant="hanoi", to_unit=None, note=""
    )
    return world.service.get(tenant="hanoi", request_id=moved.transfers[0].remote_request_id)


def _answer_and_report(world: World, copy: Request) -> None:
    answered = world.service.answer(
        tenant="hanoi", actor=AGENT, request_id=copy.id, version=copy.version, text="Đã giải quyết", knowledge_id=None
    )
    world.service.report_back(tenant="hanoi", actor=AGENT, request_id=copy.id, version=answered.version, result="Xong")


def _kept(items: FakeCounterStore) -> dict[tuple[str, str], dict[str, int]]:
    return {k: {n: v for n, v in d.items() if v} for k, d in items.items.items()}


def _table(items: FakeCounterStore) -> dict[str, list[Any]]:
    rows, central = ReportService(store=items, requests=None, offices=OFFICES).transfers(period=MONTH)  # type: ignore[arg-type]
    table = transfers(rows, central, lambda t: f"/reports/national/{t}")
    return {key: [c.value for c in row] for key, row in zip(table.keys, table.rows, strict=True)}


def test_a_late_answer_of_a_province_shows_as_not_in_time(world: World, items: FakeCounterStore) -> None:
    early, late = _transferred(world), _transferred(world)
    assert early.origin is not None and early.origin.due_at == base.NOW + timedelta(days=2), "the transfer's deadline kept"
    world.clock.advance(timedelta(hours=3))
    _answer_and_report(world, early)
    world.clock.advance(timedelta(days=3))  # past the transfer's deadline
    _answer_and_report(world, late)
    assert _table(items) == {
        "hanoi": ["BHXH Hà Nội", 2, 1, 2, 1],
        "total": ["Tổng cộng", 2, 1, 2, 1],
    }, "transferred, answered in time, reported back, reported back in time; HCM had none"


def test_an_unanswered_transfer_is_neither_answered_nor_reported_in_time(world: World, items: FakeCounterStore) -> None:
    _transferred(world)
    assert _table(items)["hanoi"] == ["BHXH Hà Nội", 1, 0, 0, 0]


def test_the_reconcile_job_recounts_the_transfer_counters_and_leaves_the_survey_answers_alone(
    world: World, items: FakeCounterStore
) -> None:
    early, late = _transferred(world), _transferred(world)
    _answer_and_report(world, early)
    world.clock.advance(timedelta(days=3))
    _answer_and_report(world, late)
    survey = {"survey_rated": 4, "survey_satisfied": 3, "survey_rated|round=s1/1": 4, "survey_satisfied|round=s1/1": 3}
    items.adjust(tenant="hanoi", deltas={MONTH.key: survey, "Y#2026": survey})
    right = _kept(items)
    items.adjust(tenant="hanoi", deltas={MONTH.key: {"transferred_in_on_time": 3}})
    items.adjust(tenant="ccc", deltas={MONTH.key: {"transfer_reported_on_time:hanoi": -1}})
    assert _table(items)["hanoi"] == ["BHXH Hà Nội", 2, 4, 2, 0]
    job = KpiReconciler(requests=world.store, counters=items, recorder=world.store.counters)  # type: ignore[arg-type]
    fixed = [job.reconcile(tenant=t, month=MONTH).summary() for t in ("hanoi", "ccc")]
    assert fixed == ["Đã kiểm 33 mục, sửa 1 (1 số đếm)"] * 2, "each month; the year's survey counters are no request's"
    assert _kept(items) == right
    assert _table(items)["hanoi"] == ["BHXH Hà Nội", 2, 1, 2, 1]
    again = [job.reconcile(tenant=t, month=MONTH).summary() for t in ("hanoi", "ccc")]
    assert again == ["Đã kiểm 33 mục, sửa 0"] * 2
