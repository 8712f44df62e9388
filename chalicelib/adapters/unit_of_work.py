"""Write changed items together (with their audit entry): one DynamoDB transaction, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, connection, translated
from chalicelib.shared.errors import AppError


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

    A failed check raises that check's error; a failed version or existence condition raises ConflictError.
    """
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
