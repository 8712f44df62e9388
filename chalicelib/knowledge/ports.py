"""What the knowledge bank needs from outside it, in its own terms: its store, its counters, the built index, the
requests an entry is proposed from, the office's units and the queue that asks for a rebuild. Adapters implement
these (store.py, index_files.py, bootstrap); tests use fakes (tests/fakes.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from .domain import Entry, Version
from .search import SearchIndex


@dataclass(frozen=True)
class Count:
    """A counter of one month: a search that found nothing (key = the folded query) or a cited entry (key = its id)."""

    key: str
    count: int
    label: str = ""  # the entry's question, for citations
    owner: str = ""  # the entry's tenant, for citations


@dataclass(frozen=True)
class Generation:
    """The newest built index: its number, where its archive is, when the build began reading, what it holds."""

    number: int
    archive: str
    read_at: datetime  # every change committed before this is in it
    entries: int


Listing = tuple[list[Entry], str | None]


class EntryStore(Protocol):
    """Entries of one tenant's bank with their versions (knowledge/store.py; tests/fakes.py)."""

    def get(self, *, tenant: str, entry_id: str) -> Entry | None:
        """The entry of `tenant`'s own bank, or None."""
        ...

    def many(self, *, tenant: str, entry_ids: Iterable[str]) -> dict[str, Entry]:
        """The entries of `tenant`'s bank among `entry_ids` (those that exist)."""
        ...

    def save(self, entry: Entry) -> None:
        """Write the entry and its new versions at once; a stale version (or an existing id for a new entry) is a ConflictError."""
        ...

    def versions(self, *, tenant: str, entry_id: str) -> list[Version]:
        """Every version of the entry, oldest first."""
        ...

    def by_status(self, *, tenant: str, status: str, limit: int, cursor: str | None) -> Listing:
        """The tenant's entries in one status, most recently changed first."""
        ...

    def every(self, *, tenant: str) -> Iterator[Entry]:
        """Every entry of the tenant's bank (the index build)."""
        ...

    def review_queue(self, *, tenant: str, unit_id: str | None, before: date | None, limit: int) -> list[Entry]:
        """Published entries by review date, soonest first: one unit's, or the whole tenant's; with `before`, only those due before it."""
        ...


class Counters(Protocol):
    """Monthly counters of what agents searched in vain and what they cited (one UpdateItem each)."""

    def count_gap(self, *, tenant: str, month: str, query: str, label: str) -> None: ...

    def count_citation(self, *, tenant: str, month: str, entry: Entry) -> None: ...

    def gaps(self, *, tenant: str, month: str) -> list[Count]: ...

    def citations(self, *, tenant: str, month: str) -> list[Count]: ...


class Generations(Protocol):
    """The small item that says which index build is the newest (read by every API process, at most every N seconds)."""

    def newest(self) -> Generation | None: ...

    def publish(self, generation: Generation) -> bool:
        """Record a newer build; False when a build at least as new was recorded meanwhile."""
        ...


class Archives(Protocol):
    """Where built index archives are kept (S3)."""

    def upload(self, *, key: str, path: Path) -> None: ...

    def download(self, *, key: str, path: Path) -> None: ...


class Indexes(Protocol):
    """The API process's view of the newest index."""

    def current(self) -> SearchIndex: ...


class RebuildQueue(Protocol):
    """Asks for the index to be built again (coalesced: one build covers every change before it began)."""

    def request(self, *, at: datetime) -> None: ...


@dataclass(frozen=True)
class AnsweredRequest:
    """What a proposal takes from an answered request."""

    request_id: str
    subject: str
    question: str
    answer: str


class Requests(Protocol):
    """The requests capability, as proposals see it."""

    def answered(self, *, tenant: str, request_id: str) -> AnsweredRequest | None:
        """The request's question and answer once it is answered; None when not found or not answered."""
        ...


class Units(Protocol):
    """The office's units (the tenancy capability)."""

    def exists(self, *, tenant: str, unit_id: str) -> bool: ...
