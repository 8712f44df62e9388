"""Background jobs through the API on the local stack: 202, polling to done, the download, import, permissions, tenants."""

from __future__ import annotations

import requests

from chalicelib.jobs import sheets
from chalicelib.knowledge.transfer import header_row, to_row
from tests.service.test_knowledge_transfer import TRICKY, starter_bank


def _upload(api, name: str, data: bytes) -> str:
    form = api.post("/api/uploads", {"file_name": name})
    assert form.status == 201, form.body
    reply = requests.post(form.json["url"], data=form.json["fields"], files={"file": (name, data)}, timeout=10)
    assert reply.status_code in (200, 201, 204), reply.text
    return str(form.json["upload_id"])


def _bank_file(tmp_path, fmt: str, entries) -> bytes:
    path = tmp_path / f"bank.{fmt}"
    writer = sheets.open_writer(fmt, path, title="Ngân hàng hỏi đáp")
    writer.header(header_row())
    for entry in entries:
        writer.row(to_row(entry))
    writer.close()
    return path.read_bytes()


def test_import_then_export_round_trips_the_bank_through_the_api_and_the_worker(api, run_jobs, tmp_path):
    leader = api("ccc").login("leader")  # the CCC keeps the national bank (its rows are the starter bank's ids)
    bank = starter_bank()
    upload_id = _upload(leader, "ngân hàng.xlsx", _bank_file(tmp_path, "xlsx", bank))
    started = leader.post("/api/knowledge/import", {"upload_id": upload_id, "file_name": "ngân hàng.xlsx"})
    assert started.status == 202, started.body
    assert started.json["status"] == "queued" and started.headers["location"] == f"/api/jobs/{started.json['id']}"
    assert run_jobs() >= 1
    imported = leader.get(f"/api/jobs/{started.json['id']}").json
    assert imported["status"] == "succeeded", imported["error"]
    assert imported["progress"]["done"] == imported["progress"]["total"] == len(bank)

    for fmt in ("csv", "xlsx"):
        exported = leader.get(f"/api/knowledge/export?format={fmt}")
        assert exported.status == 202, exported.body
        run_jobs()
        job = leader.get(f"/api/jobs/{exported.json['id']}").json
        assert job["status"] == "succeeded" and job["progress"]["percent"] == 100
        assert job["result"]["file_name"].endswith(f".{fmt}") and job["result"]["content_type"] == sheets.CONTENT_TYPES[fmt]
        download = requests.get(job["result"]["url"], timeout=10)
        assert download.status_code == 200 and len(download.content) == job["result"]["size"]
        path = tmp_path / f"download.{fmt}"
        path.write_bytes(download.content)
        rows = list(sheets.read_rows(fmt, path))
        national = {r[0] for r in rows[1:]}  # the CCC's bank: the file's entries, and any other tests wrote there
        assert rows[0] == header_row() and national >= {e.id for e in bank} and len(national) == len(rows) - 1
        tricky = next(r for r in rows if r[0] == TRICKY.id)
        expected = to_row(TRICKY)
        if fmt == "csv":
            expected = ["" if v is None else v.isoformat() if hasattr(v, "isoformat") else v for v in expected]
        assert tricky == expected, "texts as they were: formulas, leading zeros, line breaks, Vietnamese"


def test_a_file_with_a_bad_row_fails_the_import_with_its_report_and_writes_nothing(api, run_jobs, tmp_path, unique):
    leader = api("hanoi").login("leader")
    bad = to_row(TRICKY)
    bad[0], bad[2] = f"KB-{unique}", ""
    good = list(to_row(TRICKY))
    good[0] = f"KB-ok-{unique}"
    upload_id = _upload(leader, "lỗi.csv", _csv([header_row(), good, bad]))
    started = leader.post("/api/knowledge/import", {"upload_id": upload_id, "file_name": "lỗi.csv"})
    run_jobs()
    job = leader.get(f"/api/jobs/{started.json['id']}").json
    assert job["status"] == "failed" and job["result"] is None
    assert job["error"]["problem_count"] == 1
    assert job["error"]["problems"] == [{"line": 3, "column": "C (Câu hỏi)", "message": "Bắt buộc, không được để trống."}]
    exported = leader.get("/api/knowledge/export?format=csv").json
    run_jobs()
    url = leader.get(f"/api/jobs/{exported['id']}").json["result"]["url"]
    assert f"KB-ok-{unique}".encode() not in requests.get(url, timeout=10).content, "not even the good row stayed"


def _csv(rows) -> bytes:
    import csv
    from io import StringIO

    out = StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_a_job_is_seen_by_its_requester_and_the_tenants_administrators_only(api):
    hanoi = api("hanoi")
    officer = hanoi.login("focal-officer")
    job = officer.get("/api/knowledge/export?format=csv").json
    assert officer.get(f"/api/jobs/{job['id']}").status == 200
    assert hanoi.login("tenant-admin").get(f"/api/jobs/{job['id']}").status == 200
    assert hanoi.login("agent").get(f"/api/jobs/{job['id']}").status == 404
    assert api("hcm").login("tenant-admin").get(f"/api/jobs/{job['id']}").status == 404, "another tenant's id"
    mine = officer.get("/api/jobs?kind=knowledge_export").json["items"]
    assert job["id"] in [j["id"] for j in mine] and {j["requested_by"] for j in mine} == {"focal-officer"}
    assert hanoi.login("agent").get("/api/jobs").json["items"] == [] or all(
        j["requested_by"] == "agent" for j in hanoi.login("agent").get("/api/jobs").json["items"]
    )


def test_who_may_export_and_import_and_what_a_refused_call_leaves(api):
    hanoi = api("hanoi")
    agent = hanoi.login("agent")
    assert agent.get("/api/knowledge/export?format=xlsx").status == 403
    assert agent.post("/api/knowledge/import", {"upload_id": "X1", "file_name": "a.csv"}).status == 403
    officer = hanoi.login("focal-officer")
    assert officer.post("/api/knowledge/import", {"upload_id": "X1", "file_name": "a.csv"}).status == 403
    before = officer.get("/api/jobs").json["items"]
    assert officer.get("/api/knowledge/export?format=pdf").error_code == "invalid_query"
    leader = hanoi.login("leader")
    missing = leader.post("/api/knowledge/import", {"upload_id": "NEVER1", "file_name": "a.csv"})
    assert missing.status == 422 and missing.error_code == "upload_missing"
    assert leader.post("/api/knowledge/import", {"upload_id": "X1", "file_name": "a.pdf"}).status == 400
    assert leader.post("/api/uploads", {"file_name": "virus.exe"}).status == 400
    assert officer.get("/api/jobs").json["items"] == before, "nothing was started"


def test_one_persons_upload_cannot_be_imported_by_another(api):
    hanoi = api("hanoi")
    upload_id = _upload(hanoi.login("focal-officer"), "a.csv", b"x")
    reply = hanoi.login("leader").post("/api/knowledge/import", {"upload_id": upload_id, "file_name": "a.csv"})
    assert reply.status == 422 and reply.error_code == "upload_missing"
