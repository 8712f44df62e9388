"""Use cases of sampling frames: start an import or a registry frame (background jobs), read and list frames,
and the sample-size calculator; a frame that is still being built, or whose import failed, is read as its job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from chalicelib.jobs.domain import Job, Viewer
from chalicelib.shared.errors import NotFoundError, RuleViolationError

from .frames import IMPORT, REGISTRY_KIND, Frame, RegistryQuery

MESSAGES = {
    "not_found": "Không tìm thấy khung chọn mẫu.",
    "period": "Thời điểm kết thúc phải sau thời điểm bắt đầu.",
}


class FrameReader(Protocol):
    """The frames' store as the service reads it (frame_store.FrameStore)."""

    def get(self, *, tenant: str, frame_id: str) -> Frame | None: ...

    def list(self, *, tenant: str, limit: int = 50) -> list[Frame]: ...


class Jobs(Protocol):
    """The background jobs the frames are built by (jobs/service.py JobService)."""

    def start(self, *, tenant: str, actor: str, kind: str, params: dict[str, Any]) -> Job: ...

    def uploaded(self, *, tenant: str, actor: str, upload_id: str) -> str: ...

    def get(self, *, tenant: str, job_id: str, viewer: Viewer) -> Job: ...


@dataclass(frozen=True)
class FrameView:
    """A frame id as people see it: the frame once built, and the job that builds it (progress, problems)."""

    id: str
    frame: Frame | None
    job: Job | None


class FrameService:
    """Sampling frames of a tenant (*khung chọn mẫu*)."""

    def __init__(self, *, store: FrameReader, jobs: Jobs) -> None:
        self._store = store
        self._jobs = jobs

    def import_upload(self, *, tenant: str, actor: str, upload_id: str, file_name: str, title: str) -> Job:
        """Start the import of a file the person uploaded (422 when it has not arrived)."""
        key = self._jobs.uploaded(tenant=tenant, actor=actor, upload_id=upload_id)
        params = {"key": key, "file_name": file_name, "title": title}
        return self._jobs.start(tenant=tenant, actor=actor, kind=IMPORT, params=params)

    def from_registry(
        self, *, tenant: str, actor: str, since: datetime, until: datetime, filters: dict[str, str], title: str
    ) -> Job:
        """Start a frame of the customers with requests in [since, until) matching the filters."""
        if until <= since:
            raise RuleViolationError(MESSAGES["period"], code="frame_period", fields={"until": MESSAGES["period"]})
        query = RegistryQuery(since=since, until=until, filters={k: v for k, v in filters.items() if v})
        return self._jobs.start(tenant=tenant, actor=actor, kind=REGISTRY_KIND, params={**query.as_params(), "title": title})

    def get(self, *, tenant: str, frame_id: str, viewer: Viewer) -> FrameView:
        """A frame, or its job while it is built or when it failed (404 for an unknown or another tenant's id)."""
        frame = self._store.get(tenant=tenant, frame_id=frame_id)
        try:
            job: Job | None = self._jobs.get(tenant=tenant, job_id=frame_id, viewer=viewer)
        except NotFoundError:
            job = None
        if job is not None and job.kind not in (IMPORT, REGISTRY_KIND):
            job = None
        if frame is None and job is None:
            raise NotFoundError(MESSAGES["not_found"])
        return FrameView(frame_id, frame, job)

    def list(self, *, tenant: str, limit: int = 50) -> list[Frame]:
        """The tenant's frames, newest first."""
        return self._store.list(tenant=tenant, limit=limit)
