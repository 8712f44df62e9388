"""The working-day calendar and the deadline rules of Annex 2 §1 (pure: no AWS, no clock; time is passed in)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from chalicelib.shared.clock import VN_TZ
from chalicelib.shared.errors import MalformedError, RuleViolationError

from .annex2 import CALLBACK_WINDOWS
from .law import SOURCE_DECREE, SOURCE_LAW, MarkedDay, law_days_off, law_working_days

# A working day ends at 17:00 local time. State offices keep 07:30/08:00–16:30/17:00 hours; the later close is
# taken so that a deadline never falls before the office shuts, and it is where the last callback window of
# sla/annex2.py CALLBACK_WINDOWS ends. Annex 2 §1 counts whole working days: "N working days" means by
# the end of the Nth working day, so every such deadline is an instant at this time of day.
END_OF_WORKING_DAY = time(17, 0)
# How far to look for a working day before deciding the calendar is broken (Tết plus weekends is ~9 days).
_SEARCH_DAYS = 60
UNIT_MINUTES = "minutes"
UNIT_WORKING_DAYS = "working_days"
SAME_DAY_UNITS = ("immediate", "daily")
# Years the calendar can be asked about: the holidays package has the lunar calendar up to 2100 only.
FIRST_YEAR, LAST_YEAR = 2000, 2099


@dataclass(frozen=True)
class CalendarOverrides:
    """One year's substitutions decided by the government (days off moved, make-up working days), as the CCC enters them."""

    year: int
    days_off: tuple[MarkedDay, ...] = ()
    working_days: tuple[MarkedDay, ...] = ()
    version: int = 0


@dataclass(frozen=True)
class CalendarYear:
    """A year as deadlines count it: non-working weekdays, working weekend days, working days per month."""

    year: int
    days_off: tuple[MarkedDay, ...]
    working_weekend_days: tuple[MarkedDay, ...]
    working_days_per_month: tuple[int, ...]
    overrides: CalendarOverrides

    @property
    def version(self) -> int:
        """The version of the year's overrides (0 while none were entered)."""
        return self.overrides.version


def check_overrides(
    year: int, days_off: Sequence[tuple[date, str]], working_days: Sequence[tuple[date, str]], version: int = 0
) -> CalendarOverrides:
    """Validate a year's overrides: dates in that year, each at most once, never both off and working."""
    fields: dict[str, str] = {}
    code = ""
    seen: dict[date, str] = {}
    for kind, entries in (("days_off", days_off), ("working_days", working_days)):
        for index, (day, _name) in enumerate(entries):
            problem = ""
            if day.year != year:
                problem, code = "outside_year", code or "date_outside_year"
            elif day in seen:
                both = seen[day] != kind
                problem = "both_off_and_working" if both else "duplicate"
                code = code or ("day_both_off_and_working" if both else "duplicate_day")
            seen.setdefault(day, kind)
            if problem:
                fields[f"{kind}.{index}"] = problem
    if fields:
        raise RuleViolationError(_OVERRIDE_MESSAGES[code].format(year=year), code=code, fields=fields)

    def marked(entries: Sequence[tuple[date, str]], default: str) -> tuple[MarkedDay, ...]:
        return tuple(sorted(MarkedDay(d, n.strip() or default, SOURCE_DECREE) for d, n in entries))

    return CalendarOverrides(year, marked(days_off, "Ngày nghỉ"), marked(working_days, "Ngày làm việc bù"), version)


_OVERRIDE_MESSAGES = {
    "date_outside_year": "Ngày điều chỉnh phải thuộc năm {year}.",
    "duplicate_day": "Một ngày chỉ được nhập một lần.",
    "day_both_off_and_working": "Một ngày không thể vừa là ngày nghỉ vừa là ngày làm việc bù.",
}


def check_year(year: int) -> int:
    """A year the calendar can be shown and edited for (2000–2099)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RuleViolationError(
            f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}.", code="year_out_of_range", fields={"year": "out_of_range"}
        )
    return year


def local_time(at: datetime) -> datetime:
    """The instant in Vietnam's time zone; a naive datetime is refused (its zone would be a guess)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise MalformedError("Thời điểm phải có múi giờ (ví dụ +07:00).", code="naive_datetime")
    return at.astimezone(VN_TZ)


def end_of_day(day: date) -> datetime:
    """End of a working day (17:00 local), in UTC."""
    return datetime.combine(day, END_OF_WORKING_DAY, VN_TZ).astimezone(UTC)


def years_spanned(start_year: int, working_days: int) -> range:
    """The years a count of working days can reach from a start year (every year has well over 200 working days)."""
    return range(check_year(start_year), min(start_year + 2 + max(working_days, 0) // 200, LAST_YEAR + 2))


REMINDER_FRACTIONS = (0.5, 0.8)  # the product's reminders; Annex 2 sets the deadlines, not when to nudge


def fraction_point(start: datetime, due: datetime, fraction: float) -> datetime:
    """The instant `fraction` of the way from start to due, for reminders (wall-clock interpolation)."""
    # Plain wall-clock interpolation: nights, weekends and holidays count like office hours, so a "75 %" reminder
    # of a Monday deadline may fall on the weekend before it. Good enough for a nudge; deadlines themselves are exact.
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be between 0 and 1")
    return (start + (due - start) * fraction).astimezone(UTC)


class WorkingCalendar:
    """Working days of the years it was built for: weekends and public holidays off, the government's overrides on top."""

    # Precedence for a date: an override (decree) wins over the law (holidays package), which wins over the weekend.

    def __init__(self, overrides: Iterable[CalendarOverrides]) -> None:
        self._overrides = {o.year: o for o in overrides}
        self._marks: dict[date, tuple[bool, MarkedDay]] = {}
        for year in sorted(self._overrides):
            self._mark(law_days_off(year), working=False)
            self._mark(law_working_days(year), working=True)
        for o in self._overrides.values():
            self._mark(o.days_off, working=False)
            self._mark(o.working_days, working=True)

    def _mark(self, days: Iterable[MarkedDay], *, working: bool) -> None:
        for day in days:
            self._marks[day.day] = (working, day)

    @property
    def years(self) -> tuple[int, ...]:
        """The years this calendar knows, overrides included."""
        return tuple(sorted(self._overrides))

    def _status(self, day: date) -> tuple[bool, MarkedDay | None]:
        if day.year not in self._overrides:
            raise RuleViolationError(
                f"Lịch làm việc chỉ có các năm {', '.join(map(str, self.years))}; không tính được ngày {day:%d/%m/%Y}.",
                code="outside_calendar",
            )
        working, mark = self._marks.get(day, (day.weekday() < 5, None))
        return working, mark

    def is_working_day(self, day: date) -> bool:
        """Whether the date is a working day (Mon–Fri unless a holiday or a decreed day off; a make-up Saturday is)."""
        return self._status(day)[0]

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after the date."""
        for _ in range(_SEARCH_DAYS):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError(f"no working day within {_SEARCH_DAYS} days after {day.isoformat()}")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """End of the Nth working day after the day of receipt, in UTC (Annex 2 §1; DOMAIN.md §2 "Deadlines")."""
        # The day of receipt never counts, whatever the hour: received Monday (even at 18:00) → 1 working day is
        # Tuesday 17:00; received on a Saturday or a holiday → counting starts at the next working day, so 1 working
        # day is the end of that day. Zero days is the same-day rule of `same_day`.
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return self.same_day(start)
        day = local_time(start).date()
        for _ in range(days):
            day = self.next_working_day(day)
        return end_of_day(day)

    def same_day(self, start: datetime) -> datetime:
        """Annex 2 §1 "trả lời ngay": end of the day of receipt if it is a working day before 17:00, else of the next one."""
        local = local_time(start)
        if self.is_working_day(local.date()) and local.time() < END_OF_WORKING_DAY:
            return end_of_day(local.date())
        return end_of_day(self.next_working_day(local.date()))

    def due(self, start: datetime, *, amount: int, unit: str) -> datetime:
        """The due instant of a limit of `amount` `unit`s received at `start` (UTC)."""
        if unit == UNIT_MINUTES:  # Annex 2 §1 I.2: the call record, 5 minutes of wall-clock time after the call
            local_time(start)
            return (start + timedelta(minutes=amount)).astimezone(UTC)
        if unit == UNIT_WORKING_DAYS:
            return self.add_working_days(start, amount)
        if unit in SAME_DAY_UNITS:  # "ngay" (at once) and "hàng ngày" (collected daily): by the end of the working day
            return self.same_day(start)
        raise RuleViolationError("Thời hạn này không tính bằng thời gian (ví dụ: số hồi chuông).", code="not_a_time_limit")

    def is_working_time(self, at: datetime, windows: Sequence[tuple[time, time]] = CALLBACK_WINDOWS) -> bool:
        """Whether a callback may be made now: a working day and inside a window (Annex 1 §2.1; end exclusive)."""
        local = local_time(at)
        return self.is_working_day(local.date()) and any(s <= local.time() < e for s, e in windows)

    def next_working_time(self, at: datetime, windows: Sequence[tuple[time, time]] = CALLBACK_WINDOWS) -> datetime:
        """The first instant at or after `at` that is working time (UTC)."""
        if self.is_working_time(at, windows):
            return at.astimezone(UTC)
        local = local_time(at)
        day = local.date()
        for _ in range(_SEARCH_DAYS):
            if self.is_working_day(day):
                for begin, _end in sorted(windows):
                    candidate = datetime.combine(day, begin, VN_TZ)
                    if candidate > local:
                        return candidate.astimezone(UTC)
            day += timedelta(days=1)
        raise ValueError(f"no working time within {_SEARCH_DAYS} days after {at.isoformat()}")

    def year_view(self, year: int) -> CalendarYear:
        """The year as the API and the console show it."""
        days_off: list[MarkedDay] = []
        weekend_work: list[MarkedDay] = []
        per_month = [0] * 12
        day = date(year, 1, 1)
        while day.year == year:
            working, mark = self._status(day)
            per_month[day.month - 1] += working
            weekday = day.weekday() < 5
            if weekday != working:  # a non-working weekday or a working weekend day always carries a mark
                (days_off if weekday else weekend_work).append(mark or MarkedDay(day, "", SOURCE_LAW))
            day += timedelta(days=1)
        return CalendarYear(year, tuple(days_off), tuple(weekend_work), tuple(per_month), self._overrides[year])
