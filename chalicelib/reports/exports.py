"""The statistics an office can file (issue 11 "Exports"): the tables of the statistics page or of the league table as a
PDF with the agency's heading block or an XLSX of real numbers (one sheet per table), written by jobs/documents.py in
a background job like the survey report's (surveys/report_exports.py): its progress and download on the jobs page.

`start` checks everything a user can get wrong before a job is written (a refused call writes nothing); the handler
reads the same tables the page shows (views.py), so the file's figures are the page's and the API's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from chalicelib.jobs import sheets
from chalicelib.jobs.documents import Block, Chart, Document, Heading, Issuer, Paragraph, Signature, write_pdf, write_xlsx
from chalicelib.jobs.domain import Job, Output
from chalicelib.jobs.service import JobRejected, JobRun
from chalicelib.shared.clock import Clock, to_local
from chalicelib.shared.errors import AppError, ForbiddenError, MalformedError
from chalicelib.shared.permissions import CENTRAL_TENANT
from chalicelib.shared.tenancy import allow_national_reads
from chalicelib.tenancy.catalog import KIND_CENTRAL, TENANT_BY_CODE

from . import tables, views
from .indicators import INDICATORS
from .periods import Period
from .schemas import DEFAULT_INDICATOR, ReportExportBody
from .selection import Selection, days, of_period, select
from .service import ReportService

EXPORT_JOB = "report-export"
LABEL = "Xuất báo cáo thống kê"
PDF_TYPE = "application/pdf"
STAGES = {"reading": "Đang đọc số liệu", "building": "Đang dựng báo cáo", "writing": "Đang ghi tệp"}
NOT_RANKED = "Chỉ số tức thời không xếp hạng theo kỳ."
LEAGUE_ONLY_CCC = "Chỉ Trung tâm CSKH xem và xuất bảng xếp hạng toàn quốc."


class Starter(Protocol):
    """The job service as the exports use it."""

    def start(self, *, tenant: str, actor: str, kind: str, params: dict[str, Any]) -> Job: ...


class Units(Protocol):
    """The tenancy service's units (their names in the unit table)."""

    def list_units(self, *, tenant: str, include_inactive: bool = False) -> Any: ...


class ReportExports:
    """Starts a statistics export and runs it."""

    def __init__(self, *, reports: ReportService, jobs: Starter, units: Units, clock: Clock) -> None:
        self._reports, self._jobs, self._units, self._clock = reports, jobs, units, clock

    def start(self, *, tenant: str, actor: str, national: bool, body: ReportExportBody) -> Job:
        """Check the export asked for, then queue its job (403 for a province's league table; 400 for a bad period)."""
        params: dict[str, Any] = {"what": body.what, "format": body.format}
        if body.what == "league":
            if not national:
                raise ForbiddenError(LEAGUE_ONLY_CCC, code="central_only")
            league = self._reports.indicator(body.indicator or DEFAULT_INDICATOR)
            if league.now:
                raise MalformedError(NOT_RANKED, code="not_a_period_indicator", fields={"indicator": "not_a_period_indicator"})
            params |= {"indicator": league.key, "period": Period.parse(body.period or self._month()).text}
        else:
            params |= self._selection(body).params()
        return self._jobs.start(tenant=tenant, actor=actor, kind=EXPORT_JOB, params=params)

    def _selection(self, body: ReportExportBody) -> Selection:
        if body.from_ or body.to:
            return days(body.from_ or body.to or "", body.to or body.from_ or "")
        return of_period(Period.parse(body.period or self._month()))

    def _month(self) -> str:
        return Period.month(self._today()).text

    def _today(self) -> date:
        return to_local(self._clock.now()).date()

    def run(self, run: JobRun) -> Output:
        """The job: read the tables, build the document, write it as PDF or XLSX and store it."""
        fmt = str(run.params.get("format", ""))
        if fmt not in ("pdf", "xlsx"):
            raise JobRejected("Định dạng tệp không được hỗ trợ.")
        run.progress(0, 3, STAGES["reading"])
        try:
            document, name = self._document(run.tenant, run.params)
        except AppError as refused:
            raise JobRejected(refused.message) from None
        run.progress(1, 3, STAGES["building"])
        path = run.workdir / f"{name}.{fmt}"
        done = lambda n: run.progress(2, 3, STAGES["writing"])  # noqa: E731 - the writers' callback
        (write_pdf if fmt == "pdf" else write_xlsx)(document, path, progress=done)
        run.progress(3, 3, STAGES["writing"])
        content_type = PDF_TYPE if fmt == "pdf" else sheets.CONTENT_TYPES[sheets.XLSX]
        return run.store(path=path, file_name=path.name, content_type=content_type)

    def _document(self, tenant: str, params: Mapping[str, Any]) -> tuple[Document, str]:
        today = self._today()
        if params.get("what") == "league":
            if tenant != CENTRAL_TENANT:
                raise ForbiddenError(LEAGUE_ONLY_CCC)
            allow_national_reads()
            indicator, period = self._reports.indicator(str(params.get("indicator"))), Period.parse(str(params.get("period")))
            return league_document(self._reports, indicator_key=indicator.key, period=period, today=today)
        selection = select({k: str(v) for k, v in params.items() if k in ("period", "from", "to")}, today)
        units = {u.id: u.name for u in self._units.list_units(tenant=tenant, include_inactive=True)}
        found = views.office_statistics(
            self._reports, tenant=tenant, selection=selection, today=today, link=lambda d, v: None, units=units
        )
        return statistics_document(found, tenant=tenant, selection=selection, today=today)


def issuer_of(tenant: str, today: date) -> Issuer:
    """The office's heading block from the tenancy catalogue, dated today."""
    spec = TENANT_BY_CODE.get(tenant)
    unit = spec.name.upper() if spec else tenant
    place = "Hà Nội" if spec is None or spec.kind == KIND_CENTRAL else spec.short_name
    return Issuer(unit=unit, place=place, day=today)


def definitions() -> Paragraph:
    """How each indicator of the tables is computed, and where it comes from."""
    used = {k for k, _ in tables.DIMENSION_COLUMNS} | set(tables.KPI_KEYS) | set(tables.NOW_KEYS)
    lines = [f"{i.label}: {i.definition} ({i.source})" for i in INDICATORS if i.key in used]
    return Paragraph("\n".join(lines), italic=True)


def statistics_document(found: tables.Statistics, *, tenant: str, selection: Selection, today: date) -> tuple[Document, str]:
    """The statistics of a selection as a document: the tables in the page's order, the KPIs' trend charts."""
    blocks: list[Block] = [Heading("I. CHỈ SỐ VÀ SỐ LIỆU")]
    blocks += [t.document() for t in found.tables() if t.key != "trend"]
    blocks.append(Heading("II. DIỄN BIẾN"))
    charts = views.trend_charts(found.series)
    blocks += [Chart(title, svg, found.trend.document() if n == 0 else None) for n, (title, svg) in enumerate(charts)]
    if not charts:
        blocks.append(found.trend.document())
    blocks += [Heading("III. CÁCH TÍNH CÁC CHỈ SỐ"), definitions()]
    document = Document(
        title="BÁO CÁO THỐNG KÊ YÊU CẦU CỦA KHÁCH HÀNG",
        subtitle=selection.label[0].upper() + selection.label[1:],
        issuer=issuer_of(tenant, today),
        blocks=blocks,
        signature=Signature("THỦ TRƯỞNG ĐƠN VỊ"),
        recipients=("Lãnh đạo đơn vị;", "Lưu: VT, CSKH."),
    )
    name = "thong-ke-" + "-".join(selection.params().values())
    return document, name


def league_document(reports: ReportService, *, indicator_key: str, period: Period, today: date) -> tuple[Document, str]:
    """The league table and the transfers of a period as a document, with the ranked chart."""
    found = views.national(reports, period=period, indicator=reports.indicator(indicator_key), link=lambda t: "")
    chart = views.league_chart(found)
    blocks: list[Block] = [Heading("I. XẾP HẠNG CÁC ĐƠN VỊ")]
    blocks.append(Paragraph(f"{found.indicator.label}: {found.indicator.definition} ({found.indicator.source})", italic=True))
    blocks.append(found.league.document())
    if chart:
        blocks.append(Chart(f"{found.indicator.label} — {period.label}", chart))
    blocks += [Heading("II. CHUYỂN BHXH TỈNH VÀ BÁO CÁO LẠI"), found.transfers.document()]
    document = Document(
        title="BÁO CÁO SO SÁNH CÁC ĐƠN VỊ",
        subtitle=f"{found.indicator.label}, {period.label}",
        issuer=issuer_of(CENTRAL_TENANT, today),
        blocks=blocks,
        signature=Signature("GIÁM ĐỐC"),
        recipients=("Lãnh đạo Bảo hiểm xã hội Việt Nam;", "BHXH các tỉnh, thành phố;", "Lưu: VT, TTCSKH."),
    )
    return document, f"xep-hang-{indicator_key}-{period.text}"
