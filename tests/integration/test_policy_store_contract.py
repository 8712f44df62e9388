"""The same contract for the policy reports' store in memory and in DynamoDB (PynamoDB on moto)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.approvals.store import PendingApprovals
from chalicelib.audit.domain import AuditEvent
from chalicelib.policy.domain import PolicyReport, Quote, ReportChange, Source, Typical
from chalicelib.policy.store import DynamoPolicyStore
from chalicelib.reports.periods import Period
from chalicelib.shared.errors import ConflictError
from tests.fakes import FakePendingApprovals, FakePolicyStore

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        fake = FakePendingApprovals()
        return FakePolicyStore(approvals=fake), fake
    request.getfixturevalue("stack")
    from chalicelib.audit.store import AuditStore

    inbox = PendingApprovals()
    return DynamoPolicyStore(journal=AuditStore(), approvals=inbox), inbox


def _report(tenant: str, period: str) -> PolicyReport:
    today = datetime(2026, 12, 3).date()
    return PolicyReport.regular(tenant=tenant, period=Period.parse(period), actor=f"{tenant}.focal", now=NOW, today=today)


def _change(report: PolicyReport, **extra) -> ReportChange:
    return ReportChange(AuditEvent(f"{report.tenant}.focal", "policy_report.saved", "policy_report", report.id, NOW), **extra)


def test_a_report_is_saved_at_its_version_and_read_back_whole(store, unique):
    reports, _ = store
    tenant = f"t{unique}"
    report = _report(tenant, "2026-11")
    report.typical = {"policy": [Typical("kb:K1", "Thai sản", 3, (f"{tenant}/K1",), (f"{tenant}/r1", f"{tenant}/r2"))]}
    report.recommendations = {"overall": "Kiến nghị."}
    report.sources = [Source("hanoi", "BHXH thành phố Hà Nội", None)]
    report.quotes = {"policy": [Quote("hanoi", "BHXH thành phố Hà Nội", "Trích.")]}
    report.freeze(counts={"policy": {"received": 3}}, now=NOW)
    reports.save(report, _change(report))
    found = reports.get(tenant=tenant, report_id="R-2026-11")
    assert found is not None and found.version == 1
    assert found.typical == report.typical and found.frozen["policy"] == {"received": 3} and found.frozen_at == NOW
    assert (found.sources, found.quotes, found.recommendations) == (report.sources, report.quotes, report.recommendations)
    with pytest.raises(ConflictError):
        reports.save(_report(tenant, "2026-11"), _change(report))  # a second report of the period
    stale = reports.get(tenant=tenant, report_id="R-2026-11")
    reports.save(found, _change(found))
    with pytest.raises(ConflictError):
        reports.save(stale, _change(stale))
    assert reports.get(tenant=f"x{unique}", report_id="R-2026-11") is None, "another tenant has none"


def test_the_list_is_latest_period_first_and_many_reads_across_offices(store, unique):
    reports, _ = store
    a, b = f"a{unique}", f"b{unique}"
    for period in ("2026-09", "2026-11", "2026-10"):
        r = _report(a, period)
        reports.save(r, _change(r))
    other = _report(b, "2026-11")
    reports.save(other, _change(other))
    first, cursor = reports.list(tenant=a, cursor=None, limit=2)
    assert [r.id for r in first] == ["R-2026-11", "R-2026-10"] and cursor
    rest, end = reports.list(tenant=a, cursor=cursor, limit=2)
    assert [r.id for r in rest] == ["R-2026-09"] and end is None
    found = reports.many([(a, "R-2026-11"), (b, "R-2026-11"), (b, "R-2026-10")])
    assert sorted(found) == [(a, "R-2026-11"), (b, "R-2026-11")]


def test_the_inbox_entry_is_written_and_removed_with_the_report(store, unique):
    reports, inbox = store
    tenant = f"t{unique}"
    report = _report(tenant, "2026-11")
    pending = {
        "kind": "policy_report",
        "subject_id": report.id,
        "title": "Báo cáo",
        "submitted_at": NOW,
        "url": "/reports/policy/R-2026-11",
    }
    reports.save(report, _change(report, pending=pending))
    assert [p.subject_id for p in inbox.list(tenant=tenant, cursor=None)[0]] == ["R-2026-11"]
    decided = {"kind": "policy_report", "subject_id": report.id, "submitted_at": NOW}
    reports.save(report, _change(report, decided=decided))
    assert inbox.list(tenant=tenant, cursor=None)[0] == []
