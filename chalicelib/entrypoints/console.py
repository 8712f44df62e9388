"""The console's `page` decorator: sign-in by cookie, rate limits, CSRF on forms, permission, HTML error pages."""

from __future__ import annotations

import functools
import hmac
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.entrypoints import container
from chalicelib.shared.auth import (
    admit,
    authenticate,
    authorize,
    clear_session_cookie,
    client_address,
    csrf_token,
    resolve_tenant,
    session_token,
)
from chalicelib.shared.edge import Edge
from chalicelib.shared.errors import AppError, ForbiddenError, MalformedError, PayloadTooLargeError, UnauthorizedError
from chalicelib.shared.http import begin_request, finish_request, handle_errors
from chalicelib.shared.observability import logger
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import Principal, acting_for, allow_national_reads
from chalicelib.tenancy.catalog import TENANT_BY_CODE, TENANTS, TenantSpec
from chalicelib.web.render import Page, html, redirect, render


def _error_page(tenant: TenantSpec | None, principal: Principal | None) -> Callable[[AppError], Response]:
    def render_error(error: AppError) -> Response:
        if tenant is None:
            return html("unknown_host.html", error.status)
        page = Page(tenant=tenant, principal=principal)
        return render(page, "error.html", error.status, error=error)

    return render_error


def _safe_next(path: str) -> str:
    return path if path.startswith("/") and not path.startswith("//") else "/"


def visited(template: str, params: dict[str, str], query: dict[str, str]) -> str:
    """The address the visitor asked for: Chalice's `request.path` is the route's template (`/knowledge/{entry_id}`),
    so the path parameters are put back, and the query after it, for the sign-in page to return to."""
    path = template
    for name, value in params.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path + ("?" + urlencode(query) if query else "")


def page(
    bp: Blueprint,
    path: str,
    *,
    method: str = "GET",
    permission: Permission | None = Permission.CONSOLE,
    public: bool = False,
    form_template: str | None = None,
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Register a console page: `fn(page, **path_params)`; unsigned visitors are sent to the sign-in page.

    With `form_template`, a rule broken by the submitted form (4xx) shows that form again with the message and
    what was typed, instead of an error page.
    """

    def decorator(fn: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(fn)
        def view(**params: str) -> Response:
            request: Request = bp.current_request  # type: ignore[assignment]
            started = time.perf_counter()
            begin_request(request)
            state: dict[str, Any] = {"tenant": None, "principal": None, "page": None}

            def call() -> Response:
                edge = container().edge
                host = request.headers.get("host", "")
                if request.path == "/" and edge.tenants.is_apex(host):
                    return html("directory.html", tenants=TENANTS, host=host)
                tenant = TENANT_BY_CODE[resolve_tenant(request, edge)]
                state["tenant"] = tenant
                with acting_for(tenant.code):  # its tenant's items and no other's (adapters/tenant_scope.py)
                    return answer(edge, tenant)

            def answer(edge: Edge, tenant: TenantSpec) -> Response:
                logger.append_keys(tenant=tenant.code)
                form = _read_form(request, edge.max_body_bytes) if method == "POST" else {}
                query = dict(request.query_params or {})
                client = client_address(request)
                if public:
                    state["page"] = Page(tenant=tenant, principal=None, path=request.path, form=form, query=query, client=client)
                    admit(request, tenant.code, None, edge)
                    return fn(state["page"], **params)
                try:
                    principal = authenticate(request, tenant.code, edge, csrf_in_header=False) if session_token(request) else None
                except UnauthorizedError:
                    principal = None
                except ForbiddenError:  # a session of another tenant: sign in here
                    principal = None
                admit(request, tenant.code, principal, edge)
                if principal is None:
                    back = visited(request.path, params, dict(request.query_params or {}))
                    target = "/login?next=" + quote(_safe_next(back))
                    return redirect(target, {"Set-Cookie": clear_session_cookie()})
                state["principal"] = principal
                token = session_token(request) or ""
                csrf = csrf_token(token)
                if method == "POST" and not hmac.compare_digest((form.get("csrf") or [""])[0], csrf):
                    raise ForbiddenError("Phiên làm việc không hợp lệ, vui lòng tải lại trang.", code="csrf_failed")
                if permission is not None:
                    authorize(principal, tenant.code, permission)
                    if permission is Permission.CENTRAL_VIEW:
                        allow_national_reads()
                state["page"] = Page(
                    tenant=tenant, principal=principal, csrf=csrf, path=request.path, form=form, query=query, client=client
                )
                return fn(state["page"], **params)

            def render_error(error: AppError) -> Response:
                current: Page | None = state["page"]
                if form_template and current is not None and 400 <= error.status < 500:
                    reserved = {"page", "tenant", "user", "nav", "csrf", "status", "template", "error", "fields"}
                    typed = {k: v[0] for k, v in current.form.items() if "password" not in k and k not in reserved}
                    return render(current, form_template, error.status, error=error.message, fields=error.fields, **typed)
                return _error_page(state["tenant"], state["principal"])(error)

            response = handle_errors(render_error, call)
            return finish_request(request, response, started, path)

        if method == "POST":
            bp.route(path, methods=["POST"], content_types=["application/x-www-form-urlencoded", "multipart/form-data"])(view)
        else:
            bp.route(path, methods=[method])(view)
        return fn

    return decorator


def _read_form(request: Request, max_bytes: int) -> dict[str, list[str]]:
    raw = request.raw_body or b""
    if len(raw) > max_bytes:
        raise PayloadTooLargeError()
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return parse_qs(text, keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        raise MalformedError("Biểu mẫu không hợp lệ.") from None
