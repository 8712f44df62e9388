"""A report's counts, section by section, and the indicators shown on them — the statistics' own (reports/indicators.py).

A section's counts are the totals of the period's counter item sliced to its category (`received|category=policy`
→ `received`); the overall section's are the item's totals. The indicators read them as they read any counter item,
so the report, its exports and the statistics pages give one figure for one thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chalicelib.reports.indicators import BY_KEY, Figures, Indicator

from .domain import CATEGORIES, OVERALL, Counts

SHOWN = ("received", "answered", "on_time_share", "instant_rate", "satisfaction_rate", "median_working_days")
KEPT_PREFIXES = ("corr|",)  # corrections of a closed period are not part of what a report freezes


def totals(figures: Figures) -> Counts:
    """An item's totals: its counters without a dimension, without the correction marks."""
    return {n: v for n, v in figures.values.items() if "|" not in n and v and not n.startswith(KEPT_PREFIXES)}


def section_counts(figures: Figures) -> dict[str, Counts]:
    """The counts of each category's section and of the overall one."""
    found = {c: totals(figures.slice("category", c)) for c in CATEGORIES}
    found[OVERALL] = totals(figures)
    return found


@dataclass(frozen=True)
class Shown:
    """An indicator's value on a section's counts, against the target of the report's year."""

    indicator: Indicator
    value: float | None
    target: float | None
    met: bool | None


def shown(counts: Mapping[str, int], *, year: int) -> list[Shown]:
    """The indicators a section shows (SHOWN), computed by their one definition."""
    figures = Figures("", None, dict(counts))
    found = []
    for key in SHOWN:
        indicator = BY_KEY[key]
        value, target = indicator.value(figures), indicator.target(year)
        found.append(Shown(indicator, value, target.share if target else None, indicator.met(value, year)))
    return found
