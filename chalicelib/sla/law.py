"""Vietnamese public holidays as the `holidays` package knows them (Labor Code 2019 Art. 112), read once per year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

# What the package (0.109) knows for VN, and what it does not:
# - 1 Jan; Tết = lunar New Year's Eve + days 1–4 (five days, Art. 112.1.b), where a Tết day on a Saturday moves to
#   the working day before ("29 Tết") and one on a Sunday to the day after ("Mùng năm/sáu"); Hùng Kings (10/3 lunar);
#   30/4; 1/5; 2/9 plus the adjacent day (since 2021); 24/11 "Ngày Văn hóa Việt Nam" (since 2026); a fixed holiday on
#   a weekend is observed on the next working day ("nghỉ bù").
# - The government's swaps for a few years only (e.g. 2025: 2/5 off for Saturday 26/4; 2026: 31/8 off for Saturday
#   22/8). The package lists the day off but NOT the Saturday worked in exchange: `law_working_days` reads those
#   Saturdays from the package's own substitution table.
# - It cannot know future decrees: the Prime Minister fixes the exact Tết days each year, so the CCC enters the
#   year's substitutions (days off and make-up Saturdays) as overrides, which win over the package.

SOURCE_LAW = "law"
SOURCE_DECREE = "decree"


@dataclass(frozen=True, order=True)
class MarkedDay:
    """A date that is not what its weekday suggests: a holiday on a weekday, or a working weekend day."""

    day: date
    name: str
    source: str  # SOURCE_LAW (holidays package) | SOURCE_DECREE (overrides entered by the CCC)


@lru_cache(maxsize=64)
def law_days_off(year: int) -> tuple[MarkedDay, ...]:
    """Public holidays and observed days of the year, named in Vietnamese."""
    import holidays  # ~8 ms, paid by the first deadline computed, not by requests that compute none

    known = holidays.country_holidays("VN", years=year, language="vi")
    return tuple(MarkedDay(day, name, SOURCE_LAW) for day, name in sorted(known.items()) if day.year == year)


def _substitutions() -> list[tuple[date, date]]:
    """(day off, Saturday worked instead) pairs of the package's VietnamStaticHolidays table."""
    # The table is `{year: (month, day, from_month, from_day[, from_year])}` or a tuple of such rows; anything of
    # another shape is ignored, so a change in the package degrades to "no make-up days" rather than an error.
    from holidays.countries.vietnam import VietnamStaticHolidays

    pairs: list[tuple[date, date]] = []
    for year, entries in getattr(VietnamStaticHolidays, "special_public_holidays", {}).items():
        rows = entries if entries and isinstance(entries[0], tuple) else (entries,)
        for row in rows:
            if len(row) in (4, 5) and all(isinstance(v, int) for v in row):
                from_year = row[4] if len(row) == 5 else year
                pairs.append((date(year, row[0], row[1]), date(from_year, row[2], row[3])))
    return pairs


@lru_cache(maxsize=64)
def law_working_days(year: int) -> tuple[MarkedDay, ...]:
    """Weekend days worked in exchange for a day off, as far as the package records the swap."""
    return tuple(
        sorted(
            MarkedDay(worked, f"Làm bù cho ngày nghỉ {off:%d/%m/%Y}", SOURCE_LAW)
            for off, worked in _substitutions()
            if worked.year == year
        )
    )
