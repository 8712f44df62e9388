"""Every log line carries tenant and correlation id; personal data never appears in logs."""

from __future__ import annotations

import json


def test_request_lines_carry_tenant_and_correlation_id(api, log_lines):
    api("hanoi").login("agent").get("/api/me", headers={"x-correlation-id": "trace-abc-123"})
    handled = [line for line in log_lines() if line.get("message") == "request handled"]
    me = next(line for line in handled if line["route"] == "/api/me")
    assert me["tenant"] == "hanoi" and me["correlation_id"] == "trace-abc-123" and me["status"] == 200


def test_personal_data_sent_to_the_api_is_not_logged(api, unique, monkeypatch, log_lines):
    admin = api("hanoi").login("tenant-admin")
    email = f"ngo.thi.{unique}@baohiemxahoi.vn"
    admin.post("/api/users", {"username": f"pii-{unique}", "full_name": "Ngô Thị Chín", "roles": ["agent"], "email": email})
    # A fault whose message carries an ID number and a phone number still logs neither.
    from chalicelib.bootstrap import container

    def broken(**kwargs):
        raise RuntimeError("lookup failed for 001203004567 / 0912345678")

    monkeypatch.setattr(container().tenancy, "list_units", broken)
    assert admin.get("/api/units").status == 500
    lines = log_lines()
    text = json.dumps(lines, ensure_ascii=False)
    assert any(line.get("message") == "unhandled error" for line in lines), "the fault itself was logged"
    assert email not in text and "001203004567" not in text and "0912345678" not in text
    assert "Demo@2026" not in text
