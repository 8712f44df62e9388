"""OpenAPI 3.1 of everything under /api, generated from the registered routes and their pydantic schemas."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from chalicelib.shared.fields import IDENTIFIER_MAX, IDENTIFIER_PATTERN
from chalicelib.shared.http import ROUTES, RouteSpec

if TYPE_CHECKING:
    from pydantic.json_schema import JsonSchemaMode

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}

# Every error status an operation may answer, with its description (components/responses, named by status).
ERROR_RESPONSES = {
    400: "Malformed request: bad JSON, unknown fields, wrong types, a value outside its documented form or range",
    401: "Not signed in, or the sign-in step failed",
    403: "Not allowed: another tenant's token, or a permission the role does not have",
    404: "Not found: no such tenant host or object (also another tenant's objects, and malformed ids in the path)",
    409: "Version conflict or wrong state",
    413: "Body too large",
    415: "Body is not application/json",
    422: "Well-formed, but breaks a rule",
    429: "Too many requests (rate limit, or failed sign-ins): try again after Retry-After seconds",
    503: "A dependency is unavailable; safe to retry",
}
PATH_PARAMETER: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": IDENTIFIER_MAX,
    "pattern": IDENTIFIER_PATTERN,
}
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds until a new try can succeed", "schema": {"type": "integer", "minimum": 1}}
}


def error_statuses(spec: RouteSpec) -> list[int]:
    """The error statuses of an operation: implied by what it reads and whether it writes, plus its own `errors`.

    Any operation: 404 (unknown host), 429, 503. Inputs (path, query, headers, body): 400 and 422. A body: 413
    and 415. Signed-in operations: 401 and 403; signed-in writes: 409.
    """
    statuses = {404, 429, 503, *spec.errors}
    if spec.body or spec.query or spec.headers or "{" in spec.path:
        statuses |= {400, 422}
    if spec.body:
        statuses |= {413, 415}
    if not spec.public:
        statuses |= {401, 403}
        if spec.method != "GET":
            statuses.add(409)
    return sorted(statuses)


_OWNERS: dict[str, type[BaseModel]] = {}  # a component's name → the one model it documents


def _schema_ref(model: type[BaseModel], components: dict[str, Any], mode: JsonSchemaMode) -> dict[str, str]:
    owner = _OWNERS.setdefault(model.__name__, model)
    if owner is not model:  # two models of one name: the second would silently document the first's operations
        raise ValueError(f"two schemas are named {model.__name__}: {owner.__module__} and {model.__module__}")
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    """A query or header value is text or absent, never null: `anyOf [X, null]` is just X."""
    options = [o for o in prop.get("anyOf", []) if o != {"type": "null"}]
    if len(options) != 1:
        return prop
    rest = {k: v for k, v in prop.items() if k not in ("anyOf", "default") or (k == "default" and v is not None)}
    return {**options[0], **rest}


def _parameters(model: type[BaseModel], where: str) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": where, "required": name in required, "schema": _without_null(prop)}
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(spec: RouteSpec, components: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": spec.summary,
        "operationId": f"{spec.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', spec.path.lower()).strip('_')}",
        "tags": list(spec.tags),
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": dict(PATH_PARAMETER)}
            for name in re.findall(r"{(\w+)}", spec.path)
        ],
        "responses": {},
    }
    if spec.query is not None:
        operation["parameters"] += _parameters(spec.query, "query")
    if spec.headers is not None:
        operation["parameters"] += _parameters(spec.headers, "header")
    if spec.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema_ref(spec.body, components, "validation")}},
        }
    ok: dict[str, Any] = {"description": "OK"}
    if spec.response is not None:
        ok["content"] = {"application/json": {"schema": _schema_ref(spec.response, components, "serialization")}}
    operation["responses"][str(spec.status)] = ok
    for status in error_statuses(spec):
        operation["responses"][str(status)] = {"$ref": f"#/components/responses/{status}"}
    if spec.public:
        operation["security"] = []
    if spec.permission is not None:
        operation["x-permission"] = spec.permission.value
    return operation


def document() -> dict[str, Any]:
    """The OpenAPI document."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for spec in ROUTES:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "CSKH — Vietnam Social Security customer care", "version": "1.0.0"},
        "servers": [{"url": "https://{tenant}.cskh.baohiemxahoi.gov.vn", "variables": {"tenant": {"default": "ccc"}}}],
        "components": {
            "schemas": components,
            "responses": {
                str(status): {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    **({"headers": _RETRY_AFTER} if status == 429 else {}),
                }
                for status, text in ERROR_RESPONSES.items()
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "cskh_session"},
            },
        },
        "security": [{"bearer": []}, {"cookie": []}],
        "paths": paths,
    }
