"""Survey results and the report at the edge (README "Contract": survey results): estimates with their 95 %
intervals, the general table, comparisons with their tests, changes, rankings, open answers, the report."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.approvals.schemas import ApprovalRead
from chalicelib.shared.fields import Cursor, Identifier, Line, QueryInt, Text, Version
from chalicelib.shared.schema import BaseModel, Input

if TYPE_CHECKING:  # the computations load on the first results read, not at a cold start
    from chalicelib.shared import stats

    from .comparisons import Change, Comparison, Group, Ranked
    from .results import QuestionResult, Results

DimensionName = Literal["province", "channel", "group", "form"]


class RoundQuery(Input):
    """Which round (the latest opened unless named)."""

    round: QueryInt | None = Field(default=None, ge=1, le=99)


class CompareQuery(RoundQuery):
    """Which dimension to compare the groups of."""

    by: DimensionName


class ChangesQuery(RoundQuery):
    """The round or survey to compare with (another round of this survey when `against` is this survey's id)."""

    against: Identifier
    against_round: QueryInt | None = Field(default=None, ge=1, le=99)


class RankingQuery(RoundQuery):
    """The index node provinces are ranked on."""

    node: Line = Field(default="overall", min_length=1, max_length=700)


class OpenQuery(Input):
    """A page of an open question's answers, optionally matching words (case and diacritics ignored)."""

    round: QueryInt = Field(ge=1, le=99)
    question: Identifier
    q: Line = Field(default="", max_length=200)
    cursor: Cursor | None = None


class EstimateRead(BaseModel):
    """A share (0–1) or a mean with its 95 % interval; null figures when fewer than 5 answered (suppressed)."""

    value: float | None
    low: float | None
    high: float | None
    margin: float | None
    n: int
    suppressed: bool

    @classmethod
    def of(cls, e: stats.Estimate) -> EstimateRead:
        """Suppressed estimates show no figure, only how few they rest on."""
        if e.suppressed:
            return cls(value=None, low=None, high=None, margin=None, n=e.n, suppressed=True)
        return cls(value=e.value, low=e.low, high=e.high, margin=e.margin, n=e.n, suppressed=False)


class OptionRead(BaseModel):
    """One option: how many chose it and its share among those who answered."""

    value: str
    label: str
    count: int
    share: EstimateRead


class QuestionResultRead(BaseModel):
    """A closed question's row of the general table."""

    id: str
    text: str
    kind: str
    section: str
    shown: int
    valid: int
    missing: int
    options: list[OptionRead]
    mean: EstimateRead | None
    satisfied: EstimateRead | None

    @classmethod
    def of(cls, q: QuestionResult) -> QuestionResultRead:
        """The read model of a question's result."""
        return cls(
            id=q.question.id,
            text=q.question.text,
            kind=q.question.kind,
            section=q.section,
            shown=q.shown,
            valid=q.valid,
            missing=q.missing,
            options=[OptionRead(value=o.value, label=o.label, count=o.count, share=EstimateRead.of(o.share)) for o in q.options],
            mean=EstimateRead.of(q.mean) if q.mean else None,
            satisfied=EstimateRead.of(q.satisfied) if q.satisfied else None,
        )


class IndexRowRead(BaseModel):
    """One node of the satisfaction index (overall, angle, factor, criterion)."""

    key: str
    level: str
    label: str
    depth: int
    estimate: EstimateRead


class OpenQuestionRead(BaseModel):
    """An open question and how many answered it."""

    id: str
    text: str
    answered: int


class ResultsRead(BaseModel):
    """A round's results: respondents, margin of error, the index, the general table, the open questions."""

    survey_id: str
    round: int
    questionnaire_version: int
    respondents: int
    margin: float | None
    index: list[IndexRowRead]
    questions: list[QuestionResultRead]
    open_questions: list[OpenQuestionRead]

    @classmethod
    def of(cls, survey_id: str, round_number: int, version: int, r: Results) -> ResultsRead:
        """The read model of a round's results."""
        return cls(
            survey_id=survey_id,
            round=round_number,
            questionnaire_version=version,
            respondents=r.respondents,
            margin=r.margin,
            index=[
                IndexRowRead(
                    key=i.node.key, level=i.node.level, label=i.node.label, depth=i.depth, estimate=EstimateRead.of(i.estimate)
                )
                for i in r.index
            ],
            questions=[QuestionResultRead.of(q) for q in r.questions],
            open_questions=[OpenQuestionRead(id=q.id, text=q.text, answered=n) for q, n in r.open_questions],
        )


class TestRead(BaseModel):
    """A significance test: which, its statistic, degrees of freedom and p-value."""

    name: str
    statistic: float
    df: float
    p_value: float
    significant: bool

    @classmethod
    def of(cls, t: stats.Test | None) -> TestRead | None:
        """None when no test applies."""
        if t is None:
            return None
        return cls(name=t.name, statistic=t.statistic, df=t.df, p_value=t.p_value, significant=t.significant)


class FigureRead(BaseModel):
    """One figure of one group and whether it is above (1) or below (−1) the rest of the sample, or neither (0)."""

    estimate: EstimateRead | None
    mark: int
    test: TestRead | None


class GroupRead(BaseModel):
    """One group of a comparison (suppressed: fewer than 5 respondents, no figures)."""

    value: str
    label: str
    respondents: int
    suppressed: bool


class ComparedRead(BaseModel):
    """One figure (an index node or a Likert question's satisfied share) across the groups."""

    key: str
    label: str
    figures: list[FigureRead]


class ComparedQuestionRead(BaseModel):
    """A closed question's shares by option across the groups, and the χ² test of the distribution."""

    id: str
    text: str
    options: list[str]
    shares: list[list[EstimateRead | None]]  # [group][option]
    test: TestRead | None


class ComparisonRead(BaseModel):
    """A dimension's groups side by side."""

    by: str
    label: str
    groups: list[GroupRead]
    index: list[ComparedRead]
    questions: list[ComparedQuestionRead]

    @classmethod
    def of(cls, c: Comparison, results: Results) -> ComparisonRead:
        """Every index node and closed question of the round, across the groups."""

        def figure(g: Group, key: str, estimate: stats.Estimate | None) -> FigureRead:
            m = c.mark(g, key)
            return FigureRead(
                estimate=EstimateRead.of(estimate) if estimate else None,
                mark=m.direction if m else 0,
                test=TestRead.of(m.test) if m else None,
            )

        index = []
        for row in results.index:
            figures = [
                figure(g, row.node.key, n.estimate if g.results and (n := g.results.node(row.node.key)) else None)
                for g in c.groups
            ]
            index.append(ComparedRead(key=row.node.key, label=row.node.label, figures=figures))
        questions = []
        for q in results.questions:
            per_group = c.question(q.question.id)
            shares: list[list[EstimateRead | None]] = [
                [EstimateRead.of(o.share) for o in r.options] if r else [None for _ in q.options] for r in per_group
            ]
            questions.append(
                ComparedQuestionRead(
                    id=q.question.id,
                    text=q.question.text,
                    options=[o.label for o in q.options],
                    shares=shares,
                    test=TestRead.of(c.chi_square(q.question.id)),
                )
            )
        groups = [GroupRead(value=g.value, label=g.label, respondents=g.respondents, suppressed=g.suppressed) for g in c.groups]
        return cls(by=c.dimension, label=c.label, groups=groups, index=index, questions=questions)


class ChangeRead(BaseModel):
    """A figure then and now, the change with its interval and the agency's wording."""

    key: str
    label: str
    before: EstimateRead
    after: EstimateRead
    change: EstimateRead
    text: str
    significant: bool

    @classmethod
    def of(cls, c: Change) -> ChangeRead:
        """The read model of one change."""
        return cls(
            key=c.key,
            label=c.label,
            before=EstimateRead.of(c.before),
            after=EstimateRead.of(c.after),
            change=EstimateRead.of(c.difference),
            text=c.text,
            significant=c.significant,
        )


class ChangesRead(BaseModel):
    """This round against another."""

    against: str
    against_round: int
    items: list[ChangeRead]


class RankedRead(BaseModel):
    """A province on one figure and the ranks its interval allows ("3–7")."""

    province: str
    label: str
    estimate: EstimateRead | None
    rank_best: int | None
    rank_worst: int | None
    rank: str

    @classmethod
    def of(cls, r: Ranked) -> RankedRead:
        """The read model of a ranked province."""
        return cls(
            province=r.part,
            label=r.label,
            estimate=EstimateRead.of(r.estimate) if r.estimate else None,
            rank_best=r.ranks[0] if r.ranks else None,
            rank_worst=r.ranks[1] if r.ranks else None,
            rank=r.rank_text,
        )


class RankingRead(BaseModel):
    """A national survey's provinces ranked on one index node."""

    node: str
    items: list[RankedRead]


class OpenAnswerRead(BaseModel):
    """A respondent's words."""

    answer_id: str
    text: str


class OpenAnswerPage(BaseModel):
    """A page of open answers."""

    items: list[OpenAnswerRead]
    next_cursor: str | None


class ReportStartBody(Input):
    """Start the report on a closed round."""

    round: int = Field(ge=1, le=99)
    version: Version


class SurveyReportBody(Input):
    """Part III of the report: conclusions and recommendations."""

    conclusions: Text = Field(max_length=20_000)
    recommendations: Text = Field(max_length=20_000)
    version: Version


class SurveyReportRead(BaseModel):
    """The report: the round, part III, its approval, publication and the frozen copy's files."""

    survey_id: str
    round: int
    conclusions: str
    recommendations: str
    approval: ApprovalRead
    published_at: datetime | None
    archived_at: datetime | None
    archive: list[str]  # the frozen copy's formats ("pdf", "xlsx", "answers")
    version: int


class ExportBody(Input):
    """Start an export job: the report (PDF, XLSX) or the raw answers (CSV, XLSX) of a round."""

    what: Literal["report", "answers"]
    format: Literal["pdf", "xlsx", "csv"]
    round: int | None = Field(default=None, ge=1, le=99)
