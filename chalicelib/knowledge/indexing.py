"""Building the search index from DynamoDB (the source of truth), debounced: a change asks for a build a few
seconds later, and a build covers every change committed before it began reading, so a burst of publications
makes one build (the others find the newest build began after them and do nothing)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from chalicelib.shared.clock import Clock, iso, parse_iso
from chalicelib.shared.observability import logger

from .domain import NATIONAL
from .ports import Archives, EntryStore, Generations
from .search import IndexedEntry

DEBOUNCE_SECONDS = 10  # a change waits this long before its build, so the edits that follow it join the same one


@dataclass(frozen=True)
class Build:
    """What a build did: its generation, the entries and phrasings in it, whether it was needed at all."""

    number: int
    entries: int
    built: bool


class IndexBuilder:
    """Reads every tenant's bank, builds one index, ships it to S3 and records its generation."""

    def __init__(
        self, *, store: EntryStore, generations: Generations, archives: Archives, tenants: Callable[[], list[str]], clock: Clock
    ) -> None:
        self._store = store
        self._generations = generations
        self._archives = archives
        self._tenants = tenants
        self._clock = clock

    def _entries(self) -> Iterator[IndexedEntry]:
        for tenant in self._tenants():
            for entry in self._store.every(tenant=tenant):
                yield entry.indexed()

    def rebuild(self, *, requested_at: datetime | None = None) -> Build:
        """Build unless a build that began after `requested_at` is recorded (None: build anyway)."""
        newest = self._generations.newest()
        if requested_at is not None and newest is not None and newest.read_at >= requested_at:
            return Build(newest.number, newest.entries, False)
        from .ports import Generation
        from .tantivy_index import build_index, pack

        read_at = self._clock.now()
        number = (newest.number if newest else 0) + 1
        with tempfile.TemporaryDirectory() as scratch:
            stats = build_index(self._entries(), Path(scratch) / "index", heap_bytes=64_000_000)
            archive = pack(Path(scratch) / "index", Path(scratch) / "index.tar.gz")
            key = f"knowledge-index/{number:08d}.tar.gz"
            self._archives.upload(key=key, path=archive)
        published = self._generations.publish(Generation(number, key, read_at, stats.entries))
        logger.info("knowledge index built", extra={"generation": number, "entries": stats.entries, "recorded": published})
        return Build(number, stats.entries, True)

    def on_message(self, *, requested_at: str, receive_count: int = 1, **_: Any) -> None:
        """The queue message `knowledge_index` (tenant: the CCC, whose national view reads every bank)."""
        from chalicelib.shared.tenancy import allow_national_reads

        allow_national_reads()
        self.rebuild(requested_at=parse_iso(requested_at))


class QueuedRebuilds:
    """Asks for a build through the jobs queue (its worker has the time), held back DEBOUNCE_SECONDS."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    def request(self, *, at: datetime) -> None:
        """Enqueue; a lost message is caught by the daily review job, which builds when the bank changed."""
        try:
            self._queue.send(
                {"type": "knowledge_index", "tenant": NATIONAL, "requested_at": iso(at)}, delay_seconds=DEBOUNCE_SECONDS
            )
        except Exception:  # noqa: BLE001 - the change is committed; the next change or the daily job builds
            logger.exception("knowledge index rebuild not queued")
