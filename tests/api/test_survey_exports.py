"""The survey report's exports end to end on the local stack (Art. 8 steps 4–5): interviewers' entries counted into
the cells, the round closed, the report and the answers exported as jobs with progress, the figures of the workbook
and the PDF equal to the results API's, the answers of an anonymous survey without ids or times, the export audited;
approving the report archives its frozen copy, whose files download and which a second run leaves as it was."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from chalicelib.web.charts import format_percent
from tests.api.test_surveys import _approved, _frame

# Six interviews on the standard questionnaire (q1 yes/no; q2–q4 Likert on the three angles; q5 open).
ENTRIES = [
    {"q1": "yes", "q2": 5, "q3": 4, "q4": 5, "q5": "Nhân viên nhiệt tình."},
    {"q1": "yes", "q2": 4, "q3": 4, "q4": 3},
    {"q1": "no", "q2": 2, "q3": 3, "q4": 1, "q5": "Chờ lâu."},
    {"q1": "yes", "q2": 5, "q3": 5, "q4": 4},
    {"q1": "yes", "q2": 4, "q3": 2, "q4": 4},
    {"q1": "no", "q2": 1, "q3": 4, "q4": 2},
]


def _closed_round(api, run_jobs, unique: str, *, anonymous: bool = False) -> tuple[Any, dict]:
    officer, survey = _approved(api, unique, anonymous=anonymous)
    frame = _frame(officer, run_jobs, unique, rows=12)
    sid = survey["id"]
    drawn = officer.post(
        f"/api/surveys/{sid}/rounds", {"kind": "official", "frame_id": frame, "size": 8, "version": survey["version"]}
    )
    assert drawn.status == 201, drawn.text
    survey = officer.get(f"/api/surveys/{sid}").json
    closes = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    opened = officer.post(
        f"/api/surveys/{sid}/rounds/1/open", {"closes_at": closes, "reminders": [], "version": survey["version"]}
    )
    assert opened.status == 200, opened.text
    members = [m for m in officer.get(f"/api/surveys/{sid}/rounds/1/members").json["items"] if m["role"] == "main"]
    for member, given in zip(members, ENTRIES, strict=False):
        done = officer.post(
            f"/api/surveys/{sid}/rounds/1/members/{member['id']}/interview", {"entry_id": f"e-{member['id']}", "answers": given}
        )
        assert done.status == 200, done.text
    survey = officer.get(f"/api/surveys/{sid}").json
    closed = officer.post(f"/api/surveys/{sid}/rounds/1/close", {"version": survey["version"]})
    assert closed.status == 200, closed.text
    return officer, officer.get(f"/api/surveys/{sid}").json


def _export(officer, run_jobs, sid: str, what: str, fmt: str) -> tuple[dict, bytes]:
    started = officer.post(f"/api/surveys/{sid}/exports", {"what": what, "format": fmt, "round": 1})
    assert started.status == 202, started.text
    assert started.json["status"] == "queued", "a long export is a job, not the API call"
    run_jobs()
    job = officer.get(f"/api/jobs/{started.json['id']}").json
    assert job["status"] == "succeeded", job
    download = requests.get(job["result"]["url"], timeout=10)
    assert download.status_code == 200
    return job, download.content


def _sheet(content: bytes, tmp_path: Path, title: str) -> list[tuple]:
    from openpyxl import load_workbook

    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    book = load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in book[title].iter_rows(values_only=True)]
    finally:
        book.close()


def test_the_exported_report_has_the_figures_of_the_results_page(api, unique, run_jobs, tmp_path: Path) -> None:
    officer, survey = _closed_round(api, run_jobs, unique)
    sid = survey["id"]
    page = officer.get(f"/api/surveys/{sid}/results?round=1").json
    assert page["respondents"] == len(ENTRIES)
    policy = next(r for r in page["index"] if r["key"] == "angle:policy")
    assert policy["estimate"]["value"] == 4 / 6, "by hand: 5, 4, 2, 5, 4, 1 — four of six rated 4 or 5"

    job, content = _export(officer, run_jobs, sid, "report", "xlsx")
    assert job["result"]["file_name"] == f"bao-cao-khao-sat-{sid}-dot-1.xlsx"
    assert job["progress"]["stage"] == "Đang ghi tệp"
    rows = _sheet(content, tmp_path, "Chỉ số hài lòng")[1:]
    assert [str(r[0]).strip() for r in rows] == [n["label"] for n in page["index"]], "the index's rows in the page's order"
    for node, row in zip(page["index"], rows, strict=True):
        e = node["estimate"]
        expected = (e["value"], e["low"], e["high"], e["n"])
        assert all(abs(a - b) <= 1e-15 * abs(b) for a, b in zip(row[2:6], expected, strict=True)), node

    _, pdf = _export(officer, run_jobs, sid, "report", "pdf")
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI" in text and "III. KẾT LUẬN VÀ KIẾN NGHỊ" in text
    for node in page["index"]:
        assert format_percent(node["estimate"]["value"]) in text, node["label"]


def _answers(officer, run_jobs, sid: str) -> tuple[dict, list[list[str]]]:
    job, content = _export(officer, run_jobs, sid, "answers", "csv")
    return job, list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_answers_export_names_who_and_when_only_when_the_survey_is_not_anonymous(api, unique, run_jobs) -> None:
    officer, survey = _closed_round(api, run_jobs, unique)
    job, rows = _answers(officer, run_jobs, survey["id"])
    header, first = rows[0], rows[1]
    assert header[:2] == ["Mã phiếu", "Mã người được khảo sát"] and "Thời điểm trả lời" in header
    assert len(rows) == 1 + len(ENTRIES) and all(r[1] for r in rows[1:]), "each answer names its member"
    assert "Ông/Bà có hài lòng với câu trả lời không?" in header and {
        r[header.index("Ông/Bà có hài lòng với câu trả lời không?")] for r in rows[1:]
    } == {"Có", "Không"}
    likert = header.index("Ông/Bà đánh giá thế nào về việc thực hiện chính sách được giải thích trong câu trả lời?")
    assert sorted(int(r[likert]) for r in rows[1:]) == [1, 2, 4, 4, 5, 5] and first[header.index("Ngày trả lời")]
    trail = api("hanoi").login("tenant-admin").get("/api/audit?limit=500").json["items"]
    exported = [e for e in trail if e["action"] == "survey.answers.exported" and e["target_id"] == survey["id"]]
    assert exported and exported[0]["actor"] == "hanoi.focal-officer" and exported[0]["detail"]["round"] == "1"

    hidden_officer, hidden = _closed_round(api, run_jobs, unique[::-1], anonymous=True)
    job, rows = _answers(hidden_officer, run_jobs, hidden["id"])
    assert "an-danh" in job["result"]["file_name"]
    assert rows[0][:5] == ["Nhóm mẫu", "Kênh", "Nhóm đối tượng", "Hình thức", "Ngày trả lời"]
    assert not {"Mã phiếu", "Mã người được khảo sát", "Thời điểm trả lời"} & set(rows[0])
    assert len(rows) == 1 + len(ENTRIES), "every answer is there, with no id or time"


def test_approving_the_report_archives_its_files_once_and_only_its_office_downloads_them(api, unique, run_jobs) -> None:
    officer, survey = _closed_round(api, run_jobs, unique)
    sid = survey["id"]
    assert officer.get(f"/api/surveys/{sid}/report/files/pdf").status == 404, "no report yet"
    started = officer.post(f"/api/surveys/{sid}/report", {"round": 1, "version": survey["version"]})
    assert started.status == 201, started.text
    written = officer.put(
        f"/api/surveys/{sid}/report",
        {
            "conclusions": "Người dân hài lòng với chính sách.",
            "recommendations": "Rút ngắn thời gian chờ.",
            "version": started.json["version"],
        },
    )
    submitted = officer.post(f"/api/surveys/{sid}/report/submit", {"version": written.json["version"], "note": ""})
    assert submitted.status == 200, submitted.text
    assert officer.get(f"/api/surveys/{sid}/report/files/pdf").status == 404, "not archived before approval"
    leader = api("hanoi").login("leader")
    approved = leader.post(f"/api/surveys/{sid}/report/approve", {"version": submitted.json["version"], "note": "Đồng ý"})
    assert approved.status == 200, approved.text
    run_jobs()
    report = officer.get(f"/api/surveys/{sid}/report").json
    assert report["archive"] == ["answers", "pdf", "xlsx"] and report["archived_at"]
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK\x03\x04"), ("answers", "\ufeffMã phiếu".encode())):
        reply = officer.get(f"/api/surveys/{sid}/report/files/{fmt}")
        assert reply.status == 302, reply.text
        assert requests.get(reply.headers["location"], timeout=10).content.startswith(magic), fmt
    assert officer.get(f"/api/surveys/{sid}/report/files/docx").status == 404

    from chalicelib.bootstrap import container
    from chalicelib.surveys.report_jobs import ARCHIVE_JOB

    again = container().jobs.start(tenant="hanoi", actor="leader", kind=ARCHIVE_JOB, params={"survey_id": sid})
    run_jobs()
    assert leader.get(f"/api/jobs/{again.id}").json["status"] == "succeeded"
    after = officer.get(f"/api/surveys/{sid}/report").json
    assert (after["version"], after["archive"]) == (report["version"], report["archive"]), "a second run changes nothing"
    assert api("hcm").login("leader").get(f"/api/surveys/{sid}/report/files/pdf").status == 404


def test_an_export_in_a_format_it_has_not_is_refused_and_queues_nothing(api, unique, run_jobs) -> None:
    officer, survey = _closed_round(api, run_jobs, unique)
    sid = survey["id"]
    before = {j["id"] for j in officer.get("/api/jobs").json["items"]}
    for what, fmt in (("report", "csv"), ("answers", "pdf")):
        refused = officer.post(f"/api/surveys/{sid}/exports", {"what": what, "format": fmt, "round": 1})
        assert refused.status == 422 and refused.json["error"]["code"] == "invalid_format", refused.text
    missing = officer.post(f"/api/surveys/{sid}/exports", {"what": "report", "format": "pdf", "round": 7})
    assert missing.status == 404, missing.text
    assert {j["id"] for j in officer.get("/api/jobs").json["items"]} == before, "a refused export writes no job"
