"""A round's results from its counters (Art. 8 step 3): the general table and the satisfaction index. Pure.

Input is the round's result cells (store.py: one per part, stratum and group, each submission adding to them) and
the frame's people per stratum (the round's design). Nothing here reads an answer: a results page costs O(parts ×
strata × groups) items whatever the number of respondents.

- Options: counts, and each option's share among those who answered the question (a multiple-choice question's
  shares add up to more than 100 %), with the Wilson interval; valid n and missing (shown but not answered).
- Likert questions: the mean score (t with the finite-population correction) and the satisfied share (4 or 5).
- Index (index.py, SIPAS): a criterion's index is the satisfied share over its questions; a factor's, an angle's
  and the overall index are the weighted means of their children's, shown with the interval of the respondents'
  scores at that node (a mean). Stratified samples are weighted by N_h / r_h (shared/stats.py).
- A domain ("only the hotline callers", "only Quảng Ninh") is the same computation on the groups' cells; its
  complement ("everyone else", for the tests of comparisons.py) on the strata's cells minus the group's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.shared import stats

from .index import SATISFIED, Node, tree, weight_of
from .ports import ResultCell
from .questionnaire import CLOSED, Question, QuestionnaireVersion

LIKERT_VALUES = (1, 2, 3, 4, 5)


@dataclass
class Counts:
    """Cells summed: respondents, shown/answered per question, choices per option, index scores per node."""

    respondents: int = 0
    shown: dict[str, int] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)
    options: dict[tuple[str, str], int] = field(default_factory=dict)
    scores: dict[str, tuple[int, float, float]] = field(default_factory=dict)

    def add(self, cell: ResultCell | Counts, sign: int = 1) -> None:
        """Add (or with sign -1 take away) another cell's counts."""
        self.respondents += sign * cell.respondents
        _merge(self.shown, cell.shown, sign)
        _merge(self.answered, cell.answered, sign)
        _merge(self.options, cell.options, sign)
        for node, (k, s, r) in cell.scores.items():
            k0, s0, r0 = self.scores.get(node, (0, 0.0, 0.0))
            self.scores[node] = (k0 + sign * k, s0 + sign * s, r0 + sign * r)


def _merge(mine: dict[Any, int], theirs: Mapping[Any, int], sign: int) -> None:
    for key, value in theirs.items():
        mine[key] = mine.get(key, 0) + sign * value


@dataclass(frozen=True)
class Domain:
    """Whom a result is about: everyone, a part (a province of a national survey), a group, or the complement."""

    part: str | None = None
    dimension: str = ""
    value: str = ""
    complement: bool = False

    def label(self) -> str:
        """For a caption."""
        return "Toàn bộ" if self == EVERYONE else f"{self.dimension}={self.value}"


EVERYONE = Domain()


@dataclass(frozen=True)
class Source:
    """A round's counters: (part, cell) pairs and the frame's people per stratum (empty when unknown)."""

    cells: Sequence[tuple[str, ResultCell]]
    population: Mapping[str, int] = field(default_factory=dict)
    _summed: dict[Domain, dict[str, tuple[int, Counts]]] = field(default_factory=dict, compare=False, repr=False)

    def strata(self, domain: Domain = EVERYONE) -> dict[str, tuple[int, Counts]]:
        """stratum → (its respondents, the domain's counts inside it); summed once per domain (every estimate of a
        page asks again: a comparison's thousands of estimates would otherwise each add up every cell). Read-only."""
        if domain not in self._summed:
            self._summed[domain] = self._sum(domain)
        return self._summed[domain]

    def _sum(self, domain: Domain) -> dict[str, tuple[int, Counts]]:
        totals: dict[str, Counts] = {}
        picked: dict[str, Counts] = {}
        for part, cell in self.cells:
            whole = cell.dimension == ""
            if whole:
                totals.setdefault(cell.stratum, Counts()).add(cell)
            if domain.part is not None and part != domain.part:
                continue
            if (domain.dimension == "" and whole) or (cell.dimension == domain.dimension and cell.value == domain.value):
                picked.setdefault(cell.stratum, Counts()).add(cell)
        found: dict[str, tuple[int, Counts]] = {}
        for stratum, total in totals.items():
            mine = picked.get(stratum, Counts())
            if domain.complement:
                rest = Counts()
                rest.add(total)
                rest.add(mine, -1)
                mine = rest
            found[stratum] = (total.respondents, mine)
        return found

    def respondents(self, domain: Domain = EVERYONE) -> int:
        """People who answered, in the domain."""
        return sum(c.respondents for _, c in self.strata(domain).values())

    def groups(self, dimension: str) -> dict[str, int]:
        """The values a group dimension takes in the cells, with their respondents."""
        found: dict[str, int] = {}
        for _, cell in self.cells:
            if cell.dimension == dimension:
                found[cell.value] = found.get(cell.value, 0) + cell.respondents
        return found

    def parts(self) -> dict[str, int]:
        """The parts (provinces) in the cells, with their respondents."""
        found: dict[str, int] = {}
        for part, cell in self.cells:
            if cell.dimension == "":
                found[part] = found.get(part, 0) + cell.respondents
        return found


Pick = Callable[[Counts], tuple[int, float, float]]  # (n, Σy, Σy²) of one item in one stratum's counts


def estimate(source: Source, domain: Domain, pick: Pick, kind: str) -> stats.Estimate:
    """One stratified estimate (a share when kind is "proportion", else a mean) of the picked item."""
    strata = []
    for stratum, (respondents, counts) in source.strata(domain).items():
        n, total, squares = pick(counts)
        strata.append(stats.Stratum(source.population.get(stratum), respondents, n, total, squares))
    return stats.proportion(strata) if kind == "proportion" else stats.mean(strata)


def option_pick(question: str, option: str) -> Pick:
    """Those who chose the option among those who answered the question."""
    return lambda c: (c.answered.get(question, 0), c.options.get((question, option), 0), c.options.get((question, option), 0))


def satisfied_pick(questions: Iterable[str]) -> Pick:
    """Ratings of 4 or 5 among the ratings of the questions (a criterion's answers pooled)."""
    ids = tuple(questions)

    def pick(c: Counts) -> tuple[int, float, float]:
        n = sum(c.answered.get(q, 0) for q in ids)
        s = sum(c.options.get((q, v), 0) for q in ids for v in SATISFIED)
        return n, s, s

    return pick


def mean_pick(question: str) -> Pick:
    """A Likert question's scores 1–5."""

    def pick(c: Counts) -> tuple[int, float, float]:
        counts = [(v, c.options.get((question, str(v)), 0)) for v in LIKERT_VALUES]
        return c.answered.get(question, 0), sum(v * k for v, k in counts), sum(v * v * k for v, k in counts)

    return pick


def score_pick(node: str) -> Pick:
    """The respondents' scores at an index node."""
    return lambda c: c.scores.get(node, (0, 0.0, 0.0))


@dataclass(frozen=True)
class OptionResult:
    """One option of a closed question."""

    value: str
    label: str
    count: int
    share: stats.Estimate


@dataclass(frozen=True)
class QuestionResult:
    """A closed question's row of the general table."""

    question: Question
    section: str
    shown: int
    valid: int
    options: tuple[OptionResult, ...]
    mean: stats.Estimate | None = None  # Likert only
    satisfied: stats.Estimate | None = None  # Likert only

    @property
    def missing(self) -> int:
        """Shown the question but left it unanswered."""
        return max(self.shown - self.valid, 0)


@dataclass(frozen=True)
class IndexResult:
    """One node of the satisfaction index with its estimate."""

    node: Node
    depth: int  # 0 overall, 1 angle, 2 factor, 3 criterion
    estimate: stats.Estimate


@dataclass(frozen=True)
class Results:
    """A domain's results in a round: the general table, the open questions, the index (empty if untagged)."""

    domain: Domain
    respondents: int
    questions: tuple[QuestionResult, ...]
    open_questions: tuple[tuple[Question, int], ...]  # open questions with how many answered
    index: tuple[IndexResult, ...]
    margin: float | None  # the sample's margin of error at p = 0.5 (None with no respondents)

    def node(self, key: str) -> IndexResult | None:
        """The index row of a node."""
        return next((r for r in self.index if r.node.key == key), None)

    @property
    def overall(self) -> stats.Estimate | None:
        """The overall satisfaction index."""
        row = self.node("overall")
        return row.estimate if row else None


def question_result(source: Source, domain: Domain, section: str, q: Question) -> QuestionResult:
    """One closed question's counts, shares and (Likert) mean and satisfied share."""
    counts = Counts()
    for _, c in source.strata(domain).values():
        counts.add(c)
    options = tuple(
        OptionResult(
            choice.value,
            choice.label,
            counts.options.get((q.id, choice.value), 0),
            estimate(source, domain, option_pick(q.id, choice.value), "proportion"),
        )
        for choice in q.options()
    )
    likert = q.kind == "likert"
    return QuestionResult(
        q,
        section,
        counts.shown.get(q.id, 0),
        counts.answered.get(q.id, 0),
        options,
        mean=estimate(source, domain, mean_pick(q.id), "mean") if likert else None,
        satisfied=estimate(source, domain, satisfied_pick([q.id]), "proportion") if likert else None,
    )


def index_results(source: Source, domain: Domain, root: Node | None, weights: Mapping[str, float]) -> list[IndexResult]:
    """Every node of the index, parents first: criteria by their shares, the levels above by SIPAS's weighted mean
    of their children, with the interval of the respondents' scores at that node around it."""
    rows: list[IndexResult] = []

    def visit(node: Node, depth: int) -> stats.Estimate | None:
        at = len(rows)
        if node.level == "criterion":
            found = estimate(source, domain, satisfied_pick(node.questions), "proportion")
            rows.append(IndexResult(node, depth, found))
            return found if found.n else None
        rows.append(IndexResult(node, depth, stats.simple_mean(0, 0.0, 0.0)))  # placeholder keeps parents first
        children = [(weight_of(weights, c.key), e) for c in node.children if (e := visit(c, depth + 1)) is not None]
        scores = estimate(source, domain, score_pick(node.key), "mean")
        if not children:
            rows[at] = IndexResult(node, depth, scores)
            return None
        point = sum(w * e.value for w, e in children) / sum(w for w, _ in children)
        shift = point - scores.value
        centred = stats.Estimate(
            "mean", point, max(0.0, scores.low + shift), min(1.0, scores.high + shift), scores.se, scores.n, scores.df
        )
        rows[at] = IndexResult(node, depth, centred)
        return centred

    if root is not None:
        visit(root, 0)
    return rows


def compute(source: Source, version: QuestionnaireVersion, weights: Mapping[str, float], domain: Domain = EVERYONE) -> Results:
    """The results of a domain (everyone by default) on the round's questionnaire version."""
    questions: list[QuestionResult] = []
    open_questions: list[tuple[Question, int]] = []
    strata = source.strata(domain)
    for section in version.content.sections:
        for q in section.questions:
            if q.kind in CLOSED:
                questions.append(question_result(source, domain, section.title, q))
            else:
                open_questions.append((q, sum(c.answered.get(q.id, 0) for _, c in strata.values())))
    respondents = sum(c.respondents for _, c in strata.values())
    return Results(
        domain,
        respondents,
        tuple(questions),
        tuple(open_questions),
        tuple(index_results(source, domain, tree(version), weights)),
        margin(source, domain) if respondents else None,
    )


def margin(source: Source, domain: Domain = EVERYONE) -> float:
    """The sample's margin of error: the half-width of a share's interval at p = 0.5, weights and FPC included."""
    half = [
        stats.Stratum(source.population.get(s), r, c.respondents, 0.5 * c.respondents, 0.5 * c.respondents)
        for s, (r, c) in source.strata(domain).items()
    ]
    return stats.proportion(half).margin
