"""The CCC's national report from the offices' approved reports of one period (Art. 14 step 4). Pure.

Each office's frozen counts are summed section by section (a request the CCC transferred to a province is in both
offices' figures, as it is in both their counters: the sum says so with `transferred_in`), the typical questions of
a category merged (typical.py `merge`), each office's recommendations quoted under its name, and the offices
without an approved report of the period listed as missing. Only approved reports count: a draft is not a source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .domain import CATEGORIES, SECTIONS, Counts, PolicyReport, Quote, Source, Typical
from .typical import merge


@dataclass(frozen=True)
class Consolidated:
    """What the national report is made of."""

    sources: list[Source]
    counts: dict[str, Counts]
    typical: dict[str, list[Typical]]
    quotes: dict[str, list[Quote]]

    @property
    def missing(self) -> list[Source]:
        """The offices with no approved report of the period."""
        return [s for s in self.sources if s.report_id is None]


def consolidate(offices: Mapping[str, str], found: Mapping[str, PolicyReport | None]) -> Consolidated:
    """`offices` (code → name, in the order listed) and each one's report of the period, if any."""
    sources: list[Source] = []
    sums: dict[str, Counter[str]] = {s: Counter() for s in SECTIONS}
    typical: dict[str, list[Sequence[Typical]]] = {c: [] for c in CATEGORIES}
    quotes: dict[str, list[Quote]] = {s: [] for s in SECTIONS}
    for tenant, name in offices.items():
        report = found.get(tenant)
        if report is None or not report.is_final or report.frozen is None:
            sources.append(Source(tenant, name, None))
            continue
        sources.append(Source(tenant, name, report.id))
        for section in SECTIONS:
            sums[section].update(report.frozen.get(section, {}))
            text = report.recommendations.get(section, "").strip()
            if text:
                quotes[section].append(Quote(tenant, name, text))
        for category in CATEGORIES:
            typical[category].append(report.typical.get(category, []))
    return Consolidated(
        sources,
        {s: dict(c) for s, c in sums.items()},
        {c: merge(lists) for c, lists in typical.items()},
        {s: q for s, q in quotes.items() if q},
    )
