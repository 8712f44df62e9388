"""The reconcile job on fakes: which timers it starts again, under which name, how much one run does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from chalicelib.adapters.stepfunctions import approval_name, deadline_name
from chalicelib.requests.domain import Request
from chalicelib.requests.reconcile import JOB, RESTARTS_MAX, TimerReconciler, TimerStartRefusedError
from tests.service.test_request_service import LEADER, NOW, OFFICER, FakeDeadlines, World, intake, world  # noqa: F401

APPROVAL_MINIMUM = 3600


@dataclass
class FakeRuns:
    """Step Functions as a table of execution names and statuses."""

    executions: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, dict] = field(default_factory=dict)
    refuse: int = 0  # the next starts Step Functions refuses

    def _start(self, name: str, payload: dict) -> bool:
        if self.refuse:
            self.refuse -= 1
            return False
        self.executions.setdefault(name, "RUNNING")
        self.inputs.setdefault(name, payload)
        return True

    def start_deadline(self, *, tenant, subject_id, timer_id, reminders, due, attempt=0) -> bool:
        return self._start(deadline_name(tenant, subject_id, timer_id, attempt), {"reminders": reminders, "due": due})

    def start_approval(self, *, tenant, subject_id, draft_id, timeout_seconds, attempt=0) -> bool:
        return self._start(approval_name(tenant, subject_id, draft_id, attempt), {"timeout_seconds": timeout_seconds})

    def deadline_status(self, *, tenant, subject_id, timer_id, attempt=0) -> str | None:
        return self.executions.get(deadline_name(tenant, subject_id, timer_id, attempt))

    def approval_status(self, *, tenant, subject_id, draft_id, attempt=0) -> str | None:
        return self.executions.get(approval_name(tenant, subject_id, draft_id, attempt))


@dataclass
class FakeCursors:
    saved: dict[str, str | None] = field(default_factory=dict)
    reports: list[dict[str, int]] = field(default_factory=list)

    def cursor(self, *, job: str) -> str | None:
        return self.saved.get(job)

    def save(self, *, job: str, cursor: str | None, at: datetime, report: dict[str, int]) -> None:
        self.saved[job] = cursor
        self.reports.append(report)


@dataclass
class Job:
    reconciler: TimerReconciler
    runs: FakeRuns
    cursors: FakeCursors


@pytest.fixture
def job(world: World) -> Job:  # noqa: F811 - the fixture imported above
    runs, cursors = FakeRuns(), FakeCursors()
    reconciler = TimerReconciler(
        store=world.store,
        timers=runs,
        deadlines=FakeDeadlines(),
        cursors=cursors,
        clock=world.clock,
        approval_minimum=lambda: APPROVAL_MINIMUM,
    )
    return Job(reconciler, runs, cursors)


def _deadline(request: Request, attempt: int = 0) -> str:
    assert request.timer_id
    return deadline_name(request.tenant, request.id, request.timer_id, attempt)


def test_requests_whose_timers_never_started_get_them_once(world, job):  # noqa: F811
    first, second = intake(world), intake(world)
    report = job.reconciler.run(limit=100)
    assert (report.examined, report.restarted, report.wrapped) == (2, 2, 1)
    assert job.runs.executions == {_deadline(first): "RUNNING", _deadline(second): "RUNNING"}
    assert job.runs.inputs[_deadline(first)]["due"] == first.due_at, "the timer waits for the request's own deadline"
    again = job.reconciler.run(limit=100)
    assert (again.examined, again.restarted) == (2, 0), "a second run finds them running and starts nothing"


def test_a_finished_timer_or_a_closed_request_is_left_alone(world, job):  # noqa: F811
    breached, closed = intake(world), intake(world)
    job.runs.executions[_deadline(breached)] = "SUCCEEDED"  # it ran its course: the leaders were told
    world.service.answer(
        tenant="hanoi", actor=OFFICER, request_id=closed.id, version=closed.version, text="Đã trả lời", knowledge_id=None
    )
    report = job.reconciler.run(limit=100)
    assert (report.examined, report.restarted) == (1, 0)


def test_each_run_checks_a_bounded_number_and_the_next_goes_on_from_there(world, job):  # noqa: F811
    requests = [intake(world) for _ in range(5)]
    examined = [job.reconciler.run(limit=2).examined for _ in range(4)]
    assert examined == [2, 2, 1, 2], "two, two, the last one (wrapping round), then from the first again"
    assert [r["wrapped"] for r in job.cursors.reports] == [0, 0, 1, 0] and job.cursors.saved[JOB] is not None
    assert set(job.runs.executions) == {_deadline(r) for r in requests}


def test_a_failed_execution_is_started_again_under_the_next_name_until_it_gives_up(world, job):  # noqa: F811
    request = intake(world)
    job.runs.executions[_deadline(request)] = "FAILED"
    assert job.reconciler.run(limit=10).restarted == 1
    assert job.runs.executions[_deadline(request, 1)] == "RUNNING"
    for attempt in range(1, RESTARTS_MAX + 1):
        job.runs.executions[_deadline(request, attempt)] = "FAILED"
    report = job.reconciler.run(limit=10)
    assert (report.restarted, report.gave_up) == (0, 1)
    assert _deadline(request, RESTARTS_MAX + 1) not in job.runs.executions


def test_a_refused_restart_is_counted_and_tried_again_by_the_next_pass(world, job):  # noqa: F811
    request = intake(world)
    job.runs.refuse = 1
    assert (job.reconciler.run(limit=10).refused, job.runs.executions) == (1, {})
    assert job.reconciler.run(limit=10).restarted == 1 and job.runs.executions == {_deadline(request): "RUNNING"}


def test_an_approval_wait_started_again_ends_when_the_first_would_have(world, job):  # noqa: F811
    request = intake(world, channel="email")
    drafted = world.service.draft(tenant="hanoi", actor=OFFICER, request_id=request.id, version=request.version, text="Dự thảo")
    (first,) = world.timers.approvals
    job.runs.executions[_deadline(drafted)] = "RUNNING"
    world.clock.advance(timedelta(hours=2))
    assert job.reconciler.run(limit=10).restarted == 1
    draft = drafted.drafts[0]
    restarted = job.runs.inputs[approval_name("hanoi", request.id, draft.id)]
    assert restarted["timeout_seconds"] == first["timeout_seconds"] - 2 * 3600
    world.service.approve(tenant="hanoi", actor=LEADER, request_id=request.id, version=drafted.version, draft_id=draft.id)
    job.runs.executions.clear()
    assert job.reconciler.run(limit=10).examined == 0, "an answered request needs no timer"


def test_the_time_now_decides_the_reminders_of_a_restarted_timer(world, job):  # noqa: F811
    request = intake(world)
    world.clock.advance(timedelta(days=1, hours=1))  # past the 50 % point, before the 80 % one
    job.reconciler.run(limit=10)
    reminders = job.runs.inputs[_deadline(request)]["reminders"]
    assert reminders == (None, NOW + timedelta(days=1.6)), "a point already passed is skipped, as for a late letter"


def test_the_queued_restart_of_one_timer_retries_through_the_queue_while_refused(world, job):  # noqa: F811
    request = intake(world)
    job.runs.refuse = 1
    with pytest.raises(TimerStartRefusedError):
        job.reconciler.restart(tenant="hanoi", subject_id=request.id)
    job.reconciler.restart(tenant="hanoi", subject_id=request.id, receive_count=2)
    job.reconciler.restart(tenant="hanoi", subject_id=request.id, receive_count=3)  # delivered once more: no-op
    assert job.runs.executions == {_deadline(request): "RUNNING"}
    job.reconciler.restart(tenant="hanoi", subject_id="gone")  # a request that is not there: nothing to do


def test_a_run_that_cannot_reach_step_functions_stops_and_the_next_starts_from_the_same_page(world, job):  # noqa: F811
    requests = [intake(world) for _ in range(3)]
    job.reconciler.run(limit=2)  # the first two are fine
    down = job.runs.deadline_status

    def unreachable(**kwargs):
        raise ConnectionError("Step Functions unreachable")

    job.runs.deadline_status = unreachable  # type: ignore[method-assign]
    stopped = job.reconciler.run(limit=10)
    assert (stopped.examined, stopped.refused, stopped.restarted) == (1, 1, 0)
    job.runs.deadline_status = down  # type: ignore[method-assign]
    resumed = job.reconciler.run(limit=10)
    assert (resumed.examined, resumed.restarted, resumed.wrapped) == (1, 1, 1), "the third, started once it is back"
    assert set(job.runs.executions) == {_deadline(r) for r in requests}
