"""Sampling frames and the sample-size calculator (API.md "Surveys (staff)"): blueprint `frame_routes.bp`.

`POST /api/surveys/frames` builds a frame from the customer registry and `POST /api/surveys/frames/import` from a
file uploaded through `POST /api/uploads` (both background jobs → 202 with the frame's id, which is its job's);
`GET /api/surveys/frames/{id}` is the frame's summary, or its job's progress and problems while it is built or
after its import failed; `GET /api/surveys/sample-size` is Cochran (with the FPC) and Yamane side by side.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from chalice import Blueprint, Response
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.jobs.routes import viewer
from chalicelib.jobs.schemas import JobRead, job_read
from chalicelib.shared.fields import Identifier, Instant, Line, QueryInt
from chalicelib.shared.http import json_response
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.shared.schema import BaseModel, Input
from chalicelib.shared.tenancy import RequestContext

if TYPE_CHECKING:
    from . import frame_service, sampling
    from .frame_service import FrameView
else:
    frame_service = lazy("chalicelib.surveys.frame_service")
    sampling = lazy("chalicelib.surveys.sampling")

bp = Blueprint(__name__)
TAGS = ("surveys",)
P = Permission.SURVEYS_MANAGE


class RegistryFrameCreate(Input):
    """Customers with requests received in [since, until), optionally of one channel, kind, category or unit."""

    title: Line = Field(min_length=1, max_length=200)
    since: Instant
    until: Instant
    channel: Literal["hotline", "national_portal", "web_portal", "fanpage", "email", "post", "other"] | None = None
    kind: Literal["information", "status_lookup", "complaint"] | None = None
    category: Literal["policy", "procedure_execution", "public_service", "staff_attitude", "coordination"] | None = None
    unit: Identifier | None = None


class UploadFrameCreate(Input):
    """A list uploaded through `POST /api/uploads`: its upload id, its name (`.xlsx` or `.csv`), a title."""

    upload_id: Identifier
    file_name: Line = Field(min_length=1, max_length=200, pattern=r"(?i)\.(xlsx|csv)$")
    title: Line = Field(min_length=1, max_length=200)


class FrameRead(BaseModel):
    """A frame: `building` while its job runs, `ready` with its summary, `failed` with the job's problems."""

    id: str
    status: Literal["building", "ready", "failed"]
    title: str
    source: str | None
    rows: int | None
    duplicates: int | None
    counts: dict[str, dict[str, int]]
    created_by: str | None
    created_at: datetime | None
    expires_at: datetime | None
    job: JobRead | None
    links: dict[str, str]


class FramePage(BaseModel):
    """The tenant's frames, newest first."""

    items: list[FrameRead]
    next_cursor: str | None = None


def _number(value: Any) -> Any:
    """A decimal written with digits and one point (0.05), as a query carries it."""
    if isinstance(value, str):
        if not re.fullmatch(r"\d{1,9}(\.\d{1,9})?", value):
            raise PydanticCustomError("query_number", "Must be a number written with digits and a point")
        return float(value)
    return value


QueryNumber = Annotated[float, BeforeValidator(_number)]


class SampleSizeQuery(Input):
    """Population N, margin of error e (0 < e < 0.5), confidence 90/95/99 %, expected proportion p."""

    population: QueryInt
    margin: QueryNumber
    confidence: QueryInt = 95
    proportion: QueryNumber = 0.5
    method: Literal["cochran", "yamane"] = "cochran"


class SampleSizeRead(BaseModel):
    """Both formulas, the one applied (`n`), and the margin `n` achieves (Cochran with the FPC)."""

    population: int
    margin: float
    confidence: int
    proportion: float
    cochran_infinite: int
    cochran: int
    yamane: int
    method: str
    n: int
    achieved_margin: float


def frame_read(view: FrameView) -> FrameRead:
    """The API view of a frame id."""
    frame, job = view.frame, view.job
    status = "ready" if frame else ("failed" if job and job.status == "failed" else "building")
    return FrameRead(
        id=view.id,
        status=status,  # type: ignore[arg-type]
        title=frame.title if frame else str((job.params if job else {}).get("title", "")),
        source=frame.source if frame else None,
        rows=frame.rows if frame else None,
        duplicates=frame.duplicates if frame else None,
        counts=frame.counts if frame else {},
        created_by=frame.created_by if frame else (job.requested_by if job else None),
        created_at=frame.created_at if frame else (job.created_at if job else None),
        expires_at=frame.expires_at if frame else None,
        job=job_read(job, None) if job else None,
        links={"self": f"/api/surveys/frames/{view.id}", "page": f"/surveys/frames/{view.id}"},
    )


def _view(ctx: RequestContext, frame_id: str) -> FrameView:
    return container().survey_frames.get(tenant=ctx.tenant, frame_id=frame_id, viewer=viewer(ctx.user, ctx.tenant))


def _accepted(ctx: RequestContext, frame_id: str) -> Response:
    body = frame_read(_view(ctx, frame_id)).model_dump(mode="json")
    return json_response(body, 202, {"Location": f"/api/surveys/frames/{frame_id}"})


@route(
    bp, "/api/surveys/frames", method="POST", permission=P, body=RegistryFrameCreate, response=FrameRead, status=202,
    tags=TAGS, errors=(422,),
)  # fmt: skip
def create_registry_frame(ctx: RequestContext, body: RegistryFrameCreate) -> Response:
    """A frame of the customers with requests in a period (a background job; every customer read is audited)."""
    filters = {k: getattr(body, k) or "" for k in ("channel", "kind", "category", "unit")}
    job = container().survey_frames.from_registry(
        tenant=ctx.tenant, actor=ctx.user.login, since=body.since, until=body.until, filters=filters, title=body.title
    )
    return _accepted(ctx, job.id)


@route(
    bp, "/api/surveys/frames/import", method="POST", permission=P, body=UploadFrameCreate, response=FrameRead,
    status=202, tags=TAGS, errors=(422,),
)  # fmt: skip
def import_frame(ctx: RequestContext, body: UploadFrameCreate) -> Response:
    """A frame from an uploaded CSV/XLSX: every row is checked first; a file with any bad row imports nothing."""
    job = container().survey_frames.import_upload(
        tenant=ctx.tenant, actor=ctx.user.login, upload_id=body.upload_id, file_name=body.file_name, title=body.title
    )
    return _accepted(ctx, job.id)


@route(bp, "/api/surveys/frames", permission=P, response=FramePage, tags=TAGS)
def list_frames(ctx: RequestContext) -> FramePage:
    """The tenant's frames, newest first (a frame is kept 7 days, as its rows in the files bucket)."""
    return FramePage(
        items=[frame_read(frame_service.FrameView(f.id, f, None)) for f in container().survey_frames.list(tenant=ctx.tenant)]
    )


@route(bp, "/api/surveys/frames/{frame_id}", permission=P, response=FrameRead, tags=TAGS)
def get_frame(ctx: RequestContext, frame_id: str) -> FrameRead:
    """A frame's summary, or its job's progress and line-numbered problems (another tenant's id: 404)."""
    return frame_read(_view(ctx, frame_id))


@route(bp, "/api/surveys/sample-size", permission=P, query=SampleSizeQuery, response=SampleSizeRead, tags=TAGS, errors=(422,))
def get_sample_size(ctx: RequestContext, query: SampleSizeQuery) -> SampleSizeRead:
    """Cochran (n0 and with the finite-population correction) and Yamane for the population, and the margin n gives."""
    return size_read(query.population, query.margin, query.confidence, query.proportion, query.method)


def size_read(population: int, margin: float, confidence: int, proportion: float, method: str) -> SampleSizeRead:
    """Both formulas' answers as the API and the page show them."""
    size = sampling.sample_size(population=population, margin=margin, confidence=confidence, proportion=proportion, method=method)
    achieved = sampling.margin_of_error(n=size.n, population=population, confidence=confidence, proportion=proportion)
    return SampleSizeRead(**{**size.__dict__, "achieved_margin": round(achieved, 6)})
