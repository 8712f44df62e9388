"""The contract document is generated from the routes and is valid OpenAPI 3.1."""

from __future__ import annotations

from openapi_spec_validator import validate


def test_openapi_is_valid_and_covers_every_api_route(api):
    from app import app

    reply = api("hanoi").get("/openapi.json")
    assert reply.status == 200
    document = reply.json
    validate(document)
    assert document["openapi"].startswith("3.1")
    registered = {(path, method.lower()) for path, methods in app.routes.items() if path.startswith("/api") for method in methods}
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert registered == documented


def test_bodies_are_described_by_their_schemas(api):
    document = api("hanoi").get("/openapi.json").json
    login = document["paths"]["/api/auth/login"]["post"]
    schema_name = login["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(document["components"]["schemas"][schema_name]["required"]) == {"username", "password"}
    assert login["security"] == []
    assert document["paths"]["/api/users"]["post"]["x-permission"] == "users.manage"
