"""The timers' reconcile job: every open request has its deadline timer running, and every draft awaiting the
leader its approval wait, whatever failed when they were started (Step Functions refused the start after the change
committed, an execution failed, the local stack restarted with no executions at all).

Each run walks the open requests of every office (GSI4, soonest deadline first) from where the last run stopped,
at most `limit` of them, and asks Step Functions about each timer by its name: one DescribeExecution. A timer that
never started is started under its own name, so two runs (or a run and a late retry) start it once; one whose
execution failed starts again as `…-r1`, `…-r2`. The handlers' conditions (`open_timer`, the timer's notes) make a
restarted timer's reminders and breach count once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.shared.clock import Clock
from chalicelib.shared.observability import logger

from .domain import Request
from .ports import Deadlines, RequestFilter, RequestStore
from .timing import approval_timeout, deadline_timer

JOB = "timer-reconcile"
RESTARTS_MAX = 3  # an execution that keeps failing is not started a fifth time: the alarm on failed executions tells
DONE = ("RUNNING", "SUCCEEDED")  # running, or finished its course (the deadline passed and the leaders were told)
PAGE = 100


class TimerRuns(Protocol):
    """The Step Functions timers as the reconcile job sees them (adapters/stepfunctions.py)."""

    def start_deadline(
        self,
        *,
        tenant: str,
        subject_id: str,
        timer_id: str,
        reminders: tuple[datetime | None, ...],
        due: datetime,
        attempt: int = 0,
    ) -> bool: ...

    def start_approval(self, *, tenant: str, subject_id: str, draft_id: str, timeout_seconds: int, attempt: int = 0) -> bool: ...

    def deadline_status(self, *, tenant: str, subject_id: str, timer_id: str, attempt: int = 0) -> str | None: ...

    def approval_status(self, *, tenant: str, subject_id: str, draft_id: str, attempt: int = 0) -> str | None: ...


class Cursors(Protocol):
    """Where a job left off (adapters/job_state.py)."""

    def cursor(self, *, job: str) -> str | None: ...

    def save(self, *, job: str, cursor: str | None, at: datetime, report: dict[str, int]) -> None: ...


@dataclass
class ReconcileReport:
    """What one run did."""

    examined: int = 0  # open requests looked at
    restarted: int = 0  # deadline timers and approval waits started again
    refused: int = 0  # restarts Step Functions refused (the next pass tries again)
    gave_up: int = 0  # timers whose executions failed RESTARTS_MAX + 1 times
    wrapped: int = 0  # 1 when this run reached the last open request (the next one starts from the first)

    def counts(self) -> dict[str, int]:
        """The report as numbers, for the log line and the metrics."""
        return asdict(self)


class TimerStartRefusedError(Exception):
    """Step Functions still refuses to start the timer; the queue brings the message back."""


class TimerReconciler:
    """Restarts the timers of open requests that have none."""

    def __init__(
        self,
        *,
        store: RequestStore,
        timers: TimerRuns,
        deadlines: Deadlines,
        cursors: Cursors,
        clock: Clock,
        approval_minimum: Callable[[], int],
    ) -> None:
        self._store = store
        self._timers = timers
        self._deadlines = deadlines
        self._cursors = cursors
        self._clock = clock
        self._approval_minimum = approval_minimum

    def run(self, *, limit: int) -> ReconcileReport:
        """Check at most `limit` open requests, from where the last run stopped."""
        report = ReconcileReport()
        cursor = self._cursors.cursor(job=JOB)
        while report.examined < limit:
            page, following = self._store.national_open(
                before=None, only=RequestFilter(), limit=min(PAGE, limit - report.examined), cursor=cursor
            )
            if not self._check_page(page, report):
                break  # the cursor stays at this page: the next run checks it again
            cursor = following
            if cursor is None or not page:
                report.wrapped, cursor = 1, None
                break
        self._cursors.save(job=JOB, cursor=cursor, at=self._clock.now(), report=report.counts())
        return report

    def _check_page(self, page: list[Request], report: ReconcileReport) -> bool:
        """Check each request; False when Step Functions could not be asked (the run stops there)."""
        for request in page:
            report.examined += 1
            try:
                self._check(request, report)
            except Exception:  # noqa: BLE001 - Step Functions unreachable: stop rather than fail each of the rest
                logger.exception("reconcile stopped: timers could not be looked up", extra={"subject_id": request.id})
                report.refused += 1
                return False
        return True

    def restart(self, *, tenant: str, subject_id: str, receive_count: int = 1) -> None:
        """The queue's message for a timer Step Functions refused after a change: start what the request lacks
        (nothing if it runs by now); still refused, raise so the queue tries again, then the scheduled run."""
        request = self._store.get(tenant=tenant, request_id=subject_id)
        if request is None:
            return
        report = ReconcileReport(examined=1)
        self._check(request, report)
        if report.refused:
            raise TimerStartRefusedError(f"{tenant}-{subject_id}")

    def _check(self, request: Request, report: ReconcileReport) -> None:
        now = self._clock.now()
        timer = deadline_timer(request, deadlines=self._deadlines, now=now)
        if timer is not None and request.timer_id is not None:
            key = {"tenant": request.tenant, "subject_id": request.id, "timer_id": request.timer_id}
            self._ensure(
                report,
                f"deadline {request.tenant}-{request.id}-{request.timer_id}",
                lambda attempt: self._timers.deadline_status(**key, attempt=attempt),
                lambda attempt: self._timers.start_deadline(**key, reminders=timer.reminders, due=timer.due, attempt=attempt),
            )
        draft = request.pending_draft()
        if draft is not None:
            wait = {"tenant": request.tenant, "subject_id": request.id, "draft_id": draft.id}
            timeout = approval_timeout(
                due=request.due_at, drafted_at=draft.created_at, now=now, minimum_seconds=self._approval_minimum()
            )
            self._ensure(
                report,
                f"approval {request.tenant}-{request.id}-{draft.id}",
                lambda attempt: self._timers.approval_status(**wait, attempt=attempt),
                lambda attempt: self._timers.start_approval(**wait, timeout_seconds=timeout, attempt=attempt),
            )

    def _ensure(
        self, report: ReconcileReport, what: str, status: Callable[[int], str | None], start: Callable[[int], bool]
    ) -> None:
        """Find the timer's latest execution; start the next one when there is none to be found."""
        for attempt in range(RESTARTS_MAX + 1):
            state = status(attempt)
            if state in DONE:
                return
            if state is None:
                if start(attempt):
                    report.restarted += 1
                    logger.info("timer restarted", extra={"timer": what, "attempt": attempt})
                else:
                    report.refused += 1
                return
        report.gave_up += 1
        logger.error("timer keeps failing; not restarted", extra={"timer": what})
