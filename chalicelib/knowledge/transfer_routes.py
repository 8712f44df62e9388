"""The knowledge bank's export and import (API.md "Knowledge bank"): each starts a background job → 202."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.jobs.routes import accepted
from chalicelib.jobs.schemas import JobRead
from chalicelib.shared.fields import Identifier, Line
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.shared.schema import Input
from chalicelib.shared.tenancy import RequestContext

if TYPE_CHECKING:
    from . import transfer
else:
    transfer = lazy("chalicelib.knowledge.transfer")


bp = Blueprint(__name__)
TAGS = ("knowledge",)


class ExportQuery(Input):
    """The file's format."""

    format: Literal["xlsx", "csv"] = "xlsx"


class ImportCreate(Input):
    """A file uploaded through `POST /api/uploads`: its upload id and name (`.xlsx` or `.csv`)."""

    upload_id: Identifier
    file_name: Line = Field(min_length=1, max_length=200, pattern=r"(?i)\.(xlsx|csv)$")


@route(
    bp,
    "/api/knowledge/export",
    permission=Permission.KNOWLEDGE_EXPORT,
    query=ExportQuery,
    response=JobRead,
    status=202,
    tags=TAGS,
)
def export_bank(ctx: RequestContext, query: ExportQuery) -> Response:
    """Export the tenant's whole knowledge bank as XLSX or CSV (a background job: poll it, then download)."""
    job = container().jobs.start(tenant=ctx.tenant, actor=ctx.user.login, kind=transfer.EXPORT, params={"format": query.format})
    return accepted(job)


@route(
    bp,
    "/api/knowledge/import",
    method="POST",
    permission=Permission.KNOWLEDGE_IMPORT,
    body=ImportCreate,
    response=JobRead,
    status=202,
    tags=TAGS,
    errors=(422,),
)
def import_bank(ctx: RequestContext, body: ImportCreate) -> Response:
    """Import an uploaded XLSX/CSV into the bank: every row is checked first; a file with any bad row writes nothing."""
    jobs = container().jobs
    key = jobs.uploaded(tenant=ctx.tenant, actor=ctx.user.login, upload_id=body.upload_id)
    params = {"key": key, "file_name": body.file_name}
    return accepted(jobs.start(tenant=ctx.tenant, actor=ctx.user.login, kind=transfer.IMPORT, params=params))
