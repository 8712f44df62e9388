"""Who is calling and for which tenant, and whose items the invocation may touch (its tenant scope).

The scope is set where the tenant becomes known — the `route` and `page` decorators (host), the outbox queue's
handler (the message) — and read by the table adapter (adapters/tenant_scope.py), which refuses any key outside it
before a call is made and, in AWS, signs each call with credentials scoped to it (adapters/tenant_credentials.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from chalicelib.shared.permissions import CENTRAL_TENANT


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


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose items an invocation may touch: its tenants' (read and write); the CCC's national view reads every tenant's.

    `whole_table` is for tooling only (the local stack's seed, tests, drills): every key, signed with the process's
    own credentials — which in AWS hold no access to the table's items.
    """

    tenants: frozenset[str]
    national_reads: bool = False
    whole_table: bool = False


_scope: ContextVar[Scope | None] = ContextVar("tenant_scope", default=None)


def current_scope() -> Scope | None:
    """The scope of the invocation in progress; None outside one (then the table refuses every call)."""
    return _scope.get()


@contextmanager
def acting_for(tenant: str) -> Iterator[Scope]:
    """The scope of one request or message: its tenant's items only."""
    scope = Scope(frozenset({tenant}))
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def allow_national_reads() -> None:
    """The CCC's national view (Permission.CENTRAL_VIEW, checked first) reads every tenant's items; writes stay its own.

    Lasts until the enclosing `acting_for` ends. Only the CCC's scope widens; any other is left as it is.
    """
    scope = _scope.get()
    if scope is not None and scope.tenants == {CENTRAL_TENANT}:
        _scope.set(replace(scope, national_reads=True))


@contextmanager
def across(*tenants: str) -> Iterator[None]:
    """A step that by the procedure spans tenants (a transfer, a report back) also reads and writes these tenants' items.

    It widens the scope in progress and never creates one: outside an invocation the table still refuses.
    """
    scope = _scope.get()
    if scope is None:
        yield
        return
    token = _scope.set(replace(scope, tenants=scope.tenants | frozenset(tenants)))
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def whole_table() -> Iterator[None]:
    """Tooling over the whole table (local seed, tests, drills) — never a request path."""
    token = _scope.set(Scope(frozenset(), whole_table=True))
    try:
        yield
    finally:
        _scope.reset(token)
