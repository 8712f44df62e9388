"""A stand-in for the knowledge bank's store, so the transfer jobs run end to end before the bank's own store is wired.

The knowledge bank's aggregate, versions and store are built on another branch (kb-core); when they land, bootstrap
gives the transfer jobs the bank's service (its `import_entries`, `entries`, `count`) instead of this, and this
module goes. Layout: PK `T#{tenant}#KBX`, SK `{entry id}`, the entry's fields as one JSON document.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from pynamodb.attributes import JSONAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated

from .transfer import EntryRecord, LegalBasis


class InterimEntryItem(BaseItem, discriminator="KnowledgeEntryInterim"):
    """One entry, whole."""

    data = JSONAttribute()


class InterimBank:
    """The tenant's entries, listed in id order and written one item each (an entry is whole or absent)."""

    def count(self, *, tenant: str) -> int:
        """How many entries the tenant's bank holds (a counting Query)."""
        with translated():
            return int(InterimEntryItem.count(tenant_key(tenant, "KBX")))

    def entries(self, *, tenant: str) -> Iterator[EntryRecord]:
        """Every entry, page by page."""
        with translated():
            for item in InterimEntryItem.query(tenant_key(tenant, "KBX")):
                if isinstance(item, InterimEntryItem):
                    yield _entry(item.data)

    def import_entries(self, *, tenant: str, actor: str, entries: Sequence[EntryRecord]) -> None:
        """Create or replace each entry (writing the same entries again changes nothing)."""
        with translated():
            for entry in entries:
                InterimEntryItem(tenant_key(tenant, "KBX"), entry.id, tenant=tenant, data=_data(entry)).save(
                    add_version_condition=False
                )


def _data(entry: EntryRecord) -> dict[str, Any]:
    data = asdict(entry)
    data["valid_from"] = entry.valid_from.isoformat() if entry.valid_from else None
    data["valid_until"] = entry.valid_until.isoformat() if entry.valid_until else None
    data["legal_basis"] = [
        {"document": b.document, "article": b.article, "issued": b.issued.isoformat() if b.issued else None}
        for b in entry.legal_basis
    ]
    return data


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _entry(data: dict[str, Any]) -> EntryRecord:
    return EntryRecord(
        id=data["id"],
        topic=data["topic"],
        question=data["question"],
        answer=data["answer"],
        legal_basis=tuple(LegalBasis(b["document"], b["article"], _day(b["issued"])) for b in data["legal_basis"]),
        valid_from=_day(data["valid_from"]),
        valid_until=_day(data["valid_until"]),
        audience=data["audience"],
        status=data["status"],
        owner_unit=data["owner_unit"],
        related=tuple(data["related"]),
        scenarios=tuple(data["scenarios"]),
    )
