"""Ending sessions before their tokens expire: sign-out, disabling, role changes (tokens are otherwise valid 60 min)."""

from __future__ import annotations

import time

from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import UnauthorizedError
from chalicelib.shared.tenancy import Principal

from .store import UserStore

CACHE_SECONDS = 15  # another warm instance honours a revocation within this long; the revoking one at once


class Sessions:
    """Refuses a token issued before the account's `revoked_before` second, or of a disabled account."""

    def __init__(self, *, users: UserStore, clock: Clock) -> None:
        self._users = users
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, bool, int]] = {}

    def check(self, principal: Principal) -> None:
        """Raise 401 when the token's session has been ended."""
        key = (principal.tenant, principal.login)
        cached = self._cache.get(key)
        if cached is None or cached[0] < time.monotonic():
            enabled, revoked_before = self._users.session_state(tenant=principal.tenant, login=principal.login)
            cached = (time.monotonic() + CACHE_SECONDS, enabled, revoked_before)
            self._cache[key] = cached
        _, enabled, revoked_before = cached
        if not enabled or principal.issued_at < revoked_before:
            raise UnauthorizedError("Phiên đăng nhập đã kết thúc, vui lòng đăng nhập lại.", code="session_revoked")

    def revoke(self, *, tenant: str, login: str) -> None:
        """End every session of the account issued up to now (the next second on)."""
        self._users.revoke_sessions(tenant=tenant, login=login, before=int(self._clock.now().timestamp()) + 1)
        self._cache.pop((tenant, login), None)

    def forget(self, *, tenant: str, login: str) -> None:
        """Drop the cached state (after enabling an account)."""
        self._cache.pop((tenant, login), None)
