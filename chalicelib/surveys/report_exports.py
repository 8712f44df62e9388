"""The survey's export and archive jobs' handlers (Art. 8 steps 4–5; the kinds are in report_jobs.py, which the
routes import without these modules' weight): the report as PDF or XLSX, the raw answers as CSV or XLSX, and the
frozen copy an approved report archives.

- `survey-report`: the round's results from the cells, the three-part document (report_document.py), one file.
- `survey-answers`: the round's answers streamed from the store's pages (never all in memory) into a CSV or XLSX; an anonymous survey's
  file has no answer id, member id or time — only the day — and its name says "an-danh". Reading them is a read
  of personal data, audited through the survey service.
- `survey-archive`: the approved report's PDF, XLSX and answers CSV under `archive/{tenant}/surveys/{id}/`, then
  recorded on the report. A retry writes the same keys and records the same files (no change the second time).

A national survey's export by the CCC reads every province's part; a province's export reads only its own part.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from chalicelib.jobs import sheets
from chalicelib.jobs.documents import Document, write_pdf, write_xlsx
from chalicelib.jobs.domain import Job, Output
from chalicelib.jobs.service import DOWNLOAD_SECONDS, JobFiles, JobRejected, JobRun
from chalicelib.shared.clock import Clock, to_local
from chalicelib.shared.errors import NotFoundError, RuleViolationError
from chalicelib.shared.tenancy import Principal, across, cognito_username

from .analysis import RoundResults, SurveyAnalysis
from .comparisons import DIMENSIONS, group_label
from .domain import Survey
from .messages import ROUND_KIND_LABELS, stratum_name
from .ports import Answer
from .questionnaire import Question
from .report_document import build, issuer_of
from .report_jobs import ANSWERS_JOB, ARCHIVE_JOB, ARCHIVED, REPORT_JOB
from .tally import SurveyTally

PROGRESS_EVERY = 500  # answers written between two progress reports
PDF_TYPE = "application/pdf"
STAGES = {
    "computing": "Đang tính kết quả",
    "building": "Đang dựng báo cáo",
    "writing": "Đang ghi tệp",
    "answers": "Đang ghi phiếu trả lời",
    "archiving": "Đang lưu bản lưu trữ",
}
LABELS = {
    REPORT_JOB: "Xuất báo cáo khảo sát",
    ANSWERS_JOB: "Xuất phiếu trả lời khảo sát",
    ARCHIVE_JOB: "Lưu trữ báo cáo khảo sát",
}
NOT_ARCHIVED = "Báo cáo chưa có bản lưu trữ."


class Surveys(Protocol):
    """The survey service as the jobs use it."""

    def get(self, *, tenant: str, survey_id: str) -> Survey: ...

    def part_tenants(self, survey: Survey) -> list[str]: ...

    def tally(self, *, tenant: str, survey_id: str, round_number: int | None = None) -> SurveyTally: ...

    def audited_read(self, *, tenant: str, survey: Survey, actor: Principal, action: str, **detail: str) -> None: ...


class Answers(Protocol):
    """The survey store's answers of a round, streamed (the store reads them a page at a time)."""

    def each_answer(self, *, tenant: str, survey_id: str, round_number: int) -> Iterator[Answer]: ...


class Archive(Protocol):
    """Where the archive's files are recorded (report_service.SurveyReports)."""

    def archived(self, *, tenant: str, survey_id: str, files: dict[str, str]) -> None: ...


class Starter(Protocol):
    """The job service as an export starts one."""

    def start(self, *, tenant: str, actor: str, kind: str, params: dict[str, Any]) -> Job: ...


FORMATS = {"report": ("pdf", "xlsx"), "answers": ("csv", "xlsx")}


class Registry(Protocol):
    """The job service's registration."""

    def register(self, kind: str, handler: Any, *, label: str) -> None: ...


@dataclass(frozen=True)
class Written:
    """A file written to the job's folder, and what to call it."""

    path: Path
    file_name: str
    content_type: str


class SurveyReportJobs:
    """The three job handlers, and the archived files' download links."""

    def __init__(
        self,
        *,
        surveys: Surveys,
        analysis: SurveyAnalysis,
        answers: Answers,
        archive: Archive,
        files: JobFiles,
        jobs: Starter,
        clock: Clock,
    ) -> None:
        self._surveys, self._analysis, self._answers = surveys, analysis, answers
        self._archive, self._files, self._jobs, self._clock = archive, files, jobs, clock

    def start(self, *, tenant: str, actor: str, survey_id: str, what: str, fmt: str, round_number: int | None) -> Job:
        """Queue the export of a round (the latest opened unless named): its report as PDF or XLSX, or its raw answers
        as CSV or XLSX (422 `invalid_format` for another); the job computes what it writes."""
        survey = self._surveys.get(tenant=tenant, survey_id=survey_id)
        rnd = self._analysis.round_of(survey, round_number)
        if fmt not in FORMATS.get(what, ()):
            raise RuleViolationError(
                "Định dạng này không có cho bản xuất này.", code="invalid_format", fields={"format": "unsupported"}
            )
        params = {"survey_id": survey.id, "round": rnd.number, "format": fmt}
        return self._jobs.start(tenant=tenant, actor=actor, kind=REPORT_JOB if what == "report" else ANSWERS_JOB, params=params)

    def register(self, jobs: Registry) -> None:
        """Make the three kinds jobs the job service runs."""
        jobs.register(REPORT_JOB, self.export_report, label=LABELS[REPORT_JOB])
        jobs.register(ANSWERS_JOB, self.export_answers, label=LABELS[ANSWERS_JOB])
        jobs.register(ARCHIVE_JOB, self.archive, label=LABELS[ARCHIVE_JOB])

    # -- the handlers ----------------------------------------------------------------------------------------------

    def export_report(self, run: JobRun) -> Output:
        """The round's report as one PDF or XLSX."""
        fmt = str(run.params.get("format", "pdf"))
        if fmt not in ("pdf", "xlsx"):
            raise JobRejected("Định dạng báo cáo không được hỗ trợ.")
        found = self._found(run)
        written = self._report_file(run, found, fmt)
        return run.store(path=written.path, file_name=written.file_name, content_type=written.content_type)

    def export_answers(self, run: JobRun) -> Output:
        """The round's raw answers as one CSV or XLSX (anonymised for an anonymous survey), audited."""
        fmt = str(run.params.get("format", sheets.CSV))
        if fmt not in sheets.FORMATS:
            raise JobRejected("Định dạng tệp không được hỗ trợ.")
        found = self._found(run, compute=False)
        written = self._answers_file(run, found, fmt)
        return run.store(path=written.path, file_name=written.file_name, content_type=written.content_type)

    def archive(self, run: JobRun) -> None:
        """The approved report's frozen copy: PDF, XLSX and the answers CSV under fixed keys, then recorded."""
        survey = self._surveys.get(tenant=run.tenant, survey_id=str(run.params["survey_id"]))
        if survey.report is None or survey.report.approval.status != "approved":
            raise JobRejected("Báo cáo chưa được phê duyệt nên chưa lưu trữ.")
        found = self._analysis.results(tenant=run.tenant, survey_id=survey.id, round_number=survey.report.round)
        files: dict[str, str] = {}
        for name, written in (
            ("pdf", self._report_file(run, found, "pdf")),
            ("xlsx", self._report_file(run, found, "xlsx")),
            ("answers", self._answers_file(run, found, sheets.CSV)),
        ):
            run.progress(len(files), len(ARCHIVED), STAGES["archiving"])
            key = archive_key(run.tenant, survey.id, written.file_name)
            self._files.put(key=key, path=written.path, content_type=written.content_type)
            files[name] = key
        self._archive.archived(tenant=run.tenant, survey_id=survey.id, files=files)
        run.progress(len(files), len(ARCHIVED), STAGES["archiving"])

    def download_url(self, *, tenant: str, survey_id: str, fmt: str) -> str:
        """A short-lived link to one of the archived report's files (404 until archived, and for a province's copy)."""
        survey = self._surveys.get(tenant=tenant, survey_id=survey_id)
        key = survey.report.archive.get(fmt) if survey.report is not None and not survey.is_part else None
        if key is None:
            raise NotFoundError(NOT_ARCHIVED)
        name = key.rsplit("/", 1)[-1]
        content_type = PDF_TYPE if name.endswith(".pdf") else sheets.CONTENT_TYPES[name.rsplit(".", 1)[-1]]
        return self._files.download_url(key=key, file_name=name, content_type=content_type, seconds=DOWNLOAD_SECONDS)

    # -- the files -------------------------------------------------------------------------------------------------

    def _found(self, run: JobRun, *, compute: bool = True) -> RoundResults:
        try:
            number = int(run.params["round"])
            survey_id = str(run.params["survey_id"])
        except (KeyError, TypeError, ValueError):
            raise JobRejected("Thiếu khảo sát hoặc đợt khảo sát.") from None
        if compute:
            run.progress(0, None, STAGES["computing"])
        try:
            return self._analysis.results(tenant=run.tenant, survey_id=survey_id, round_number=number)
        except (NotFoundError, RuleViolationError) as refused:
            raise JobRejected(refused.message) from None

    def _report_file(self, run: JobRun, found: RoundResults, fmt: str) -> Written:
        run.progress(1, 3, STAGES["computing"])
        document = self.document(run.tenant, found)
        run.progress(2, 3, STAGES["building"])
        name = f"bao-cao-khao-sat-{found.survey.id}-dot-{found.round.number}.{fmt}"
        path = run.workdir / name
        done = lambda n: run.progress(2, 3, STAGES["writing"])  # noqa: E731 - the writers' callback
        if fmt == "pdf":
            write_pdf(document, path, progress=done)
        else:
            write_xlsx(document, path, progress=done)
        run.progress(3, 3, STAGES["writing"])
        return Written(path, name, PDF_TYPE if fmt == "pdf" else sheets.CONTENT_TYPES[sheets.XLSX])

    def document(self, tenant: str, found: RoundResults) -> Document:
        """The three-part report of a round, with the comparisons its groups allow and the previous round's changes."""
        survey, rnd = found.survey, found.round
        tally = self._surveys.tally(tenant=tenant, survey_id=survey.id, round_number=rnd.number)
        dims = [d for d in DIMENSIONS if d != "province" and found.source.groups(d)]
        national = survey.national and not survey.is_part and len(found.source.parts()) > 1
        if national:
            dims.insert(0, "province")
        comparisons = [self._analysis.comparison(found, d) for d in dims]
        ranking = self._analysis.ranking(found) if national else []
        earlier = [r for r in survey.rounds if r.number < rnd.number and r.questionnaire_version is not None]
        changes, against = [], ""
        if earlier:
            prev = earlier[-1]
            changes = self._analysis.changes(tenant=tenant, found=found, other_id=survey.id, other_round=prev.number)
            against = f"Đợt {prev.number} ({ROUND_KIND_LABELS.get(prev.kind, prev.kind).lower()})"
        today = to_local(self._clock.now()).date()
        issuer = issuer_of(survey, today=today)
        return build(
            found, tally=tally, comparisons=comparisons, ranking=ranking, changes=changes, against=against,
            report=survey.report if survey.report and survey.report.round == rnd.number else None, issuer=issuer,
        )  # fmt: skip

    def _answers_file(self, run: JobRun, found: RoundResults, fmt: str) -> Written:
        survey, rnd = found.survey, found.round
        anonymous = survey.settings.anonymous
        questions = list(found.version.content.questions())
        name = f"phieu-tra-loi-{'an-danh-' if anonymous else ''}{survey.id}-dot-{rnd.number}.{fmt}"
        path = run.workdir / name
        writer = sheets.open_writer(fmt, path, title="Phiếu trả lời")
        writer.header([*answer_header(anonymous), *(q.text for q in questions)])
        parts = [survey.tenant] if survey.is_part or not survey.national else [survey.tenant, *self._surveys.part_tenants(survey)]
        total = found.source.respondents()
        done = 0
        for answer in self._each(parts, survey.id, rnd.number):
            writer.row(answer_row(answer, questions, anonymous=anonymous))
            done += 1
            if done % PROGRESS_EVERY == 0:
                run.progress(done, max(total, done), STAGES["answers"])
        writer.close()
        run.progress(done, done, STAGES["answers"])
        actor = Principal(cognito_username(run.tenant, run.job.requested_by), run.tenant, frozenset())
        self._surveys.audited_read(
            tenant=run.tenant, survey=survey, actor=actor, action="survey.answers.exported",
            round=str(rnd.number), format=fmt, rows=str(done),
        )  # fmt: skip
        return Written(path, name, sheets.CONTENT_TYPES[fmt])

    def _each(self, parts: Sequence[str], survey_id: str, number: int) -> Iterator[Answer]:
        with across(*parts):
            for part in parts:
                yield from self._answers.each_answer(tenant=part, survey_id=survey_id, round_number=number)


def archive_key(tenant: str, survey_id: str, file_name: str) -> str:
    """Where the frozen copy's file lives: fixed per survey, so a retry writes the same key."""
    return f"archive/{tenant}/surveys/{survey_id}/{file_name}"


def answer_header(anonymous: bool) -> list[str]:
    """The columns before the questions (an anonymous survey's leave out who and when, keeping the day)."""
    who = [] if anonymous else ["Mã phiếu", "Mã người được khảo sát"]
    when = [] if anonymous else ["Thời điểm trả lời"]
    return [*who, "Nhóm mẫu", "Kênh", "Nhóm đối tượng", "Hình thức", "Ngày trả lời", *when]


def answer_row(answer: Answer, questions: Sequence[Question], *, anonymous: bool) -> list[sheets.Cell]:
    """One answer as a row: Likert as integers, multiple choice joined by "; ", yes/no as "Có"/"Không"."""
    groups = answer.groups
    day: date = answer.submitted_on
    who: list[sheets.Cell] = [] if anonymous else [answer.id, answer.member_id or ""]
    when: list[sheets.Cell] = []
    if not anonymous:
        when = [to_local(answer.submitted_at).strftime("%d/%m/%Y %H:%M:%S") if answer.submitted_at else None]
    cells: list[sheets.Cell] = [
        *who,
        stratum_name(answer.stratum),
        group_label("channel", groups.get("channel", "")),
        group_label("group", groups.get("group", "")),
        group_label("form", groups.get("form", "")),
        day,
        *when,
    ]
    cells += [answer_value(q, answer.answers.get(q.id)) for q in questions]
    return cells


def answer_value(q: Question, value: Any) -> sheets.Cell:
    """A question's answer as a cell."""
    if value is None or value == "" or value == []:
        return None
    if q.kind == "likert":
        try:
            return int(value)
        except (TypeError, ValueError):
            return str(value)
    labels = {c.value: c.label for c in q.options()}
    if q.kind == "multiple":
        chosen = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(str(v), str(v)) for v in chosen)
    if q.kind in ("single", "yes_no"):
        return labels.get(str(value), str(value))
    return str(value)
