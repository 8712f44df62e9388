"""Who is calling: the host's tenant, the bearer token or session cookie, CSRF, and the permission table."""

from __future__ import annotations

import hashlib
import hmac
from http.cookies import SimpleCookie

from chalice.app import Request

from chalicelib.shared.edge import Edge
from chalicelib.shared.errors import ForbiddenError, NotFoundError, UnauthorizedError
from chalicelib.shared.permissions import Permission, allows
from chalicelib.shared.tenancy import Principal

SESSION_COOKIE = "cskh_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(session_token: str) -> str:
    """The anti-forgery token of a session: pages embed it, cookie-authenticated writes must echo it."""
    return hashlib.sha256(b"csrf:" + session_token.encode()).hexdigest()[:32]


def session_token(request: Request) -> str | None:
    """The session cookie's token, if any."""
    raw = request.headers.get("cookie")
    if not raw:
        return None
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:  # noqa: BLE001 - a garbled cookie header is just no session
        return None
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel and morsel.value else None


def session_cookie(token: str, max_age: int, *, secure_only: bool) -> str:
    """Set-Cookie value for a session: HttpOnly, host-only (so per tenant), SameSite=Lax."""
    secure = "; Secure" if secure_only else ""
    return f"{SESSION_COOKIE}={token}; HttpOnly; Path=/; SameSite=Lax; Max-Age={max_age}{secure}"


def clear_session_cookie() -> str:
    """Set-Cookie value that removes the session."""
    return f"{SESSION_COOKIE}=; HttpOnly; Path=/; SameSite=Lax; Max-Age=0"


def resolve_tenant(request: Request, edge: Edge) -> str:
    """The tenant of the request's host; an unknown host is a 404."""
    tenant = edge.tenants.tenant_for_host(request.headers.get("host", ""))
    if tenant is None:
        raise NotFoundError("Không có đơn vị nào ở địa chỉ này.", code="unknown_tenant")
    return tenant


def client_address(request: Request) -> str:
    """The caller's address as API Gateway saw it (never a client-supplied header such as X-Forwarded-For)."""
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def admit(request: Request, tenant: str, principal: Principal | None, edge: Edge) -> None:
    """Count the call against the rate limits: the signed-in user's, else the client address's, and the tenant's."""
    if edge.limiter is not None:
        user = principal.username if principal is not None else None
        edge.limiter.admit(tenant=tenant, user=user, client=client_address(request))


def authenticate(
    request: Request, tenant: str, edge: Edge, *, allow_cookie: bool = True, csrf_in_header: bool = True
) -> Principal:
    """Verify the bearer token (or the session cookie); a token of another tenant is refused with 403.

    Cookie-authenticated writes must carry the anti-forgery token: as the X-CSRF-Token header for the API;
    console forms carry it as a field, which the page decorator checks (`csrf_in_header=False`).
    """
    header = request.headers.get("authorization", "")
    token: str | None = None
    from_cookie = False
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise UnauthorizedError("Tiêu đề Authorization phải có dạng 'Bearer <token>'.", code="invalid_token")
        token = value.strip()
    elif allow_cookie:
        token = session_token(request)
        from_cookie = token is not None
    if not token:
        raise UnauthorizedError()
    principal = edge.authenticator.verify(token)
    if principal.tenant != tenant:
        raise ForbiddenError("Tài khoản này thuộc đơn vị khác.", code="wrong_tenant")
    if edge.sessions is not None:
        edge.sessions.check(principal)
    if from_cookie and csrf_in_header and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, csrf_token(token)):
            raise ForbiddenError("Thiếu hoặc sai mã chống giả mạo (CSRF).", code="csrf_failed")
    return principal


def authorize(principal: Principal, tenant: str, permission: Permission) -> None:
    """Raise 403 unless the principal's roles allow the permission here."""
    if not allows(principal.roles, tenant, permission):
        raise ForbiddenError()
