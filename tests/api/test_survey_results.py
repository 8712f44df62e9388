"""Survey results and the report end to end on the local stack (Decision 681 Art. 8 steps 3–4): interviewers enter
answers, the results read the counters with their intervals, groups compare with suppression, the open answers
are searched, and the report goes from a closed round through the leader's approval to an archived survey."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.test_surveys import _approved, _frame

HAPPY = {"q1": "yes", "q2": 5, "q3": 4, "q4": 5, "q5": "Nhân viên rất nhiệt tình, giải đáp rõ ràng."}
UNHAPPY = {"q1": "no", "q2": 2, "q3": 1, "q4": 4, "q5": "Chờ máy quá lâu."}


def _answered(api, unique: str, run_jobs, answers: list[dict[str, Any]]) -> tuple[Any, str]:
    officer, survey = _approved(api, unique, methods=["online", "individual_interview"])
    frame = _frame(officer, run_jobs, unique, rows=24)
    sid = survey["id"]
    drawn = officer.post(
        f"/api/surveys/{sid}/rounds",
        {"kind": "official", "frame_id": frame, "size": len(answers), "strata": [], "minimum": 1, "version": survey["version"]},
    )
    assert drawn.status == 201, drawn.text
    version = officer.get(f"/api/surveys/{sid}").json["version"]
    closes = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    opened = officer.post(f"/api/surveys/{sid}/rounds/1/open", {"closes_at": closes, "reminders": [], "version": version})
    assert opened.status == 200, opened.text
    members = [m for m in officer.get(f"/api/surveys/{sid}/rounds/1/members?limit=200").json["items"] if m["role"] == "main"]
    for member, given in zip(members, answers, strict=True):
        entered = officer.post(
            f"/api/surveys/{sid}/rounds/1/members/{member['id']}/interview", {"entry_id": f"e-{member['id']}", "answers": given}
        )
        assert entered.status == 200, entered.text
    return officer, sid


def test_results_show_each_option_the_index_with_its_interval_and_suppress_small_groups(api, unique, run_jobs) -> None:
    officer, sid = _answered(api, unique, run_jobs, [HAPPY] * 6 + [UNHAPPY] * 2)
    found = officer.get(f"/api/surveys/{sid}/results")
    assert found.status == 200, found.text
    body = found.json
    assert body["respondents"] == 8 and 0 < body["margin"] < 0.5
    q2 = next(q for q in body["questions"] if q["id"] == "q2")
    counts = {o["value"]: o["count"] for o in q2["options"]}
    assert (counts["5"], counts["2"], q2["valid"], q2["missing"]) == (6, 2, 8, 0)
    assert q2["satisfied"]["value"] == 0.75 and q2["satisfied"]["low"] < 0.75 < q2["satisfied"]["high"]
    assert q2["mean"]["value"] == (6 * 5 + 2 * 2) / 8
    overall = body["index"][0]
    assert overall["key"] == "overall" and overall["level"] == "overall" and not overall["estimate"]["suppressed"]
    assert body["open_questions"] == [{"id": "q5", "text": body["open_questions"][0]["text"], "answered": 8}]

    compared = officer.get(f"/api/surveys/{sid}/results/compare?by=channel").json
    assert {g["value"] for g in compared["groups"]} <= {"hotline", "email"}
    small = [g for g in compared["groups"] if g["respondents"] < 5]
    assert all(g["suppressed"] for g in small), "a group under five respondents shows no figure"
    assert officer.get(f"/api/surveys/{sid}/results/compare?by=nothing").status == 400

    searched = officer.get(f"/api/surveys/{sid}/results/open?round=1&question=q5&q=cho may")
    assert searched.status == 200 and [a["text"] for a in searched.json["items"]] == ["Chờ máy quá lâu."] * 2
    audit = api("hanoi").login("tenant-admin").get("/api/audit?limit=500").json["items"]
    assert any(e["action"] == "survey.open_answers.read" and e["target_id"] == sid for e in audit)

    assert api("hcm").login("focal-officer").get(f"/api/surveys/{sid}/results").status == 404
    assert api("ccc").login("ccc-officer").get(f"/api/surveys/{sid}/results").status == 404


def test_a_report_on_the_closed_round_is_approved_by_the_leader_and_archives_the_survey(api, unique, run_jobs) -> None:
    officer, sid = _answered(api, unique, run_jobs, [HAPPY] * 5 + [UNHAPPY] * 3)
    version = officer.get(f"/api/surveys/{sid}").json["version"]
    early = officer.post(f"/api/surveys/{sid}/report", {"round": 1, "version": version})
    assert early.status == 409 and early.json["error"]["code"] == "round_open"
    closed = officer.post(f"/api/surveys/{sid}/rounds/1/close", {"version": version})
    assert closed.status == 200, closed.text
    started = officer.post(f"/api/surveys/{sid}/report", {"round": 1, "version": closed.json["version"]})
    assert started.status == 201, started.text
    assert "Chỉ số hài lòng chung đạt" in started.json["conclusions"] and "Tiêu chí «" in started.json["recommendations"]
    written = officer.put(
        f"/api/surveys/{sid}/report",
        {"conclusions": "Chưa đạt mục tiêu.", "recommendations": "Rút ngắn thời gian chờ.", "version": started.json["version"]},
    )
    assert written.status == 200, written.text
    submitted = officer.post(f"/api/surveys/{sid}/report/submit", {"note": "Kính trình", "version": written.json["version"]})
    assert submitted.status == 200 and submitted.json["approval"]["status"] == "submitted", submitted.text
    leader = api("hanoi").login("leader")
    inbox = leader.get("/api/approvals").json["items"]
    assert any(i["subject_id"] == sid and i["kind"] == "survey_report" for i in inbox), "waits in the leader's inbox"
    approved = leader.post(f"/api/surveys/{sid}/report/approve", {"note": "Đồng ý", "version": submitted.json["version"]})
    assert approved.status == 200 and approved.json["approval"]["status"] == "approved", approved.text
    assert approved.json["archived_at"] is not None
    after = officer.get(f"/api/surveys/{sid}").json
    refused = officer.put(f"/api/surveys/{sid}/weights", {"weights": {}, "version": after["version"]})
    assert refused.status == 409 and refused.json["error"]["code"] == "archived"
    results = officer.get(f"/api/surveys/{sid}/results?round=1")
    assert results.status == 200 and results.json["respondents"] == 8, "the archived results still read"
