"""Write changed items together (with their audit entry): one DynamoDB transaction, all or nothing."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, connection, translated
from chalicelib.shared.errors import AppError, UnavailableError

# DynamoDB cancels a transaction that touches an item another transaction is writing at that moment
# (TransactionConflict) — a person's change and a timer's note on the same request, say. Nothing was written and
# no condition failed, so the same transaction is sent again, after a short jittered wait, before it is a 503.
CONFLICT_RETRIES = 3
CONFLICT_BACKOFF_SECONDS = 0.05


class Journal(Protocol):
    """The audit trail as a change sees it: the item recording an event, written in the change's own transaction."""

    def entry(self, *, tenant: str, event: Any) -> BaseItem: ...


@dataclass(frozen=True)
class Check:
    """Another item that must satisfy a condition for the write to happen, and the error when it does not."""

    model: type[BaseItem]
    hash_key: str
    range_key: str
    condition: Condition
    error: AppError


def commit(build: Callable[[TransactWrite], None], *, checks: Sequence[Check] = (), conflict: str | None = None) -> None:
    """Run one transaction: the checks first, then what `build` adds.

    A failed check raises that check's error; a failed version or existence condition raises ConflictError; a
    transaction that lost to a concurrent one is sent again (CONFLICT_RETRIES), then raises UnavailableError.
    """
    for attempt in range(CONFLICT_RETRIES + 1):
        try:
            _commit_once(build, checks, conflict)
            return
        except UnavailableError as error:
            if attempt == CONFLICT_RETRIES or not _lost_to_another_transaction(error):
                raise
        time.sleep(random.uniform(0, CONFLICT_BACKOFF_SECONDS * 2**attempt))


def _lost_to_another_transaction(error: UnavailableError) -> bool:
    cause = error.__cause__
    if not isinstance(cause, TransactWriteError):
        return False
    codes = {reason.code for reason in cause.cancellation_reasons or [] if reason is not None}
    return codes == {"TransactionConflict"}


def _commit_once(build: Callable[[TransactWrite], None], checks: Sequence[Check], conflict: str | None) -> None:
    try:
        with translated(conflict), TransactWrite(connection=connection()) as tx:
            for check in checks:
                tx.condition_check(check.model, check.hash_key, check.range_key, condition=check.condition)
            build(tx)
    except AppError as error:
        cause = error.__context__
        if isinstance(cause, TransactWriteError):
            reasons = list(cause.cancellation_reasons or [])
            for check, reason in zip(checks, reasons, strict=False):
                if reason is not None and reason.code == "ConditionalCheckFailed":
                    raise check.error from None
        raise


def write(
    *items: BaseItem, journal: Journal, tenant: str, event: Any, conflict: str | None = None, checks: tuple[Check, ...] = ()
) -> None:
    """Save the items (versions checked; a new item must not exist) and append the audit entry atomically."""

    def build(tx: TransactWrite) -> None:
        for item in items:
            tx.save(item)
        tx.save(journal.entry(tenant=tenant, event=event))

    commit(build, checks=checks, conflict=conflict)


def put_unchecked(tx: TransactWrite, item: BaseItem) -> None:
    """Put an item in the transaction last-write-wins: no version condition (PynamoDB's `save` always adds one).

    For items only the system writes and rewrites whole — a read-only copy, a drawn sample member written again
    by a retried draw — never for an item a person edits.
    """
    args, kwargs = item._get_save_args(add_version_condition=False)
    kwargs["key"] = "Item"
    tx._put_items.append(item._get_connection().get_operation_kwargs(*args, **kwargs))
    tx._models_for_version_attribute_update.append(item)
