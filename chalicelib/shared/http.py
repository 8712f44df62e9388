"""The HTTP edge's pieces: parsing into schemas, the one mapping from errors to responses, the access log.

`chalicelib/entrypoints/api.py` assembles them into the `route` decorator; every registered route is recorded in
`ROUTES` for `/openapi.json`. Errors take the contract's shape (`{"error": {"code", "message", "fields"}}`).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from chalice import Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chalicelib.shared.errors import (
    AppError,
    MalformedError,
    NotFoundError,
    PayloadTooLargeError,
    TooManyRequestsError,
)
from chalicelib.shared.fields import IDENTIFIER_MAX, IDENTIFIER_PATTERN
from chalicelib.shared.ids import new_id
from chalicelib.shared.observability import count, logger
from chalicelib.shared.permissions import Permission

CORRELATION_HEADER = "x-correlation-id"
JSON_TYPE = "application/json; charset=utf-8"

#: On every answer of the app: pages, API, static files and Chalice's own errors (the `security_headers` middleware).
#: No inline script or style anywhere (scripts and styles come from /static), no framing, no referrer: public
#: survey links carry their token in the URL, and the console links to other offices' hosts.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)


def policy_posting_to(url: str) -> str:
    """The policy for a page whose form posts to another origin (an upload straight to storage): that one only."""
    parts = urlsplit(url)
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")


SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",  # browsers ignore it over plain HTTP
}
#: Every answer but a static file may carry personal data (or a session): nothing is kept by browsers or proxies.
NO_STORE = "no-store"


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
    public: bool = False
    headers: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()  # statuses the operation answers beyond those its inputs imply (shared/openapi.py)


ROUTES: list[RouteSpec] = []


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


def _validation_fields(error: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in error.errors():
        path = ".".join(str(p) for p in item["loc"]) or "body"
        fields[path] = item["msg"]
    return fields


def parse_body(request: Request, model: type[BaseModel], *, max_bytes: int) -> BaseModel:
    """Read the raw body into the model, strictly: malformed JSON, unknown fields or wrong types are a 400.

    Strict means JSON's own types: `"1"` or `1.0` is not an integer, `1` not a boolean, `null` not a string.
    """
    raw = request.raw_body or b""
    if len(raw) > max_bytes:
        raise PayloadTooLargeError(f"Nội dung vượt quá {max_bytes // 1024} KiB.")
    if not raw.strip():
        raise MalformedError("Thiếu nội dung JSON.", code="empty_body")
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise MalformedError("Nội dung không phải JSON hợp lệ.", code="invalid_json") from None
        raise MalformedError("Dữ liệu gửi lên không hợp lệ.", code="invalid_fields", fields=_validation_fields(exc)) from None


def parse_query(request: Request, model: type[BaseModel]) -> BaseModel:
    """Read the query string into the model; unknown or malformed parameters are a 400.

    Every value is text: the model's types (shared/fields.py `QueryInt`, `QueryFlag`, `QueryInstant`) say which
    texts a number, a flag or an instant may be, and nothing else is converted.
    """
    try:
        return model.model_validate(dict(request.query_params or {}), strict=True)
    except ValidationError as exc:
        raise MalformedError("Tham số truy vấn không hợp lệ.", code="invalid_query", fields=_validation_fields(exc)) from None


def parse_headers(request: Request, model: type[BaseModel]) -> BaseModel:
    """Read the headers the model names (by alias, in any case); a malformed one is a 400 naming the header."""
    names = {(info.alias or name).lower(): info.alias or name for name, info in model.model_fields.items()}
    sent = {names[k.lower()]: v for k, v in request.headers.items() if k.lower() in names}
    try:
        return model.model_validate(sent, strict=True)
    except ValidationError as exc:
        raise MalformedError("Tiêu đề yêu cầu không hợp lệ.", code="invalid_header", fields=_validation_fields(exc)) from None


_PATH_VALUE = re.compile(IDENTIFIER_PATTERN)


def check_path(params: dict[str, str]) -> None:
    """Path parameters are identifiers: any other text names nothing that exists (404) and never reaches a key."""
    for value in params.values():
        if not (len(value) <= IDENTIFIER_MAX and _PATH_VALUE.fullmatch(value)):
            raise NotFoundError()


def serialize(result: Any, status: int) -> Response:
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
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    logger.info(
        "request handled",
        extra={"method": request.method, "route": route_path, "status": response.status_code, "ms": elapsed_ms},
    )
    count("Requests", route=f"{request.method} {route_path}", status_class=f"{response.status_code // 100}xx")
    return response


def handle_errors(render: Callable[[AppError], Response], call: Callable[[], Response]) -> Response:
    """Run the call; AppErrors become their status, anything else a logged 500 that reveals nothing."""
    try:
        return call()
    except AppError as exc:
        if exc.status >= 500:
            logger.exception("dependency failure")
        response = render(exc)
        if isinstance(exc, TooManyRequestsError):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except Exception:  # noqa: BLE001 - the one place that catches everything
        logger.exception("unhandled error")
        return render(AppError())


def render_json_error(error: AppError) -> Response:
    """The contract's JSON error response."""
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return json_response(error_body(error), error.status, headers)


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


def security_headers(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Middleware: SECURITY_HEADERS on every answer, and no-store unless the view chose its own caching (static files)."""
    response = get_response(event)
    present = {name.lower() for name in response.headers}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers[name] = value
    if "cache-control" not in present:
        response.headers["Cache-Control"] = NO_STORE
    return response
