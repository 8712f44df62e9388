"""Starting, running and reading background jobs; each kind of job is a handler registered by bootstrap.

A handler gets a `JobRun` (its tenant, parameters, files and a progress callback) and returns the `Output` it
stored (or None), or raises `JobRejected` with the problems of its input (the job fails with that report, no retry). Any
other error is retried by the queue until the last delivery, which fails the job. Handlers must be safe to run
again from the start: a retry after an error runs the whole job again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import NotFoundError, RuleViolationError
from chalicelib.shared.ids import new_id
from chalicelib.shared.observability import logger

from .domain import (
    MAX_ATTEMPTS,
    QUEUED,
    Job,
    Output,
    Problem,
    ProgressThrottle,
    Viewer,
    message_lost,
    retry_after_error,
    visible_to,
    worker_died,
)
from .store import JobStore

#: A download link works this long: enough to click it, short enough that a forwarded link is soon useless.
DOWNLOAD_SECONDS = 300
#: An upload form works this long, for one file of at most UPLOAD_MAX_BYTES.
UPLOAD_SECONDS = 900
UPLOAD_MAX_BYTES = 100 * 1024 * 1024

MESSAGES = {
    "worker_died": "Tác vụ bị gián đoạn (tiến trình xử lý dừng đột ngột). Vui lòng chạy lại.",
    "gave_up": "Tác vụ gặp lỗi hệ thống sau {attempts} lần thử. Vui lòng chạy lại sau.",
    "unknown_kind": "Loại tác vụ không được hỗ trợ.",
}


class JobRejected(Exception):
    """The job's input cannot be used: the job fails with this message and these problems (never retried)."""

    def __init__(self, message: str, problems: list[Problem] | None = None, count: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.count = len(self.problems) if count is None else count


class JobQueue(Protocol):
    """Where a job's message goes for the worker."""

    def send(self, message: dict[str, Any], *, delay_seconds: int = 0) -> None: ...


class JobFiles(Protocol):
    """The files bucket as jobs use it (adapters/files.py S3Files)."""

    def put(self, *, key: str, path: Path, content_type: str) -> int: ...

    def fetch(self, *, key: str, path: Path) -> int: ...

    def exists(self, *, key: str) -> bool: ...

    def download_url(self, *, key: str, file_name: str, content_type: str, seconds: int) -> str: ...

    def upload_form(
        self, *, key: str, max_bytes: int, seconds: int, redirect: str | None = None
    ) -> tuple[str, dict[str, str]]: ...


@dataclass(frozen=True)
class UploadForm:
    """Where and how to upload one file: POST `fields` and the file (last, as `file`) to `url` before `expires_at`."""

    upload_id: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime


@dataclass
class JobRun:
    """What a handler works with: the job, its files, a place for temporary files, and a progress callback."""

    job: Job
    files: JobFiles
    workdir: Path
    _report: Callable[[int, int | None, str], None] = field(repr=False)

    @property
    def tenant(self) -> str:
        """The job's tenant: every read and write of the handler is in it."""
        return self.job.tenant

    @property
    def params(self) -> dict[str, Any]:
        """What the job was started with."""
        return self.job.params

    def progress(self, done: int, total: int | None, stage: str) -> None:
        """Report progress; written at most once a second (and on each new stage), so call it as often as you like."""
        self._report(done, total, stage)

    def output_key(self, file_name: str) -> str:
        """The key of this job's result file."""
        return f"jobs/{self.job.tenant}/{self.job.id}/{file_name}"

    def store(self, *, path: Path, file_name: str, content_type: str) -> Output:
        """Put the result file in the bucket and describe it."""
        key = self.output_key(file_name)
        size = self.files.put(key=key, path=path, content_type=content_type)
        return Output(key=key, file_name=file_name, content_type=content_type, size=size)


#: Runs one job; returns the result file it stored, or None when the job's outcome is its progress (an import).
Handler = Callable[[JobRun], Output | None]


class JobService:
    """Starts jobs, runs them for the worker, sweeps the abandoned ones, and shows them to the people allowed."""

    def __init__(self, *, store: JobStore, queue: JobQueue, files: JobFiles, clock: Clock) -> None:
        self._store = store
        self._queue = queue
        self._files = files
        self._clock = clock
        self._handlers: dict[str, Handler] = {}
        self._labels: dict[str, str] = {}

    def register(self, kind: str, handler: Handler, *, label: str) -> None:
        """Make `kind` a job this service runs, shown to people as `label` (bootstrap registers each capability's)."""
        self._handlers[kind] = handler
        self._labels[kind] = label

    def label(self, kind: str) -> str:
        """What people call a kind of job."""
        return self._labels.get(kind, kind)

    def start(self, *, tenant: str, actor: str, kind: str, params: dict[str, Any]) -> Job:
        """Write a queued job and queue its message; a lost message is queued again by the sweep."""
        if kind not in self._handlers:
            raise RuleViolationError(MESSAGES["unknown_kind"], code="unknown_job_kind")
        job = Job(
            id=new_id(), tenant=tenant, kind=kind, requested_by=actor, status=QUEUED, created_at=self._clock.now(), params=params
        )
        self._store.create(job)
        self._enqueue(job)
        return job

    def get(self, *, tenant: str, job_id: str, viewer: Viewer) -> Job:
        """One job the viewer may see (another tenant's, or another person's: 404)."""
        job = self._store.get(tenant=tenant, job_id=job_id)
        if job is None or not visible_to(job, login=viewer.login, sees_all=viewer.sees_all):
            raise NotFoundError("Không tìm thấy tác vụ.")
        return job

    def list(self, *, tenant: str, viewer: Viewer, kind: str | None = None, mine: bool = False, limit: int = 50) -> list[Job]:
        """Recent jobs: the viewer's own, or the tenant's for its administrators."""
        requested_by = None if viewer.sees_all and not mine else viewer.login
        return self._store.recent(tenant=tenant, requested_by=requested_by, kind=kind, limit=limit)

    def download_url(self, job: Job) -> str | None:
        """A short-lived link to the job's result file, when it has one."""
        if job.output is None:
            return None
        out = job.output
        return self._files.download_url(
            key=out.key, file_name=out.file_name, content_type=out.content_type, seconds=DOWNLOAD_SECONDS
        )

    def upload(self, *, tenant: str, actor: str, then: Callable[[str], str] | None = None) -> UploadForm:
        """A presigned form to upload one file for a later job (an import); `then(upload_id)` is the page storage sends
        the browser to afterwards, when a page uploads with a plain form."""
        upload_id = new_id()
        url, fields = self._files.upload_form(
            key=upload_key(tenant, actor, upload_id),
            max_bytes=UPLOAD_MAX_BYTES,
            seconds=UPLOAD_SECONDS,
            redirect=then(upload_id) if then else None,
        )
        expires = self._clock.now() + timedelta(seconds=UPLOAD_SECONDS)
        return UploadForm(upload_id=upload_id, url=url, fields=fields, max_bytes=UPLOAD_MAX_BYTES, expires_at=expires)

    def uploaded(self, *, tenant: str, actor: str, upload_id: str) -> str:
        """The key of a file this person uploaded (422 when there is none: never sent, or expired)."""
        key = upload_key(tenant, actor, upload_id)
        if not self._files.exists(key=key):
            raise RuleViolationError(
                "Chưa nhận được tệp tải lên (hoặc tệp đã hết hạn). Vui lòng tải tệp lên lại.",
                code="upload_missing",
                fields={"upload_id": "not_found"},
            )
        return key

    def run(self, *, tenant: str, job_id: str, receive_count: int = 1) -> None:
        """The worker's handler of a `job` message: claim the job, run its kind's handler, record how it ended.

        A delivery that finds the job running or finished does nothing (the claim is the queued → running update).
        """
        job = self._store.get(tenant=tenant, job_id=job_id)
        if job is None or job.status != QUEUED:
            return
        started = self._clock.now()
        if not self._store.claim(tenant=tenant, job_id=job_id, at=started):
            return
        handler = self._handlers.get(job.kind)
        if handler is None:
            self._fail(job, MESSAGES["unknown_kind"])
            return
        attempts = job.attempts + 1
        try:
            with _workdir() as workdir:
                output = handler(JobRun(job, self._files, workdir, self._reporter(job)))
        except JobRejected as rejected:
            self._fail(job, rejected.message, rejected.problems, rejected.count)
            return
        except Exception:
            if retry_after_error(receive_count=receive_count, attempts=attempts):
                logger.exception("job attempt failed; it will be retried", extra={"job_id": job_id, "kind": job.kind})
                self._store.requeue(tenant=tenant, job_id=job_id)
                raise
            logger.exception("job failed after its last attempt", extra={"job_id": job_id, "kind": job.kind})
            self._fail(job, MESSAGES["gave_up"].format(attempts=max(attempts, MAX_ATTEMPTS)))
            return
        self._store.succeed(tenant=tenant, job_id=job_id, output=output, at=self._clock.now())
        logger.info("job succeeded", extra={"job_id": job_id, "kind": job.kind, "bytes": output.size if output else 0})

    def sweep(self, *, tenant: str, limit: int = 100) -> tuple[int, int]:
        """Open jobs the queue lost track of: queue again a long-queued one, fail one whose worker died.

        Returns (queued again, marked failed).
        """
        now = self._clock.now()
        requeued = failed = 0
        for job in self._store.open(tenant=tenant, limit=limit):
            if message_lost(job, now):
                self._enqueue(job)
                requeued += 1
            elif worker_died(job, now):
                failed += self._fail(job, MESSAGES["worker_died"])
        return requeued, failed

    def _reporter(self, job: Job) -> Callable[[int, int | None, str], None]:
        throttle = ProgressThrottle()

        def report(done: int, total: int | None, stage: str) -> None:
            now = self._clock.now()
            if throttle.due(now=now, stage=stage, done=done, total=total):
                self._store.progress(tenant=job.tenant, job_id=job.id, done=done, total=total, stage=stage, at=now)

        return report

    def _fail(self, job: Job, error: str, problems: Sequence[Problem] = (), count: int = 0) -> bool:
        return self._store.fail(
            tenant=job.tenant, job_id=job.id, error=error, problems=problems, problem_count=count, at=self._clock.now()
        )

    def _enqueue(self, job: Job) -> None:
        try:
            self._queue.send({"type": "job", "tenant": job.tenant, "job_id": job.id})
        except Exception:  # noqa: BLE001 - the job is written; the sweep queues it again
            logger.exception("job enqueue failed", extra={"job_id": job.id})


def upload_key(tenant: str, actor: str, upload_id: str) -> str:
    """Where one person's upload goes: only they can start a job from it."""
    return f"uploads/{tenant}/{actor}/{upload_id}"


@contextmanager
def _workdir() -> Iterator[Path]:
    """A temporary folder for the handler's files (Lambda's /tmp), removed after the attempt."""
    with tempfile.TemporaryDirectory(prefix="job-") as folder:
        yield Path(folder)
