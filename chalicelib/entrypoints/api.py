"""The JSON API's `route` decorator: tenant from the host, sign-in, rate limits, permission, schemas in, read model out.

Handlers stay 1–10 lines: `@route(...)` parses the body and query into pydantic models, resolves the tenant,
authenticates and authorizes against the container's edge, and turns any `AppError` into the contract's error
shape. Every registered route is recorded for `/openapi.json`. The host's tenant is also the request's tenant
scope: the table refuses any other tenant's key, except reads for the CCC's national view (CENTRAL_VIEW).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Chalice, Response
from chalice.app import Request
from pydantic import BaseModel

from chalicelib.entrypoints import container
from chalicelib.shared.auth import admit, authenticate, authorize, client_address, resolve_tenant
from chalicelib.shared.edge import Edge
from chalicelib.shared.http import (
    ROUTES,
    RouteSpec,
    begin_request,
    check_path,
    finish_request,
    handle_errors,
    parse_body,
    parse_headers,
    parse_query,
    render_json_error,
    serialize,
)
from chalicelib.shared.observability import logger
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext, acting_for, allow_national_reads


def route(
    bp: Blueprint | Chalice,
    path: str,
    *,
    method: str = "GET",
    permission: Permission | None = None,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    headers: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    public: bool = False,
    summary: str = "",
    tags: tuple[str, ...] = (),
    errors: tuple[int, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a JSON API operation.

    The handler is called as `fn(ctx, [body], [query], [headers], **path_params)` and returns a model, a dict or a
    Response. Unless `public`, the caller must be signed in for the host's tenant and hold `permission`. Path
    parameters are identifiers (else 404); `errors` lists statuses the inputs do not imply (shared/openapi.py).
    """

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def view(**params: str) -> Response:
            request: Request = bp.current_request  # type: ignore[assignment]
            started = time.perf_counter()
            correlation_id = begin_request(request)

            def call() -> Response:
                edge = container().edge
                tenant = resolve_tenant(request, edge)
                with acting_for(tenant):  # its tenant's items and no other's (adapters/tenant_scope.py)
                    return answer(edge, tenant)

            def answer(edge: Edge, tenant: str) -> Response:
                logger.append_keys(tenant=tenant)
                principal = None
                if not public:
                    principal = authenticate(request, tenant, edge)
                    logger.append_keys(user=principal.username)
                admit(request, tenant, principal, edge)  # before anything else is read or written
                if principal is not None and permission is not None:
                    authorize(principal, tenant, permission)
                    if permission is Permission.CENTRAL_VIEW:
                        allow_national_reads()
                ctx = RequestContext(
                    tenant=tenant,
                    principal=principal,
                    correlation_id=correlation_id,
                    headers={k.lower(): v for k, v in request.headers.items()},
                    client=client_address(request),
                )
                check_path(params)
                args: list[Any] = [ctx]
                if body is not None:
                    args.append(parse_body(request, body, max_bytes=edge.max_body_bytes))
                if query is not None:
                    args.append(parse_query(request, query))
                if headers is not None:
                    args.append(parse_headers(request, headers))
                return serialize(fn(*args, **params), status)

            return finish_request(request, handle_errors(render_json_error, call), started, path)

        if body is not None:
            bp.route(path, methods=[method], content_types=["application/json"])(view)
        else:
            bp.route(path, methods=[method])(view)
        doc = (fn.__doc__ or "").strip().splitlines()
        ROUTES.append(
            RouteSpec(
                path=path,
                method=method,
                summary=summary or (doc[0] if doc else path),
                permission=None if public else permission,
                body=body,
                query=query,
                response=response,
                status=status,
                tags=tags,
                public=public,
                headers=headers,
                errors=errors,
            )
        )
        return fn

    return decorator
