"""The tenant scope at the table's door: each DynamoDB call's partition keys, checked before the call is made.

`grant()` reads the keys a call touches from its wire parameters (the same values IAM's `dynamodb:LeadingKeys`
sees: the table's partition key for item operations and transactions, the index's for a Query on an index) and
compares them with the invocation's scope (shared/tenancy.py). A key outside it is refused with no request sent;
otherwise the answer says whose credentials sign the call, mirroring the roles of the CDK app (infra/stacks/tenancy.py):

- every key in the scope's tenants → the tenant-access role with a session policy for those tenants;
- a read of partitions shared with every tenant (the national calendar) → the same credentials;
- a read or write of partitions shared for writing (the surveys' national contact log, `CONTACT#…`: every office
  records whom it surveyed and asks whom others did) → the same credentials, whose session policy names the prefix;
- a read elsewhere by the CCC's national view → the read-only national role;
- the tooling scope (`whole_table`) → the process's own credentials, unchecked.

A province's request carries `GSI4PK = T#ccc#OPEN` (the CCC's national list): writing it is a write of the
request's own partition, and querying GSI4 is a read of `T#ccc#…` — the CCC's, as IAM sees it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from chalicelib.shared.errors import NotFoundError
from chalicelib.shared.observability import logger
from chalicelib.shared.tenancy import Scope, current_scope

READS = frozenset({"GetItem", "BatchGetItem", "Query", "TransactGetItems"})  # any other keyed call writes
#: What a scope may do on a partition shared for writing: read, put, update — never delete (its TTL does that).
SHARED_WRITES = READS | {"PutItem", "UpdateItem", "TransactWriteItems"}

_EQUALS = re.compile(r"(#\w+)\s*=\s*(:\w+)")
_shared_reads: set[str] = set()
_shared_writes: set[str] = set()


class TenantScopeError(NotFoundError):
    """A key outside the invocation's tenant scope, refused before any call: to the caller it does not exist (404)."""


@dataclass(frozen=True, slots=True)
class Grant:
    """Whose credentials sign a call: `tenants` (the tenant-access role), `national` (read-only) or the process's own."""

    tenants: frozenset[str] = frozenset()
    national: bool = False

    @property
    def process(self) -> bool:
        """The process's own credentials (tooling)."""
        return not self.tenants and not self.national


PROCESS = Grant()
NATIONAL = Grant(national=True)


def share_for_reading(partition: str) -> None:
    """A partition every tenant reads (e.g. the CCC's national calendar); only its owner writes it."""
    _shared_reads.add(partition)


def shared_reads() -> frozenset[str]:
    """The partitions every tenant may read."""
    return frozenset(_shared_reads)


def share_for_writing(prefix: str) -> None:
    """Partitions starting with `prefix` (not a tenant's: no `T#`) that every tenant reads and writes."""
    if prefix.startswith("T#") or not prefix.endswith("#"):
        raise ValueError("a shared-write prefix is a non-tenant key prefix ending in #")
    _shared_writes.add(prefix)


def shared_writes() -> frozenset[str]:
    """The key prefixes every tenant may read and write."""
    return frozenset(_shared_writes)


def _shared_for_writing(partition: str) -> bool:
    return any(partition.startswith(prefix) and len(partition) > len(prefix) for prefix in _shared_writes)


def tenant_of(partition: str) -> str | None:
    """The tenant a partition key belongs to (`T#{tenant}#…`), or None for a key of no tenant."""
    if not partition.startswith("T#"):
        return None
    tenant, sep, _ = partition[2:].partition("#")
    return tenant if sep and tenant else None


def grant(operation: str, params: Mapping[str, Any], *, partition_keys: Mapping[str | None, str]) -> Grant:
    """Who signs this call in the current scope; raises TenantScopeError (after a warning) when the scope refuses it.

    `partition_keys` maps an index name (None for the table) to its partition key attribute.
    """
    scope = current_scope()
    if scope is None:
        _refuse(operation, None, [], "no scope")
    if scope.whole_table:
        return PROCESS
    partitions = _partitions(operation, params, partition_keys)
    if not partitions:
        _refuse(operation, scope, partitions, "no partition key")
    shared = [p for p in partitions if _shared_for_writing(p)]
    if shared and operation not in SHARED_WRITES:
        _refuse(operation, scope, partitions, "not a shared write")
    if {tenant_of(p) for p in partitions if p not in shared} <= scope.tenants:
        return Grant(scope.tenants)
    if operation in READS:
        if all(p in _shared_reads for p in partitions):
            return Grant(scope.tenants)
        if scope.national_reads and all(tenant_of(p) for p in partitions):
            return NATIONAL
    _refuse(operation, scope, partitions, "outside the scope")


def _refuse(operation: str, scope: Scope | None, partitions: list[str], reason: str) -> NoReturn:
    # Tenant codes and the operation only: keys can hold personal data (an ID number in a claim's partition).
    logger.warning(
        "tenant scope refused a DynamoDB call",
        extra={
            "operation": operation,
            "reason": reason,
            "scope": sorted(scope.tenants) if scope else [],
            "key_tenants": sorted({tenant_of(p) or "-" for p in partitions}),
        },
    )
    raise TenantScopeError()


def _partitions(operation: str, params: Mapping[str, Any], partition_keys: Mapping[str | None, str]) -> list[str]:
    """The partition key values a call touches (empty when it names none: a Scan, a table operation)."""
    table_key = partition_keys[None]
    if operation in ("GetItem", "DeleteItem", "UpdateItem"):
        return list(_values([params.get("Key")], table_key))
    if operation == "PutItem":
        return list(_values([params.get("Item")], table_key))
    if operation == "Query":
        return _query_partition(params, partition_keys)
    if operation == "BatchGetItem":
        requested = params.get("RequestItems") or {}
        return list(_values((key for spec in requested.values() for key in spec.get("Keys", ())), table_key))
    if operation == "BatchWriteItem":
        requested = params.get("RequestItems") or {}
        written = (
            r.get("PutRequest", {}).get("Item") or r.get("DeleteRequest", {}).get("Key") for rs in requested.values() for r in rs
        )
        return list(_values(written, table_key))
    if operation in ("TransactWriteItems", "TransactGetItems"):
        items = (op.get("Key") or op.get("Item") for entry in params.get("TransactItems", ()) for op in entry.values())
        return list(_values(items, table_key))
    return []


def _values(keys: Iterable[Any], attribute: str) -> Iterator[str]:
    for key in keys:
        value = key.get(attribute, {}).get("S") if isinstance(key, Mapping) else None
        # A key without a readable partition cannot be scoped: it stands for no tenant, so it is refused.
        yield value if isinstance(value, str) else ""


def _query_partition(params: Mapping[str, Any], partition_keys: Mapping[str | None, str]) -> list[str]:
    attribute = partition_keys.get(params.get("IndexName"))
    names = params.get("ExpressionAttributeNames") or {}
    values = params.get("ExpressionAttributeValues") or {}
    for name, placeholder in _EQUALS.findall(params.get("KeyConditionExpression") or ""):
        if attribute is not None and names.get(name) == attribute:
            value = values.get(placeholder, {}).get("S")
            return [value if isinstance(value, str) else ""]
    return []
