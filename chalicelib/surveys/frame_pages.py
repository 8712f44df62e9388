"""Console pages of sampling frames (blueprint `frame_pages.bp`): the list with the upload and registry forms and
the sample-size calculator, and one frame (its summary, or its job's progress and line-numbered problems).

The upload goes straight to the files bucket with a plain form (as `/knowledge/import`); storage brings the officer
back to `/surveys/frames/upload/{upload_id}`, where one more click starts the import. No script anywhere.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.jobs.routes import viewer
from chalicelib.shared.clock import VN_TZ
from chalicelib.shared.errors import AppError, MalformedError
from chalicelib.shared.http import policy_posting_to
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.web.render import Page, redirect, render

from .frame_routes import RegistryFrameCreate, SampleSizeRead, frame_read, size_read

if TYPE_CHECKING:
    from chalicelib.requests import page_forms

    from . import frame_service
else:
    page_forms = lazy("chalicelib.requests.page_forms")
    frame_service = lazy("chalicelib.surveys.frame_service")

bp = Blueprint(__name__)
P = Permission.SURVEYS_MANAGE
REFRESH_SECONDS = 2
CHANNEL_LABELS = {
    "hotline": "Tổng đài",
    "national_portal": "Cổng Dịch vụ công quốc gia",
    "web_portal": "Cổng thông tin điện tử",
    "fanpage": "Fanpage, mạng xã hội",
    "email": "Thư điện tử",
    "post": "Bưu chính",
    "other": "Khác",
}
DIMENSION_LABELS = {"province": "Tỉnh/thành phố", "channel": "Kênh", "group": "Nhóm đối tượng"}


def calculator(p: Page, population: int | None = None) -> tuple[SampleSizeRead | None, AppError | None, dict[str, str]]:
    """The calculator's answer for the page's query (`n`, `e` in %, `z` confidence, `p` in %), or why it has none."""
    values = {
        "population": p.query.get("population") or (str(population) if population else ""),
        "margin": p.query.get("margin") or "5",
        "confidence": p.query.get("confidence") or "95",
        "proportion": p.query.get("proportion") or "50",
    }
    if not values["population"]:
        return None, None, values

    def compute() -> SampleSizeRead:
        try:
            n, e = int(values["population"]), float(values["margin"].replace(",", ".")) / 100
            z, q = int(values["confidence"]), float(values["proportion"].replace(",", ".")) / 100
        except ValueError:
            raise MalformedError("Các giá trị phải là số.", code="invalid_fields") from None
        return size_read(n, e, z, q, "cochran")

    size, error = page_forms.attempt(compute)
    return size, error, values


def _list(p: Page, error: AppError | None = None, status: int = 200) -> Response:
    c = container()
    office = c.settings.public_url_template.format(tenant=p.tenant.code)
    form = c.jobs.upload(tenant=p.tenant.code, actor=p.user.login, then=lambda u: f"{office}/surveys/frames/upload/{u}")
    size, size_error, size_values = calculator(p)
    frames = [frame_read(frame_service.FrameView(f.id, f, None)) for f in c.survey_frames.list(tenant=p.tenant.code)]
    response = render(
        p, "survey_frames.html", status, form=form, frames=frames, channels=CHANNEL_LABELS, error=error,
        size=size, size_error=size_error, size_values=size_values, values=p.form,
    )  # fmt: skip
    response.headers["Content-Security-Policy"] = policy_posting_to(form.url)  # the upload form goes to the bucket
    return response


@page(bp, "/surveys/frames", permission=P)
def frames_page(p: Page) -> Response:
    """The tenant's frames, the forms that build one, and the sample-size calculator."""
    return _list(p)


@page(bp, "/surveys/frames", method="POST", permission=P)
def registry_frame(p: Page) -> Response:
    """Start a frame of the customers with requests in the period typed (dates are Vietnam days, both included)."""
    c = container()

    def start() -> str:
        since, until = _day(p.value("since"), "since"), _day(p.value("until"), "until") + timedelta(days=1)
        fields = {k: p.value(k) or None for k in ("channel", "kind", "category", "unit")}
        body = page_forms.parse(RegistryFrameCreate, {"title": p.value("title"), "since": since, "until": until, **fields})
        filters = {k: getattr(body, k) or "" for k in ("channel", "kind", "category", "unit")}
        job = c.survey_frames.from_registry(
            tenant=p.tenant.code, actor=p.user.login, since=body.since, until=body.until, filters=filters, title=body.title
        )
        return job.id

    frame_id, error = page_forms.attempt(start)
    return redirect(f"/surveys/frames/{frame_id}") if frame_id else _list(p, error, status=error.status if error else 200)


def _day(text: str, name: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(text), time(), VN_TZ)
    except ValueError:
        raise MalformedError("Ngày không hợp lệ.", code="invalid_fields", fields={name: "date"}) from None


@page(bp, "/surveys/frames/upload/{upload_id}", permission=P)
def upload_ready(p: Page, upload_id: str) -> Response:
    """The list arrived: name the frame and start the import (every row checked first; a bad file imports nothing)."""
    return render(p, "survey_frames.html", ready=upload_id, channels=CHANNEL_LABELS, values={})


@page(bp, "/surveys/frames/upload/{upload_id}", method="POST", permission=P)
def upload_start(p: Page, upload_id: str) -> Response:
    """Start the import job of the uploaded list and open the frame's page."""
    title = p.value("title") or "Danh sách tải lên"
    job = container().survey_frames.import_upload(
        tenant=p.tenant.code, actor=p.user.login, upload_id=upload_id, file_name=p.value("file_name"), title=title[:200]
    )
    return redirect(f"/surveys/frames/{job.id}")


@page(bp, "/surveys/frames/{frame_id}", permission=P)
def frame_page(p: Page, frame_id: str) -> Response:
    """One frame: people per province, channel and group, and the calculator for its size; or its job's state."""
    view = container().survey_frames.get(tenant=p.tenant.code, frame_id=frame_id, viewer=viewer(p.user, p.tenant.code))
    frame = frame_read(view)
    size, size_error, size_values = calculator(p, frame.rows)
    return render(
        p, "survey_frame.html", frame=frame, dimensions=DIMENSION_LABELS, channels=CHANNEL_LABELS,
        size=size, size_error=size_error, size_values=size_values,
        refresh=REFRESH_SECONDS if frame.status == "building" else None,
    )  # fmt: skip
