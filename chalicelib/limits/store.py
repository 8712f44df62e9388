"""Counters of the rate limits and of failed sign-ins in the single table (docs/data-model.md), each with a TTL.

- Rate counter: PK `T#{tenant}#RATE#{scope}#{subject}`, SK `{seconds}s#{window start}`; `hits`. One UpdateItem
  per call: ADD 1 on condition that the window is not full, so a refused call adds nothing.
- Sign-in attempts: PK `T#{tenant}#SIGNIN#{login}`, SK `{client}#{window start}`; `failures`, `locked_until`,
  `busy_until` / `busy_by`. One UpdateItem before Cognito is asked, one after (a success deletes the item).

Subjects are `{tenant}.{login}` for staff and a digest of the address for clients (limits.domain.client_key).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.shared.errors import ConflictError, TooManyRequestsError

from .domain import SIGN_IN_LOCKED, TOO_MANY_REQUESTS, TOO_MANY_SIGN_INS, Limit, SignInPolicy, wait_text

#: Counters outlive their window by this much before DynamoDB's TTL may delete them (it does so within ~2 days).
TTL_GRACE_SECONDS = 300
_REFUSED_CACHE_SIZE = 10_000


class RateCounterItem(BaseItem, discriminator="RateCounter"):
    """Calls counted in one window for one subject."""

    hits = NumberAttribute(null=True)


class SignInItem(BaseItem, discriminator="SignInAttempts"):
    """Failed sign-ins of one account from one client address in one window."""

    failures = NumberAttribute(null=True)
    locked_until = NumberAttribute(null=True)
    busy_until = NumberAttribute(null=True)
    busy_by = UnicodeAttribute(null=True)


def _refused(message: str, wait: int, code: str | None = None) -> TooManyRequestsError:
    wait = max(wait, 1)
    return TooManyRequestsError(message.format(wait=wait_text(wait)), code=code, retry_after=wait)


class RateCounters:
    """Fixed-window counters; a window found full is remembered by this instance, which refuses it without a call."""

    def __init__(self) -> None:
        self._full: dict[tuple[str, str], int] = {}  # (PK, SK) -> window end

    def hit(self, *, tenant: str, scope: str, subject: str, limit: Limit, now: int) -> None:
        """Count one call, or raise TooManyRequestsError (Retry-After: the window's end) if the window is full."""
        start, end = limit.window(now)
        key = (tenant_key(tenant, "RATE", scope, subject), f"{limit.seconds}s#{start}")
        if key in self._full:
            raise _refused(TOO_MANY_REQUESTS, end - now)
        condition = RateCounterItem.hits.does_not_exist() | (RateCounterItem.hits < limit.requests)
        try:
            with translated():
                RateCounterItem._get_connection().update_item(
                    key[0],
                    range_key=key[1],
                    actions=[
                        RateCounterItem.hits.add(1),
                        RateCounterItem.expires_at.set(end + TTL_GRACE_SECONDS),
                        RateCounterItem.type.set(RateCounterItem),
                        RateCounterItem.tenant.set(tenant),
                    ],
                    condition=condition,
                )
        except ConflictError:
            self._remember(key, end, now)
            raise _refused(TOO_MANY_REQUESTS, end - now) from None

    def refuses(self, *, tenant: str, scope: str, subject: str, limit: Limit, now: int) -> None:
        """Raise TooManyRequestsError if the subject's window is full, counting nothing (one GetItem, or none if known)."""
        start, end = limit.window(now)
        key = (tenant_key(tenant, "RATE", scope, subject), f"{limit.seconds}s#{start}")
        if key not in self._full:
            with translated():
                try:
                    hits = RateCounterItem.get(*key).hits or 0
                except RateCounterItem.DoesNotExist:
                    return
            if hits < limit.requests:
                return
            self._remember(key, end, now)
        raise _refused(TOO_MANY_REQUESTS, end - now)

    def _remember(self, key: tuple[str, str], end: int, now: int) -> None:
        if len(self._full) >= _REFUSED_CACHE_SIZE:
            self._full = {k: e for k, e in self._full.items() if e > now}
        self._full[key] = end
        for stale in [k for k, e in self._full.items() if e <= now]:
            del self._full[stale]


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt under way: its item's key, the failures counted with it, the token it holds the item by."""

    pk: str
    sk: str
    failures: int
    token: str


class SignInAttempts:
    """Failed sign-ins per account and client address.

    Each attempt is counted as a failure before Cognito is asked (ADD, atomic), so parallel guesses are counted
    too. The first `max_failures - 1` may run side by side; one that could bring the lock runs only while no other
    attempt holds the item (`busy_by`, for at most `attempt_seconds`), so no guess slips past the lock.
    """

    def begin(self, *, tenant: str, login: str, client: str, policy: SignInPolicy, now: int) -> Attempt:
        """Count an attempt as failed until it succeeds, or raise TooManyRequestsError while the account is locked."""
        start, end = policy.window(now)
        pk, sk, token = tenant_key(tenant, "SIGNIN", login), f"{client}#{start}", secrets.token_hex(8)
        item = SignInItem
        not_locked = item.locked_until.does_not_exist() | (item.locked_until <= now)
        may_run = item.failures.does_not_exist() | (item.failures < policy.free_attempts())
        not_busy = item.busy_until.does_not_exist() | (item.busy_until <= now)
        try:
            with translated():
                answer = item._get_connection().update_item(
                    pk,
                    range_key=sk,
                    actions=[
                        item.failures.add(1),
                        item.busy_until.set(now + policy.attempt_seconds),
                        item.busy_by.set(token),
                        item.expires_at.set(end + policy.max_lock_seconds + TTL_GRACE_SECONDS),
                        item.type.set(SignInItem),
                        item.tenant.set(tenant),
                    ],
                    condition=not_locked & (may_run | not_busy),
                    return_values="UPDATED_NEW",
                )
        except ConflictError:
            raise _refused(TOO_MANY_SIGN_INS, self._wait(pk, sk, now), SIGN_IN_LOCKED) from None
        return Attempt(pk, sk, int(answer["Attributes"]["failures"]["N"]), token)

    def failed(self, attempt: Attempt, *, policy: SignInPolicy, now: int) -> None:
        """The attempt failed: lock the account from that address if it was one too many."""
        lock = policy.lock_seconds(attempt.failures)
        if lock:  # the lock supersedes whichever attempt holds the item
            self._update(attempt, [SignInItem.locked_until.set(now + lock), *self._unheld()], mine=False)
        else:
            self._update(attempt, self._unheld(), mine=True)

    def released(self, attempt: Attempt) -> None:
        """The attempt never reached a verdict (Cognito throttled or unavailable): it does not count."""
        if not self._update(attempt, [SignInItem.failures.add(-1), *self._unheld()], mine=True):
            self._update(attempt, [SignInItem.failures.add(-1)], mine=False)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: the failures from that address are forgotten."""
        with translated():
            SignInItem._get_connection().delete_item(attempt.pk, range_key=attempt.sk)

    @staticmethod
    def _unheld() -> list[Action]:
        return [SignInItem.busy_until.remove(), SignInItem.busy_by.remove()]

    @staticmethod
    def _update(attempt: Attempt, actions: list[Action], *, mine: bool) -> bool:
        """Apply the actions to the attempt's item (only while this attempt holds it, if `mine`); False if not applied."""
        condition = SignInItem.busy_by == attempt.token if mine else SignInItem.PK.exists()
        try:
            with translated():
                SignInItem._get_connection().update_item(attempt.pk, range_key=attempt.sk, actions=actions, condition=condition)
        except ConflictError:
            return False  # a later attempt holds it, or a success reset it meanwhile
        return True

    @staticmethod
    def _wait(pk: str, sk: str, now: int) -> int:
        with translated():
            try:
                item = SignInItem.get(pk, sk, consistent_read=True)
            except SignInItem.DoesNotExist:
                return 1
        return max(int(item.locked_until or 0), int(item.busy_until or 0)) - now
