"""A background job's life and rules (pure): queued → running → succeeded / failed, progress, who may see it.

A job is started by a person and run by the worker; only the system writes it after that, so no write of a job
ever meets a person's edit (no 409 from a job). A delivery of its queue message claims it (queued → running);
a second delivery finds it running or finished and does nothing. A worker that died leaves it running with an
old heartbeat: the sweep marks it failed once that is older than any attempt can last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
FINISHED = frozenset({SUCCEEDED, FAILED})

#: Deliveries of a job's message (infra/definitions.py JOBS_QUEUE max_receive_count): an unexpected error is
#: retried until then, and the last one fails the job.
MAX_ATTEMPTS = 3
#: The job worker's Lambda time-out is 900 s (.chalice/config.json `jobs_worker`): a running job not heard of for
#: longer than this was left by a worker that died.
RUN_TIMEOUT = timedelta(seconds=960)
#: A queued job whose message was lost (an enqueue that failed after the job was written) is queued again after this.
QUEUED_TIMEOUT = timedelta(minutes=15)
#: Progress is written at most this often (and on a new stage), so a million rows cost a few hundred writes.
PROGRESS_EVERY = timedelta(seconds=1)
#: An error report keeps this many problems on the job (the item stays far below DynamoDB's 400 KB); the count is exact.
PROBLEMS_KEPT = 200

STATUS_LABELS = {
    QUEUED: "Đang chờ",
    RUNNING: "Đang chạy",
    SUCCEEDED: "Hoàn thành",
    FAILED: "Thất bại",
}


@dataclass(frozen=True)
class Problem:
    """One fault of an input file: the row as the spreadsheet numbers it (header = 1), the column, what is wrong."""

    line: int
    column: str
    message: str


@dataclass(frozen=True)
class Output:
    """The job's result file in the files bucket."""

    key: str
    file_name: str
    content_type: str
    size: int = 0


@dataclass(frozen=True)
class Job:
    """A background job as it is stored."""

    id: str
    tenant: str
    kind: str
    requested_by: str
    status: str
    created_at: datetime
    params: dict[str, Any] = field(default_factory=dict)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    done: int = 0
    total: int | None = None
    stage: str = ""
    attempts: int = 0
    output: Output | None = None
    error: str | None = None
    problems: tuple[Problem, ...] = ()
    problem_count: int = 0

    @property
    def finished(self) -> bool:
        """Succeeded or failed: nothing more will change."""
        return self.status in FINISHED

    @property
    def percent(self) -> int | None:
        """Progress in whole percent, when the total is known."""
        if self.status == SUCCEEDED:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)


def visible_to(job: Job, *, login: str, sees_all: bool) -> bool:
    """The requester sees their job; the tenant's administrators see every job of the tenant."""
    return sees_all or job.requested_by == login


def worker_died(job: Job, now: datetime) -> bool:
    """Whether a running job's worker has certainly stopped (no heartbeat for longer than an attempt can last)."""
    last = job.heartbeat_at or job.started_at or job.created_at
    return job.status == RUNNING and now - last >= RUN_TIMEOUT


def message_lost(job: Job, now: datetime) -> bool:
    """Whether a queued job has waited so long that its message must have been lost."""
    return job.status == QUEUED and now - job.created_at >= QUEUED_TIMEOUT


def retry_after_error(*, receive_count: int, attempts: int) -> bool:
    """An unexpected error is tried again until MAX_ATTEMPTS deliveries (or claims) have been spent."""
    return max(receive_count, attempts) < MAX_ATTEMPTS


@dataclass
class ProgressThrottle:
    """Decides which progress reports are written: the first, a new stage, the last row, else once a PROGRESS_EVERY."""

    last_at: datetime | None = None
    last_stage: str | None = None

    def due(self, *, now: datetime, stage: str, done: int, total: int | None) -> bool:
        """Whether this report is written; remembers it when it is."""
        due = (
            self.last_at is None
            or stage != self.last_stage
            or (total is not None and done >= total)
            or now - self.last_at >= PROGRESS_EVERY
        )
        if due:
            self.last_at, self.last_stage = now, stage
        return due


@dataclass(frozen=True)
class Viewer:
    """Who asks about jobs: their login, and whether they see every job of the tenant (its administrators)."""

    login: str
    sees_all: bool = False
