"""Background jobs at the edge: a job's status, progress, result link or error report; upload forms."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.shared.fields import Identifier, Line, QueryFlag
from chalicelib.shared.lazy import lazy
from chalicelib.shared.schema import BaseModel, Input

if TYPE_CHECKING:
    from . import domain
    from .domain import Job
else:
    domain = lazy("chalicelib.jobs.domain")


class ProgressRead(BaseModel):
    """How far the job is: rows done of the total (when known), in percent, and the stage's label."""

    done: int
    total: int | None
    percent: int | None
    stage: str


class ResultRead(BaseModel):
    """The result file: a presigned link valid for a few minutes (ask the job again for a fresh one)."""

    file_name: str
    content_type: str
    size: int
    url: str


class ProblemRead(BaseModel):
    """One fault of an input file: row (header = 1), column, what is wrong."""

    line: int
    column: str
    message: str


class ErrorRead(BaseModel):
    """Why the job failed; for a bad file, its problems (the first of them) and their exact count."""

    message: str
    problems: list[ProblemRead]
    problem_count: int


class JobRead(BaseModel):
    """A background job."""

    id: str
    kind: str
    status: Literal["queued", "running", "succeeded", "failed"]
    status_label: str
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress: ProgressRead
    result: ResultRead | None
    error: ErrorRead | None
    links: dict[str, str]


class JobPage(BaseModel):
    """Recent jobs, newest first."""

    items: list[JobRead]


class JobsQuery(Input):
    """`kind`: only jobs of that kind; `mine`: only one's own (administrators otherwise see the tenant's)."""

    kind: Identifier | None = None
    mine: QueryFlag = False


class UploadCreate(Input):
    """The file about to be uploaded: its name (the format is taken from its extension)."""

    file_name: Line = Field(min_length=1, max_length=200, pattern=r"(?i)\.(xlsx|csv)$")


class UploadRead(BaseModel):
    """POST `fields` then the file (as the last field, `file`) to `url` as multipart/form-data, before `expires_at`."""

    upload_id: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime


def job_read(job: Job, url: str | None) -> JobRead:
    """The API view of a job, with a fresh download link when it has a file."""
    result = None
    if job.output is not None and url is not None:
        out = job.output
        result = ResultRead(file_name=out.file_name, content_type=out.content_type, size=out.size, url=url)
    error = None
    if job.error is not None:
        problems = [ProblemRead(line=p.line, column=p.column, message=p.message) for p in job.problems]
        error = ErrorRead(message=job.error, problems=problems, problem_count=job.problem_count)
    return JobRead(
        id=job.id,
        kind=job.kind,
        status=job.status,  # type: ignore[arg-type]
        status_label=domain.STATUS_LABELS[job.status],
        requested_by=job.requested_by,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        progress=ProgressRead(done=job.done, total=job.total, percent=job.percent, stage=job.stage),
        result=result,
        error=error,
        links={"self": f"/api/jobs/{job.id}", "page": f"/jobs/{job.id}"},
    )
