"""Console pages of background jobs: one job with its progress, result link or error report; one's recent jobs.

A job still queued or running refreshes itself every few seconds with `<meta http-equiv="refresh">` (no script,
so it works with JavaScript off and under the console's Content-Security-Policy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.web.render import Page, render

from .routes import viewer

if TYPE_CHECKING:
    from . import domain
else:
    domain = lazy("chalicelib.jobs.domain")

bp = Blueprint(__name__)
REFRESH_SECONDS = 2


@page(bp, "/jobs", permission=Permission.CONSOLE)
def jobs_list(p: Page) -> Response:
    """One's recent background jobs (the tenant's, for its administrators)."""
    jobs = container().jobs
    items = jobs.list(tenant=p.tenant.code, viewer=viewer(p.user, p.tenant.code))
    return render(p, "jobs_list.html", jobs=items, labels=domain.STATUS_LABELS, kind_label=jobs.label)


@page(bp, "/jobs/{job_id}", permission=Permission.CONSOLE)
def job_detail(p: Page, job_id: str) -> Response:
    """A job: progress while it runs, then the download link or what went wrong."""
    jobs = container().jobs
    job = jobs.get(tenant=p.tenant.code, job_id=job_id, viewer=viewer(p.user, p.tenant.code))
    return render(
        p,
        "jobs_detail.html",
        job=job,
        kind=jobs.label(job.kind),
        status_label=domain.STATUS_LABELS[job.status],
        url=jobs.download_url(job),
        refresh=None if job.finished else REFRESH_SECONDS,
    )
