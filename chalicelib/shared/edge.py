"""What the edge needs from the rest of the app: bootstrap fills it once per cold start."""

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


@dataclass
class Edge:
    """What the edge needs from the rest of the app; bootstrap.py fills it once per cold start."""

    authenticator: Authenticator | None = None
    tenants: TenantResolver | None = None
    sessions: SessionGuard | None = None
    max_body_bytes: int = 64 * 1024
    secure_cookies: bool = True


EDGE = Edge()


def ready() -> Edge:
    """The edge, wired by bootstrap on first use (so importing the app stays cheap)."""
    if EDGE.tenants is None:
        from chalicelib.bootstrap import container

        container()
    return EDGE
