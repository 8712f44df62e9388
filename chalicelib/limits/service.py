"""Admitting calls: the edge asks the RateLimiter before any handler runs; sign-in asks the SignInThrottle."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import UnauthorizedError

from .domain import Limit, RateLimits, SignInPolicy, client_key
from .store import RateCounters, SignInAttempts


class RateLimiter:
    """Counts each call against its caller's limit (the signed-in user, else the client address), then its tenant's.

    A call refused by its caller's limit is not counted against the tenant, so one noisy client cannot use up an
    office's allowance. System work (timers, the outbox queue) never comes through here.
    """

    def __init__(self, *, counters: RateCounters, limits: RateLimits, clock: Clock) -> None:
        self._counters = counters
        self.limits = limits
        self._clock = clock

    def admit(self, *, tenant: str, user: str | None, client: str) -> None:
        """Let the call through, or raise TooManyRequestsError with the seconds until it may be retried."""
        now = int(self._clock.now().timestamp())
        if user is not None:
            self._count(tenant, "user", user, self.limits.user, now)
        else:
            self._count(tenant, "client", client_key(client), self.limits.client, now)
        self._count(tenant, "tenant", "all", self.limits.tenant, now)

    def _count(self, tenant: str, scope: str, subject: str, limit: Limit, now: int) -> None:
        if limit.enabled:
            self._counters.hit(tenant=tenant, scope=scope, subject=subject, limit=limit, now=now)


class SignInThrottle:
    """Failed sign-ins per account and client address (limits.domain): refused while locked, without asking Cognito."""

    def __init__(self, *, attempts: SignInAttempts, policy: SignInPolicy, clock: Clock) -> None:
        self._attempts = attempts
        self.policy = policy
        self._clock = clock

    @contextmanager
    def attempt(self, *, tenant: str, login: str, client: str) -> Iterator[None]:
        """Around one password check: a wrong password (401) counts, a right one resets, no verdict does not count."""
        if not self.policy.enabled:
            yield
            return
        policy = self.policy
        attempt = self._attempts.begin(tenant=tenant, login=login, client=client_key(client), policy=policy, now=self._now())
        try:
            yield
        except UnauthorizedError:
            self._attempts.failed(attempt, policy=policy, now=self._now())
            raise
        except Exception:
            self._attempts.released(attempt)  # no verdict on the password (Cognito throttled or unavailable)
            raise
        self._attempts.succeeded(attempt)

    def _now(self) -> int:
        return int(self._clock.now().timestamp())
