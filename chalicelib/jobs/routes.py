"""Background jobs (API): a job's status and result link, recent jobs, and upload forms for imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.http import json_response
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission, allows
from chalicelib.shared.tenancy import Principal, RequestContext

from .schemas import JobPage, JobRead, JobsQuery, UploadCreate, UploadRead, job_read

if TYPE_CHECKING:
    from . import domain
    from .domain import Job, Viewer
else:
    domain = lazy("chalicelib.jobs.domain")

bp = Blueprint(__name__)
TAGS = ("jobs",)


def viewer(principal: Principal, tenant: str) -> Viewer:
    """Who asks: administrators of the tenant see all its jobs, everyone else their own."""
    return domain.Viewer(login=principal.login, sees_all=allows(principal.roles, tenant, Permission.JOBS_READ_ALL))


def read(job: Job) -> JobRead:
    """A job's read model, with a fresh download link."""
    return job_read(job, container().jobs.download_url(job))


def accepted(job: Job) -> Response:
    """202 with the job, and where to poll it."""
    return json_response(read(job).model_dump(mode="json"), 202, {"Location": f"/api/jobs/{job.id}"})


@route(bp, "/api/jobs", permission=Permission.CONSOLE, query=JobsQuery, response=JobPage, tags=TAGS)
def list_jobs(ctx: RequestContext, query: JobsQuery) -> JobPage:
    """Recent background jobs: one's own, or the tenant's for its administrators."""
    jobs = container().jobs.list(tenant=ctx.tenant, viewer=viewer(ctx.user, ctx.tenant), kind=query.kind, mine=query.mine)
    return JobPage(items=[read(j) for j in jobs])


@route(bp, "/api/jobs/{job_id}", permission=Permission.CONSOLE, response=JobRead, tags=TAGS)
def get_job(ctx: RequestContext, job_id: str) -> JobRead:
    """A job's status, progress, and result link or error report (another person's job: 404)."""
    return read(container().jobs.get(tenant=ctx.tenant, job_id=job_id, viewer=viewer(ctx.user, ctx.tenant)))


@route(
    bp,
    "/api/uploads",
    method="POST",
    permission=Permission.CONSOLE,
    body=UploadCreate,
    response=UploadRead,
    status=201,
    tags=TAGS,
)
def create_upload(ctx: RequestContext, body: UploadCreate) -> UploadRead:
    """A presigned form to upload one file (≤ 100 MB) straight to storage, for an import job."""
    form = container().jobs.upload(tenant=ctx.tenant, actor=ctx.user.login)
    return UploadRead(
        upload_id=form.upload_id, url=form.url, fields=form.fields, max_bytes=form.max_bytes, expires_at=form.expires_at
    )
