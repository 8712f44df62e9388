"""Background jobs in the single table (docs/data-model.md "Background job").

PK `T#{tenant}#JOB#{id}`, SK `JOB`. Lists: GSI1 `T#{tenant}#JOBS` / `{created}#{id}` (the tenant's recent jobs),
GSI2 `T#{tenant}#JOBS#BY#{login}` / `{created}#{id}` (a person's own), and while a job is queued or running GSI3
`T#{tenant}#JOBS#OPEN` / `{created}#{id}` (what the sweep looks at; removed when it finishes).

Every write after the job's creation is the system's: a conditional update on the job's status, never on its
version, so the worker's writes cannot conflict with anything a person does (there is nothing a person edits).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, save_new, tenant_key, translated
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.errors import ConflictError

from .domain import FAILED, PROBLEMS_KEPT, QUEUED, RUNNING, SUCCEEDED, Job, Output, Problem

SK = "JOB"


class JobItem(BaseItem, discriminator="Job"):
    """A background job."""

    kind = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    status = UnicodeAttribute(default=QUEUED)
    params = JSONAttribute(default=dict)
    created_at = UnicodeAttribute()
    started_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    heartbeat_at = UnicodeAttribute(null=True)
    done = NumberAttribute(default=0)
    total = NumberAttribute(null=True)
    stage = UnicodeAttribute(default="")
    attempts = NumberAttribute(default=0)
    output = JSONAttribute(null=True)  # {key, file_name, content_type, size}
    error = UnicodeAttribute(null=True)
    problems = JSONAttribute(null=True)  # [{line, column, message}], at most PROBLEMS_KEPT
    problem_count = NumberAttribute(default=0)


class JobStore:
    """Creates, reads and advances jobs; each advance is conditional on the status it leaves."""

    def create(self, job: Job) -> None:
        """Write a new job (queued)."""
        order = f"{iso(job.created_at)}#{job.id}"
        item = JobItem(
            _pk(job.tenant, job.id),
            SK,
            tenant=job.tenant,
            kind=job.kind,
            requested_by=job.requested_by,
            status=QUEUED,
            params=dict(job.params),
            created_at=iso(job.created_at),
            GSI1PK=tenant_key(job.tenant, "JOBS"),
            GSI1SK=order,
            GSI2PK=tenant_key(job.tenant, "JOBS", "BY", job.requested_by),
            GSI2SK=order,
            GSI3PK=_open(job.tenant),
            GSI3SK=order,
        )
        save_new(item)

    def get(self, *, tenant: str, job_id: str) -> Job | None:
        """One job, or None."""
        item = self._item(tenant, job_id)
        return _job(item) if item is not None else None

    def claim(self, *, tenant: str, job_id: str, at: datetime) -> bool:
        """queued → running for one attempt; False when another delivery took it first (or it is finished)."""
        actions = [
            JobItem.status.set(RUNNING),
            JobItem.started_at.set(iso(at)),
            JobItem.heartbeat_at.set(iso(at)),
            JobItem.attempts.add(1),
        ]
        return self._update(tenant, job_id, actions, JobItem.status == QUEUED)

    def progress(self, *, tenant: str, job_id: str, done: int, total: int | None, stage: str, at: datetime) -> bool:
        """Record progress (and the heartbeat) of a running job."""
        actions = [
            JobItem.done.set(done),
            JobItem.stage.set(stage),
            JobItem.heartbeat_at.set(iso(at)),
            JobItem.total.set(total) if total is not None else JobItem.total.remove(),
        ]
        return self._update(tenant, job_id, actions, JobItem.status == RUNNING)

    def succeed(self, *, tenant: str, job_id: str, output: Output | None, at: datetime) -> bool:
        """running → succeeded, with its file if it made one."""
        actions = [JobItem.status.set(SUCCEEDED), JobItem.finished_at.set(iso(at)), *_closed()]
        if output is not None:
            file = {"key": output.key, "file_name": output.file_name, "content_type": output.content_type, "size": output.size}
            actions.append(JobItem.output.set(file))
        return self._update(tenant, job_id, actions, JobItem.status == RUNNING)

    def fail(
        self, *, tenant: str, job_id: str, error: str, problems: Sequence[Problem], problem_count: int, at: datetime
    ) -> bool:
        """queued or running → failed, with what went wrong (the first PROBLEMS_KEPT problems, and their count)."""
        kept = [{"line": p.line, "column": p.column, "message": p.message} for p in problems[:PROBLEMS_KEPT]]
        actions = [
            JobItem.status.set(FAILED),
            JobItem.error.set(error),
            JobItem.problem_count.set(problem_count),
            JobItem.finished_at.set(iso(at)),
            *_closed(),
        ]
        if kept:
            actions.append(JobItem.problems.set(kept))
        return self._update(tenant, job_id, actions, JobItem.status.is_in(QUEUED, RUNNING))

    def requeue(self, *, tenant: str, job_id: str) -> bool:
        """running → queued after an attempt that ended in an unexpected error; the queue delivers it again."""
        return self._update(tenant, job_id, [JobItem.status.set(QUEUED)], JobItem.status == RUNNING)

    def recent(self, *, tenant: str, requested_by: str | None, kind: str | None, limit: int) -> list[Job]:
        """The tenant's (or one person's) jobs, newest first, optionally of one kind (one Query)."""
        condition = JobItem.kind == kind if kind else None
        with translated():
            if requested_by is None:
                items = JobItem.gsi1.query(
                    tenant_key(tenant, "JOBS"), filter_condition=condition, scan_index_forward=False, limit=limit
                )
            else:
                items = JobItem.gsi2.query(
                    tenant_key(tenant, "JOBS", "BY", requested_by),
                    filter_condition=condition,
                    scan_index_forward=False,
                    limit=limit,
                )
            return [_job(i) for i in items if isinstance(i, JobItem)]

    def open(self, *, tenant: str, limit: int) -> list[Job]:
        """The tenant's queued and running jobs, oldest first (GSI3)."""
        with translated():
            return [_job(i) for i in JobItem.gsi3.query(_open(tenant), limit=limit) if isinstance(i, JobItem)]

    def _item(self, tenant: str, job_id: str) -> JobItem | None:
        with translated():
            try:
                return JobItem.get(_pk(tenant, job_id), SK)
            except JobItem.DoesNotExist:
                return None

    def _update(self, tenant: str, job_id: str, actions: list[Any], condition: Any) -> bool:
        item = JobItem(_pk(tenant, job_id), SK, version=0)  # the stored version is counted up, never compared
        try:
            with translated():
                item.update(actions=actions, condition=JobItem.PK.exists() & condition, add_version_condition=False)
        except ConflictError:
            return False
        return True


def _pk(tenant: str, job_id: str) -> str:
    return tenant_key(tenant, "JOB", job_id)


def _open(tenant: str) -> str:
    return tenant_key(tenant, "JOBS", "OPEN")


def _closed() -> list[Any]:
    """Out of the open jobs' index."""
    return [JobItem.GSI3PK.remove(), JobItem.GSI3SK.remove()]


def _time(text: str | None) -> datetime | None:
    return parse_iso(text) if text else None


def _job(item: JobItem) -> Job:
    output = Output(**item.output) if item.output else None
    problems = tuple(Problem(**p) for p in (item.problems or []))
    return Job(
        id=item.PK.rsplit("#", 1)[1],
        tenant=item.tenant,
        kind=item.kind,
        requested_by=item.requested_by,
        status=item.status,
        created_at=parse_iso(item.created_at),
        params=dict(item.params or {}),
        started_at=_time(item.started_at),
        finished_at=_time(item.finished_at),
        heartbeat_at=_time(item.heartbeat_at),
        done=int(item.done or 0),
        total=int(item.total) if item.total is not None else None,
        stage=item.stage or "",
        attempts=int(item.attempts or 0),
        output=output,
        error=item.error,
        problems=problems,
        problem_count=int(item.problem_count or 0),
    )
