"""A tenant's SLA policy: the Annex 2 §1 limits, of which a tenant may shorten the ones counted in time (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.shared.errors import RuleViolationError

from .annex2 import ANNEX2_LIMITS, LIMIT_BY_KEY, Limit

# Only limits counted in time can be shortened; rings, "daily" and "at once" are not amounts of time a tenant sets.
ADJUSTABLE_UNITS = ("minutes", "working_days")
# The least sensible value: a call record cannot be due 0 minutes after the call, while 0 working days is the
# same-day rule (WorkingCalendar.same_day), a legitimate way to shorten e.g. a relay step.
MINIMUM = {"minutes": 1, "working_days": 0}
ADJUSTABLE: tuple[Limit, ...] = tuple(lim for lim in ANNEX2_LIMITS if lim.unit in ADJUSTABLE_UNITS)

_MESSAGES = {
    "unknown_limit": "Không có thời hạn này trong Phụ lục 2.",
    "limit_not_adjustable": "Thời hạn này không điều chỉnh được (chỉ điều chỉnh thời hạn tính bằng phút hoặc ngày làm việc).",
    "limit_too_small": "Thời hạn quá ngắn: số phút phải từ 1 trở lên, số ngày làm việc từ 0 trở lên.",
    "limit_too_long": "Thời hạn không được dài hơn mức tối đa của Phụ lục 2; đơn vị chỉ được rút ngắn.",
}


def annex2_limit(key: str) -> Limit:
    """The Annex 2 limit of a key; an unknown key is a 422."""
    limit = LIMIT_BY_KEY.get(key)
    if limit is None:
        raise RuleViolationError(_MESSAGES["unknown_limit"], code="unknown_limit", fields={"limit_key": "unknown"})
    return limit


@dataclass(frozen=True)
class SlaPolicy:
    """The limits a tenant applies: Annex 2 unless the tenant set a shorter one (`custom`)."""

    tenant: str
    custom: Mapping[str, int] = field(default_factory=dict)
    version: int = 0

    def amount(self, key: str) -> int:
        """The tenant's amount for a limit (its own if set, else Annex 2's)."""
        return self.custom.get(key, annex2_limit(key).amount)

    def unit(self, key: str) -> str:
        """The unit of a limit: minutes, working_days, immediate, rings or daily."""
        return annex2_limit(key).unit

    @property
    def limits(self) -> dict[str, int]:
        """Every adjustable limit with the amount the tenant applies."""
        return {lim.key: self.amount(lim.key) for lim in ADJUSTABLE}


def _problem(key: str, amount: int) -> tuple[str, str] | None:
    limit = LIMIT_BY_KEY.get(key)
    if limit is None:
        return "unknown_limit", "unknown"
    if limit.unit not in ADJUSTABLE_UNITS:
        return "limit_not_adjustable", "not_adjustable"
    if amount < MINIMUM[limit.unit]:
        return "limit_too_small", "too_small"
    if amount > limit.amount:  # Annex 2 §1 "Ghi chú": limits may be shortened, never exceeded
        return "limit_too_long", "too_long"
    return None


def check_limits(limits: Mapping[str, int]) -> dict[str, int]:
    """A tenant's limits if every one is a known, adjustable Annex 2 limit no longer than Annex 2 allows."""
    code = ""
    fields: dict[str, str] = {}
    for key, amount in limits.items():
        problem = _problem(key, amount)
        if problem:
            code = code or problem[0]
            fields[f"limits.{key}"] = problem[1]
    if fields:
        raise RuleViolationError(_MESSAGES[code], code=code, fields=fields)
    return dict(limits)
