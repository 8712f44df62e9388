"""The `survey-results` job: a round's result cells recounted from its answers, and set right (Đối soát kết quả).

Each answer is counted again on its own questionnaire version with the survey's current weights (so a change of
weights reaches the index's score sums through this job), and the cells are made equal to the recount by ADDing the
difference, attribute by attribute — not by rewriting them: a submission's own ADD landing between the read and the
write commutes with it, where a rewrite would lose that submission. A submission landing between the recount and
the read of the cells would look like an error, so the answers are listed again after the cells are read: unless
both lists are the same, the pass is made again (the queue retries a job that never settles). A cell no answer
supports is deleted unless a submission counted in it since. The old layout's items (one per option) are deleted.
A run right after another finds nothing to fix. A national survey's part is reconciled in the province's tenant.

The same pass recounts what the round's answers add to the office's satisfaction rate (respond.py `counts_in_rate`,
index.py `satisfied`), day by day from the answers' own days, and sets the statistics' counters of those days (and
their months, quarters, years) right (reports/survey_counts.py `repair`), read in the pass, so a submission landing
meanwhile makes the pass again too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from chalicelib.jobs.service import JobRejected, JobRun
from chalicelib.shared.errors import NotFoundError
from chalicelib.shared.tenancy import across

from . import counting, index
from .domain import Survey
from .ports import Answer, Questionnaires, Ratings
from .questionnaire import QuestionnaireVersion
from .respond import ANSWER_SURVEY, counts_in_rate
from .standard import STANDARD_ID

KIND = "survey-results"
LABEL = "Đối soát kết quả khảo sát"
PASSES = 3
MESSAGES = {
    "unknown": "Không tìm thấy khảo sát hoặc đợt khảo sát cần đối soát.",
    "counting": "Đang đếm lại từ các câu trả lời",
    "fixing": "Đang sửa các ô kết quả",
    "done": "Đã kiểm {checked} ô, sửa {fixed}",
    "numbers": " ({numbers} số đếm)",
    "old": "; xoá {old} mục theo cách lưu cũ",
}


class ResultsStore(Protocol):
    """What the job reads and writes (store.py; the fake in tests/fakes.py)."""

    def get(self, *, tenant: str, survey_id: str) -> Survey | None: ...

    def each_answer(self, *, tenant: str, survey_id: str, round_number: int) -> Iterator[Answer]: ...

    def cell_values(self, *, tenant: str, survey_id: str, round_number: int) -> dict[counting.CellKey, counting.Values]: ...

    def adjust_cells(
        self, *, tenant: str, survey_id: str, round_number: int, deltas: Mapping[counting.CellKey, counting.Values]
    ) -> None: ...

    def drop_cell(
        self, *, tenant: str, survey_id: str, round_number: int, key: counting.CellKey, respondents: Decimal
    ) -> bool: ...

    def drop_old_counters(self, *, tenant: str, survey_id: str, round_number: int) -> int: ...


@dataclass(frozen=True)
class Outcome:
    """What a run found: cells checked, cells set right (and their numbers), cells dropped, old items deleted."""

    checked: int
    fixed: int
    numbers: int
    old: int

    def summary(self) -> str:
        """The job's last word, e.g. "Đã kiểm 37 ô, sửa 2 (5 số đếm)"."""
        text = MESSAGES["done"].format(checked=self.checked, fixed=self.fixed)
        if self.numbers:
            text += MESSAGES["numbers"].format(numbers=self.numbers)
        return text + (MESSAGES["old"].format(old=self.old) if self.old else "")


class UnsettledError(Exception):
    """Answers kept arriving while the cells were read: the job is retried."""


class ResultsReconciler:
    """Recounts a round's cells and sets them right."""

    def __init__(self, *, store: ResultsStore, questionnaires: Questionnaires, ratings: Ratings | None = None) -> None:
        self._store = store
        self._questionnaires = questionnaires
        self._ratings = ratings  # the statistics' survey counters (None: not recounted)

    def run(self, run: JobRun) -> None:
        """The job's handler: params `survey_id` and `round`, in the tenant holding the answers."""
        survey_id, number = str(run.params.get("survey_id", "")), int(run.params.get("round", 0) or 0)
        survey = self._store.get(tenant=run.tenant, survey_id=survey_id)
        try:
            if survey is not None:
                survey.round(number)
            elif survey_id != ANSWER_SURVEY:
                raise NotFoundError()
        except NotFoundError:
            raise JobRejected(MESSAGES["unknown"]) from None
        outcome = self.reconcile(tenant=run.tenant, survey_id=survey_id, survey=survey, number=number, progress=run.progress)
        run.progress(outcome.checked, outcome.checked, outcome.summary())

    def reconcile(
        self,
        *,
        tenant: str,
        survey_id: str,
        survey: Survey | None,
        number: int,
        progress: Callable[[int, int | None, str], None] = lambda *_: None,
    ) -> Outcome:
        """Make the round's cells, and its part of the satisfaction rate, equal to the recount of its answers."""
        for _ in range(PASSES):
            recount, seen, rated = self._recount(tenant, survey_id, survey, number, progress)
            cells = self._store.cell_values(tenant=tenant, survey_id=survey_id, round_number=number)
            have = self._ratings.read(tenant=tenant, days=rated) if self._ratings else {}
            if {a.id for a in self._store.each_answer(tenant=tenant, survey_id=survey_id, round_number=number)} == seen:
                break
        else:
            raise UnsettledError(survey_id)
        progress(0, None, MESSAGES["fixing"])
        deltas = {key: d for key, want in recount.items() if (d := counting.difference(cells.get(key, {}), want))}
        self._store.adjust_cells(tenant=tenant, survey_id=survey_id, round_number=number, deltas=deltas)
        dropped = sum(
            self._store.drop_cell(
                tenant=tenant, survey_id=survey_id, round_number=number, key=key, respondents=values.get("n", Decimal(0))
            )
            for key, values in cells.items()
            if key not in recount
        )
        old = self._store.drop_old_counters(tenant=tenant, survey_id=survey_id, round_number=number)
        found = {day: (n[0], n[1]) for day, n in rated.items()}
        kpis = (
            self._ratings.fix(tenant=tenant, survey_id=survey_id, round_number=number, have=have, found=found)
            if self._ratings
            else {}
        )
        numbers = sum(len(d) for d in deltas.values()) + sum(len(d) for d in kpis.values())
        return Outcome(len(cells.keys() | recount.keys()) + len(have), len(deltas) + dropped + len(kpis), numbers, old)

    def _recount(
        self,
        tenant: str,
        survey_id: str,
        survey: Survey | None,
        number: int,
        progress: Callable[[int, int | None, str], None],
    ) -> tuple[dict[counting.CellKey, counting.Values], set[str], dict[date, list[int]]]:
        total: dict[counting.CellKey, counting.Values] = {}
        seen: set[str] = set()
        rated: dict[date, list[int]] = {}  # day → [answers counted in the rate, of them satisfied]; every answer's day
        counts = counts_in_rate(survey, number)
        versions: dict[tuple[str, int], tuple[QuestionnaireVersion, Any]] = {}
        weights = survey.weights if survey is not None else {}
        for a in self._store.each_answer(tenant=tenant, survey_id=survey_id, round_number=number):
            key = (a.questionnaire_id, a.questionnaire_version)
            if key not in versions:
                version = self._version(tenant, survey, *key)
                versions[key] = (version, index.tree(version))
            version, root = versions[key]
            counted = counting.count(version, a.answers, root=root, weights=weights, groups=a.groups)
            counting.add(total, a.stratum, counted)
            day = rated.setdefault(a.submitted_on, [0, 0])
            if counts and (satisfied := index.satisfied(counted.scores)) is not None:
                day[0], day[1] = day[0] + 1, day[1] + int(satisfied)
            seen.add(a.id)
            if len(seen) % 500 == 0:
                progress(len(seen), None, MESSAGES["counting"])
        return total, seen, rated

    def _version(self, tenant: str, survey: Survey | None, questionnaire_id: str, number: int) -> QuestionnaireVersion:
        """An answer's questionnaire version (a national survey's is the CCC's; the answer links' the office's own)."""
        owner = survey.owner if survey is not None else tenant
        with across(owner):
            return self._questionnaires.version(tenant=owner, questionnaire_id=questionnaire_id or STANDARD_ID, number=number)
