"""The policy reports' jobs: the typical questions, the exports and the frozen copy (kinds in service.py).

- `policy-typical`: the period's requests read through the status-by-receipt index (requests/store.py
  `received_between`: one paged Query per status, never a scan), grouped by category into typical questions
  (typical.py), recorded on the report. Reads subjects, categories and cited entries only — no personal data.
- `policy-export`: the report as a PDF or an XLSX (document.py), one file for the job's download link.
- `policy-archive`: the approved report's PDF and XLSX under `archive/{tenant}/policy/{id}/`, recorded on the
  report. A retry writes the same keys and records the same files (no change the second time).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any, Protocol

from chalicelib.jobs import sheets
from chalicelib.jobs.documents import write_pdf, write_xlsx
from chalicelib.jobs.domain import Output
from chalicelib.jobs.service import DOWNLOAD_SECONDS, JobFiles, JobRejected, JobRun
from chalicelib.requests.domain import Request
from chalicelib.requests.messages import REDACTED_TEXT
from chalicelib.shared.clock import VN_TZ, Clock, to_local
from chalicelib.shared.errors import NotFoundError

from . import messages as M
from .document import build
from .domain import PolicyReport
from .service import ARCHIVE_JOB, EXPORT_JOB, TYPICAL_JOB, PolicyReports
from .typical import Asked, typical_questions

PDF_TYPE = "application/pdf"
PROGRESS_EVERY = 500
LABELS = {
    TYPICAL_JOB: "Tổng hợp câu hỏi điển hình",
    EXPORT_JOB: "Xuất báo cáo tổ chức thực hiện chính sách",
    ARCHIVE_JOB: "Lưu trữ báo cáo tổ chức thực hiện chính sách",
}
FORMATS = ("pdf", "xlsx")


class RequestsReceived(Protocol):
    """The requests received in a window (requests/store.py)."""

    def received_between(self, *, tenant: str, start: datetime, end: datetime) -> Iterator[Request]: ...


class Entries(Protocol):
    """The knowledge bank's entries by id (knowledge/store.py DynamoEntryStore)."""

    def many(self, *, tenant: str, entry_ids: Any) -> dict[str, Any]: ...


class Registry(Protocol):
    """The job service's registration."""

    def register(self, kind: str, handler: Any, *, label: str) -> None: ...


class PolicyReportJobs:
    """The three handlers and the archived files' download links."""

    def __init__(
        self, *, reports: PolicyReports, requests: RequestsReceived, entries: Entries, files: JobFiles, clock: Clock
    ) -> None:
        self._reports, self._requests, self._entries, self._files, self._clock = reports, requests, entries, files, clock

    def register(self, jobs: Registry) -> None:
        """Make the kinds jobs the job service runs."""
        jobs.register(TYPICAL_JOB, self.typical, label=LABELS[TYPICAL_JOB])
        jobs.register(EXPORT_JOB, self.export, label=LABELS[EXPORT_JOB])
        jobs.register(ARCHIVE_JOB, self.archive, label=LABELS[ARCHIVE_JOB])

    def typical(self, run: JobRun) -> None:
        """The period's typical questions, per category, recorded on the report (unless it is approved meanwhile)."""
        report = self._report(run)
        start = datetime.combine(report.start, time.min, VN_TZ)
        end = datetime.combine(report.end + timedelta(days=1), time.min, VN_TZ)
        read = 0
        stage = "Đang đọc yêu cầu của kỳ báo cáo"

        def asked() -> Iterator[Asked]:
            nonlocal read
            for request in self._requests.received_between(tenant=run.tenant, start=start, end=end):
                subject = "" if request.subject == REDACTED_TEXT else request.subject
                yield Asked(run.tenant, request.id, request.category.value, subject, request.knowledge_id)
                read += 1
                if read % PROGRESS_EVERY == 0:
                    run.progress(read, None, stage)

        def names(ids: set[str]) -> dict[str, str]:
            return {i: e.content.question for i, e in self._entries.many(tenant=run.tenant, entry_ids=ids).items()}

        found = typical_questions(asked(), entries=names)
        self._reports.record_typical(tenant=run.tenant, report_id=report.id, typical=found)
        run.progress(read, read, stage)

    def export(self, run: JobRun) -> Output:
        """The report as one PDF or XLSX."""
        fmt = str(run.params.get("format", "pdf"))
        if fmt not in FORMATS:
            raise JobRejected(M.BAD_FORMAT)
        report = self._report(run)
        path, name, content_type = self._write(run, report, fmt)
        return run.store(path=path, file_name=name, content_type=content_type)

    def archive(self, run: JobRun) -> None:
        """The approved report's frozen copy: its PDF and XLSX under fixed keys, then recorded on the report."""
        report = self._report(run)
        if not report.is_final:
            raise JobRejected(M.NOT_APPROVED)
        files: dict[str, str] = {}
        for fmt in FORMATS:
            run.progress(len(files), len(FORMATS), "Đang lưu bản lưu trữ")
            path, name, content_type = self._write(run, report, fmt)
            key = archive_key(run.tenant, report.id, name)
            self._files.put(key=key, path=path, content_type=content_type)
            files[fmt] = key
        self._reports.archived(tenant=run.tenant, report_id=report.id, files=files)
        run.progress(len(files), len(FORMATS), "Đang lưu bản lưu trữ")

    def download_url(self, *, tenant: str, report_id: str, fmt: str) -> str:
        """A short-lived link to one of the approved report's archived files (404 until archived)."""
        report = self._reports.get(tenant=tenant, report_id=report_id)
        key = report.archive.get(fmt)
        if key is None:
            raise NotFoundError(M.NOT_ARCHIVED)
        name = key.rsplit("/", 1)[-1]
        content_type = PDF_TYPE if fmt == "pdf" else sheets.CONTENT_TYPES[sheets.XLSX]
        return self._files.download_url(key=key, file_name=name, content_type=content_type, seconds=DOWNLOAD_SECONDS)

    def _report(self, run: JobRun) -> PolicyReport:
        try:
            return self._reports.get(tenant=run.tenant, report_id=str(run.params["report_id"]))
        except (KeyError, NotFoundError):
            raise JobRejected(M.NOT_FOUND) from None

    def _write(self, run: JobRun, report: PolicyReport, fmt: str) -> tuple[Any, str, str]:
        today = to_local(self._clock.now()).date()
        document = build(report, self._reports.counts(report), today=today)
        name = f"bao-cao-chinh-sach-{report.tenant}-{report.id}.{fmt}"
        path = run.workdir / name
        if fmt == "pdf":
            write_pdf(document, path)
            return path, name, PDF_TYPE
        write_xlsx(document, path)
        return path, name, sheets.CONTENT_TYPES[sheets.XLSX]


def archive_key(tenant: str, report_id: str, file_name: str) -> str:
    """Where the frozen copy's file lives: fixed per report, so a retry writes the same key."""
    return f"archive/{tenant}/policy/{report_id}/{file_name}"
