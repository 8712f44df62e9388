"""Bookkeeping the local stack keeps beside each moto table: a change journal, and items by index partition.

* **The journal**: every write records the key it touched and bumps a counter, so the snapshot
  (local/snapshot.py) exports only what changed, and nothing when nothing did.
* **Items by partition of each GSI**: moto answers a Query by sorting every item of the table and walking them all
  (`Table.all_items`); with these buckets, updated on every write, a Query looks only at its own partition.

Every function here runs under `moto_patches.LOCK` (the DynamoDB requests of the local server hold it).
"""

from __future__ import annotations

from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import GlobalSecondaryIndex, Table

Key = tuple[DynamoType, DynamoType | None]


class _State:
    """What is kept per table."""

    def __init__(self, table: Table) -> None:
        self.changed: dict[Key, None] = {}
        self.writes = 0
        # GSI hash attribute → its value → the table keys of the items holding it; and the reverse, per attribute.
        self.attributes = sorted({_hash_attribute(i) for i in table.global_indexes})
        self.buckets: dict[str, dict[DynamoType, dict[Key, None]]] = {a: {} for a in self.attributes}
        self.values: dict[str, dict[Key, DynamoType]] = {a: {} for a in self.attributes}
        for item in items(table):
            self.file(table, (item.hash_key, item.range_key))

    def file(self, table: Table, key: Key) -> None:
        """Put the key in the buckets of the item's index values now (out of those it left)."""
        item = stored(table, key)
        for attribute in self.attributes:
            old = self.values[attribute].pop(key, None)
            if old is not None:
                bucket = self.buckets[attribute][old]
                bucket.pop(key, None)
                if not bucket:
                    del self.buckets[attribute][old]
            new = item.attrs.get(attribute) if item is not None else None
            if new is not None:
                self.buckets[attribute].setdefault(new, {})[key] = None
                self.values[attribute][key] = new


def _hash_attribute(index: Any) -> str:
    return str(next(k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"))


def items(table: Table) -> list[Item]:
    """Every item of the table, in no particular order (moto's `all_items` sorts them)."""
    by_key: dict[Any, Any] = table.items
    if table.has_range_key:
        return [item for partition in by_key.values() for item in partition.values()]
    return list(by_key.values())


def stored(table: Table, key: Key) -> Item | None:
    """The item under a key, or None (without creating moto's empty partitions)."""
    by_key: dict[Any, Any] = table.items  # hash → item, or hash → range → item
    if table.has_range_key:
        partition = by_key.get(key[0])
        return partition.get(key[1]) if partition else None
    return by_key.get(key[0])


def _state(table: Table) -> _State:
    state: _State | None = table.__dict__.get("_cskh_state")
    if state is None:
        state = table.__dict__["_cskh_state"] = _State(table)
    return state


def touched(table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> None:
    """Record a write of one key (after it happened)."""
    state = _state(table)
    key = (hash_key, range_key)
    state.changed[key] = None
    state.writes += 1
    state.file(table, key)


def writes(table: Table) -> int:
    """How many writes the table has seen since the server started."""
    return _state(table).writes


def drain(table: Table) -> list[tuple[Key, Item | None]]:
    """The keys written since the last drain, each with its item now (None: deleted)."""
    state = _state(table)
    keys, state.changed = list(state.changed), {}
    return [(key, stored(table, key)) for key in keys]


def candidates(
    table: Table, hash_key: DynamoType | None, index_name: str | None, hash_conditions: list[tuple[str, DynamoType]] | None
) -> list[Item] | None:
    """The items a Query can match (its partition), or None when that is not known (moto then looks at all)."""
    if index_name is None:
        partition_key = hash_key
    else:
        index = next((i for i in table.all_indexes() if i.name == index_name), None)
        if index is None:
            return None
        attribute = _hash_attribute(index)
        value = next((v for name, v in hash_conditions or [] if name == attribute), None)
        if value is None:
            return None
        if not isinstance(index, GlobalSecondaryIndex):  # a local index shares the table's partition
            partition_key = value if attribute == table.hash_key_attr else None
            if partition_key is None:
                return None
        else:
            buckets = _state(table).buckets.get(attribute)
            if buckets is None:  # an index added after the table was first written to
                return None
            keys = buckets.get(value, {})
            return [item for item in (stored(table, key) for key in keys) if item is not None]
    if partition_key is None:
        return None
    by_key: dict[Any, Any] = table.items
    if table.has_range_key:
        partition = by_key.get(partition_key)
        return list(partition.values()) if partition else []
    item = by_key.get(partition_key)
    return [item] if item is not None else []
