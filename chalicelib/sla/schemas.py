"""Calendar and SLA policy at the edge."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import Field, StrictInt

from chalicelib.shared.fields import Identifier, Line, QueryInstant, QueryInt, Version
from chalicelib.shared.lazy import lazy
from chalicelib.shared.schema import BaseModel, Input

from .law import MarkedDay

if TYPE_CHECKING:
    from . import annex2
    from . import policy as sla_policy
    from .domain import CalendarYear
    from .policy import SlaPolicy
else:
    annex2 = lazy("chalicelib.sla.annex2")
    sla_policy = lazy("chalicelib.sla.policy")


class CalendarDayRead(BaseModel):
    """A non-working weekday or a working weekend day; `source` is "law" (holidays) or "decree" (overrides)."""

    date: dt.date
    name: str
    source: str


class OverrideDay(Input):
    """A date the government moved (yyyy-mm-dd), with its name as the decree gives it."""

    date: dt.date
    name: Line = Field(default="", max_length=120)


class OverridesRead(BaseModel):
    """The year's overrides as entered by the CCC."""

    days_off: list[OverrideDay]
    working_days: list[OverrideDay]


class MonthRead(BaseModel):
    """Working days of one month."""

    month: int
    working_days: int


class CalendarYearRead(BaseModel):
    """A year as deadlines count it."""

    year: int
    version: int
    days_off: list[CalendarDayRead]
    working_weekend_days: list[CalendarDayRead]
    months: list[MonthRead]
    working_days_total: int
    overrides: OverridesRead


class CalendarUpdate(Input):
    """The government's substitutions of a year (replaces what was entered); `version` is the one read."""

    version: Version
    days_off: list[OverrideDay] = Field(default_factory=list, max_length=60)
    working_days: list[OverrideDay] = Field(default_factory=list, max_length=60)


class WorkingDaysQuery(Input):
    """A start instant with its offset and a number of working days."""

    start: QueryInstant
    days: QueryInt = Field(ge=0, le=366)


class WorkingDaysRead(BaseModel):
    """The due instant: end (17:00 local) of the `days`-th working day after the start's day."""

    start: dt.datetime
    days: int
    due_at: dt.datetime


class SlaLimitRead(BaseModel):
    """One Annex 2 §1 limit with the amount the tenant applies."""

    key: str
    channel: str
    label: str
    unit: str
    annex2_amount: int
    amount: int
    adjustable: bool
    ref: str


class SlaPolicyRead(BaseModel):
    """The tenant's limits; `limits` holds the adjustable ones by key."""

    tenant: str
    version: int
    limits: dict[str, int]
    items: list[SlaLimitRead]


class SlaPolicyUpdate(Input):
    """The tenant's shortened limits by key (a key left out reverts to Annex 2); `version` is the one read."""

    version: Version
    limits: dict[Identifier, StrictInt] = Field(max_length=40)


def _day(day: MarkedDay) -> CalendarDayRead:
    return CalendarDayRead(date=day.day, name=day.name, source=day.source)


def calendar_year_read(view: CalendarYear) -> CalendarYearRead:
    """The API view of a year."""
    overrides = view.overrides
    return CalendarYearRead(
        year=view.year,
        version=view.version,
        days_off=[_day(d) for d in view.days_off],
        working_weekend_days=[_day(d) for d in view.working_weekend_days],
        months=[MonthRead(month=i + 1, working_days=n) for i, n in enumerate(view.working_days_per_month)],
        working_days_total=sum(view.working_days_per_month),
        overrides=OverridesRead(
            days_off=[OverrideDay(date=d.day, name=d.name) for d in overrides.days_off],
            working_days=[OverrideDay(date=d.day, name=d.name) for d in overrides.working_days],
        ),
    )


def policy_read(policy: SlaPolicy) -> SlaPolicyRead:
    """The API view of a tenant's policy, every Annex 2 limit listed."""
    items = [
        SlaLimitRead(
            key=lim.key,
            channel=lim.channel,
            label=lim.label,
            unit=lim.unit,
            annex2_amount=lim.amount,
            amount=policy.amount(lim.key),
            adjustable=lim.unit in sla_policy.ADJUSTABLE_UNITS,
            ref=lim.ref,
        )
        for lim in annex2.ANNEX2_LIMITS
    ]
    return SlaPolicyRead(tenant=policy.tenant, version=policy.version, limits=policy.limits, items=items)
