"""Sampling frames and the sample-size calculator through the API and the console pages, on the local stack."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import requests

from tests.api.test_request_pages import console, form


def _upload(client, name: str, data: bytes) -> str:
    reply = client.post("/api/uploads", {"file_name": name})
    assert reply.status == 201, reply.text
    sent = requests.post(reply.json["url"], data=reply.json["fields"], files={"file": (name, data)}, timeout=10)
    assert sent.status_code in (200, 201, 204), sent.text
    return str(reply.json["upload_id"])


def _list(rows: int, bad_line: int | None = None) -> bytes:
    lines = ["Họ và tên;Số điện thoại;Email;Tỉnh/thành phố;Kênh"]
    for i in range(rows):
        phone = "12" if bad_line == i + 2 else f"091{i:07d}"
        lines.append(f"Người {i};{phone};;Hà Nội;{'Tổng đài' if i % 2 else 'Email'}")
    return ("\r\n".join(lines) + "\r\n").encode()


def test_the_calculator_gives_cochran_with_the_correction_beside_yamane(api) -> None:
    officer = api("hanoi").login("focal-officer")
    size = officer.get("/api/surveys/sample-size?population=10000&margin=0.05&confidence=95&proportion=0.5")
    assert size.status == 200
    assert (size.json["cochran_infinite"], size.json["cochran"], size.json["yamane"], size.json["n"]) == (385, 370, 385, 370)
    assert 0.0499 < size.json["achieved_margin"] <= 0.05
    bad = officer.get("/api/surveys/sample-size?population=10000&margin=0.7")
    assert bad.status == 422 and "margin" in bad.json["error"]["fields"]
    assert officer.get("/api/surveys/sample-size?population=10000&margin=0.05&confidence=80").status == 422
    assert officer.get("/api/surveys/sample-size?population=10000&margin=5e-2").status == 400
    assert api("hanoi").login("agent").get("/api/surveys/sample-size?population=10&margin=0.05").status == 403


def test_an_uploaded_list_becomes_a_frame_seen_by_its_office_only(api, run_jobs) -> None:
    officer = api("hanoi").login("focal-officer")
    upload_id = _upload(officer, "danh sách.csv", _list(40))
    started = officer.post(
        "/api/surveys/frames/import", {"upload_id": upload_id, "file_name": "danh sách.csv", "title": "Khảo sát quý IV"}
    )
    assert started.status == 202 and started.json["status"] == "building", started.text
    frame_id = started.json["id"]
    run_jobs()
    frame = officer.get(f"/api/surveys/frames/{frame_id}").json
    assert (frame["status"], frame["rows"], frame["title"]) == ("ready", 40, "Khảo sát quý IV")
    assert frame["counts"]["channel"] == {"hotline": 20, "email": 20} and frame["counts"]["province"] == {"hanoi": 40}
    assert frame_id in [f["id"] for f in officer.get("/api/surveys/frames").json["items"]]
    assert api("hcm").login("focal-officer").get(f"/api/surveys/frames/{frame_id}").status == 404
    page, _ = console(officer)
    shown = page.get(f"/surveys/frames/{frame_id}")
    assert shown.status == 200 and "Khảo sát quý IV" in shown.text and "Tổng đài" in shown.text
    assert 'data-testid="cochran">37<' in shown.text, "the calculator on the frame's page uses its 40 people"


def test_a_bad_row_fails_the_frame_with_its_line_and_column_and_no_frame_is_listed(api, run_jobs) -> None:
    officer = api("hanoi").login("focal-officer")
    upload_id = _upload(officer, "lỗi.csv", _list(10, bad_line=7))
    started = officer.post("/api/surveys/frames/import", {"upload_id": upload_id, "file_name": "lỗi.csv", "title": "Lỗi"})
    run_jobs()
    frame = officer.get(f"/api/surveys/frames/{started.json['id']}").json
    assert frame["status"] == "failed" and frame["rows"] is None
    assert [(p["line"], p["column"]) for p in frame["job"]["error"]["problems"]] == [(7, "Số điện thoại")]
    assert started.json["id"] not in [f["id"] for f in officer.get("/api/surveys/frames").json["items"]]
    page, _ = console(officer)
    assert "frame-problems" in page.get(f"/surveys/frames/{started.json['id']}").text


def test_a_frame_from_the_registry_holds_the_customers_with_requests_in_the_period(api, run_jobs) -> None:
    agent = api("hanoi").login("agent")
    marker = uuid.uuid4().hex[:8]
    customers: set[str] = set()
    for i in range(3):
        customer = {
            "kind": "individual",
            "full_name": f"Trần Thị {marker}",
            "id_number": str(uuid.uuid4().int)[:12],
            "phone": f"098{i}{uuid.uuid4().int % 10**6:06d}",
        }
        body = {
            "channel": "fanpage",
            "kind": "complaint",
            "category": "policy",
            "subject": f"Hỏi {marker}",
            "question": "Câu hỏi?",
            "customer": customer,
        }
        created = agent.post("/api/requests", body)
        assert created.status == 201
        customers.add(created.json["customer_id"])
    officer = api("hanoi").login("focal-officer")
    now = datetime.now(UTC)
    period = {"since": (now - timedelta(minutes=5)).isoformat(), "until": (now + timedelta(minutes=5)).isoformat()}
    started = officer.post(
        "/api/surveys/frames", {"title": "Phản ánh qua fanpage", "channel": "fanpage", "kind": "complaint", **period}
    )
    assert started.status == 202, started.text
    run_jobs()
    frame = officer.get(f"/api/surveys/frames/{started.json['id']}").json
    assert frame["status"] == "ready" and frame["source"] == "registry" and frame["rows"] >= 3
    assert set(frame["counts"]["channel"]) == {"fanpage"}
    trail = api("hanoi").login("tenant-admin").get("/api/audit?limit=500").json["items"]
    reads = {e["target_id"] for e in trail if e["action"] == "customer.read" and e["detail"].get("via") == "survey_frame"}
    assert customers <= reads, "every customer read into the frame is in the reader's trail"
    assert all(e["actor"] == "hanoi.focal-officer" for e in trail if e["detail"].get("via") == "survey_frame")
    backwards = officer.post("/api/surveys/frames", {"title": "x", "since": period["until"], "until": period["since"]})
    assert backwards.status == 422 and "until" in backwards.json["error"]["fields"]


def test_the_frames_page_shows_the_forms_and_the_calculator(api) -> None:
    page, csrf = console(api("hanoi").login("focal-officer"))
    shown = page.get("/surveys/frames?population=10000&margin=5&confidence=95&proportion=50")
    assert shown.status == 200 and 'data-testid="frame-upload"' in shown.text and 'data-testid="frame-registry"' in shown.text
    assert 'data-testid="cochran">370<' in shown.text and 'data-testid="yamane">385<' in shown.text
    wrong = form(page, "/surveys/frames", {"title": "x", "since": "2026-12-01", "until": "hôm qua"}, csrf)
    assert wrong.status == 400 and "Ngày không hợp lệ" in wrong.text
