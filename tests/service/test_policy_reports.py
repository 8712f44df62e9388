"""Policy reports on fakes (Decision 681 Art. 14–15): one per period, written by the focal officer, approved by a
leader who did not write it, frozen on approval, and consolidated by the CCC from the offices' approved reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.policy.jobs import PolicyReportJobs
from chalicelib.policy.service import ARCHIVE_JOB, TYPICAL_JOB, PolicyReports
from chalicelib.reports.service import ReportService
from chalicelib.requests.domain import Category
from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.tenancy import Principal
from tests.fakes import FakeCounterStore, FakePendingApprovals, FakePolicyStore

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 09:00 on 3 December in Hanoi
OFFICES = {"ccc": "Trung tâm Chăm sóc khách hàng", "hanoi": "BHXH thành phố Hà Nội", "hcm": "BHXH TP Hồ Chí Minh", "danang": "BHXH thành phố Đà Nẵng"}  # fmt: skip


def person(tenant: str, login: str, *roles: str) -> Principal:
    return Principal(f"{tenant}.{login}", tenant, frozenset(roles), display_name=login)


FOCAL, LEADER = person("hanoi", "focal", "focal_officer"), person("hanoi", "leader", "leader")


@dataclass
class FakeJobs:
    started: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def start(self, *, tenant: str, actor: str, kind: str, params: dict[str, Any]) -> Any:
        self.started.append((tenant, kind, params))
        return SimpleNamespace(id=f"job{len(self.started)}")


@dataclass
class World:
    counters: FakeCounterStore
    store: FakePolicyStore
    jobs: FakeJobs
    clock: FixedClock
    reports: PolicyReports


@pytest.fixture
def world() -> World:
    counters, store, jobs, clock = (
        FakeCounterStore(),
        FakePolicyStore(approvals=FakePendingApprovals()),
        FakeJobs(),
        FixedClock(NOW),
    )
    read = ReportService(store=counters, requests=None, offices=OFFICES)  # type: ignore[arg-type]
    return World(counters, store, jobs, clock, PolicyReports(store=store, counters=read, jobs=jobs, clock=clock, offices=OFFICES))


def count(world: World, tenant: str, key: str, **values: int) -> None:
    """Requests counted in a period's item as facts.py writes them: per category too."""
    world.counters.apply([((tenant, key), {k.replace("__", "|category="): v for k, v in values.items()})])


def typical(subject: str, n: int, tenant: str = "hanoi") -> Any:
    from chalicelib.policy.domain import Typical

    return Typical(f"q:{subject.lower()}", subject, n, (), tuple(f"{tenant}/r{i}" for i in range(n)))


def ready(world: World, tenant: str = "hanoi", who: Principal = FOCAL) -> Any:
    """November's report with its typical questions and an overall recommendation."""
    report = world.reports.create_regular(tenant=tenant, actor=who, period="2026-11")
    world.reports.record_typical(tenant=tenant, report_id=report.id, typical={"policy": [typical("Chế độ thai sản", 3, tenant)]})
    fresh = world.reports.get(tenant=tenant, report_id=report.id)
    texts = {"overall": f"Kiến nghị chung của {tenant}.", "policy": f"Hướng dẫn rõ chế độ thai sản ({tenant})."}
    return world.reports.edit(tenant=tenant, report_id=report.id, actor=who, texts=texts, version=fresh.version)


def test_one_report_a_period_whose_typical_questions_a_job_reads(world: World) -> None:
    report = world.reports.create_regular(tenant="hanoi", actor=FOCAL, period="2026-11")
    assert report.id == "R-2026-11" and report.approval.status == "draft"
    assert world.jobs.started == [("hanoi", TYPICAL_JOB, {"report_id": "R-2026-11"})]
    saves = world.store.saves
    with pytest.raises(ConflictError) as twice:
        world.reports.create_regular(tenant="hanoi", actor=FOCAL, period="2026-11")
    assert twice.value.code == "report_exists" and world.store.saves == saves, "a refused create writes nothing"
    for period, code in (("2026-11-05", "invalid_period_kind"), ("2027-01", "period_not_started")):
        with pytest.raises(RuleViolationError) as refused:
            world.reports.create_regular(tenant="hanoi", actor=FOCAL, period=period)
        assert refused.value.code == code
    with pytest.raises(RuleViolationError) as untitled:
        world.reports.create_ad_hoc(tenant="hanoi", actor=FOCAL, start=date(2026, 10, 1), end=date(2026, 11, 15), title=" ")
    assert untitled.value.fields == {"title": "required"}
    ad_hoc = world.reports.create_ad_hoc(
        tenant="hanoi", actor=FOCAL, start=date(2026, 10, 1), end=date(2026, 11, 15), title="Phản ánh về cấp sổ BHXH"
    )
    assert ad_hoc.kind == "ad_hoc" and ad_hoc.id.startswith("A-20261001-20261115-")


def test_a_report_goes_to_the_leader_only_when_ready_and_is_never_approved_by_its_author(world: World) -> None:
    report = world.reports.create_regular(tenant="hanoi", actor=FOCAL, period="2026-12")
    with pytest.raises(RuleViolationError) as running:
        world.reports.submit(tenant="hanoi", report_id=report.id, actor=FOCAL, note="", version=report.version)
    assert running.value.code == "period_open", "December is not over on 3 December"

    november = world.reports.create_regular(tenant="hanoi", actor=FOCAL, period="2026-11")
    with pytest.raises(RuleViolationError) as early:
        world.reports.submit(tenant="hanoi", report_id=november.id, actor=FOCAL, note="", version=november.version)
    assert early.value.code == "typical_missing"

    both = person("hanoi", "acting", "focal_officer", "leader")  # writes as focal officer, holds the leader's role
    world.store.reports.pop(("hanoi", november.id))
    written = ready(world, who=both)
    submitted = world.reports.submit(tenant="hanoi", report_id=written.id, actor=both, note="Kính trình", version=written.version)
    assert [p.subject_id for p in world.store.approvals.list(tenant="hanoi", cursor=None)[0]] == ["R-2026-11"]
    with pytest.raises(RuleViolationError) as own:
        world.reports.approve(tenant="hanoi", report_id=written.id, actor=both, note="", version=submitted.version)
    assert own.value.code == "self_approval"
    with pytest.raises(ForbiddenError):
        world.reports.approve(tenant="hanoi", report_id=written.id, actor=FOCAL, note="", version=submitted.version)
    with pytest.raises(ConflictError):
        world.reports.approve(tenant="hanoi", report_id=written.id, actor=LEADER, note="", version=submitted.version - 1)

    approved = world.reports.approve(tenant="hanoi", report_id=written.id, actor=LEADER, note="Đồng ý", version=submitted.version)
    assert approved.approval.status == "approved"
    assert world.store.approvals.list(tenant="hanoi", cursor=None)[0] == [], "the decision takes it out of the inbox"
    assert world.jobs.started[-1] == ("hanoi", ARCHIVE_JOB, {"report_id": "R-2026-11"})
    with pytest.raises(ConflictError) as locked:
        world.reports.edit(tenant="hanoi", report_id=written.id, actor=both, texts={"overall": "Khác"}, version=approved.version)
    assert locked.value.code == "report_locked"


def test_approval_freezes_the_figures_and_the_typical_questions(world: World) -> None:
    count(world, "hanoi", "M#2026-11", received=10, received__policy=6, answered=8, answered__policy=5, rated=4, satisfied=3)
    report = ready(world)
    assert world.reports.counts(report)["policy"]["received"] == 6
    count(world, "hanoi", "M#2026-11", received=1, received__policy=1)  # a correction before approval counts
    submitted = world.reports.submit(tenant="hanoi", report_id=report.id, actor=FOCAL, note="", version=report.version)
    approved = world.reports.approve(tenant="hanoi", report_id=report.id, actor=LEADER, note="", version=submitted.version)
    frozen = world.reports.counts(approved)
    assert frozen["policy"]["received"] == 7 and frozen["overall"] == {"received": 11, "answered": 8, "rated": 4, "satisfied": 3}

    count(world, "hanoi", "M#2026-11", received=5, received__policy=5, satisfied=1)  # corrected after approval
    again = world.reports.get(tenant="hanoi", report_id=report.id)
    assert world.reports.counts(again) == frozen, "a counter correction after approval leaves the approved report alone"
    assert world.reports.record_typical(tenant="hanoi", report_id=report.id, typical={"policy": [typical("Khác", 9)]}) is False
    assert [t.label for t in world.reports.get(tenant="hanoi", report_id=report.id).typical["policy"]] == ["Chế độ thai sản"]


def _approve(world: World, tenant: str) -> None:
    focal, leader = person(tenant, "focal", "focal_officer"), person(tenant, "leader", "leader")
    report = ready(world, tenant, focal)
    submitted = world.reports.submit(tenant=tenant, report_id=report.id, actor=focal, note="", version=report.version)
    world.reports.approve(tenant=tenant, report_id=report.id, actor=leader, note="", version=submitted.version)


def test_the_ccc_consolidates_the_approved_reports_and_lists_the_missing_offices(world: World) -> None:
    count(world, "hanoi", "M#2026-11", received=10, received__policy=6, answered=9, transferred_in=2)
    count(world, "danang", "M#2026-11", received=4, received__policy=1, answered=4)
    count(world, "hcm", "M#2026-11", received=50, received__policy=50)
    _approve(world, "hanoi")
    _approve(world, "danang")
    ready(world, "hcm", person("hcm", "focal", "focal_officer"))  # written, never approved: not a source
    officer = person("ccc", "officer", "ccc_officer")

    with pytest.raises(RuleViolationError):
        world.reports.create_national(tenant="hanoi", actor=FOCAL, period="2026-11")
    jobs = len(world.jobs.started)
    national = world.reports.create_national(tenant="ccc", actor=officer, period="2026-11")
    assert len(world.jobs.started) == jobs, "a national report reads no requests: no typical-questions job"
    counts = world.reports.counts(national)
    assert counts["overall"] == {"received": 14, "answered": 13, "transferred_in": 2}
    assert counts["policy"] == {"received": 7}
    assert [s.tenant for s in national.sources if s.report_id is None] == ["ccc", "hcm"]
    merged = national.typical["policy"]
    assert [(t.label, t.count) for t in merged] == [("Chế độ thai sản", 6)], "the same question in two offices is one"
    assert {r.split("/")[0] for r in merged[0].requests} == {"hanoi", "danang"}
    assert [(q.name, q.text) for q in national.quotes["policy"]] == [
        ("BHXH thành phố Hà Nội", "Hướng dẫn rõ chế độ thai sản (hanoi)."),
        ("BHXH thành phố Đà Nẵng", "Hướng dẫn rõ chế độ thai sản (danang)."),
    ]

    leader = person("ccc", "leader", "leader")
    written = world.reports.edit(
        tenant="ccc", report_id=national.id, actor=officer, texts={"overall": "Tổng hợp."}, version=national.version
    )
    submitted = world.reports.submit(tenant="ccc", report_id=national.id, actor=officer, note="", version=written.version)
    approved = world.reports.approve(tenant="ccc", report_id=national.id, actor=leader, note="", version=submitted.version)
    assert world.reports.counts(approved)["overall"]["received"] == 14


class FakeRun:
    """What a job handler uses of its run."""

    def __init__(self, tenant: str, params: dict[str, Any], workdir: Path) -> None:
        self.tenant, self.params, self.workdir = tenant, params, workdir
        self.progressed: list[tuple[int, int | None, str]] = []

    def progress(self, done: int, total: int | None, stage: str) -> None:
        self.progressed.append((done, total, stage))


def test_the_typical_questions_job_reads_the_period_and_names_the_knowledge_entries(world: World, tmp_path: Path) -> None:
    def asked(rid: str, subject: str, category: Category = Category.POLICY, kb: str | None = None) -> Any:
        return SimpleNamespace(id=rid, subject=subject, category=category, knowledge_id=kb)

    seen: list[tuple[datetime, datetime]] = []

    class Requests:
        def received_between(self, *, tenant: str, start: datetime, end: datetime) -> Any:
            seen.append((start, end))
            yield asked("r1", "Hỏi về thai sản", kb="K1")
            yield asked("r2", "Chế độ thai sản?", kb="K1")
            yield asked("r3", "Cấp lại thẻ BHYT", Category.PUBLIC_SERVICE)
            yield asked("r4", "cấp lại  thẻ bhyt", Category.PUBLIC_SERVICE)
            yield asked("r5", "Thái độ nhân viên", Category.STAFF_ATTITUDE)

    class Entries:
        def many(self, *, tenant: str, entry_ids: Any) -> dict[str, Any]:
            return {i: SimpleNamespace(content=SimpleNamespace(question="Điều kiện hưởng chế độ thai sản")) for i in entry_ids}

    jobs = PolicyReportJobs(reports=world.reports, requests=Requests(), entries=Entries(), files=None, clock=world.clock)  # type: ignore[arg-type]
    report = world.reports.create_regular(tenant="hanoi", actor=FOCAL, period="2026-11")
    jobs.typical(FakeRun("hanoi", {"report_id": report.id}, tmp_path))  # type: ignore[arg-type]
    start, end = seen[0]
    assert (start.isoformat(), end.isoformat()) == ("2026-11-01T00:00:00+07:00", "2026-12-01T00:00:00+07:00")
    found = world.reports.get(tenant="hanoi", report_id=report.id)
    assert found.typical_at == NOW
    assert [(t.label, t.count, t.knowledge, t.requests) for t in found.typical["policy"]] == [
        ("Điều kiện hưởng chế độ thai sản", 2, ("hanoi/K1",), ("hanoi/r1", "hanoi/r2"))
    ]
    assert [(t.label, t.count) for t in found.typical["public_service"]] == [("Cấp lại thẻ BHYT", 2)]
    assert found.typical["coordination"] == []
