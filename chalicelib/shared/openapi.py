"""OpenAPI 3.1 of everything under /api, generated from the registered routes and their pydantic schemas."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from chalicelib.shared.http import ROUTES, RouteSpec

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

_ERRORS = {
    "400": "Malformed request",
    "401": "Not signed in",
    "403": "Not allowed",
    "404": "Not found",
    "409": "Version conflict or wrong state",
    "413": "Body too large",
    "422": "Breaks a rule",
    "429": "Too many requests (rate limit, or failed sign-ins): try again after Retry-After seconds",
}
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds until a new try can succeed", "schema": {"type": "integer", "minimum": 1}}
}


def _schema_ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(spec: RouteSpec, components: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": spec.summary,
        "operationId": f"{spec.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', spec.path.lower()).strip('_')}",
        "tags": list(spec.tags),
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", spec.path)
        ],
        "responses": {},
    }
    if spec.query is not None:
        operation["parameters"] += _query_parameters(spec.query)
    if spec.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema_ref(spec.body, components)}},
        }
    ok: dict[str, Any] = {"description": "OK"}
    if spec.response is not None:
        ok["content"] = {"application/json": {"schema": _schema_ref(spec.response, components)}}
    operation["responses"][str(spec.status)] = ok
    for status, text in _ERRORS.items():
        operation["responses"][status] = {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            **({"headers": _RETRY_AFTER} if status == "429" else {}),
        }
    if spec.permission is None:
        operation["security"] = []
    else:
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
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "cskh_session"},
            },
        },
        "security": [{"bearer": []}, {"cookie": []}],
        "paths": paths,
    }
