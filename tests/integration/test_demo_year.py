"""`make run`'s year of demo requests (local/demo_year) on the test stack, scaled down: what it writes is consistent —
the kpi-reconcile recount of its months finds nothing to fix — and what a newcomer's report pages show is plausible.

Written for the CCC and two provinces no other test uses, ending on a fixed day months ago, so the current month's
figures the report tests compare before and after stay theirs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.reports.indicators import BY_KEY, Figures
from chalicelib.reports.periods import Period
from chalicelib.shared.clock import to_local

NOW = datetime(2026, 5, 20, 3, 30, tzinfo=UTC)  # 10:30 on a Wednesday in Vietnam
OFFICES = ("ccc", "danang", "cantho")
SIZE = 160


@pytest.fixture(scope="module")
def year(stack: Any) -> Any:
    """The demo year, seeded once for the module."""
    from chalicelib.bootstrap import container
    from local.demo_year import seed_year

    report, written = seed_year(calendar=container().sla, tenants=OFFICES, size=SIZE, now=NOW)
    assert report.offices == OFFICES and report.requests >= SIZE, report
    return written


def _year_figures(tenant: str) -> Figures:
    from chalicelib.bootstrap import container

    return container().reports.range(tenant=tenant, start_day=date(2025, 5, 21), end_day=to_local(NOW).date())


def test_the_reconcile_job_finds_nothing_to_fix_in_the_generated_months(year) -> None:
    from local.demo_year import check

    for tenant in OFFICES:
        for month in ("2026-02", "2026-04", "2026-05"):  # Tết's, a closed one with late answers, the open one
            listed = len(list(year.requests.received_between(tenant=tenant, start=_start(month), end=_start_next(month))))
            outcome = check(year, tenant=tenant, month=Period.parse(month))
            assert outcome.fixed == 0 and outcome.numbers == 0, (tenant, month, outcome)
            assert _month_figures(tenant, month).get("received") == listed, "each request counted once where received"
    assert sum(_month_figures("ccc", m).get("received") for m in ("2026-04", "2026-05")) > 0


def test_the_figures_a_newcomer_sees_are_plausible(year) -> None:
    figures = {t: _year_figures(t) for t in OFFICES}
    for tenant, found in figures.items():
        instant, satisfied = BY_KEY["instant_rate"].value(found), BY_KEY["satisfaction_rate"].value(found)
        assert instant is not None and 0.6 <= instant <= 0.97, (tenant, instant)
        assert satisfied is not None and satisfied >= 0.6, (tenant, satisfied)
    rated = sum(f.get("rated") for f in figures.values())
    assert 0.75 <= sum(f.get("satisfied") for f in figures.values()) / rated <= 0.97, "≈ 80–90 % satisfied"
    assert sum(f.get("late") for f in figures.values()) > 0, "some answers went out late"
    assert sum(f.get("on_time") for f in figures.values()) > 5 * sum(f.get("late") for f in figures.values())
    assert figures["ccc"].get("transferred") > 0 and figures["ccc"].get("transfer_reported") > 0
    assert figures["danang"].get("transferred_in") + figures["cantho"].get("transferred_in") > 0
    assert sum(f.get("escalated") for f in figures.values()) > 0, "some questions went to specialist units"
    channels = Counter({c: sum(f.slice("channel", c).get("received") for f in figures.values()) for c in ("hotline", "email")})
    assert channels["hotline"] > 3 * channels["email"] > 0, "the hotline carries most of it"


def test_some_requests_are_open_and_some_overdue_on_the_last_day(year) -> None:
    from chalicelib.bootstrap import container

    today = to_local(NOW).date()
    gauges = {t: container().reports.now(tenant=t, today=today) for t in OFFICES}
    assert sum(g.get("open") for g in gauges.values()) > 0
    assert sum(int(BY_KEY["overdue_now"].value(g) or 0) for g in gauges.values()) > 0
    assert all(g.get("open") < 0.2 * _year_figures(t).get("received") for t, g in gauges.items()), "most are answered"


def _month_figures(tenant: str, month: str) -> Figures:
    from chalicelib.bootstrap import container

    return container().reports.figures(tenant=tenant, period=Period.parse(month))


def _start(month: str) -> datetime:
    from chalicelib.shared.clock import VN_TZ

    return datetime.combine(Period.parse(month).start, datetime.min.time(), VN_TZ)


def _start_next(month: str) -> datetime:
    from chalicelib.shared.clock import VN_TZ

    return datetime.combine(Period.parse(month).next().start, datetime.min.time(), VN_TZ)


def test_the_demo_policy_reports_are_approved_frozen_and_consolidated_nationally(year) -> None:
    from chalicelib.bootstrap import container
    from chalicelib.shared.tenancy import acting_for
    from local.policy_seed import seed_policy

    c, today = container(), to_local(NOW).date()  # the last month is 2026-04, the one before 2026-03, Q1 the quarter
    assert seed_policy(c, OFFICES, today=today).startswith("Demo policy reports: 11 of ccc, danang, cantho")
    for tenant in ("danang", "cantho"):
        with acting_for(tenant):
            for period in ("2026-03", "2026-Q1", "2026-04"):
                report = c.policy_reports.get(tenant=tenant, report_id=f"R-{period}")
                assert report.approval.status == "approved" and report.frozen and report.typical_at is not None
                assert sum(len(t) for t in report.typical.values()) > 0, "typical questions from the period's requests"
                assert report.frozen is not None and report.frozen["overall"]["received"] > 0, "counts frozen"
                assert report.recommendations["overall"]
    with acting_for("ccc"):
        national = c.policy_reports.get(tenant="ccc", report_id="N-2026-03")
        assert national.approval.status == "approved"
        assert {s.tenant for s in national.sources if s.report_id} >= {"danang", "cantho", "ccc"}
        assert c.policy_reports.get(tenant="ccc", report_id="N-2026-04").approval.status == "draft"
