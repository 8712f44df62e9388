"""The survey results pages on the local stack (Art. 8 steps 3–5): a round an interviewer entered shows the index and
the general table with the JSON API's very figures, a small group is suppressed, another office gets 404, the open
answers are found without diacritics, and the public page shows a report only once it is published."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.web.charts import format_number, format_percent
from tests.api.test_request_pages import console, form
from tests.api.test_survey_frames import _upload

PLAN = {
    "kind": "participants",
    "purpose": "Phỏng vấn người đến giao dịch tại bộ phận một cửa.",
    "period_start": "2026-12-01",
    "period_end": "2026-12-31",
    "methods": ["individual_interview"],
    "lead_unit": "truyen-thong",
}
#: Who answered what: (channel, q1, q2, q3, q4, q5). Seven came by email, three called the hotline (a group under 5).
ANSWERS = [
    ("Email", "yes", 5, 4, 4, "Nhân viên rất nhiệt tình."),
    ("Email", "yes", 4, 5, 3, "Thủ tục còn rườm rà."),
    ("Email", "no", 2, 3, 4, ""),
    ("Email", "yes", 5, 5, 5, "Nhiệt tình, chu đáo"),
    ("Email", "yes", 4, 2, 4, ""),
    ("Email", "no", 3, 4, 2, "Chờ lâu."),
    ("Email", "yes", 5, 4, 5, ""),
    ("Tổng đài", "yes", 4, 4, 4, ""),
    ("Tổng đài", "no", 1, 2, 3, "Không ai nghe máy."),
    ("Tổng đài", "yes", 5, 5, 4, ""),
]


def _people(unique: str) -> bytes:
    base = int(unique, 16) % 10**5
    lines = ["Họ và tên;Số điện thoại;Email;Tỉnh/thành phố;Kênh"]
    for i, (channel, *_) in enumerate(ANSWERS):
        lines.append(f"Người {i};08{base:05d}{i:03d};kq{i}.{unique}@example.vn;Hà Nội;{channel}")
    return ("\r\n".join(lines) + "\r\n").encode()


def _answered_round(api: Any, unique: str, run_jobs: Any) -> tuple[Any, Any, dict]:
    """A Hà Nội survey whose ten members were interviewed (the interviewer's entries, no mail), its round open."""
    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    survey = officer.post("/api/surveys", PLAN | {"title": f"Kết quả phỏng vấn {unique}"}).json
    submitted = officer.post(f"/api/surveys/{survey['id']}/submit", {"version": survey["version"]}).json
    survey = leader.post(f"/api/surveys/{survey['id']}/approve", {"version": submitted["version"]}).json
    upload_id = _upload(officer, "mau.csv", _people(unique))
    job = officer.post("/api/surveys/frames/import", {"upload_id": upload_id, "file_name": "mau.csv", "title": f"Mẫu {unique}"})
    run_jobs()
    draw = {
        "kind": "official",
        "frame_id": job.json["id"],
        "size": len(ANSWERS),
        "reserve_share": 0,
        "version": survey["version"],
    }
    drawn = officer.post(f"/api/surveys/{survey['id']}/rounds", draw)
    assert drawn.status == 201, drawn.text
    version = officer.get(f"/api/surveys/{survey['id']}").json["version"]
    closes = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    assert officer.post(f"/api/surveys/{survey['id']}/rounds/1/open", {"closes_at": closes, "version": version}).status == 200
    members = officer.get(f"/api/surveys/{survey['id']}/rounds/1/members").json["items"]
    by_email = {m["email"].split(".")[0]: m["id"] for m in members if m["role"] == "main"}
    for i, (_, q1, q2, q3, q4, q5) in enumerate(ANSWERS):
        given: dict[str, Any] = {"q1": q1, "q2": q2, "q3": q3, "q4": q4} | ({"q5": q5} if q5 else {})
        path = f"/api/surveys/{survey['id']}/rounds/1/members/{by_email[f'kq{i}']}/interview"
        done = officer.post(path, {"entry_id": uuid.uuid4().hex, "answers": given})
        assert done.status == 200, done.text
    return officer, leader, officer.get(f"/api/surveys/{survey['id']}").json


def _cells(page: str, testid: str) -> list[str]:
    return [html.unescape(c) for c in re.findall(rf'data-testid="{testid}"[^>]*>([^<]*)<', page)]


def test_the_results_page_shows_the_apis_figures_suppresses_a_small_group_and_finds_words_without_diacritics(
    api, unique, run_jobs
) -> None:
    officer, _, survey = _answered_round(api, unique, run_jobs)
    data = officer.get(f"/api/surveys/{survey['id']}/results?round=1").json
    assert data["respondents"] == len(ANSWERS), data
    page, _ = console(officer)
    shown = page.get(f"/surveys/{survey['id']}/results?round=1")
    assert shown.status == 200, shown.text[:500]
    text = shown.text
    assert _cells(text, "results-respondents") == [format_number(len(ANSWERS))]
    assert f"Sai số của mẫu: ±{format_number(data['margin'] * 100, 1)} điểm %" in text
    assert _cells(text, "index-value") == [format_percent(r["estimate"]["value"]) for r in data["index"]]
    assert "Mục tiêu trên 80 %" in text and 'data-testid="index-chart"' in text
    shares = [format_percent(o["share"]["value"]) for q in data["questions"] for o in q["options"]]
    assert _cells(text, "option-share") == shares, "the general table is the API's, written the Vietnamese way"
    means = [format_number(q["mean"]["value"], 2) for q in data["questions"] if q["mean"]]
    assert _cells(text, "question-mean") == means
    assert f"/surveys/{survey['id']}/results/open?round=1&amp;question=q5" in text

    by_channel = page.get(f"/surveys/{survey['id']}/results?round=1&by=channel").text
    compared = officer.get(f"/api/surveys/{survey['id']}/results/compare?round=1&by=channel").json
    small = [g for g in compared["groups"] if g["suppressed"]]
    assert [g["respondents"] for g in small] == [3], compared["groups"]
    table = by_channel[by_channel.index('data-testid="compare-table"') :]
    assert "< 5 người" in html.unescape(table[: table.index("</thead>")]), "the group of three is not counted out loud"
    email = next(i for i, g in enumerate(compared["groups"]) if not g["suppressed"])
    overall = compared["index"][0]["figures"][email]["estimate"]["value"]
    assert format_percent(overall) in table and "kiểm định z hai tỉ lệ" in by_channel

    found = page.get(f"/surveys/{survey['id']}/results/open?round=1&question=q5&q=nhiet+tinh")
    assert found.status == 200 and set(_cells(found.text, "open-answer")) == {"Nhân viên rất nhiệt tình.", "Nhiệt tình, chu đáo"}

    for other in (api("hcm").login("focal-officer"), api("ccc").login("ccc-officer")):
        stranger, _ = console(other)
        assert stranger.get(f"/surveys/{survey['id']}/results?round=1").status == 404
        assert stranger.get(f"/surveys/{survey['id']}/results/open?round=1&question=q5").status == 404


def test_the_weights_form_shows_a_stale_version_in_place_and_saves_a_fresh_one(api, unique, run_jobs) -> None:
    officer, _, survey = _answered_round(api, unique, run_jobs)
    page, csrf = console(officer)
    fields = {"w:angle:policy": "2", "round": "1"}
    stale = form(page, f"/surveys/{survey['id']}/results/weights", fields | {"version": str(survey["version"] - 1)}, csrf)
    assert stale.status == 409 and 'data-testid="form-error"' in stale.text
    assert officer.get(f"/api/surveys/{survey['id']}").json["weights"] == {}, "a refused form writes nothing"
    bad = form(page, f"/surveys/{survey['id']}/results/weights", {"w:angle:policy": "hai", "version": survey["version"]}, csrf)
    assert bad.status in (400, 422) and 'value="hai"' in bad.text, "what was typed is shown again"
    saved = form(page, f"/surveys/{survey['id']}/results/weights", fields | {"version": str(survey["version"])}, csrf)
    assert saved.status == 303 and saved.headers["location"].endswith("?round=1&saved=weights")
    assert officer.get(f"/api/surveys/{survey['id']}").json["weights"] == {"angle:policy": 2.0}


def _published(api: Any, officer: Any, leader: Any, survey: dict) -> dict:
    """Close the round, start the report, submit it, the leader approves; returns the survey (not yet published)."""
    from chalicelib.bootstrap import container
    from chalicelib.surveys.report_jobs import ARCHIVE_JOB

    jobs = container().jobs
    if jobs.label(ARCHIVE_JOB) == ARCHIVE_JOB:  # until the archive job lands (r-export), approval's job does nothing
        jobs.register(ARCHIVE_JOB, lambda run: None, label="Lưu trữ báo cáo khảo sát")
    sid = survey["id"]
    closed = officer.post(f"/api/surveys/{sid}/rounds/1/close", {"version": survey["version"]})
    assert closed.status == 200, closed.text
    version = officer.get(f"/api/surveys/{sid}").json["version"]
    started = officer.post(f"/api/surveys/{sid}/report", {"round": 1, "version": version})
    assert started.status == 201, started.text
    submitted = officer.post(f"/api/surveys/{sid}/report/submit", {"version": started.json["version"]})
    assert submitted.status == 200, submitted.text
    approved = leader.post(f"/api/surveys/{sid}/report/approve", {"version": submitted.json["version"], "note": "Đồng ý"})
    assert approved.status == 200, approved.text
    return approved.json


def test_the_public_page_shows_a_report_only_once_published_and_only_on_its_office(api, unique, run_jobs) -> None:
    officer, leader, survey = _answered_round(api, unique, run_jobs)
    report = _published(api, officer, leader, survey)
    public = api("hanoi")
    path = f"/khao-sat/ket-qua/{survey['id']}"
    assert public.get(path).status == 404, "approved is not published"
    assert survey["id"] not in public.get("/khao-sat/ket-qua").text
    done = officer.post(f"/api/surveys/{survey['id']}/report/publish", {"version": report["version"]})
    assert done.status == 200 and done.json["published_at"], done.text
    shown = public.get(path)
    assert shown.status == 200 and f"Kết quả phỏng vấn {unique}" in shown.text
    data = officer.get(f"/api/surveys/{survey['id']}/results?round=1").json
    top = [format_percent(r["estimate"]["value"]) for r in data["index"] if r["depth"] <= 1]
    assert _cells(shown.text, "published-value") == top and _cells(shown.text, "published-respondents") == ["10"]
    assert html.escape(done.json["conclusions"][:40]) in shown.text
    assert path in public.get("/khao-sat/ket-qua").text
    assert api("hcm").get(path).status == 404, "another office's host does not show it"
    assert public.get(f"{path}/bao-cao.pdf").status == 404, "no PDF until the archive holds one"
    _archive_pdf(survey["id"])
    pdf = public.get(f"{path}/bao-cao.pdf")
    assert pdf.status == 302 and "bao-cao-khao-sat" in pdf.headers["location"]
    assert 'data-testid="published-pdf"' in public.get(path).text


def _archive_pdf(survey_id: str) -> None:
    """The frozen copy's PDF as the archive job records it (r-export writes the real one)."""
    from chalicelib.bootstrap import container

    c = container()
    key = f"archive/hanoi/{survey_id}/report.pdf"
    client = c.survey_published._files._s3  # type: ignore[attr-defined]
    client.put_object(Bucket=c.settings.files_bucket, Key=key, Body=b"%PDF-1.4\n%%EOF\n", ContentType="application/pdf")
    c.survey_reports.archived(tenant="hanoi", survey_id=survey_id, files={"pdf": key})
