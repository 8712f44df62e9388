"""What the edge needs from the rest of the app, as protocols: the composition root supplies an `Edge` per container."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from chalicelib.shared.tenancy import Principal


class Authenticator(Protocol):
    """Turns a bearer token into a principal, or raises UnauthorizedError."""

    def verify(self, token: str) -> Principal: ...


class SessionGuard(Protocol):
    """Refuses tokens issued before the user was signed out, disabled or given new roles."""

    def check(self, principal: Principal) -> None: ...


class TenantResolver(Protocol):
    """Maps a Host header to a tenant code, or None for an unknown host."""

    def tenant_for_host(self, host: str) -> str | None: ...

    def is_apex(self, host: str) -> bool: ...


class Limiter(Protocol):
    """Counts a call against its caller's and its tenant's rate limits, or raises TooManyRequestsError."""

    def admit(self, *, tenant: str, user: str | None, client: str) -> None: ...


@dataclass
class Edge:
    """What the edge needs: token verification, host → tenant, session revocation, rate limits, two settings."""

    authenticator: Authenticator
    tenants: TenantResolver
    sessions: SessionGuard | None = None
    limiter: Limiter | None = None
    max_body_bytes: int = 64 * 1024
    secure_cookies: bool = True
