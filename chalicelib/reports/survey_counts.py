"""The survey answers' part of the satisfaction rate (issue 11: "satisfied ratings and survey answers over all given").

A counted survey answer — a respondent of an official round, or of the answer links, whose answers give them an
overall index score (what makes one satisfied is the survey's rule: surveys/index.py `satisfied`) — adds to its
tenant's counter items of the day it was submitted (Asia/Ho_Chi_Minh), its month, quarter and year, in the
submission's own transaction: `survey_rated` 1 and `survey_satisfied` 0 or 1, and the same under its round,
`survey_rated|round={survey}/{n}`, so that the `survey-results` job can recount one round's share of a day that other
rounds also counted in and set the total right (`repair`). The items and the `corr|` rule of a closed period are the
requests' (facts.py `difference`); the requests' recount (reconcile.py) leaves these counters alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Protocol

from .facts import NOTHING, SURVEY, Deltas, Facts, difference
from .periods import periods_of

RATED, SATISFIED = f"{SURVEY}rated", f"{SURVEY}satisfied"
ROUND = "|round="
Values = dict[str, int]


class Counters(Protocol):
    """The counter items (store.py; tests/fakes.py)."""

    def parts(self, *, tenant: str, key: str, values: Mapping[str, int]) -> list[tuple[Any, Any]]: ...

    def many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Values]: ...

    def adjust(self, *, tenant: str, deltas: Mapping[str, Mapping[str, int]]) -> None: ...


def source_of(survey_id: str, round_number: int) -> str:
    """The round an answer was counted under ("answer-links/1")."""
    return f"{survey_id}/{round_number}"


def answer_deltas(*, source: str, day: date, satisfied: bool) -> Deltas:
    """What one counted answer ADDs to each of its period items (a submission is today's: no period it counts in is
    closed, but the rule is the requests' own)."""
    n = int(satisfied)
    plain = {RATED: 1, f"{RATED}{ROUND}{source}": 1, SATISFIED: n, f"{SATISFIED}{ROUND}{source}": n}
    return difference(NOTHING, Facts(day, plain={k: v for k, v in plain.items() if v}), today=day)


def keys_of(days: Iterable[date]) -> list[str]:
    """The period items the days count in (each day, its month, quarter and year), each once."""
    return list(dict.fromkeys(p.key for d in days for p in periods_of(d)))


def repair(*, source: str, have: Mapping[str, Mapping[str, int]], found: Mapping[date, tuple[int, int]]) -> Deltas:
    """What to ADD to each item in `have` so that the round's counters equal `found` (day → answers rated, satisfied)
    and each total is the sum of its rounds'. Every day of the round's answers must be in `found` (0, 0 when none
    counted), and `have` must hold every item those days count in."""
    want: dict[str, Counter[str]] = {key: Counter() for key in have}
    for day, (rated, satisfied) in found.items():
        for period in periods_of(day):
            want[period.key].update({RATED: rated, SATISFIED: satisfied})
    deltas: Deltas = {}
    for key, values in have.items():
        changed: Values = {}
        for total in (RATED, SATISFIED):
            mine = f"{total}{ROUND}{source}"
            others = sum(v for n, v in values.items() if n.startswith(f"{total}{ROUND}") and n != mine)
            for name, target in ((mine, want[key][total]), (total, others + want[key][total])):
                if d := target - values.get(name, 0):
                    changed[name] = d
        if changed:
            deltas[key] = changed
    return deltas


class SurveyRatings:
    """The survey answers' counters: a submission's ADDs for its transaction, and a round's recount set right."""

    def __init__(self, *, store: Counters) -> None:
        self._store = store

    def updates(self, *, tenant: str, survey_id: str, round_number: int, day: date, satisfied: bool) -> list[tuple[Any, Any]]:
        """(item, actions) for the submission's transaction: one update per counter item (a period's totals and its
        per-round counters, store.py)."""
        deltas = answer_deltas(source=source_of(survey_id, round_number), day=day, satisfied=satisfied)
        return [
            part for key, values in sorted(deltas.items()) for part in self._store.parts(tenant=tenant, key=key, values=values)
        ]

    def read(self, *, tenant: str, days: Iterable[date]) -> dict[str, Values]:
        """The items the days count in (BatchGets)."""
        keys = keys_of(days)
        found = self._store.many((tenant, k) for k in keys)
        return {k: found[(tenant, k)] for k in keys}

    def fix(
        self,
        *,
        tenant: str,
        survey_id: str,
        round_number: int,
        have: Mapping[str, Mapping[str, int]],
        found: Mapping[date, tuple[int, int]],
    ) -> Deltas:
        """ADD what `repair` says (a submission's own ADD landing meanwhile commutes with it); what was changed."""
        deltas = repair(source=source_of(survey_id, round_number), have=have, found=found)
        self._store.adjust(tenant=tenant, deltas=deltas)
        return deltas
