"""What a statistics page or export is about: a period (day, month, quarter, year) or a chosen range of days (pure).

The page's period picker, the range API and the export job all read a selection the same way: `period=2026-05`
(any form `Period.parse` takes) or `from=2026-05-04&to=2026-05-20`; without either, the month of `today`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from chalicelib.shared.errors import MalformedError

from .periods import DAY, MONTH, QUARTER, YEAR, Period

RANGE = "R"
KIND_LABELS = {DAY: "Ngày", MONTH: "Tháng", QUARTER: "Quý", YEAR: "Năm", RANGE: "Khoảng ngày"}
BAD_DAY = "Ngày không hợp lệ: dùng dạng 2026-12-01."
MAX_DAYS = 366


@dataclass(frozen=True)
class Selection:
    """A period, or a range of days (`period` None) from `start` to `end` inclusive."""

    start: date
    end: date
    period: Period | None = None

    @property
    def kind(self) -> str:
        """D, M, Q, Y or R."""
        return self.period.kind if self.period else RANGE

    @property
    def year(self) -> int:
        """The year whose targets the figures are held against: the year the selection starts."""
        return self.start.year

    @property
    def label(self) -> str:
        """Vietnamese: "tháng 05/2026", "từ 04/05/2026 đến 20/05/2026"."""
        return self.period.label if self.period else f"từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    def params(self) -> dict[str, str]:
        """As a query or a job's parameters."""
        return {"period": self.period.text} if self.period else {"from": self.start.isoformat(), "to": self.end.isoformat()}

    def query(self, **extra: str) -> str:
        """As a URL query string ("period=2026-05")."""
        return urlencode({**self.params(), **extra})

    def previous(self) -> Selection | None:
        """The period before (a range has none)."""
        return of_period(self.period.previous()) if self.period else None

    def next(self) -> Selection | None:
        """The period after (a range has none)."""
        return of_period(self.period.next()) if self.period else None

    def trend_end(self) -> Period:
        """The last month of the trend shown beside the figures: the selection's last month."""
        return Period.month(self.end)


def of_period(period: Period) -> Selection:
    """A period as a selection."""
    return Selection(period.start, period.end, period)


def day_of(text: str, field: str) -> date:
    """A day typed as 2026-12-01 (400 `bad_range` naming the field otherwise)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise MalformedError(BAD_DAY, code="bad_range", fields={field: "invalid"}) from None


def days(start_text: str, end_text: str) -> Selection:
    """A range of days: `from` not after `to`, at most 366 days."""
    start, end = day_of(start_text, "from"), day_of(end_text, "to")
    if end < start:
        raise MalformedError("Ngày kết thúc trước ngày bắt đầu.", code="bad_range", fields={"to": "before_from"})
    if (end - start).days + 1 > MAX_DAYS:
        raise MalformedError("Khoảng ngày quá dài (tối đa 366 ngày).", code="range_too_long", fields={"to": "too_far"})
    return Selection(start, end)


def select(query: Mapping[str, str], today: date) -> Selection:
    """The selection a page's query asks for: `from`/`to`, else `period`, else `kind` around today, else this month."""
    start, end = (query.get("from") or "").strip(), (query.get("to") or "").strip()
    if start or end:
        return days(start or end, end or start)
    text = (query.get("period") or "").strip()
    if text:
        return of_period(Period.parse(text))
    kind = query.get("kind", MONTH)
    if kind == RANGE:
        return Selection(today.replace(day=1), today)
    return of_period(Period.of(kind if kind in (DAY, MONTH, QUARTER, YEAR) else MONTH, today))
