"""The satisfaction index's structure and each respondent's scores (seeds/004 §2: three angles; SIPAS). Pure.

The Ministry of Home Affairs' SIPAS method: a criterion's index is the share of "satisfied" or "very satisfied"
(4 or 5 on a 1–5 scale) among those who rated it; a factor's is the (weighted) mean of its criteria's, an angle's
the mean of its factors', the overall index the mean of the angles' (seeds/004: policy implementation, quality of
public services, protection of participants' rights). The tree is read from the tags of the questionnaire's Likert
questions (questionnaire.py: angle, factor, criterion); untagged Likert questions are not in the index.

A respondent's score at a node is the same average over what they rated: 1 or 0 per rated question, averaged into
the criterion, then weighted up. The composite nodes' confidence intervals come from these scores (a mean, t with
the finite-population correction); when every respondent rated every criterion, the mean of the scores equals the
SIPAS index exactly. Weights are per node (`{node key: weight}`, default 1), settable per survey.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .questionnaire import ANGLES, QuestionnaireVersion

SATISFIED = frozenset({"4", "5"})  # "Hài lòng", "Rất hài lòng"
OVERALL = "overall"
SATISFIED_ABOVE = 0.5  # a respondent is satisfied when most of what they rated (as the index weighs it) is 4 or 5
GENERAL_FACTOR = "Chung"  # the factor of a question tagged with an angle but no factor
WEIGHT_MAX = 100.0


@dataclass(frozen=True)
class Node:
    """One level of the index: the overall index, an angle, a factor, or a criterion and its questions."""

    key: str  # "overall", "angle:service", "factor:service|Thủ tục", "criterion:service|Thủ tục|Thời gian chờ"
    level: str  # overall | angle | factor | criterion
    label: str
    children: tuple[Node, ...] = ()
    questions: tuple[str, ...] = ()  # a criterion's Likert questions

    def walk(self) -> list[Node]:
        """This node and every node under it, parents first."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


def tree(version: QuestionnaireVersion) -> Node | None:
    """The index of a questionnaire version, in the order its questions come; None when no question is tagged."""
    grouped: dict[str, dict[str, dict[str, list[str]]]] = {}
    for q in version.content.questions():
        if q.kind != "likert" or not q.angle:
            continue
        factor = q.factor or GENERAL_FACTOR
        criterion = q.criterion or q.text
        grouped.setdefault(q.angle, {}).setdefault(factor, {}).setdefault(criterion, []).append(q.id)
    if not grouped:
        return None
    angles = []
    for angle in [a for a in ANGLES if a in grouped]:
        factors = []
        for factor, criteria in grouped[angle].items():
            leaves = tuple(
                Node(f"criterion:{angle}|{factor}|{name}", "criterion", name, questions=tuple(ids))
                for name, ids in criteria.items()
            )
            factors.append(Node(f"factor:{angle}|{factor}", "factor", factor, leaves))
        angles.append(Node(f"angle:{angle}", "angle", ANGLES[angle], tuple(factors)))
    return Node(OVERALL, "overall", "Chỉ số hài lòng chung", tuple(angles))


def weight_of(weights: Mapping[str, float], key: str) -> float:
    """A node's weight among its siblings (1 unless the survey set another)."""
    return float(weights.get(key, 1.0))


def weight_problems(root: Node | None, weights: Mapping[str, Any]) -> dict[str, str]:
    """The weights that are not a positive number up to WEIGHT_MAX for a node of the index."""
    known = {n.key for n in root.walk()} if root else set()
    problems: dict[str, str] = {}
    for key, value in weights.items():
        if key not in known or key == OVERALL:
            problems[key] = "unknown"
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= WEIGHT_MAX:
            problems[key] = "out_of_range"
    return problems


def respondent_scores(root: Node | None, answers: Mapping[str, Any], weights: Mapping[str, float]) -> dict[str, float]:
    """This respondent's score (0–1) at every factor, angle and the overall index they rated something under."""
    scores: dict[str, float] = {}

    def score(node: Node) -> float | None:
        if node.level == "criterion":
            rated = [str(answers[q]) in SATISFIED for q in node.questions if answers.get(q) not in (None, "")]
            return sum(rated) / len(rated) if rated else None
        parts = [(weight_of(weights, c.key), s) for c in node.children if (s := score(c)) is not None]
        if not parts:
            return None
        value = sum(w * s for w, s in parts) / sum(w for w, _ in parts)
        scores[node.key] = value
        return value

    if root is not None:
        score(root)
    return scores


def satisfied(scores: Mapping[str, float]) -> bool | None:
    """Whether the respondent counts as satisfied in the office's satisfaction rate (reports: "survey answers"):
    their overall SIPAS score — the index's weighted share of their ratings that are "hài lòng" or "rất hài lòng" —
    above one half, i.e. satisfied on the whole. seeds/004 "Ba là" sets the target as a share of people satisfied
    ("trên 80% người dân hài lòng"), so each respondent counts once, satisfied or not; None when they rated nothing
    in the index (a questionnaire without index questions counts no one)."""
    score = scores.get(OVERALL)
    return None if score is None else score > SATISFIED_ABOVE
