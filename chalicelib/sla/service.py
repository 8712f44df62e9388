"""Use cases of deadlines: the working-day calendar (national) and each tenant's SLA policy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar

from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, ForbiddenError
from chalicelib.shared.permissions import CENTRAL_TENANT
from chalicelib.shared.tenancy import Principal

from .domain import (
    REMINDER_FRACTIONS,
    CalendarOverrides,
    CalendarYear,
    WorkingCalendar,
    check_overrides,
    check_year,
    fraction_point,
    local_time,
    years_spanned,
)
from .policy import SlaPolicy, check_limits
from .store import SlaStore

# Request intake asks for a deadline on every request: overrides and policies are kept this long in the process,
# so a change made on another instance is seen within a minute (a change made here is seen at once).
CACHE_TTL = timedelta(seconds=60)
T = TypeVar("T")


class SlaService:
    """The calendar deadlines are counted on, and the limits each tenant applies (Annex 2 §1)."""

    def __init__(self, *, store: SlaStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._cache: dict[tuple[str, str | int], tuple[datetime, object]] = {}

    def _cached(self, key: tuple[str, str | int], load: Callable[[], T]) -> T:
        now = self._clock.now()
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]  # type: ignore[return-value]
        value = load()
        self._cache[key] = (now + CACHE_TTL, value)
        return value

    def _saved(self, key: tuple[str, str | int], save: Callable[[], T]) -> T:
        """Run a write; remember what it saved, or forget the cached value when it lost a race (so a reload sees the winner)."""
        try:
            value = save()
        except ConflictError:
            self._cache.pop(key, None)
            raise
        self._cache[key] = (self._clock.now() + CACHE_TTL, value)
        return value

    def _overrides(self, year: int) -> CalendarOverrides:
        return self._cached(("calendar", year), lambda: self._store.overrides(year=year))

    def _calendar(self, years: range) -> WorkingCalendar:
        return WorkingCalendar(self._overrides(y) for y in years)

    def calendar(self, *, year: int) -> WorkingCalendar:
        """The working-day calendar of `year` and the year after (so a deadline may cross the year end)."""
        return self._calendar(range(check_year(year), year + 2))

    def due_at(self, *, tenant: str, limit_key: str, start: datetime) -> datetime:
        """When a step received at `start` is due under the tenant's policy (UTC)."""
        policy = self.policy(tenant=tenant)
        amount, unit = policy.amount(limit_key), policy.unit(limit_key)
        span = amount if unit == "working_days" else 0
        return self._calendar(years_spanned(local_time(start).year, span)).due(start, amount=amount, unit=unit)

    def add_working_days(self, *, start: datetime, days: int) -> datetime:
        """End of the `days`-th working day after the day of `start` (UTC); 0 is the same-day rule."""
        return self._calendar(years_spanned(local_time(start).year, days)).add_working_days(start, days)

    def reminder_points(self, *, start: datetime, due: datetime) -> tuple[datetime, ...]:
        """When to remind whoever holds a step that started at `start` and is due at `due` (50 % and 80 % of the time)."""
        return tuple(fraction_point(start, due, fraction) for fraction in REMINDER_FRACTIONS)

    def is_working_time(self, *, at: datetime) -> bool:
        """Whether a callback may be made at `at` (working day, inside a callback window)."""
        return self.calendar(year=local_time(at).year).is_working_time(at)

    def next_working_time(self, *, at: datetime) -> datetime:
        """The first callback-window instant at or after `at` (UTC)."""
        return self.calendar(year=local_time(at).year).next_working_time(at)

    def policy(self, *, tenant: str) -> SlaPolicy:
        """The tenant's limits: Annex 2 unless shortened."""
        return self._cached(("policy", tenant), lambda: self._store.policy(tenant=tenant))

    def set_policy(self, *, tenant: str, actor: Principal, limits: dict[str, int], version: int) -> SlaPolicy:
        """Replace the tenant's shortened limits (absent keys revert to Annex 2); a stale `version` is a 409, checked by the write."""
        checked = check_limits(limits)
        detail = {"limits": ",".join(f"{k}={v}" for k, v in sorted(checked.items())), "version": str(version)}
        event = AuditEvent(actor.username, "sla_policy.update", "sla_policy", tenant, self._clock.now(), detail)
        return self._saved(
            ("policy", tenant), lambda: self._store.save_policy(policy=SlaPolicy(tenant, checked, version), event=event)
        )

    def year(self, *, year: int) -> CalendarYear:
        """The year as the API shows it: days off, working weekend days, working days per month."""
        return self.calendar(year=year).year_view(year)

    def set_overrides(
        self,
        *,
        actor: Principal,
        year: int,
        days_off: Sequence[tuple[date, str]],
        working_days: Sequence[tuple[date, str]],
        version: int,
    ) -> CalendarYear:
        """Replace the year's substitutions decreed by the government (CCC only) if nobody changed them since `version`."""
        if actor.tenant != CENTRAL_TENANT:
            raise ForbiddenError("Chỉ Trung tâm CSKH được nhập lịch nghỉ, làm bù toàn quốc.")
        checked = check_overrides(check_year(year), days_off, working_days, version)
        detail = {"days_off": str(len(checked.days_off)), "working_days": str(len(checked.working_days)), "version": str(version)}
        event = AuditEvent(actor.username, "calendar.update", "calendar", str(year), self._clock.now(), detail)
        self._saved(("calendar", year), lambda: self._store.save_overrides(overrides=checked, event=event))
        return self.year(year=year)
