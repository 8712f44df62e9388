"""The single table through PynamoDB: the base item, table binding, and AWS errors turned into domain errors.

Key layout (docs/data-model.md): every partition key starts with `T#{tenant}#`, so no query can reach another
tenant's items. Optimistic locking is PynamoDB's VersionAttribute; a lost race surfaces as ConflictError (409).
Every entity goes through the one connection `bind()` makes, a `ScopedConnection`: each call's keys pass the
tenant scope before anything is sent (adapters/tenant_scope.py), and in AWS are signed for it
(adapters/tenant_credentials.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from pynamodb.attributes import (
    DiscriminatorAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection, TableConnection
from pynamodb.exceptions import DeleteError, PutError, PynamoDBException, TransactWriteError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.adapters import tenant_scope
from chalicelib.shared.errors import ConflictError, TooManyRequestsError, UnavailableError

if TYPE_CHECKING:
    from chalicelib.adapters.tenant_credentials import TenantCredentials

T = TypeVar("T")

_THROTTLED = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}


def tenant_key(tenant: str, *parts: str) -> str:
    """A key that starts with the tenant: T#{tenant}#part#part…"""
    return "#".join(("T", tenant, *parts))


class GSI1(GlobalSecondaryIndex["BaseItem"]):
    """Second access path (e.g. customers by identifier, requests by status)."""

    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    GSI1PK = UnicodeAttribute(hash_key=True)
    GSI1SK = UnicodeAttribute(range_key=True)


class GSI2(GlobalSecondaryIndex["BaseItem"]):
    """Third access path (e.g. requests by due date)."""

    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    GSI2PK = UnicodeAttribute(hash_key=True)
    GSI2SK = UnicodeAttribute(range_key=True)


class GSI3(GlobalSecondaryIndex["BaseItem"]):
    """Fourth access path (e.g. requests by assignee)."""

    class Meta:
        index_name = "GSI3"
        projection = AllProjection()

    GSI3PK = UnicodeAttribute(hash_key=True)
    GSI3SK = UnicodeAttribute(range_key=True)


class GSI4(GlobalSecondaryIndex["BaseItem"]):
    """Fifth access path (e.g. the CCC's cross-province view, keyed under T#ccc#)."""

    class Meta:
        index_name = "GSI4"
        projection = AllProjection()

    GSI4PK = UnicodeAttribute(hash_key=True)
    GSI4SK = UnicodeAttribute(range_key=True)


class ScopedConnection(Connection):
    """PynamoDB's connection with the tenant scope at its door: a call outside the scope is refused before it is sent.

    Every model operation, batch and transaction reaches DynamoDB through `dispatch`, with the wire parameters
    IAM's `dynamodb:LeadingKeys` is evaluated on; with `credentials` (AWS), the call is signed for its grant.
    """

    def __init__(
        self, *, region: str, host: str | None, partition_keys: dict[str | None, str], credentials: TenantCredentials | None
    ) -> None:
        super().__init__(region=region, host=host)
        self._partition_keys = partition_keys
        self._credentials = credentials

    @property
    def session(self) -> Any:
        """The thread's botocore session; with per-tenant credentials, its clients sign each call for its grant."""
        session = super().session
        if self._credentials is not None and not getattr(self._local, "signs_per_call", False):
            self._credentials.install(session)
            self._local.signs_per_call = True
        return session

    def dispatch(self, operation_name: str, operation_kwargs: dict[Any, Any]) -> dict[Any, Any]:
        """Check the call against the tenant scope, then send it (signed for its grant)."""
        granted = tenant_scope.grant(operation_name, operation_kwargs, partition_keys=self._partition_keys)
        if self._credentials is None:
            return super().dispatch(operation_name, operation_kwargs)
        with self._credentials.signing(granted):
            return super().dispatch(operation_name, operation_kwargs)


class BaseItem(Model):
    """Every item of the single table; `type` tells which entity it is."""

    class Meta:
        table_name = "cskh-main"
        region = "ap-southeast-1"
        host: str | None = None

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)
    type = DiscriminatorAttribute()
    tenant = UnicodeAttribute()
    version = VersionAttribute()
    expires_at = NumberAttribute(null=True)

    gsi1 = GSI1()
    gsi2 = GSI2()
    gsi3 = GSI3()
    gsi4 = GSI4()

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """Every entity shares the one scoped connection `bind()` made (one client, one pool, one door)."""
        if _bound is None:
            raise RuntimeError("the table is not bound: call dynamo.bind() first")
        return _bound


_bound: TableConnection | None = None


def bind(*, table_name: str, region: str, host: str | None, credentials: TenantCredentials | None = None) -> None:
    """Point the models at the table (once per cold start; tests and the local stack call it too).

    With `credentials`, each call is signed with credentials scoped to its tenants (AWS); without, with the
    process's own (moto, which enforces no IAM) — the scope is checked either way.
    """
    global _bound
    BaseItem.Meta.table_name = table_name
    BaseItem.Meta.region = region
    BaseItem.Meta.host = host
    BaseItem._connection = None
    table = super(BaseItem, BaseItem)._get_connection()  # PynamoDB's own, with the table's schema
    partition_keys: dict[str | None, str] = {None: BaseItem._hash_keyname or "PK"}
    for name, index in BaseItem._indexes.items():
        partition_keys[name] = index._hash_key_attribute().attr_name
    scoped = ScopedConnection(region=region, host=host, partition_keys=partition_keys, credentials=credentials)
    scoped.add_meta_table(table.connection.get_meta_table(table_name))
    table.connection = scoped
    _bound = table


def connection() -> Connection:
    """The low-level connection the models share (for counting calls, and for tooling)."""
    return BaseItem._get_connection().connection


def on_call(handler: Callable[..., None]) -> Callable[[], None]:
    """Call `handler(operation_name=…)` before every DynamoDB request; returns the unregister function."""
    events = connection().client.meta.events

    def before(model: Any, params: Any, **kwargs: Any) -> None:
        handler(operation_name=model.name)

    events.register("before-call.dynamodb", before)
    return lambda: events.unregister("before-call.dynamodb", before)


def _cause(exc: PynamoDBException) -> str | None:
    return getattr(exc, "cause_response_code", None)


def _is_conditional_failure(exc: PynamoDBException) -> bool:
    if _cause(exc) == "ConditionalCheckFailedException":
        return True
    if isinstance(exc, TransactWriteError):
        reasons = getattr(exc, "cancellation_reasons", None) or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    return False


@contextmanager
def translated(conflict_message: str | None = None) -> Iterator[None]:
    """Turn PynamoDB's errors into domain errors: a failed condition is a 409, throttling a 429."""
    try:
        yield
    except (PutError, UpdateError, DeleteError, TransactWriteError) as exc:
        if _is_conditional_failure(exc):
            raise ConflictError(conflict_message) from exc
        if _cause(exc) in _THROTTLED:
            raise TooManyRequestsError() from None
        raise UnavailableError() from exc
    except PynamoDBException as exc:
        if _cause(exc) in _THROTTLED:
            raise TooManyRequestsError() from None
        raise UnavailableError() from exc


def save_new(item: BaseItem, conflict_message: str | None = None) -> None:
    """Create an item that must not exist yet."""
    with translated(conflict_message):
        item.save(condition=BaseItem.PK.does_not_exist())
