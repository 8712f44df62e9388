"""Published survey reports on the office's public pages (Art. 8 step 5, seeds/004: results made public): the list,
a report's summary and figures, and its archived PDF. Only a report with `published_at` is shown; anything else —
a draft, an approved but unpublished report, another office's survey, a province's part of a national one — is 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from chalicelib.shared.errors import NotFoundError

from .domain import Survey

if TYPE_CHECKING:
    from .analysis import RoundResults, SurveyAnalysis

NOT_PUBLISHED = "Không tìm thấy báo cáo kết quả khảo sát này."
LINK_SECONDS = 300
SCANNED = 10  # pages of the office's surveys the list reads (50 a page): published reports are a handful a year


class Surveys(Protocol):
    """The survey service as the public pages read it."""

    def get(self, *, tenant: str, survey_id: str) -> Survey: ...

    def page(self, *, tenant: str, cursor: str | None, limit: int = 50) -> tuple[list[Survey], str | None]: ...


class Files(Protocol):
    """Presigned links to stored files."""

    def download_url(self, *, key: str, file_name: str, content_type: str, seconds: int) -> str: ...


def published(survey: Survey) -> bool:
    """The office's own survey whose report it published."""
    return not survey.is_part and survey.report is not None and survey.report.published_at is not None


class PublishedReports:
    """What anyone may read of an office's published survey reports."""

    def __init__(self, *, surveys: Surveys, analysis: SurveyAnalysis, files: Files) -> None:
        self._surveys, self._analysis, self._files = surveys, analysis, files

    def list(self, *, tenant: str) -> list[Survey]:
        """The office's published reports, the latest published first."""
        found: list[Survey] = []
        cursor: str | None = None
        for _ in range(SCANNED):
            items, cursor = self._surveys.page(tenant=tenant, cursor=cursor)
            found.extend(s for s in items if published(s))
            if cursor is None:
                break
        return sorted(
            found, key=lambda s: s.report.published_at if s.report and s.report.published_at else s.updated_at, reverse=True
        )

    def get(self, *, tenant: str, survey_id: str) -> RoundResults:
        """A published report's survey and the results of the round it reports on."""
        survey = self._published(tenant, survey_id)
        assert survey.report is not None
        return self._analysis.results(tenant=tenant, survey_id=survey.id, round_number=survey.report.round)

    def pdf_url(self, *, tenant: str, survey_id: str) -> str:
        """A short-lived link to the archived PDF of a published report (404 before the archive holds it)."""
        survey = self._published(tenant, survey_id)
        key = survey.report.archive.get("pdf") if survey.report else None
        if not key:
            raise NotFoundError(NOT_PUBLISHED)
        return self._files.download_url(
            key=key, file_name=f"bao-cao-khao-sat-{survey.id}.pdf", content_type="application/pdf", seconds=LINK_SECONDS
        )

    def _published(self, tenant: str, survey_id: str) -> Survey:
        try:
            survey = self._surveys.get(tenant=tenant, survey_id=survey_id)
        except NotFoundError:
            raise NotFoundError(NOT_PUBLISHED) from None
        if not published(survey):
            raise NotFoundError(NOT_PUBLISHED)
        return survey
