"""The background job service on fakes: lifecycle, a redelivered message, progress, retries, the sweep, visibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.jobs.domain import FAILED, QUEUED, RUNNING, SUCCEEDED, Problem
from chalicelib.jobs.service import JobRejected, JobRun, JobService, Viewer
from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import NotFoundError, RuleViolationError
from tests.fakes import FakeFiles, FakeJobStore, FakeQueue

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


class Setup:
    def __init__(self) -> None:
        self.clock = FixedClock(START)
        self.store = FakeJobStore()
        self.queue = FakeQueue()
        self.files = FakeFiles()
        self.service = JobService(store=self.store, queue=self.queue, files=self.files, clock=self.clock)
        self.runs = 0

    def start(self, kind: str = "count", by: str = "leader") -> str:
        return self.service.start(tenant="hanoi", actor=by, kind=kind, params={"n": 5}).id

    def deliver(self, job_id: str, receive_count: int = 1) -> None:
        self.service.run(tenant="hanoi", job_id=job_id, receive_count=receive_count)

    def job(self, job_id: str):
        return self.store.get(tenant="hanoi", job_id=job_id)


@pytest.fixture
def s() -> Setup:
    setup = Setup()

    def count(run: JobRun):
        setup.runs += 1
        n = int(run.params["n"])
        for i in range(1, n + 1):
            setup.clock.advance(timedelta(milliseconds=300))
            run.progress(i, n, "Đang đếm")
        path = run.workdir / "out.csv"
        path.write_text("a,b\r\n", encoding="utf-8")
        return run.store(path=path, file_name="kết quả.csv", content_type="text/csv")

    setup.service.register("count", count, label="Đếm")
    return setup


def test_a_started_job_is_queued_with_its_message_then_runs_to_its_file(s):
    job_id = s.start()
    assert s.job(job_id).status == QUEUED
    assert s.queue.messages == [{"type": "job", "tenant": "hanoi", "job_id": job_id}]
    s.deliver(job_id)
    job = s.job(job_id)
    assert job.status == SUCCEEDED and job.done == 5 and job.total == 5 and job.percent == 100
    assert job.output.key == f"jobs/hanoi/{job_id}/kết quả.csv" and s.files.objects[job.output.key][0] == b"a,b\r\n"
    assert job.output.size == 5 and job.finished_at == s.clock.now()


def test_a_redelivered_message_does_nothing_while_the_job_runs_or_after_it_ended(s):
    job_id = s.start()
    s.store.claim(tenant="hanoi", job_id=job_id, at=START)  # another delivery holds it
    s.deliver(job_id, receive_count=2)
    assert s.runs == 0 and s.job(job_id).status == RUNNING
    s.store.requeue(tenant="hanoi", job_id=job_id)
    s.deliver(job_id)
    s.deliver(job_id, receive_count=2)
    assert s.runs == 1, "a finished job is not run again"


def test_progress_is_written_at_most_once_a_second_and_on_the_last_row(s):
    job_id = s.service.start(tenant="hanoi", actor="leader", kind="count", params={"n": 20}).id
    s.deliver(job_id)
    # 20 reports 0.3 s apart (6 s): the first, one a second after it, and the last.
    assert 6 <= s.store.progress_writes <= 8
    assert s.job(job_id).done == 20


def test_a_rejected_input_fails_the_job_with_its_report_and_no_retry(s):
    def reject(run: JobRun):
        raise JobRejected("Tệp có 2 lỗi", [Problem(2, "C (Câu hỏi)", "Bắt buộc"), Problem(5, "F (Hiệu lực từ)", "Ngày")])

    s.service.register("reject", reject, label="Từ chối")
    job_id = s.start(kind="reject")
    s.deliver(job_id)
    job = s.job(job_id)
    assert job.status == FAILED and job.error == "Tệp có 2 lỗi" and job.problem_count == 2
    assert [p.line for p in job.problems] == [2, 5]


def test_an_unexpected_error_is_retried_until_the_last_delivery_then_fails(s):
    calls = []

    def flaky(run: JobRun):
        calls.append(run.job.attempts)
        raise RuntimeError("S3 timed out")

    s.service.register("flaky", flaky, label="Chập chờn")
    job_id = s.start(kind="flaky")
    for receive in (1, 2):
        with pytest.raises(RuntimeError):
            s.deliver(job_id, receive_count=receive)
        assert s.job(job_id).status == QUEUED, "back in the queue for the next delivery"
    s.deliver(job_id, receive_count=3)
    job = s.job(job_id)
    assert job.status == FAILED and "3 lần thử" in job.error and len(calls) == 3


def test_the_sweep_fails_a_job_whose_worker_died_and_requeues_one_whose_message_was_lost(s):
    died = s.start()
    s.store.claim(tenant="hanoi", job_id=died, at=START)
    s.queue.fail = True
    lost = s.start()  # written, but its message never left
    s.queue.fail = False
    s.clock.advance(timedelta(minutes=10))
    assert s.service.sweep(tenant="hanoi") == (0, 0), "too early to tell"
    s.clock.advance(timedelta(minutes=7))
    assert s.service.sweep(tenant="hanoi") == (1, 1)
    assert s.job(died).status == FAILED and "gián đoạn" in s.job(died).error
    assert s.queue.messages[-1] == {"type": "job", "tenant": "hanoi", "job_id": lost}
    s.deliver(lost)
    assert s.job(lost).status == SUCCEEDED


def test_only_the_requester_and_the_tenants_administrators_see_a_job(s):
    job_id = s.start(by="leader")
    assert s.service.get(tenant="hanoi", job_id=job_id, viewer=Viewer("leader")).id == job_id
    assert s.service.get(tenant="hanoi", job_id=job_id, viewer=Viewer("tenant-admin", sees_all=True)).id == job_id
    with pytest.raises(NotFoundError):
        s.service.get(tenant="hanoi", job_id=job_id, viewer=Viewer("agent"))
    with pytest.raises(NotFoundError):
        s.service.get(tenant="hcm", job_id=job_id, viewer=Viewer("leader", sees_all=True))
    s.start(by="agent")
    assert [j.requested_by for j in s.service.list(tenant="hanoi", viewer=Viewer("agent"))] == ["agent"]
    assert len(s.service.list(tenant="hanoi", viewer=Viewer("tenant-admin", sees_all=True))) == 2
    assert len(s.service.list(tenant="hanoi", viewer=Viewer("tenant-admin", sees_all=True), mine=True)) == 0


def test_an_unknown_kind_is_refused_and_writes_nothing(s):
    with pytest.raises(RuleViolationError):
        s.start(kind="nope")
    assert s.store.jobs == {} and s.queue.messages == []


def test_an_import_names_only_the_uploaders_own_file(s):
    form = s.service.upload(tenant="hanoi", actor="leader")
    key = form.fields["key"]
    s.files.objects[key] = (b"x", "text/csv")
    assert s.service.uploaded(tenant="hanoi", actor="leader", upload_id=form.upload_id) == key
    with pytest.raises(RuleViolationError):
        s.service.uploaded(tenant="hanoi", actor="agent", upload_id=form.upload_id)
    with pytest.raises(RuleViolationError):
        s.service.uploaded(tenant="hcm", actor="leader", upload_id=form.upload_id)


def test_the_workdir_is_removed_after_the_attempt(s):
    seen: list[Path] = []

    def keep(run: JobRun):
        (run.workdir / "big.tmp").write_bytes(b"0" * 1000)
        seen.append(run.workdir)

    s.service.register("keep", keep, label="Giữ")
    s.deliver(s.start(kind="keep"))
    assert seen and not seen[0].exists()
