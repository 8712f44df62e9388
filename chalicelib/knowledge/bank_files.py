"""The knowledge bank as its import and export jobs see it (`transfer_jobs.KnowledgeBank`): the bank's own entries
read as file rows, and file rows written back as versions of those entries, through the service.

A row is the columns of `domain.FIELDS` plus id and status (`transfer.EntryRecord`); `domain.from_file` turns it
into the entry's next version, so an import is history like any edit — compared, restored — and a row that already
reads as the entry does writes nothing (importing the same file twice changes nothing).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Protocol

from chalicelib.shared.clock import Clock, to_local

from .domain import NATIONAL, STATUSES, Content, Entry, LegalBasis, Status, from_file
from .transfer import EntryRecord
from .transfer import LegalBasis as RowBasis

NATIONAL_IDS_SECONDS = 60


class Entries(Protocol):
    """What the transfer needs of the bank's store."""

    def get(self, *, tenant: str, entry_id: str) -> Entry | None: ...

    def every(self, *, tenant: str) -> Iterator[Entry]: ...


class Saver(Protocol):
    """The service's write of prepared entries (one transaction each, then one index build)."""

    def import_entries(self, *, tenant: str, entries: Sequence[Entry]) -> int: ...


def record_of(entry: Entry) -> EntryRecord:
    """An entry as one row of the file."""
    c = entry.content
    return EntryRecord(
        id=entry.id,
        topic=c.topic,
        question=c.question,
        answer=c.answer,
        legal_basis=tuple(RowBasis(b.document, b.article, b.date) for b in c.legal_basis),
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        audience=c.audience,
        status=entry.status,
        owner_unit=c.owner_unit,
        related=c.related,
        scenarios=c.scenarios,
    )


def content_of(row: EntryRecord, valid_from: date) -> Content:
    """A row's fields as the entry's content; `valid_from` is the row's, or the default the caller chose."""
    return Content(
        topic=row.topic,
        question=row.question,
        answer=row.answer,
        valid_from=row.valid_from or valid_from,
        owner_unit=row.owner_unit,
        legal_basis=tuple(LegalBasis(b.document, b.article, b.issued) for b in row.legal_basis),
        valid_until=row.valid_until,
        audience="internal" if row.audience == "internal" else "public",
        related=row.related,
        scenarios=row.scenarios,
    )


class BankFiles:
    """Rows in and out of one tenant's bank."""

    def __init__(self, *, entries: Entries, saver: Saver, topics: frozenset[str], clock: Clock) -> None:
        self._entries = entries
        self._saver = saver
        self._topics = topics
        self._clock = clock
        self._national: tuple[datetime, frozenset[str]] | None = None

    def count(self, *, tenant: str) -> int:
        """How many entries the tenant's bank holds (its partition, read once)."""
        return sum(1 for _ in self._entries.every(tenant=tenant))

    def entries(self, *, tenant: str) -> Iterator[EntryRecord]:
        """Every entry of the tenant's bank, as rows."""
        for entry in self._entries.every(tenant=tenant):
            yield record_of(entry)

    def problems(self, *, tenant: str, record: EntryRecord) -> dict[str, str]:
        """The domain's rules on the row's content (an unknown topic, a period that ends first, …); in a province, an
        id of the national bank is refused too — a local copy would hide the national entry from the office."""
        content = content_of(record, record.valid_from or to_local(self._clock.now()).date())
        found = content.cleaned().problems(topics=self._topics, entry_id=record.id)
        if tenant != NATIONAL and record.id in self._national_ids():
            found["id"] = "national"
        return found

    def _national_ids(self) -> frozenset[str]:
        """The national bank's ids, read once a minute at most (an import checks every row against them)."""
        now = self._clock.now()
        if self._national is None or (now - self._national[0]).total_seconds() > NATIONAL_IDS_SECONDS:
            self._national = (now, frozenset(e.id for e in self._entries.every(tenant=NATIONAL)))
        return self._national[1]

    def import_entries(self, *, tenant: str, actor: str, entries: Sequence[EntryRecord]) -> None:
        """Each row as the next version of its entry (a new entry for an unknown id); rows that change nothing are left."""
        now = self._clock.now()
        today = to_local(now).date()
        changed: list[Entry] = []
        for row in entries:
            current = self._entries.get(tenant=tenant, entry_id=row.id)
            content = content_of(row, current.content.valid_from if current else today)
            status: Status = row.status if row.status in STATUSES else "draft"  # type: ignore[assignment]
            entry = from_file(current, row.id, tenant, now, actor, content, status, today, topics=self._topics)
            if entry is not None:
                changed.append(entry)
        self._saver.import_entries(tenant=tenant, entries=changed)
