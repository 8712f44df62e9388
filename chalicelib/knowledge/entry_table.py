"""What the index knows of each core entry besides its text — tenant, topic, status, audience, validity — as a
compact table by entry number, so a search can filter its top hits without asking the engine again.

Stored beside the index as `entries.bin` (six 64-bit integers per entry) and the value lists in the manifest.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .search import NATIONAL, Audience, IndexedEntry, SearchFilters, Status

FOREVER = date.max.toordinal()
_WIDTH = 6  # tenant, topic, status, audience, valid_from, valid_until


@dataclass
class EntryTable:
    """Entry number → filter values, and how many texts each value holds (to judge how selective a filter is)."""

    tenants: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    rows: array = field(default_factory=lambda: array("q"))
    texts: dict[str, Counter[str]] = field(
        default_factory=lambda: {"tenant": Counter(), "topic": Counter(), "status": Counter(), "audience": Counter()}
    )

    @staticmethod
    def _code(values: list[str], value: str) -> int:
        if value not in values:
            values.append(value)
        return values.index(value)

    def add(self, entry: IndexedEntry) -> int:
        """Append an entry; returns its number."""
        self.rows.extend(
            (
                self._code(self.tenants, entry.tenant),
                self._code(self.topics, entry.topic),
                self._code(self.statuses, entry.status),
                self._code(self.audiences, entry.audience),
                entry.valid_from.toordinal(),
                entry.valid_until.toordinal() if entry.valid_until else FOREVER,
            )
        )
        weight = 1 + len(entry.scenarios)
        for name, value in (
            ("tenant", entry.tenant),
            ("topic", entry.topic),
            ("status", entry.status),
            ("audience", entry.audience),
        ):
            self.texts[name][value] += weight
        return len(self.rows) // _WIDTH - 1

    def save(self, directory: Path) -> dict[str, Any]:
        """Write entries.bin; returns the manifest part (value lists and text counts)."""
        (directory / "entries.bin").write_bytes(self.rows.tobytes())
        values = {"tenants": self.tenants, "topics": self.topics, "statuses": self.statuses, "audiences": self.audiences}
        return values | {"texts": {k: dict(v) for k, v in self.texts.items()}}

    @classmethod
    def load(cls, directory: Path, manifest: dict[str, Any]) -> EntryTable:
        """Read what `save` wrote."""
        rows = array("q")
        rows.frombytes((directory / "entries.bin").read_bytes())
        texts = {k: Counter(v) for k, v in manifest["texts"].items()}
        return cls(manifest["tenants"], manifest["topics"], manifest["statuses"], manifest["audiences"], rows, texts)

    def describe(self, number: int) -> tuple[str, str, Status, Audience, date, date | None]:
        """(tenant, topic, status, audience, valid_from, valid_until) of entry `number`."""
        tenant, topic, status, audience, start, end = self.rows[number * _WIDTH : number * _WIDTH + _WIDTH]
        until = None if end == FOREVER else date.fromordinal(end)
        return (
            self.tenants[tenant],
            self.topics[topic],
            self.statuses[status],
            self.audiences[audience],
            date.fromordinal(start),
            until,
        )  # type: ignore[return-value]

    def admission(self, *, tenant: str, on: date, filters: SearchFilters) -> Admission:
        """The test a hit's entry number must pass, and the share of texts expected to pass it."""
        tenants = {i for i, t in enumerate(self.tenants) if t in (tenant, NATIONAL)}
        topics = {
            i
            for i, t in enumerate(self.topics)
            if filters.topic is None or t == filters.topic or t.startswith(filters.topic + ".")
        }
        statuses = {i for i, s in enumerate(self.statuses) if s in filters.statuses}
        audiences = {i for i, a in enumerate(self.audiences) if filters.audience is None or a == filters.audience}
        total = max(sum(self.texts["tenant"].values()), 1)
        share = 1.0
        for name, values, codes in (
            ("tenant", self.tenants, tenants),
            ("topic", self.topics, topics),
            ("status", self.statuses, statuses),
            ("audience", self.audiences, audiences),
        ):
            share *= sum(self.texts[name][values[c]] for c in codes) / total
        return Admission(self.rows, tenants, topics, statuses, audiences, on.toordinal() if filters.current_only else None, share)


@dataclass(frozen=True)
class Admission:
    """Whether an entry number passes the filters of one search."""

    rows: array
    tenants: set[int]
    topics: set[int]
    statuses: set[int]
    audiences: set[int]
    day: int | None  # the day of validity, when only current entries are wanted
    share: float  # the expected share of texts that pass (filters taken as independent)

    def __call__(self, number: int) -> bool:
        tenant, topic, status, audience, start, end = self.rows[number * _WIDTH : number * _WIDTH + _WIDTH]
        return (
            tenant in self.tenants
            and topic in self.topics
            and status in self.statuses
            and audience in self.audiences
            and (self.day is None or start <= self.day <= end)
        )
