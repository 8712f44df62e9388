"""Results side by side (Art. 8 step 3): groups with significance marks, rounds and surveys, provinces ranked. Pure.

- Groups (channel, target group, form kind, a national survey's provinces): each group's results, and whether it
  differs from everyone else — a two-proportion z test for a satisfied share or a criterion's index, Welch's t for
  a mean or a composite index, each on the design standard errors, the group against the rest of the sample (so
  every mark says "this group is above or below the others"). A closed question's distribution is tested across
  the groups at once with Pearson's χ² on the counts (not for multiple choice: its options are not exclusive).
- Suppression: a group with fewer than stats.MIN_CELL respondents shows no figure, so nobody can be singled out.
- Changes (round against round, survey against survey, year over year): index nodes match by their key (angle,
  factor, criterion names, so a new questionnaire version with the same tags still compares), Likert questions by
  id and text; each change has its interval and the agency's wording ("tăng 2,03 điểm").
- Ranking: provinces by an index node with the ranks each could hold given the intervals (stats.rank_ranges).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chalicelib.shared import stats

from .questionnaire import QuestionnaireVersion
from .results import Domain, QuestionResult, Results, Source, compute

DIMENSIONS: dict[str, str] = {
    "province": "Tỉnh, thành phố",
    "channel": "Kênh tiếp nhận",
    "group": "Nhóm đối tượng",
    "form": "Hình thức khảo sát",
}


def group_label(dimension: str, value: str) -> str:
    """A group's value as people read it."""
    from chalicelib.requests.messages import CHANNELS
    from chalicelib.tenancy.catalog import TENANT_BY_CODE

    from .questionnaire import FORM_KINDS

    if dimension == "province":
        spec = TENANT_BY_CODE.get(value)
        return spec.short_name if spec else value
    if dimension == "channel":
        return CHANNELS.get(value, value)
    if dimension == "form":
        return FORM_KINDS.get(value, value)
    return value


@dataclass(frozen=True)
class Mark:
    """A group significantly above (+1) or below (−1) the rest of the sample, and the test that says so."""

    direction: int
    test: stats.Test


def mark(group: stats.Estimate, rest: stats.Estimate) -> Mark | None:
    """The group against the rest: z for shares, Welch for means; None when not significant or suppressed."""
    if group.suppressed or rest.suppressed:
        return None
    test = stats.two_proportions(group, rest) if group.kind == "proportion" else stats.welch(group, rest)
    if test is None or not test.significant:
        return None
    return Mark(1 if group.value > rest.value else -1, test)


@dataclass(frozen=True)
class Group:
    """One column of a comparison: its results, and the rest of the sample's (None when suppressed)."""

    value: str
    label: str
    respondents: int
    results: Results | None
    rest: Results | None

    @property
    def suppressed(self) -> bool:
        """Fewer respondents than may be shown."""
        return self.results is None


@dataclass(frozen=True)
class Comparison:
    """A dimension's groups side by side."""

    dimension: str
    label: str
    groups: tuple[Group, ...]

    def shown(self) -> list[Group]:
        """The groups with figures."""
        return [g for g in self.groups if not g.suppressed]

    def question(self, question_id: str) -> list[QuestionResult | None]:
        """A question's result in each group (None where suppressed)."""
        return [_question(g.results, question_id) if g.results else None for g in self.groups]

    def chi_square(self, question_id: str) -> stats.Test | None:
        """Whether the question's answers are distributed differently across the shown groups."""
        rows = [q for g in self.shown() if (q := _question(g.results, question_id)) is not None]
        if not rows or rows[0].question.kind == "multiple":
            return None
        return stats.chi_square([[o.count for o in q.options] for q in rows])

    def mark(self, group: Group, key: str) -> Mark | None:
        """A group's mark on an index node (by key) or a Likert question's satisfied share (by question id)."""
        if group.results is None or group.rest is None:
            return None
        mine, theirs = _figure(group.results, key), _figure(group.rest, key)
        return mark(mine, theirs) if mine is not None and theirs is not None else None


def _question(results: Results | None, question_id: str) -> QuestionResult | None:
    return next((q for q in results.questions if q.question.id == question_id), None) if results else None


def _figure(results: Results, key: str) -> stats.Estimate | None:
    node = results.node(key)
    if node is not None:
        return node.estimate
    q = _question(results, key)
    return q.satisfied if q is not None else None


def compare(source: Source, version: QuestionnaireVersion, weights: Mapping[str, float], dimension: str) -> Comparison:
    """The groups of a dimension side by side, biggest first; "province" compares the parts of a national survey."""
    values = source.parts() if dimension == "province" else source.groups(dimension)
    groups = []
    for value, respondents in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
        if dimension == "province":
            domain, rest = Domain(part=value), None
        else:
            domain = Domain(dimension=dimension, value=value)
            rest = Domain(dimension=dimension, value=value, complement=True)
        shown = respondents >= stats.MIN_CELL
        results = compute(source, version, weights, domain) if shown else None
        others = None
        if shown:
            others = compute(source, version, weights, rest) if rest else _others(source, version, weights, value)
        groups.append(Group(value, group_label(dimension, value), respondents, results, others))
    return Comparison(dimension, DIMENSIONS.get(dimension, dimension), tuple(groups))


def _others(source: Source, version: QuestionnaireVersion, weights: Mapping[str, float], part: str) -> Results:
    """Every part but one (a province against the rest of the country)."""
    rest = Source([(p, c) for p, c in source.cells if p != part], source.population)
    return compute(rest, version, weights)


@dataclass(frozen=True)
class Change:
    """One figure then and now, the change with its interval, and its wording."""

    key: str
    label: str
    before: stats.Estimate
    after: stats.Estimate
    difference: stats.Estimate

    @property
    def text(self) -> str:
        """ "tăng 2,03 điểm" — a share's change in percentage points; a mean's in points of the 1–5 scale."""
        return stats.points(self.difference.value)

    @property
    def significant(self) -> bool:
        """The interval of the change leaves out zero."""
        return self.difference.low > 0 or self.difference.high < 0


def changes(before: Results, after: Results) -> list[Change]:
    """The index nodes both have (by key), then the Likert questions both asked (same id and text)."""
    found: list[Change] = []
    for row in after.index:
        then = before.node(row.node.key)
        if then is not None and not then.estimate.suppressed and not row.estimate.suppressed:
            diff = stats.difference(then.estimate, row.estimate)
            found.append(Change(row.node.key, row.node.label, then.estimate, row.estimate, diff))
    for q in after.questions:
        old = _question(before, q.question.id)
        if q.satisfied is None or old is None or old.satisfied is None or old.question.text != q.question.text:
            continue
        if not q.satisfied.suppressed and not old.satisfied.suppressed:
            diff = stats.difference(old.satisfied, q.satisfied)
            found.append(Change(q.question.id, q.question.text, old.satisfied, q.satisfied, diff))
    return found


@dataclass(frozen=True)
class Ranked:
    """A province on one figure: its estimate and the best and worst rank its interval allows."""

    part: str
    label: str
    estimate: stats.Estimate | None  # None when suppressed
    ranks: tuple[int, int] | None

    @property
    def rank_text(self) -> str:
        """ "3" when certain, "3–7" when the intervals overlap, "—" when not ranked."""
        if self.ranks is None:
            return "—"
        low, high = self.ranks
        return str(low) if low == high else f"{low}–{high}"


def ranking(comparison: Comparison, key: str = "overall") -> list[Ranked]:
    """The groups of a comparison ranked on a node (highest first), suppressed ones last and unranked."""
    figures = [(g, _figure(g.results, key) if g.results else None) for g in comparison.groups]
    shown = sorted([(g, e) for g, e in figures if e is not None and not e.suppressed], key=lambda ge: -ge[1].value)
    ranges = stats.rank_ranges([e for _, e in shown])
    ranked = [Ranked(g.value, g.label, e, r) for (g, e), r in zip(shown, ranges, strict=True)]
    ranked += [Ranked(g.value, g.label, None, None) for g, e in figures if e is None or e.suppressed]
    return ranked


def figures_of(groups: Sequence[Group], key: str) -> list[stats.Estimate | None]:
    """One figure (index node or Likert question's satisfied share) across groups."""
    return [_figure(g.results, key) if g.results else None for g in groups]
