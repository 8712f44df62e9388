"""A survey's results as staff read them (Art. 8 step 3): a round's general table and index, comparisons by group,
a round or an earlier survey against this one, a national survey's provinces ranked, and the open answers.

Everything but the open answers is computed from the result cells (results.py), O(parts × strata × groups) items:
a national survey's from each province's part (the CCC reads across them), a province's part from its own. The
open answers are the respondents' own words — personal data as much as their contact — so reading them is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from chalicelib.shared.errors import ConflictError, NotFoundError, RuleViolationError
from chalicelib.shared.tenancy import Principal, across
from chalicelib.shared.text import fold

from . import comparisons
from .comparisons import DIMENSIONS, Change, Comparison, Ranked
from .domain import Round, Survey
from .ports import Answer, ResultCell
from .questionnaire import QuestionnaireVersion
from .results import Results, Source, compute

T = TypeVar("T")
SCAN_BUDGET = 2_000  # answers an open-answers page reads at most before it offers "more"


class Cells(Protocol):
    """The store's result cells and answers, as the results read them."""

    def result_cells(self, *, tenant: str, survey_id: str, round_number: int) -> list[ResultCell]: ...

    def answer_page(
        self, *, tenant: str, survey_id: str, round_number: int, cursor: str | None, limit: int
    ) -> tuple[list[Answer], str | None]: ...


class Surveys(Protocol):
    """The survey service as the results use it."""

    def get(self, *, tenant: str, survey_id: str) -> Survey: ...

    def part_tenants(self, survey: Survey) -> list[str]: ...

    def audited_read(self, *, tenant: str, survey: Survey, actor: Principal, action: str, **detail: str) -> None: ...


class Versions(Protocol):
    """Questionnaire versions."""

    def version(self, *, tenant: str, questionnaire_id: str, number: int) -> QuestionnaireVersion: ...


@dataclass(frozen=True)
class RoundResults:
    """A round's results and what they were computed from."""

    survey: Survey
    round: Round
    version: QuestionnaireVersion
    source: Source
    results: Results


@dataclass(frozen=True)
class OpenAnswer:
    """One respondent's words to an open question."""

    answer_id: str
    text: str
    stratum: str


class SurveyAnalysis:
    """Results, comparisons, changes, rankings and open answers of a tenant's surveys."""

    def __init__(self, *, surveys: Surveys, cells: Cells, versions: Versions) -> None:
        self._surveys, self._cells, self._versions = surveys, cells, versions

    def round_of(self, survey: Survey, round_number: int | None) -> Round:
        """The named round, or the latest that opened."""
        if round_number is not None:
            return survey.round(round_number)
        opened = [r for r in survey.rounds if r.questionnaire_version is not None]
        if not opened:
            raise RuleViolationError("Khảo sát chưa có đợt nào được mở.", code="no_results", fields={"round": "none"})
        return opened[-1]

    def source(self, survey: Survey, rnd: Round) -> Source:
        """The round's cells from every part (each tagged with its tenant) and the frame's people per stratum."""
        parts = [survey.tenant] if survey.is_part or not survey.national else [survey.tenant, *self._surveys.part_tenants(survey)]
        cells: list[tuple[str, ResultCell]] = []
        with across(*parts):
            for part in parts:
                found = self._cells.result_cells(tenant=part, survey_id=survey.id, round_number=rnd.number)
                cells.extend((part, c) for c in found)
        return Source(cells, rnd.design.population)

    def version_of(self, survey: Survey, rnd: Round) -> QuestionnaireVersion:
        """The questionnaire version the round froze when it opened."""
        if rnd.questionnaire_version is None:
            raise RuleViolationError("Đợt khảo sát chưa mở nên chưa có kết quả.", code="no_results", fields={"round": "not_open"})
        owner = survey.owner
        with across(owner):
            return self._versions.version(
                tenant=owner, questionnaire_id=survey.plan.questionnaire_id, number=rnd.questionnaire_version
            )

    def results(self, *, tenant: str, survey_id: str, round_number: int | None = None) -> RoundResults:
        """A round's general table and index (the latest opened round unless named)."""
        survey = self._surveys.get(tenant=tenant, survey_id=survey_id)
        rnd = self.round_of(survey, round_number)
        version = self.version_of(survey, rnd)
        source = self.source(survey, rnd)
        return RoundResults(survey, rnd, version, source, _checked(lambda: compute(source, version, survey.weights)))

    def comparison(self, found: RoundResults, dimension: str) -> Comparison:
        """The round's groups of one dimension side by side (provinces: a national survey's parts)."""
        if dimension not in DIMENSIONS:
            raise RuleViolationError("Không có tiêu chí so sánh này.", code="invalid_dimension", fields={"by": "unknown"})
        return _checked(lambda: comparisons.compare(found.source, found.version, found.survey.weights, dimension))

    def ranking(self, found: RoundResults, key: str = "overall") -> list[Ranked]:
        """A national survey's provinces on an index node, with the ranks their intervals allow."""
        return comparisons.ranking(self.comparison(found, "province"), key)

    def changes(self, *, tenant: str, found: RoundResults, other_id: str, other_round: int | None) -> list[Change]:
        """This round against another round of this survey or a round of an earlier one (year over year)."""
        other = self.results(tenant=tenant, survey_id=other_id, round_number=other_round)
        if other.survey.id == found.survey.id and other.round.number == found.round.number:
            raise RuleViolationError("Chọn một đợt khác để so sánh.", code="same_round", fields={"against": "same"})
        return _checked(lambda: comparisons.changes(other.results, found.results))

    def open_answers(
        self,
        *,
        tenant: str,
        survey_id: str,
        round_number: int,
        question_id: str,
        search: str,
        cursor: str | None,
        actor: Principal,
        limit: int = 50,
    ) -> tuple[list[OpenAnswer], str | None]:
        """A page of the words given to an open question, matching the search (case and diacritics ignored);
        a national survey's part by part is not offered here — the CCC reads its own part. Audited."""
        survey = self._surveys.get(tenant=tenant, survey_id=survey_id)
        rnd = survey.round(round_number)
        question = self.version_of(survey, rnd).content.question(question_id)
        if question is None or question.kind != "text":
            raise NotFoundError("Không tìm thấy câu hỏi mở này.")
        wanted = fold(search)
        found: list[OpenAnswer] = []
        scanned = 0
        while scanned < SCAN_BUDGET and len(found) < limit:
            page, cursor = self._cells.answer_page(
                tenant=tenant, survey_id=survey.id, round_number=rnd.number, cursor=cursor, limit=min(200, SCAN_BUDGET - scanned)
            )
            scanned += len(page)
            found.extend(_matches(page, question_id, wanted))
            if cursor is None:
                break
        self._surveys.audited_read(
            tenant=tenant,
            survey=survey,
            actor=actor,
            action="survey.open_answers.read",
            round=str(rnd.number),
            question=question_id,
        )
        return found, cursor


def _checked(compute_it: Callable[[], T]) -> T:
    """Counters that contradict each other (more answers than respondents) are a 409 naming the fix, never a 5xx."""
    try:
        return compute_it()
    except ValueError as e:
        raise ConflictError(
            "Số liệu đếm của đợt khảo sát không khớp nhau; hãy chạy đối soát số liệu.", code="counters_inconsistent"
        ) from e


def _matches(page: Iterable[Answer], question_id: str, wanted: str) -> list[OpenAnswer]:
    found = []
    for a in page:
        text: Any = a.answers.get(question_id)
        if isinstance(text, str) and text.strip() and (not wanted or wanted in fold(text)):
            found.append(OpenAnswer(a.id, text, a.stratum))
    return found
