"""What one submission adds to the result cells, and the cells read back as counts. Pure.

A cell counts the respondents of a round's stratum, as a whole or in one group of it (`channel`, `group`, `form`):
`n` respondents; `w:{q}` shown question q; `a:{q}` answered it (text questions too); `o:{q}:{option}` chose the
option (a multiple choice adds one per option chosen); `k:{node}`, `s:{node}`, `r:{node}` have a score at an index
node, Σ score and Σ score² (index.py). Scores are kept to SCORE_PLACES decimals, so DynamoDB's decimal sums and a
recount from the answers agree to the last digit (the reconcile job compares them exactly).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .answers import closed_answers, visible
from .index import Node, respondent_scores
from .ports import ResultCell
from .questionnaire import QuestionnaireVersion

DIMENSIONS = ("channel", "group", "form")
SELF_COMPLETED = "questionnaire"  # the form of an answer no interviewer entered
SCORE_PLACES = Decimal("0.000000001")
ONE = Decimal(1)
CellKey = tuple[str, str, str]  # (stratum, dimension, value); ("", "") is the stratum as a whole
Values = dict[str, Decimal]


@dataclass(frozen=True)
class Counted:
    """One respondent's contribution: questions shown and answered, options chosen, index scores, their groups."""

    shown: tuple[str, ...]
    answered: tuple[str, ...]
    options: tuple[tuple[str, str], ...]
    scores: dict[str, float] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)

    def values(self) -> Values:
        """The attributes this respondent adds to each of their cells."""
        found: Values = {"n": ONE}
        found.update({f"w:{q}": ONE for q in self.shown})
        found.update({f"a:{q}": ONE for q in self.answered})
        found.update({f"o:{q}:{o}": ONE for q, o in dict.fromkeys(self.options)})
        for node, score in self.scores.items():
            s = Decimal(score).quantize(SCORE_PLACES)
            found[f"k:{node}"], found[f"s:{node}"], found[f"r:{node}"] = ONE, s, (s * s).quantize(SCORE_PLACES)
        return found

    def cells(self, stratum: str) -> list[CellKey]:
        """The stratum's cell and one per known group (empty values are no group): at most 1 + len(DIMENSIONS)."""
        return [(stratum, "", "")] + [(stratum, d, v) for d in DIMENSIONS if (v := self.groups.get(d, ""))]


def count(
    version: QuestionnaireVersion,
    answers: Mapping[str, Any],
    *,
    root: Node | None,
    weights: Mapping[str, float],
    groups: Mapping[str, str],
) -> Counted:
    """What a respondent's answers on `version` add to the result cells."""
    shown = tuple(q.id for _, q in visible(version, answers))
    answered = tuple(q for q in shown if answers.get(q) not in (None, "", []))
    return Counted(
        shown,
        answered,
        tuple(closed_answers(version, answers)),
        respondent_scores(root, answers, weights),
        {d: v for d in DIMENSIONS if (v := str(groups.get(d) or ""))},
    )


def groups_of(attributes: Mapping[str, str], *, interviewer: str | None, form_kind: str) -> dict[str, str]:
    """A respondent's groups: channel and target group from their member record, the form they answered on."""
    found = {d: attributes[d] for d in ("channel", "group") if attributes.get(d)}
    found["form"] = form_kind if interviewer else SELF_COMPLETED
    return found


def add(total: dict[CellKey, Values], stratum: str, counted: Counted) -> None:
    """Add a respondent's contribution to a recount of cells."""
    values = counted.values()
    for key in counted.cells(stratum):
        cell = total.setdefault(key, {})
        for name, v in values.items():
            cell[name] = cell.get(name, Decimal(0)) + v


def difference(have: Mapping[str, Decimal], want: Mapping[str, Decimal]) -> Values:
    """What to add to `have` to make it `want` (attributes equal on both sides left out)."""
    names: Iterable[str] = {*have, *want}
    return {n: d for n in sorted(names) if (d := want.get(n, Decimal(0)) - have.get(n, Decimal(0)))}


def result_cell(key: CellKey, values: Mapping[str, Decimal]) -> ResultCell:
    """A cell's attributes as counts."""
    shown: dict[str, int] = {}
    answered: dict[str, int] = {}
    options: dict[tuple[str, str], int] = {}
    parts: dict[str, list[Decimal]] = {}
    for name, v in values.items():
        kind, _, rest = name.partition(":")
        if kind == "w":
            shown[rest] = int(v)
        elif kind == "a":
            answered[rest] = int(v)
        elif kind == "o":
            q, _, option = rest.partition(":")
            options[(q, option)] = int(v)
        elif kind in ("k", "s", "r"):
            parts.setdefault(rest, [Decimal(0)] * 3)["ksr".index(kind)] = v
    scores = {node: (int(k), float(s), float(r)) for node, (k, s, r) in parts.items()}
    stratum, dimension, value = key
    return ResultCell(stratum, dimension, value, int(values.get("n", 0)), shown, answered, options, scores)
