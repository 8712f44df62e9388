"""Reporting periods: a day, a month, a quarter or a year in Vietnam's time (pure).

A period names its counter item (`D#2026-12-01`, `M#2026-12`, `Q#2026-4`, `Y#2026`). A month, quarter or year is
*closed* once it has ended in local time (issue 11: "figures are closed once the period ends"); a day never is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from chalicelib.shared.errors import MalformedError

DAY, MONTH, QUARTER, YEAR = "D", "M", "Q", "Y"
_FORMS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), DAY),
    (re.compile(r"^(\d{4})-(\d{2})$"), MONTH),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), QUARTER),
    (re.compile(r"^(\d{4})$"), YEAR),
)
FIRST_YEAR, LAST_YEAR = 2000, 2099
BAD_PERIOD = "Kỳ báo cáo không hợp lệ: dùng 2026-12-01 (ngày), 2026-12 (tháng), 2026-Q4 (quý) hoặc 2026 (năm)."


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period from `start` (first day) to `end` (last day), both inclusive."""

    start: date
    end: date
    kind: str

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026-12-01" | "2026-12" | "2026-Q4" | "2026"; anything else is a 400 `bad_period`."""
        for pattern, kind in _FORMS:
            found = pattern.match(text.strip())
            if found is None:
                continue
            numbers = [int(g) for g in found.groups()]
            try:
                if not FIRST_YEAR <= numbers[0] <= LAST_YEAR:
                    raise ValueError(text)
                if kind == DAY:
                    return cls.day(date(*numbers))
                if kind == MONTH:
                    return cls.month(date(numbers[0], numbers[1], 1))
                if kind == QUARTER:
                    return cls.quarter(date(numbers[0], 3 * numbers[1] - 2, 1))
                return cls.year(date(numbers[0], 1, 1))
            except ValueError:
                break
        raise MalformedError(BAD_PERIOD, code="bad_period", fields={"period": "invalid"})

    @classmethod
    def day(cls, day: date) -> Period:
        """The day itself."""
        return cls(day, day, DAY)

    @classmethod
    def month(cls, day: date) -> Period:
        """The month of `day`."""
        first = day.replace(day=1)
        return cls(first, _next_month(first) - timedelta(days=1), MONTH)

    @classmethod
    def quarter(cls, day: date) -> Period:
        """The quarter of `day`."""
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return cls(first, _next_month(_next_month(_next_month(first))) - timedelta(days=1), QUARTER)

    @classmethod
    def year(cls, day: date) -> Period:
        """The year of `day`."""
        return cls(date(day.year, 1, 1), date(day.year, 12, 31), YEAR)

    @property
    def key(self) -> str:
        """The counter item's sort key."""
        if self.kind == DAY:
            return f"D#{self.start.isoformat()}"
        if self.kind == MONTH:
            return f"M#{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"Q#{self.start.year}-{(self.start.month + 2) // 3}"
        return f"Y#{self.start.year}"

    @property
    def text(self) -> str:
        """The period as the API writes it ("2026-12", "2026-Q4")."""
        return {DAY: self.start.isoformat(), MONTH: f"{self.start:%Y-%m}", YEAR: str(self.start.year)}.get(
            self.kind, f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        )

    @property
    def label(self) -> str:
        """Vietnamese: "ngày 01/12/2026", "tháng 12/2026", "quý IV/2026", "năm 2026"."""
        if self.kind == DAY:
            return f"ngày {self.start:%d/%m/%Y}"
        if self.kind == MONTH:
            return f"tháng {self.start:%m/%Y}"
        if self.kind == QUARTER:
            return f"quý {('I', 'II', 'III', 'IV')[(self.start.month - 1) // 3]}/{self.start.year}"
        return f"năm {self.start.year}"

    def closed(self, today: date) -> bool:
        """Whether its figures are closed: a month, quarter or year that has ended (days never close)."""
        return self.kind != DAY and self.end < today

    def previous(self) -> Period:
        """The period just before, of the same kind."""
        return self.of(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period:
        """The period just after, of the same kind."""
        return self.of(self.kind, self.end + timedelta(days=1))

    @classmethod
    def of(cls, kind: str, day: date) -> Period:
        """The period of `kind` holding `day`."""
        return {DAY: cls.day, MONTH: cls.month, QUARTER: cls.quarter, YEAR: cls.year}[kind](day)

    def days(self) -> list[date]:
        """Every day of the period."""
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def periods_of(day: date) -> tuple[Period, ...]:
    """The four periods a day's figures count in: the day, its month, quarter and year."""
    return (Period.day(day), Period.month(day), Period.quarter(day), Period.year(day))


def between(first: Period, last: Period) -> list[Period]:
    """`first`, its successors, up to `last` (same kind; at most 366)."""
    if first.kind != last.kind or last < first:
        raise MalformedError("Khoảng kỳ không hợp lệ.", code="bad_range", fields={"to": "before_from"})
    found = [first]
    while found[-1] < last:
        if len(found) >= 366:
            raise MalformedError("Khoảng kỳ quá dài (tối đa 366 kỳ).", code="range_too_long", fields={"to": "too_far"})
        found.append(found[-1].next())
    return found


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)
