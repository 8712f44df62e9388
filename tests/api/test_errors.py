"""Bad input never gets a 500, always the contract's error shape, and changes nothing stored."""

from __future__ import annotations

import pytest


def _is_contract_error(reply) -> bool:
    body = reply.json
    return set(body) == {"error"} and isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)


@pytest.fixture
def admin(api):
    return api("hanoi").login("tenant-admin")


@pytest.mark.parametrize(
    "raw,code",
    [
        (b"{", "invalid_json"),
        (b"[1, 2]", "invalid_fields"),
        ('{"code": "x1", "name": "Tên", "kind": "district_office", "colour": "red"}'.encode(), "invalid_fields"),
        ('{"code": 12, "name": "Tên", "kind": "district_office"}'.encode(), "invalid_fields"),
        ('{"code": "ok-code", "name": "Tên", "kind": "castle"}'.encode(), "invalid_fields"),
        (b"", "empty_body"),
        ('{"name": "\u0000"'.encode(), "invalid_json"),
    ],
)
def test_malformed_bodies_are_400_with_a_code(admin, raw, code):
    reply = admin.post("/api/units", raw=raw)
    assert reply.status == 400 and _is_contract_error(reply)
    assert reply.error_code == code


def test_field_errors_name_the_field(admin):
    reply = admin.post("/api/units", {"code": "Bad Code!", "name": "x", "kind": "district_office", "extra": 1})
    assert set(reply.json["error"]["fields"]) >= {"code", "name", "extra"}


def test_oversized_body_is_413_and_stores_nothing(admin, unique):
    big = {"code": f"big-{unique}", "name": "x" * 70_000, "kind": "district_office"}
    reply = admin.post("/api/units", big)
    assert reply.status == 413 and reply.error_code == "payload_too_large"
    assert admin.get(f"/api/units/big-{unique}").status == 404


def test_wrong_method_and_media_type_speak_the_contract(admin):
    wrong_method = admin.put("/api/me")
    assert wrong_method.status == 405 and wrong_method.error_code == "method_not_allowed"
    wrong_type = admin.post("/api/units", raw=b"code=x", headers={"content-type": "text/plain"})
    assert wrong_type.status == 415 and wrong_type.error_code == "unsupported_media_type"


def test_bad_query_parameters_are_400(admin):
    reply = admin.get("/api/units?include_inactive=perhaps")
    assert reply.status == 400 and reply.error_code == "invalid_query"
    assert admin.get("/api/units?colour=red").status == 400


def test_failed_update_leaves_the_stored_unit_as_it_was(admin, unique):
    created = admin.post("/api/units", {"code": f"keep-{unique}", "name": "Giữ nguyên", "kind": "district_office"}).json
    assert admin.put(f"/api/units/keep-{unique}", {"version": "latest", "name": "Đổi"}).status == 400
    assert admin.put(f"/api/units/keep-{unique}", {"version": created["version"] + 5, "name": "Đổi"}).status == 409
    stored = admin.get(f"/api/units/keep-{unique}").json
    assert stored["name"] == "Giữ nguyên" and stored["version"] == created["version"]


def test_unknown_route_on_the_live_server_is_a_contract_404(live_server):
    import requests

    reply = requests.get(f"{live_server}/api/nothing-here", headers={"Host": "hanoi.localhost"}, timeout=10)
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "not_found"


def test_internal_faults_are_500_without_details(admin, monkeypatch):
    from chalicelib.bootstrap import container

    def broken(**kwargs):
        raise RuntimeError("secret internals 0912345678")

    monkeypatch.setattr(container().tenancy, "list_units", broken)
    reply = admin.get("/api/units")
    assert reply.status == 500 and reply.error_code == "internal_error"
    assert "secret" not in reply.text and "0912345678" not in reply.text
