"""The daily tally of a survey (Art. 8 step 2: done vs planned) and its response rates — pure, time passed in.

A member's statuses are cumulative *events*, each counted once per member: `advance` closes an event over what it
implies (a completion means the member was also started, opened, delivered, invited, planned) and returns the
counters to add. Beside the event counters, each member sits in exactly one AAPOR disposition (Standard
Definitions, 10th ed.), so the rates need no scan and never double-count a member who, say, started and then refused:

| our statuses (highest first)              | AAPOR disposition                          | counter    |
|-------------------------------------------|--------------------------------------------|------------|
| ineligible                                | 4.0 not eligible — out of the denominator  | `aapor_NE` |
| completed                                 | 1.1 complete interview (I)                 | `aapor_I`  |
| refused (before or after starting)        | 2.11/2.12 refusal and break-off (R)        | `aapor_R`  |
| started, not completed                    | 1.2 partial interview (P)                  | `aapor_P`  |
| delivered or opened, not answered         | 2.20 non-contact / no answer (NC)          | `aapor_NC` |
| planned, invited, unreachable, undelivered| 3.x unknown eligibility (UH + UO)          | `aapor_U`  |

`replaced` is recorded but moves no disposition: AAPOR keeps a substituted case in its own disposition, and the
reserve that replaces it enters as a new `planned` member. "Other" (O) has no status of ours and is 0.
RR1 = I / ((I+P) + (R+NC+O) + (UH+UO)); RR3 = I / ((I+P) + (R+NC+O) + e·(UH+UO)) with
e = eligible / (eligible + ineligible) among the cases whose eligibility is known (I+P+R+NC vs NE).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from chalicelib.shared.clock import to_local

STATUSES = (
    "planned",
    "invited",
    "delivered",
    "opened",
    "started",
    "completed",
    "refused",
    "unreachable",
    "replaced",
    "ineligible",
)
DISPOSITIONS = ("NE", "I", "R", "P", "NC", "U")  # highest first
COUNTERS = (*STATUSES, *(f"aapor_{d}" for d in DISPOSITIONS))
OVERALL = "*"  # the stratum key of the sums

_IMPLIES: dict[str, str | None] = {
    "planned": None,
    "invited": "planned",
    "delivered": "invited",
    "opened": "delivered",
    "started": "opened",
    "completed": "started",
    "refused": "planned",
    "unreachable": "planned",
    "replaced": "planned",
    "ineligible": "planned",
}


class UnknownStatusError(ValueError):
    """A status the tally does not know (a programming error, not a user's)."""


def reached_with(reached: Iterable[str], event: str) -> frozenset[str]:
    """The member's events after `event`, with everything it implies."""
    if event not in _IMPLIES:
        raise UnknownStatusError(event)
    found = set(reached)
    step: str | None = event
    while step is not None:
        found.add(step)
        step = _IMPLIES[step]
    return frozenset(found)


def disposition(reached: Iterable[str]) -> str | None:
    """The member's AAPOR disposition (the table above), or None before it is planned."""
    events = set(reached)
    if not events:
        return None
    if "ineligible" in events:
        return "NE"
    if "completed" in events:
        return "I"
    if "refused" in events:
        return "R"
    if "started" in events:
        return "P"
    if events & {"delivered", "opened"}:
        return "NC"
    return "U"


@dataclass(frozen=True)
class Step:
    """What an event does to one member: its events afterwards and the counters to add (a disposition moves by ±1)."""

    reached: frozenset[str]
    counts: dict[str, int]


def advance(reached: Iterable[str], event: str) -> Step:
    """Record `event` for a member who has `reached` these events: only what is new is counted (retries add nothing)."""
    before = frozenset(reached)
    after = reached_with(before, event)
    counts = {s: 1 for s in STATUSES if s in after - before}
    old, new = disposition(before), disposition(after)
    if old != new:
        if old is not None:
            counts[f"aapor_{old}"] = -1
        counts[f"aapor_{new}"] = 1
    return Step(after, counts)


def tally_day(at: datetime) -> date:
    """The day an event is counted on: Vietnam's date."""
    return to_local(at).date()


@dataclass(frozen=True)
class Tally:
    """Counters of one stratum (or their sums), with the response rates they give."""

    stratum: str
    counts: Mapping[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return int(self.counts.get(name, 0))

    def _d(self, name: str) -> int:
        return self[f"aapor_{name}"]

    @property
    def eligible_share(self) -> float | None:
        """e: the eligible share among the cases whose eligibility is known (None when none is known)."""
        eligible = self._d("I") + self._d("P") + self._d("R") + self._d("NC")
        known = eligible + self._d("NE")
        return eligible / known if known else None

    @property
    def rr1(self) -> float | None:
        """AAPOR RR1: completes over every case that may be eligible (unknowns counted in full)."""
        denominator = self._d("I") + self._d("P") + self._d("R") + self._d("NC") + self._d("U")
        return self._d("I") / denominator if denominator else None

    @property
    def rr3(self) -> float | None:
        """AAPOR RR3: as RR1, but only the estimated eligible share e of the unknowns in the denominator."""
        e = self.eligible_share
        if e is None:
            return None
        denominator = self._d("I") + self._d("P") + self._d("R") + self._d("NC") + e * self._d("U")
        return self._d("I") / denominator if denominator else None


def total(tallies: Iterable[Tally], stratum: str = OVERALL) -> Tally:
    """The sums of several tallies (the overall row, or a national survey's parts)."""
    sums: dict[str, int] = {}
    for t in tallies:
        for name, value in t.counts.items():
            sums[name] = sums.get(name, 0) + int(value)
    return Tally(stratum, sums)


@dataclass(frozen=True)
class DayCount:
    """The events of one stratum on one day (Vietnam's date)."""

    day: date
    stratum: str
    counts: Mapping[str, int]


@dataclass(frozen=True)
class SurveyTally:
    """A survey's tally: a row per stratum, the overall sums, and the events by day (all strata)."""

    survey_id: str
    strata: list[Tally]
    days: list[DayCount]

    @property
    def overall(self) -> Tally:
        """The sums over the strata."""
        return total(self.strata)

    def daily(self, names: Sequence[str], *, through: date | None = None) -> tuple[list[date], dict[str, list[int]]]:
        """Each day from the first counted to `through` (or the last counted), and each event's running total."""
        per_day: dict[date, dict[str, int]] = {}
        for d in self.days:
            bucket = per_day.setdefault(d.day, {})
            for name in names:
                bucket[name] = bucket.get(name, 0) + int(d.counts.get(name, 0))
        if not per_day:
            return [], {name: [] for name in names}
        first, last = min(per_day), max([*per_day, *([through] if through else [])])
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        running = {name: 0 for name in names}
        series: dict[str, list[int]] = {name: [] for name in names}
        for day in days:
            for name in names:
                running[name] += per_day.get(day, {}).get(name, 0)
                series[name].append(running[name])
        return days, series


def combine(survey_id: str, parts: Iterable[SurveyTally]) -> SurveyTally:
    """A national survey's tally from its provinces' parts (strata keep their own keys)."""
    strata: dict[str, list[Tally]] = {}
    days: list[DayCount] = []
    for part in parts:
        for t in part.strata:
            strata.setdefault(t.stratum, []).append(t)
        days.extend(part.days)
    return SurveyTally(survey_id, [total(ts, key) for key, ts in sorted(strata.items())], days)


class TallyStore(Protocol):
    """Where a survey part's counters live (surveys/tally_store.py; tests/fakes.py `FakeTallyStore`)."""

    def increments(self, *, tenant: str, survey_id: str, stratum: str, day: date, counts: Mapping[str, int]) -> Sequence[object]:
        """Parts of the caller's transaction that add `counts` (`advance(...).counts`) to the stratum and its day."""
        ...

    def add(
        self, *, tenant: str, survey_id: str, stratum: str, day: date, counts: Mapping[str, int], event_id: str, at: datetime
    ) -> bool:
        """Count a system event once by its id; False when it was already counted."""
        ...

    def read(self, *, tenant: str, survey_id: str) -> SurveyTally:
        """The part's tally: O(strata × days) items."""
        ...
