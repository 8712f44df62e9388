"""The edge: route registration, parsing into schemas, sign-in, and the one mapping from errors to responses.

Handlers stay 3–10 lines: `@route(...)` parses the body and query into pydantic models, resolves the tenant from
the host, authenticates and authorizes, and turns any `AppError` into the contract's error shape
(`{"error": {"code", "message", "fields"}}`). Every registered route is also recorded for `/openapi.json`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, Protocol

from aws_lambda_powertools.metrics import MetricUnit, single_metric
from chalice import Blueprint, Chalice, Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chalicelib.identity.permissions import Permission, allows
from chalicelib.shared.errors import (
    AppError,
    ForbiddenError,
    MalformedError,
    NotFoundError,
    PayloadTooLargeError,
    UnauthorizedError,
)
from chalicelib.shared.ids import new_id
from chalicelib.shared.observability import logger, metrics
from chalicelib.shared.tenancy import Principal, RequestContext

SESSION_COOKIE = "cskh_session"
CSRF_HEADER = "x-csrf-token"
CORRELATION_HEADER = "x-correlation-id"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON_TYPE = "application/json; charset=utf-8"


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


@dataclass(frozen=True)
class RouteSpec:
    """One API operation, as /openapi.json describes it."""

    path: str
    method: str
    summary: str
    permission: Permission | None
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    tags: tuple[str, ...] = field(default_factory=tuple)


ROUTES: list[RouteSpec] = []


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


def session_cookie(token: str, max_age: int) -> str:
    """Set-Cookie value for a session: HttpOnly, host-only (so per tenant), SameSite=Lax."""
    secure = "; Secure" if EDGE.secure_cookies else ""
    return f"{SESSION_COOKIE}={token}; HttpOnly; Path=/; SameSite=Lax; Max-Age={max_age}{secure}"


def clear_session_cookie() -> str:
    """Set-Cookie value that removes the session."""
    return f"{SESSION_COOKIE}=; HttpOnly; Path=/; SameSite=Lax; Max-Age=0"


def json_response(body: Any, status: int = 200, headers: dict[str, Any] | None = None) -> Response:
    """A JSON response with UTF-8 text left readable."""
    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        status_code=status,
        headers={"Content-Type": JSON_TYPE, **(headers or {})},
    )


def error_body(error: AppError) -> dict[str, Any]:
    """The contract's error shape."""
    payload: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.fields:
        payload["fields"] = error.fields
    return {"error": payload}


def ready() -> Edge:
    """The edge, wired by bootstrap on first use (so importing the app stays cheap)."""
    if EDGE.tenants is None:
        from chalicelib.bootstrap import container

        container()
    return EDGE


def resolve_tenant(request: Request) -> str:
    """The tenant of the request's host; an unknown host is a 404."""
    ready()
    assert EDGE.tenants is not None
    tenant = EDGE.tenants.tenant_for_host(request.headers.get("host", ""))
    if tenant is None:
        raise NotFoundError("Không có đơn vị nào ở địa chỉ này.", code="unknown_tenant")
    return tenant


def authenticate(request: Request, tenant: str, *, allow_cookie: bool = True, csrf_in_header: bool = True) -> Principal:
    """Verify the bearer token (or the session cookie); a token of another tenant is refused with 403.

    Cookie-authenticated writes must carry the anti-forgery token: as the X-CSRF-Token header for the API;
    console forms carry it as a field, which the page decorator checks (`csrf_in_header=False`).
    """
    assert EDGE.authenticator is not None, "bootstrap did not configure the edge"
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
    principal = EDGE.authenticator.verify(token)
    if principal.tenant != tenant:
        raise ForbiddenError("Tài khoản này thuộc đơn vị khác.", code="wrong_tenant")
    if EDGE.sessions is not None:
        EDGE.sessions.check(principal)
    if from_cookie and csrf_in_header and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, csrf_token(token)):
            raise ForbiddenError("Thiếu hoặc sai mã chống giả mạo (CSRF).", code="csrf_failed")
    return principal


def authorize(principal: Principal, tenant: str, permission: Permission) -> None:
    """Raise 403 unless the principal's roles allow the permission here."""
    if not allows(principal.roles, tenant, permission):
        raise ForbiddenError()


def _validation_fields(error: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in error.errors():
        path = ".".join(str(p) for p in item["loc"]) or "body"
        fields[path] = item["msg"]
    return fields


def parse_body(request: Request, model: type[BaseModel]) -> BaseModel:
    """Read the raw body into the model: malformed JSON, unknown fields or wrong types are a 400."""
    raw = request.raw_body or b""
    if len(raw) > EDGE.max_body_bytes:
        raise PayloadTooLargeError(f"Nội dung vượt quá {EDGE.max_body_bytes // 1024} KiB.")
    if not raw.strip():
        raise MalformedError("Thiếu nội dung JSON.", code="empty_body")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise MalformedError("Nội dung không phải JSON hợp lệ.", code="invalid_json") from None
        raise MalformedError("Dữ liệu gửi lên không hợp lệ.", code="invalid_fields", fields=_validation_fields(exc)) from None


def parse_query(request: Request, model: type[BaseModel]) -> BaseModel:
    """Read the query string into the model; unknown or malformed parameters are a 400."""
    try:
        return model.model_validate(dict(request.query_params or {}))
    except ValidationError as exc:
        raise MalformedError("Tham số truy vấn không hợp lệ.", code="invalid_query", fields=_validation_fields(exc)) from None


def _serialize(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, BaseModel):
        return json_response(result.model_dump(mode="json"), status)
    if result is None:
        return Response(body="", status_code=204)
    return json_response(result, status)


def begin_request(request: Request) -> str:
    """Reset the log context for this invocation and return its correlation id."""
    logger.clear_state()
    context = request.context or {}
    correlation_id = request.headers.get(CORRELATION_HEADER) or context.get("requestId") or new_id()
    logger.set_correlation_id(correlation_id[:64])
    return correlation_id[:64]


def finish_request(request: Request, response: Response, started: float, route_path: str) -> Response:
    """Log one access line and flush metrics."""
    response.headers.setdefault("X-Correlation-Id", logger.get_correlation_id() or "")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    logger.info(
        "request handled",
        extra={"method": request.method, "route": route_path, "status": response.status_code, "ms": elapsed_ms},
    )
    with single_metric(name="Requests", unit=MetricUnit.Count, value=1, namespace=metrics.namespace) as metric:
        metric.add_dimension(name="route", value=f"{request.method} {route_path}")
        metric.add_dimension(name="status_class", value=f"{response.status_code // 100}xx")
    return response


def handle_errors(render: Callable[[AppError], Response], call: Callable[[], Response]) -> Response:
    """Run the call; AppErrors become their status, anything else a logged 500 that reveals nothing."""
    try:
        return call()
    except AppError as exc:
        if exc.status >= 500:
            logger.exception("dependency failure")
        return render(exc)
    except Exception:  # noqa: BLE001 - the one place that catches everything
        logger.exception("unhandled error")
        return render(AppError())


def render_json_error(error: AppError) -> Response:
    """The contract's JSON error response."""
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return json_response(error_body(error), error.status, headers)


def route(
    bp: Blueprint | Chalice,
    path: str,
    *,
    method: str = "GET",
    permission: Permission | None = None,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    public: bool = False,
    summary: str = "",
    tags: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a JSON API operation.

    The handler is called as `fn(ctx, [body], [query], **path_params)` and returns a model, a dict or a Response.
    Unless `public`, the caller must be signed in for the host's tenant and hold `permission`.
    """

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def view(**params: str) -> Response:
            request: Request = bp.current_request  # type: ignore[assignment]
            started = time.perf_counter()
            correlation_id = begin_request(request)

            def call() -> Response:
                tenant = resolve_tenant(request)
                logger.append_keys(tenant=tenant)
                principal = None
                if not public:
                    principal = authenticate(request, tenant)
                    logger.append_keys(user=principal.username)
                    if permission is not None:
                        authorize(principal, tenant, permission)
                ctx = RequestContext(
                    tenant=tenant, principal=principal, correlation_id=correlation_id,
                    headers={k.lower(): v for k, v in request.headers.items()},
                )
                args: list[Any] = [ctx]
                if body is not None:
                    args.append(parse_body(request, body))
                if query is not None:
                    args.append(parse_query(request, query))
                return _serialize(fn(*args, **params), status)

            return finish_request(request, handle_errors(render_json_error, call), started, path)

        content_types = ["application/json"] if body is not None else None
        if content_types:
            bp.route(path, methods=[method], content_types=content_types)(view)
        else:
            bp.route(path, methods=[method])(view)
        ROUTES.append(
            RouteSpec(
                path=path,
                method=method,
                summary=summary or (fn.__doc__ or "").strip().splitlines()[0] if (summary or fn.__doc__) else path,
                permission=None if public else permission,
                body=body,
                query=query,
                response=response,
                status=status,
                tags=tags,
            )
        )
        return fn

    return decorator


_CHALICE_ERRORS = {
    "MethodNotAllowedError": ("method_not_allowed", "Phương thức không được hỗ trợ cho đường dẫn này."),
    "UnsupportedMediaType": ("unsupported_media_type", "Kiểu nội dung không được hỗ trợ; hãy gửi application/json."),
    "BadRequest": ("malformed_request", "Yêu cầu không hợp lệ."),
    "BadRequestError": ("malformed_request", "Yêu cầu không hợp lệ."),
}


def contract_errors(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Middleware: the errors Chalice answers before a view runs (405, 415) get the contract's shape too."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code, message = _CHALICE_ERRORS.get(str(body["Code"]), ("request_error", str(body.get("Message", ""))))
        headers = {k: v for k, v in response.headers.items() if k.lower() == "allow"}
        return json_response({"error": {"code": code, "message": message}}, response.status_code, headers)
    return response
