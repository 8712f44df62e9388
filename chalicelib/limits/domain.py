"""Rate limits and sign-in throttling: the rules, pure (time passed in as epoch seconds).

A rate limit is a fixed window: at most `requests` calls in each `seconds`-long window, counted afresh when the
next window starts, so a refused caller is told exactly when to come back (the window's end).

Failed sign-ins are counted per account *and* client address (docs/data-model.md): the first `max_failures`
within a window cost nothing; each failure after that locks that account from that address for twice as long as
the one before (from `first_lock_seconds` up to `max_lock_seconds`). An attacker elsewhere therefore cannot lock
the staff member out of their own desk, and one who keeps guessing from one address gets a guess every quarter of
an hour at most; Cognito's own lockout of the account stays on top of this.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

TOO_MANY_REQUESTS = "Quá nhiều yêu cầu trong thời gian ngắn, vui lòng thử lại sau {wait}."
TOO_MANY_SIGN_INS = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {wait}."
SIGN_IN_LOCKED = "too_many_sign_in_failures"  # the error code; other 429s are `too_many_requests`


@dataclass(frozen=True)
class Limit:
    """At most `requests` calls in each window of `seconds`; 0 requests means no limit."""

    requests: int
    seconds: int = 60

    @property
    def enabled(self) -> bool:
        """Whether calls are counted at all."""
        return self.requests > 0

    def window(self, now: int) -> tuple[int, int]:
        """(start, end) of the window `now` falls in."""
        start = now - now % self.seconds
        return start, start + self.seconds


@dataclass(frozen=True)
class RateLimits:
    """The limits every API call and page counts against: its caller's, then its tenant's."""

    user: Limit  # a signed-in staff member, wherever they call from
    client: Limit  # one client address, for calls without sign-in (sign-in itself, public survey links)
    tenant: Limit  # everything a tenant's host receives, so no office can crowd out the others


@dataclass(frozen=True)
class SignInPolicy:
    """How failed sign-ins of one account from one client address are throttled."""

    max_failures: int = 5
    window_seconds: int = 3600
    first_lock_seconds: int = 60
    max_lock_seconds: int = 900
    #: While an attempt at the threshold is with Cognito, a second one waits this long at most (no parallel guesses).
    attempt_seconds: int = 10

    @property
    def enabled(self) -> bool:
        """Whether sign-ins are throttled at all."""
        return self.max_failures > 0

    def window(self, now: int) -> tuple[int, int]:
        """(start, end) of the counting window `now` falls in."""
        start = now - now % self.window_seconds
        return start, start + self.window_seconds

    def lock_seconds(self, failures: int) -> int:
        """How long the account is locked (from that address) after its `failures`-th failure in the window."""
        if failures < self.max_failures:
            return 0
        return min(self.first_lock_seconds * 2 ** (failures - self.max_failures), self.max_lock_seconds)

    def free_attempts(self) -> int:
        """Attempts that may run in parallel: all but the one that could bring the first lock."""
        return max(self.max_failures - 1, 0)


def wait_text(seconds: int) -> str:
    """'30 giây', '2 phút' — how long to wait, for the message."""
    if seconds < 60:
        return f"{seconds} giây"
    return f"{-(-seconds // 60)} phút"


def client_key(address: str) -> str:
    """The key part for a client address: a digest, so counters do not spell out where staff and citizens call from."""
    return hashlib.sha256(address.encode()).hexdigest()[:20]
