"""Who is calling and for which tenant: built once per request by shared/http.py."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in staff member, as the verified token says."""

    username: str
    tenant: str
    roles: frozenset[str]
    unit_id: str | None = None
    display_name: str = ""
    issued_at: int = 0

    @property
    def login(self) -> str:
        """The name typed at sign-in (the Cognito username without its tenant prefix)."""
        return self.username.split(".", 1)[1] if "." in self.username else self.username


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The tenant of the host and, when signed in, the principal."""

    tenant: str
    principal: Principal | None = None
    correlation_id: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    client: str = ""  # the caller's address, as API Gateway saw it

    @property
    def user(self) -> Principal:
        """The principal; routes that require sign-in always have one."""
        assert self.principal is not None, "route requires sign-in"
        return self.principal


def cognito_username(tenant: str, login: str) -> str:
    """Staff sign in with a short name on their tenant's host; the pool is shared, so it is qualified."""
    return f"{tenant}.{login}"
