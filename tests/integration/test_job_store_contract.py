"""The same contract for background jobs in memory and in DynamoDB (PynamoDB on moto)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.jobs.domain import FAILED, QUEUED, RUNNING, SUCCEEDED, Job, Output, Problem
from tests.fakes import FakeJobStore

AT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        return FakeJobStore()
    request.getfixturevalue("stack")
    from chalicelib.jobs.store import JobStore

    return JobStore()


def _job(tenant: str, job_id: str, *, by: str = "leader", kind: str = "knowledge_export", at: datetime = AT) -> Job:
    return Job(id=job_id, tenant=tenant, kind=kind, requested_by=by, status=QUEUED, created_at=at, params={"format": "csv"})


def test_a_job_is_claimed_once_then_reports_progress_and_its_file(store, unique):
    tenant = f"t{unique}"
    store.create(_job(tenant, "J1"))
    assert store.claim(tenant=tenant, job_id="J1", at=AT)
    assert not store.claim(tenant=tenant, job_id="J1", at=AT), "a second delivery finds it running"
    assert store.progress(tenant=tenant, job_id="J1", done=40, total=100, stage="Đang ghi tệp", at=AT + timedelta(seconds=1))
    running = store.get(tenant=tenant, job_id="J1")
    assert (running.status, running.done, running.total, running.stage, running.attempts) == (RUNNING, 40, 100, "Đang ghi tệp", 1)
    assert running.params == {"format": "csv"} and running.heartbeat_at == AT + timedelta(seconds=1)
    output = Output(key=f"jobs/{tenant}/J1/a.csv", file_name="a.csv", content_type="text/csv", size=12)
    assert store.succeed(tenant=tenant, job_id="J1", output=output, at=AT + timedelta(seconds=2))
    done = store.get(tenant=tenant, job_id="J1")
    assert (done.status, done.output, done.finished_at) == (SUCCEEDED, output, AT + timedelta(seconds=2))
    assert not store.progress(tenant=tenant, job_id="J1", done=1, total=1, stage="x", at=AT), "a finished job stays as it ended"
    assert not store.fail(tenant=tenant, job_id="J1", error="late", problems=[], problem_count=0, at=AT)
    assert store.open(tenant=tenant, limit=10) == []


def test_a_failed_job_keeps_its_report_and_an_unknown_job_is_none(store, unique):
    tenant = f"t{unique}"
    store.create(_job(tenant, "J2"))
    problems = [Problem(line=n, column="D (Câu trả lời)", message="Bắt buộc, không được để trống.") for n in range(2, 300)]
    assert store.fail(tenant=tenant, job_id="J2", error="Tệp có 298 lỗi", problems=problems, problem_count=298, at=AT)
    failed = store.get(tenant=tenant, job_id="J2")
    assert failed.status == FAILED and failed.error == "Tệp có 298 lỗi" and failed.problem_count == 298
    assert len(failed.problems) == 200 and failed.problems[0] == problems[0]
    assert store.get(tenant=tenant, job_id="nope") is None
    assert store.get(tenant=f"other{unique}", job_id="J2") is None, "another tenant's id names nothing"
    assert not store.claim(tenant=tenant, job_id="nope", at=AT)


def test_requeue_returns_a_running_job_to_the_queue(store, unique):
    tenant = f"t{unique}"
    store.create(_job(tenant, "J3"))
    assert not store.requeue(tenant=tenant, job_id="J3"), "only a running job goes back"
    store.claim(tenant=tenant, job_id="J3", at=AT)
    assert store.requeue(tenant=tenant, job_id="J3")
    assert store.claim(tenant=tenant, job_id="J3", at=AT)
    assert store.get(tenant=tenant, job_id="J3").attempts == 2


def test_lists_are_newest_first_per_person_and_kind_and_open_ones_oldest_first(store, unique):
    tenant = f"t{unique}"
    store.create(_job(tenant, "A", by="leader", at=AT))
    store.create(_job(tenant, "B", by="agent", at=AT + timedelta(minutes=1)))
    store.create(_job(tenant, "C", by="leader", kind="knowledge_import", at=AT + timedelta(minutes=2)))
    store.create(_job(f"other{unique}", "D", at=AT))
    assert [j.id for j in store.recent(tenant=tenant, requested_by=None, kind=None, limit=10)] == ["C", "B", "A"]
    assert [j.id for j in store.recent(tenant=tenant, requested_by="leader", kind=None, limit=10)] == ["C", "A"]
    assert [j.id for j in store.recent(tenant=tenant, requested_by=None, kind="knowledge_export", limit=10)] == ["B", "A"]
    store.claim(tenant=tenant, job_id="A", at=AT)
    store.succeed(tenant=tenant, job_id="A", output=None, at=AT)
    assert [j.id for j in store.open(tenant=tenant, limit=10)] == ["B", "C"]
