"""The survey tally at the edge: counters per stratum and overall, AAPOR response rates, the events by day."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from chalicelib.shared.schema import BaseModel

if TYPE_CHECKING:
    from .tally import SurveyTally, Tally


DAILY = ("invited", "completed")


class TallyRowRead(BaseModel):
    """One stratum's counters (or the overall sums, stratum `*`) and its response rates (0–1; null before any case)."""

    stratum: str
    planned: int
    invited: int
    delivered: int
    opened: int
    started: int
    completed: int
    refused: int
    unreachable: int
    replaced: int
    ineligible: int
    rr1: float | None
    rr3: float | None
    eligible_share: float | None

    @classmethod
    def of(cls, tally: Tally) -> TallyRowRead:
        """The read model of one tally."""
        return cls(
            stratum=tally.stratum,
            planned=tally["planned"],
            invited=tally["invited"],
            delivered=tally["delivered"],
            opened=tally["opened"],
            started=tally["started"],
            completed=tally["completed"],
            refused=tally["refused"],
            unreachable=tally["unreachable"],
            replaced=tally["replaced"],
            ineligible=tally["ineligible"],
            rr1=tally.rr1,
            rr3=tally.rr3,
            eligible_share=tally.eligible_share,
        )


class TallyDayRead(BaseModel):
    """Running totals at the end of one day (Vietnam's date), all strata."""

    day: date
    invited: int
    completed: int


class TallyRead(BaseModel):
    """A survey's daily tally (Art. 8 step 2): per stratum, overall, and by day."""

    survey_id: str
    strata: list[TallyRowRead]
    overall: TallyRowRead
    days: list[TallyDayRead]

    @classmethod
    def of(cls, tally: SurveyTally, *, through: date | None = None) -> TallyRead:
        """The read model of a survey's tally, its daily series running to `through` (today) when given."""
        days, series = tally.daily(DAILY, through=through)
        return cls(
            survey_id=tally.survey_id,
            strata=[TallyRowRead.of(t) for t in sorted(tally.strata, key=lambda t: t.stratum)],
            overall=TallyRowRead.of(tally.overall),
            days=[
                TallyDayRead(day=d, invited=series["invited"][i], completed=series["completed"][i]) for i, d in enumerate(days)
            ],
        )
