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


def _responses(document: dict, path: str, method: str) -> set[str]:
    return set(document["paths"][path][method]["responses"])


def test_every_operation_lists_the_errors_it_can_answer_with_the_error_schema(api):
    document = api("hanoi").get("/openapi.json").json
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"404", "429", "503"} <= statuses, (method, path)
            if operation.get("security") != []:
                assert {"401", "403"} <= statuses, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "415", "422"} <= statuses, (method, path)
    for status, response in document["components"]["responses"].items():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, status
    assert _responses(document, "/api/requests/{request_id}/assign", "post") >= {"400", "401", "403", "404", "409", "422"}
    assert _responses(document, "/api/auth/new-password", "post") >= {"400", "401", "422", "429"}
    assert _responses(document, "/api/calendar/add-working-days", "get") >= {"400", "422"}


def test_the_idempotency_key_is_documented_with_its_maximum(api):
    document = api("hanoi").get("/openapi.json").json
    headers = [p for p in document["paths"]["/api/requests"]["post"]["parameters"] if p["in"] == "header"]
    assert [(h["name"], h["required"], h["schema"]["maxLength"]) for h in headers] == [("Idempotency-Key", False, 128)]


def test_ids_instants_and_query_values_are_documented_as_the_edge_reads_them(api):
    from chalicelib.shared.fields import IDENTIFIER_PATTERN

    document = api("hanoi").get("/openapi.json").json
    operation = document["paths"]["/api/requests/{request_id}/assign"]["post"]
    assert operation["parameters"][0]["schema"]["pattern"] == IDENTIFIER_PATTERN
    query = {p["name"]: p["schema"] for p in document["paths"]["/api/requests"]["get"]["parameters"]}
    assert query["due_before"]["format"] == "date-time" and "2200-01-01" in query["due_before"]["description"]
    assert query["limit"]["type"] == "integer" and query["overdue"]["type"] == "boolean"
    assert "anyOf" not in query["assignee"], "a query value is text or absent, never null"
    logout = document["paths"]["/api/auth/logout"]["post"]
    assert "security" not in logout and {"401", "403"} <= set(logout["responses"])
