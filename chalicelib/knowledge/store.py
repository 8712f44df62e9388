"""The knowledge bank in the single table (docs/data-model.md "Knowledge bank") — the only module that knows its keys.

One partition per tenant's bank, `T#{tenant}#KB`: each entry with its scenarios is one item (SK `E#{id}`), so the
national bank (`T#ccc#KB`) is one partition every tenant may read (shared for reading: a province's agent opens
and cites national entries; only the CCC writes them) and the index build reads a bank with one paged Query. The
same partition holds the index's generation item (SK `INDEX`). Each entry's versions live in `T#{tenant}#KBV#{id}`
(SK `V#{n:06d}`), written in the same transaction as the entry. Sparse index keys on the entry item: GSI1 by
status (`T#{t}#KBSTATUS#{status}`, newest change first); while published, GSI2 the owner unit's review queue
(`T#{t}#KBREVIEW#{unit}`, by review date) and GSI3 the tenant's review dates (`T#{t}#KBDUE`, the daily reminder
job). Monthly counters: `T#{t}#KBGAP#{yyyy-mm}` / `Q#{folded query}` (searches that found nothing) and
`T#{t}#KBCITE#{yyyy-mm}` / `E#{owner}#{id}` (citations in answers) — one UpdateItem ADD each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.tenant_scope import share_for_reading
from chalicelib.adapters.unit_of_work import commit
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.pagination import decode, encode

from .domain import NATIONAL, Content, Entry, Version
from .ports import Count, Generation, Listing

FAR_FUTURE = "9999-12-31"
BATCH_GET = 100  # DynamoDB's BatchGetItem limit


def bank_key(tenant: str) -> str:
    """The partition of a tenant's bank."""
    return tenant_key(tenant, "KB")


share_for_reading(bank_key(NATIONAL))  # everyone reads the national bank (published entries); only the CCC writes it


class KnowledgeEntryItem(BaseItem, discriminator="KnowledgeEntry"):
    """An entry: what indexes and filters need as attributes, the content and state as JSON."""

    status = UnicodeAttribute()
    topic = UnicodeAttribute()
    owner_unit = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    review_due = UnicodeAttribute(null=True)
    body = JSONAttribute()


class KnowledgeVersionItem(BaseItem, discriminator="KnowledgeVersion"):
    """One version of an entry (append-only)."""

    body = JSONAttribute()


class KnowledgeCountItem(BaseItem, discriminator="KnowledgeCount"):
    """A monthly counter: a gap (a search that found nothing) or a citation."""

    hits = NumberAttribute(default=0)
    label = UnicodeAttribute(null=True)
    owner = UnicodeAttribute(null=True)


class IndexGenerationItem(BaseItem, discriminator="KnowledgeIndexGeneration"):
    """The newest built search index (read by every API process, at most every few seconds)."""

    number = NumberAttribute()
    archive = UnicodeAttribute()
    read_at = UnicodeAttribute()
    entries = NumberAttribute()


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _instant(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


def _version_body(v: Version) -> dict[str, Any]:
    return {
        "number": v.number,
        "at": iso(v.at),
        "actor": v.actor,
        "action": v.action,
        "changed": list(v.changed),
        "status": v.status,
        "content": v.content,
        "note": v.note,
    }


def _version(body: dict[str, Any]) -> Version:
    return Version(
        body["number"],
        parse_iso(body["at"]),
        body["actor"],
        body["action"],
        tuple(body["changed"]),
        body["status"],
        body["content"],
        body.get("note", ""),
    )


def to_item(entry: Entry) -> KnowledgeEntryItem:
    """The entry as its table item, with the index keys its state calls for."""
    t, eid = entry.tenant, entry.id
    updated = iso(entry.updated_at or entry.created_at)
    body = {
        "content": entry.content.snapshot(),
        "created_by": entry.created_by,
        "created_at": iso(entry.created_at),
        "updated_by": entry.updated_by,
        "submitted_by": entry.submitted_by,
        "published_by": entry.published_by,
        "published_at": iso(entry.published_at) if entry.published_at else None,
        "reviewed_at": iso(entry.reviewed_at) if entry.reviewed_at else None,
        "reviewed_by": entry.reviewed_by,
        "source_request_id": entry.source_request_id,
        "note": entry.note,
        "revision": entry.revision,
    }
    due = entry.review_due.isoformat() if entry.review_due else None
    item = KnowledgeEntryItem(
        bank_key(t),
        f"E#{eid}",
        tenant=t,
        status=entry.status,
        topic=entry.content.topic,
        owner_unit=entry.content.owner_unit,
        updated_at=updated,
        review_due=due,
        body=body,
        GSI1PK=tenant_key(t, "KBSTATUS", entry.status),
        GSI1SK=f"{updated}#{eid}",
    )
    if entry.status == "published":
        item.GSI2PK, item.GSI2SK = tenant_key(t, "KBREVIEW", entry.content.owner_unit), f"{due or FAR_FUTURE}#{eid}"
        item.GSI3PK, item.GSI3SK = tenant_key(t, "KBDUE"), f"{due or FAR_FUTURE}#{eid}"
    if entry.version:
        item.version = entry.version
    return item


def from_item(item: KnowledgeEntryItem) -> Entry:
    """The entry an item holds."""
    body = dict(item.body or {})
    return Entry(
        id=item.SK.removeprefix("E#"),
        tenant=item.tenant,
        content=Content.from_snapshot(body["content"]),
        created_by=body.get("created_by", ""),
        created_at=parse_iso(body["created_at"]),
        status=item.status,  # type: ignore[arg-type]
        updated_by=body.get("updated_by", ""),
        updated_at=parse_iso(item.updated_at),
        submitted_by=body.get("submitted_by"),
        published_by=body.get("published_by"),
        published_at=_instant(body.get("published_at")),
        review_due=_day(item.review_due),
        reviewed_at=_instant(body.get("reviewed_at")),
        reviewed_by=body.get("reviewed_by"),
        source_request_id=body.get("source_request_id"),
        note=body.get("note", ""),
        revision=int(body.get("revision") or 0),
        version=item.version or 0,
    )


class DynamoEntryStore:
    """Entries, versions, counters and the index generation in DynamoDB: a read is one call, a change one transaction."""

    def get(self, *, tenant: str, entry_id: str) -> Entry | None:
        """One GetItem."""
        with translated():
            try:
                return from_item(KnowledgeEntryItem.get(bank_key(tenant), f"E#{entry_id}"))
            except KnowledgeEntryItem.DoesNotExist:
                return None

    def many(self, *, tenant: str, entry_ids: Iterable[str]) -> dict[str, Entry]:
        """One BatchGetItem per 100 ids (of one bank's partition)."""
        keys = [(bank_key(tenant), f"E#{i}") for i in dict.fromkeys(entry_ids)]
        found: dict[str, Entry] = {}
        with translated():
            for start in range(0, len(keys), BATCH_GET):
                for item in KnowledgeEntryItem.batch_get(keys[start : start + BATCH_GET]):
                    entry = from_item(item)
                    found[entry.id] = entry
        return found

    def save(self, entry: Entry) -> None:
        """The entry (at its version) and its new versions (each new) in one transaction."""

        def build(tx: TransactWrite) -> None:
            tx.save(to_item(entry))
            for v in entry.new_versions:
                version = KnowledgeVersionItem(
                    tenant_key(entry.tenant, "KBV", entry.id), f"V#{v.number:06d}", tenant=entry.tenant, body=_version_body(v)
                )
                tx.save(version, condition=KnowledgeVersionItem.PK.does_not_exist())

        commit(build)
        entry.version += 1
        entry.new_versions = []

    def versions(self, *, tenant: str, entry_id: str) -> list[Version]:
        """One Query of the entry's version partition."""
        with translated():
            items = list(KnowledgeVersionItem.query(tenant_key(tenant, "KBV", entry_id)))
        return [_version(i.body) for i in items]

    def by_status(self, *, tenant: str, status: str, limit: int, cursor: str | None) -> Listing:
        """Most recently changed first (GSI1)."""
        pk = tenant_key(tenant, "KBSTATUS", status)
        start = decode(cursor, partition_attr="GSI1PK", partition_value=pk)
        with translated():
            results = KnowledgeEntryItem.gsi1.query(pk, scan_index_forward=False, limit=limit, last_evaluated_key=start)
            items = [from_item(i) for i in results if isinstance(i, KnowledgeEntryItem)]
        return items, encode(results.last_evaluated_key)

    def every(self, *, tenant: str) -> Iterator[Entry]:
        """The bank's partition, page by page."""
        with translated():
            for item in KnowledgeEntryItem.query(bank_key(tenant), KnowledgeEntryItem.SK.startswith("E#")):
                if isinstance(item, KnowledgeEntryItem):
                    yield from_item(item)

    def review_queue(self, *, tenant: str, unit_id: str | None, before: date | None, limit: int) -> list[Entry]:
        """Soonest review first: one unit's queue (GSI2) or the tenant's (GSI3)."""
        condition: Any
        with translated():
            if unit_id:
                pk = tenant_key(tenant, "KBREVIEW", unit_id)
                condition = KnowledgeEntryItem.GSI2SK < before.isoformat() if before else None
                results: Any = KnowledgeEntryItem.gsi2.query(pk, condition, limit=limit)
            else:
                pk = tenant_key(tenant, "KBDUE")
                condition = KnowledgeEntryItem.GSI3SK < before.isoformat() if before else None
                results = KnowledgeEntryItem.gsi3.query(pk, condition, limit=limit)
            return [from_item(i) for i in results if isinstance(i, KnowledgeEntryItem)]

    # -- counters -----------------------------------------------------------------------------------------------

    def _add(self, pk: str, sk: str, tenant: str, extra: list[Any]) -> None:
        with translated():
            KnowledgeCountItem._get_connection().update_item(
                pk,
                range_key=sk,
                actions=[
                    KnowledgeCountItem.hits.add(1),
                    KnowledgeCountItem.type.set(KnowledgeCountItem),
                    KnowledgeCountItem.tenant.set(tenant),
                    *extra,
                ],
            )

    def count_gap(self, *, tenant: str, month: str, query: str, label: str) -> None:
        """One UpdateItem ADD (the query as first typed kept beside its folded key)."""
        extra = [KnowledgeCountItem.label.set(KnowledgeCountItem.label | label)]  # if_not_exists
        self._add(tenant_key(tenant, "KBGAP", month), f"Q#{query}", tenant, extra)

    def count_citation(self, *, tenant: str, month: str, entry: Entry) -> None:
        """One UpdateItem ADD (with the entry's question, to show it without reading the entry)."""
        extra = [KnowledgeCountItem.label.set(entry.content.question[:300]), KnowledgeCountItem.owner.set(entry.tenant)]
        self._add(tenant_key(tenant, "KBCITE", month), f"E#{entry.tenant}#{entry.id}", tenant, extra)

    def _counts(self, pk: str, key: Callable[[str], str]) -> list[Count]:
        with translated():
            items = [i for i in KnowledgeCountItem.query(pk) if isinstance(i, KnowledgeCountItem)]
        found = [Count(key(i.SK), int(i.hits or 0), i.label or "", i.owner or "") for i in items]
        return sorted(found, key=lambda c: (-c.count, c.key))

    def gaps(self, *, tenant: str, month: str) -> list[Count]:
        """The month's fruitless searches, most frequent first (one paged Query)."""
        return self._counts(tenant_key(tenant, "KBGAP", month), lambda sk: sk.removeprefix("Q#"))

    def citations(self, *, tenant: str, month: str) -> list[Count]:
        """The month's cited entries, most cited first (one paged Query)."""
        return self._counts(tenant_key(tenant, "KBCITE", month), lambda sk: sk.rsplit("#", 1)[-1])


class DynamoGenerations:
    """The index generation item, `T#ccc#KB` / `INDEX` (in the national bank's shared partition)."""

    def newest(self) -> Generation | None:
        """One GetItem."""
        with translated():
            try:
                item = IndexGenerationItem.get(bank_key(NATIONAL), "INDEX")
            except IndexGenerationItem.DoesNotExist:
                return None
        return Generation(int(item.number), item.archive, parse_iso(item.read_at), int(item.entries))

    def publish(self, generation: Generation) -> bool:
        """A conditional PutItem: only a newer build than the one recorded replaces it."""
        item = IndexGenerationItem(
            bank_key(NATIONAL),
            "INDEX",
            tenant=NATIONAL,
            number=generation.number,
            archive=generation.archive,
            read_at=iso(generation.read_at),
            entries=generation.entries,
        )
        condition = IndexGenerationItem.PK.does_not_exist() | (IndexGenerationItem.read_at < iso(generation.read_at))
        try:
            with translated():
                item.save(condition=condition, add_version_condition=False)
        except ConflictError:
            return False
        return True
