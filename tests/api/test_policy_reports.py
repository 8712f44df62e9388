"""Policy reports end to end on the local stack (Decision 681 Art. 14–15): a province's report built from its
requests, written, submitted, approved by its leader and frozen, then consolidated in the CCC's national report.

Each test works on a month of its own in the past, so the counters behind it hold only its requests."""

from __future__ import annotations

from typing import Any

from tests.api.test_request_pages import console, form
from tests.api.test_requests import _act, _intake
from tests.conftest import Api

PERIOD = "2024-07"  # this file's month: no other test receives requests then


def _section(report: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in report["sections"] if s["key"] == key)


def _figure(section: dict[str, Any], key: str) -> float | None:
    return next(i["value"] for i in section["indicators"] if i["key"] == key)


def _job_done(client: Api, run_jobs: Any, reply: Any) -> None:
    assert reply.status == 202, reply.text
    run_jobs()
    job = client.get(f"/api/jobs/{reply.json['id']}").json
    assert job["status"] == "succeeded", job


def test_a_province_report_is_approved_frozen_and_consolidated_by_the_ccc(api, run_jobs, unique):
    agent, focal, leader = (api("hanoi").login(u) for u in ("agent", "focal-officer", "leader"))
    received = f"{PERIOD}-10T09:00:00+07:00"
    asked = [_intake(agent, unique, received_at=received) for _ in range(3)]
    _intake(agent, unique + "x", received_at=received, category="staff_attitude", subject="Thái độ cán bộ tiếp nhận")
    assert _act(agent, asked[0], "answer", text="Chị được hưởng 6 tháng.").status == 200

    created = focal.post("/api/reports/policy", {"kind": "regular", "period": PERIOD})
    assert created.status == 201, created.text
    report = created.json
    assert report["id"] == f"R-{PERIOD}" and report["approval"]["status"] == "draft" and report["frozen"] is False
    assert focal.post("/api/reports/policy", {"kind": "regular", "period": PERIOD}).json["error"]["code"] == "report_exists"
    run_jobs()
    report = focal.get(f"/api/reports/policy/{report['id']}").json
    policy = _section(report, "policy")
    assert _figure(policy, "received") == 3 and _figure(policy, "answered") == 1
    assert _figure(report["overall"], "received") == 4
    top = policy["typical"][0]
    assert top["label"] == f"Chế độ thai sản {unique}" and top["count"] == 3
    assert {e["id"] for e in top["requests"]} == {r["id"] for r in asked}
    assert all(e["url"] == f"/requests/{e['id']}" for e in top["requests"]), "each piece of evidence opens its request"

    assert api("hcm").login("focal-officer").get(f"/api/reports/policy/{report['id']}").status == 404
    body = {"version": report["version"], "overall": "Đề nghị hướng dẫn thống nhất.", "policy": "Rà soát chế độ thai sản."}
    written = focal.put(f"/api/reports/policy/{report['id']}/recommendations", body)
    assert written.status == 200, written.text
    stale = focal.put(f"/api/reports/policy/{report['id']}/recommendations", body)
    assert stale.status == 409, "a stale version is refused"
    submitted = focal.post(f"/api/reports/policy/{report['id']}/submit", {"version": written.json["version"], "note": ""})
    assert submitted.status == 200, submitted.text
    inbox = leader.get("/api/approvals").json["items"]
    assert any(i["kind"] == "policy_report" and i["subject_id"] == report["id"] for i in inbox)
    approved = leader.post(f"/api/reports/policy/{report['id']}/approve", {"version": submitted.json["version"], "note": ""})
    assert approved.status == 200, approved.text
    assert approved.json["frozen"] is True and approved.json["approval"]["status"] == "approved"
    run_jobs()
    assert focal.get(f"/api/reports/policy/{report['id']}").json["archive"] == ["pdf", "xlsx"]
    pdf = focal.get(f"/api/reports/policy/{report['id']}/files/pdf")
    assert pdf.status == 302 and pdf.headers["location"]

    _intake(agent, unique, received_at=received)  # received in the month after the approval
    after = focal.get(f"/api/reports/policy/{report['id']}").json
    assert _figure(_section(after, "policy"), "received") == 3, "the approved report keeps its frozen figures"

    assert focal.post("/api/reports/policy", {"kind": "national", "period": PERIOD}).status == 403
    officer = api("ccc").login("ccc-officer")
    national = officer.post("/api/reports/policy", {"kind": "national", "period": PERIOD})
    assert national.status == 201, national.text
    n = national.json
    hanoi = next(s for s in n["sources"] if s["tenant"] == "hanoi")
    assert hanoi["report_id"] == report["id"] and not hanoi["missing"]
    assert "hcm" in n["missing"] and len(n["sources"]) == 35
    assert _figure(_section(n, "policy"), "received") == 3
    quotes = _section(n, "policy")["quotes"]
    assert [q["tenant"] for q in quotes] == ["hanoi"] and quotes[0]["text"] == "Rà soát chế độ thai sản."
    listed = officer.get("/api/reports/policy?limit=10").json["items"]
    assert any(r["id"] == n["id"] for r in listed)

    page, _ = console(officer)
    shown = page.get(f"/reports/policy/national?period={PERIOD}")
    assert shown.status == 200, shown.text
    assert 'data-tenant="hanoi" data-status="approved"' in shown.text and 'data-tenant="hcm" data-status="missing"' in shown.text
    national_page = page.get(f"/reports/policy/{n['id']}")
    assert national_page.status == 200 and "Bảo hiểm xã hội thành phố Hà Nội:" in national_page.text, "its quote, by name"
    desk, csrf = console(focal)
    stale = form(desk, f"/reports/policy/{report['id']}/recommendations", {"version": "0", "overall": "Khác"}, csrf)
    assert stale.status == 409 and 'data-testid="form-error"' in stale.text, "a stale form is shown again with the refusal"


def test_an_export_is_a_job_with_a_file_and_bad_input_is_a_clear_error(api, run_jobs, unique):
    focal = api("hcm").login("focal-officer")
    bad = focal.post("/api/reports/policy", {"kind": "ad_hoc", "start": "2024-05-10", "end": "2024-05-01", "title": "Thử"})
    assert bad.status == 422 and bad.json["error"]["fields"] == {"end": "before_start"}
    assert focal.post("/api/reports/policy", {"kind": "regular"}).json["error"]["fields"] == {"period": "required"}
    assert focal.post("/api/reports/policy", {"kind": "monthly", "period": "2024-05"}).status == 400
    made = focal.post(
        "/api/reports/policy", {"kind": "ad_hoc", "start": "2024-05-01", "end": "2024-05-20", "title": f"Đột xuất {unique}"}
    )
    assert made.status == 201, made.text
    export = focal.post(f"/api/reports/policy/{made.json['id']}/exports", {"format": "xlsx"})
    _job_done(focal, run_jobs, export)
    assert focal.post(f"/api/reports/policy/{made.json['id']}/exports", {"format": "doc"}).status == 400
    assert focal.get(f"/api/reports/policy/{made.json['id']}/files/pdf").status == 404, "no frozen copy before approval"
