"""Surveys end to end on the local stack (Decision 681 Art. 8): a plan approved by a leader (never its author), a
sample drawn from an uploaded list, the round opened — Step Functions on moto sends the invitations through SES in
bulk, SES's events mark them delivered — a respondent answers on /s/{token} a few questions a screen, and the tally
counts it once."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.shared.clock import VN_TZ
from tests.api.test_survey_frames import _upload

PLAN = {
    "title": "Khảo sát hài lòng về tổng đài",
    "kind": "care",
    "purpose": "Đánh giá mức độ hài lòng của người dân gọi tổng đài 1900 9068.",
    "period_start": "2026-12-01",
    "period_end": "2026-12-31",
    "methods": ["online"],
    "lead_unit": "truyen-thong",
    "criteria": ["Thái độ phục vụ", "Thời gian chờ"],
}


def _people(unique: str, rows: int) -> bytes:
    """A test's own people: the contact-frequency log would leave out anyone another test already invited."""
    base = int(unique, 16) % 10**5
    lines = ["Họ và tên;Số điện thoại;Email;Tỉnh/thành phố;Kênh"]
    for i in range(rows):
        phone = f"09{base:05d}{i:03d}"
        lines.append(f"Người {i};{phone};nguoi{i}.{unique}@example.vn;Hà Nội;{'Tổng đài' if i % 2 else 'Email'}")
    return ("\r\n".join(lines) + "\r\n").encode()


def _approved(api, unique: str, tenant: str = "hanoi", **extra) -> tuple[Any, dict]:
    officer, leader = api(tenant).login("focal-officer"), api(tenant).login("leader")
    created = officer.post("/api/surveys", PLAN | {"title": f"{PLAN['title']} {unique}"} | extra)
    assert created.status == 201, created.text
    submitted = officer.post(f"/api/surveys/{created.json['id']}/submit", {"version": created.json["version"]})
    assert submitted.status == 200, submitted.text
    approved = leader.post(f"/api/surveys/{created.json['id']}/approve", {"version": submitted.json["version"], "note": "Đồng ý"})
    assert approved.status == 200 and approved.json["stage"] == "approved", approved.text
    return officer, approved.json


def _frame(officer, run_jobs, unique: str, rows: int = 30) -> str:
    upload_id = _upload(officer, "mau.csv", _people(unique, rows))
    started = officer.post(
        "/api/surveys/frames/import", {"upload_id": upload_id, "file_name": "mau.csv", "title": f"Danh sách {unique}"}
    )
    assert started.status == 202, started.text
    run_jobs()
    assert officer.get(f"/api/surveys/frames/{started.json['id']}").json["status"] == "ready"
    return str(started.json["id"])


def _form(client, path: str, fields: dict) -> Any:
    body = urlencode(fields, doseq=True).encode()
    return client.call("POST", path, raw=body, headers={"content-type": "application/x-www-form-urlencoded"})


def test_nothing_is_drawn_before_approval_and_the_author_never_approves(api, unique, run_jobs) -> None:
    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    unknown = officer.post("/api/surveys", PLAN | {"title": f"Sai bảng hỏi {unique}", "questionnaire_id": "khong-co"})
    assert unknown.status == 422 and unknown.json["error"]["fields"]["questionnaire_id"] == "unknown"
    survey = officer.post("/api/surveys", PLAN | {"title": f"Chưa duyệt {unique}"}).json
    frame = _frame(officer, run_jobs, unique, rows=10)
    draw = {"kind": "official", "frame_id": frame, "size": 4, "version": survey["version"]}
    refused = officer.post(f"/api/surveys/{survey['id']}/rounds", draw)
    assert refused.status == 409 and refused.json["error"]["code"] == "not_approved"
    assert officer.get(f"/api/surveys/{survey['id']}").json["rounds"] == [], "a refused draw writes nothing"
    submitted = officer.post(f"/api/surveys/{survey['id']}/submit", {"version": survey["version"]}).json
    assert officer.post(f"/api/surveys/{survey['id']}/approve", {"version": submitted["version"]}).status == 403
    no_reason = leader.post(f"/api/surveys/{survey['id']}/return", {"version": submitted["version"]})
    assert no_reason.status == 422 and "note" in no_reason.json["error"]["fields"]
    returned = leader.post(f"/api/surveys/{survey['id']}/return", {"version": submitted["version"], "note": "Bổ sung kinh phí"})
    assert (
        returned.json["approval"]["status"] == "returned"
        and "edit" in officer.get(f"/api/surveys/{survey['id']}").json["actions"]
    )
    stale = leader.post(f"/api/surveys/{survey['id']}/approve", {"version": submitted["version"]})
    assert stale.status == 409, "a decision on a version someone changed since is refused"
    assert api("hcm").login("focal-officer").get(f"/api/surveys/{survey['id']}").status == 404
    inbox = leader.get("/api/approvals").json["items"]
    assert survey["id"] not in [i["subject_id"] for i in inbox], "a returned plan leaves the leader's inbox"


def _until(check, *runners, seconds: float = 25.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for run in runners:
            run()
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError("the waves did not act in time")


def test_a_round_invites_by_email_and_a_respondent_answers_once_and_is_counted(
    api, unique, run_jobs, drain, ses_events, sent
) -> None:
    officer, survey = _approved(api, unique)
    frame = _frame(officer, run_jobs, unique)
    drawn = officer.post(
        f"/api/surveys/{survey['id']}/rounds",
        {"kind": "official", "frame_id": frame, "size": 6, "strata": ["channel"], "minimum": 2, "version": survey["version"]},
    )
    assert drawn.status == 201, drawn.text
    assert drawn.json["planned"] == 6 and sum(drawn.json["design"]["reserves"].values()) >= 4
    survey = officer.get(f"/api/surveys/{survey['id']}").json
    closes = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    opened = officer.post(
        f"/api/surveys/{survey['id']}/rounds/1/open", {"closes_at": closes, "reminders": [2], "version": survey["version"]}
    )
    assert opened.status == 200 and opened.json["status"] == "open" and opened.json["questionnaire_version"] == 1, opened.text

    mine = f".{unique}@example.vn"

    def invited():
        calls = [m for m in sent()["bulk"] if any(mine in d["Destination"]["ToAddresses"][0] for d in m.destinations)]
        return calls

    calls = _until(invited, drain, run_jobs)
    destinations = [d for m in calls for d in m.destinations if mine in d["Destination"]["ToAddresses"][0]]
    assert len(destinations) == 6 and all(m.template == "survey-invitation" for m in calls)
    ses_events()
    tally = officer.get(f"/api/surveys/{survey['id']}/tally").json
    assert (tally["overall"]["planned"], tally["overall"]["invited"], tally["overall"]["delivered"]) == (6, 6, 6)

    url = json.loads(destinations[0]["ReplacementTemplateData"])["survey_url"]
    token = url.rsplit("/s/", 1)[1]
    public = api("hanoi")
    first = public.get(f"/s/{token}")
    assert first.status == 200 and "Ông/Bà có hài lòng" in first.text and "Bảo hiểm xã hội thành phố Hà Nội" in first.text
    assert "nguoi" not in first.text, "no personal data of the respondent on the page"
    empty = _form(public, f"/s/{token}", {"screen": "0"})
    assert empty.status == 200 and 'data-testid="error-summary"' in empty.text and 'href="#q1"' in empty.text
    screen = 0
    for _ in range(10):
        page = public.get(f"/s/{token}")
        fields = {"screen": re.search(r'name="screen" value="(\d+)"', page.text).group(1)}  # type: ignore[union-attr]
        for qid in set(re.findall(r'name="(q\d+)" type="radio"', page.text)):
            fields[qid] = re.findall(rf'name="{qid}" type="radio" value="([^"]+)"', page.text)[-1]
        for qid in set(re.findall(r'<textarea id="(q\d+)"', page.text)):
            fields[qid] = "Nhân viên nhiệt tình."
        reply = _form(public, f"/s/{token}", fields)
        screen += 1
        if "Cảm ơn" in reply.text:
            break
    else:
        raise AssertionError("the form never ended")
    again = _form(public, f"/s/{token}", {"screen": "0", "q1": "1"})
    assert again.status == 200 and "đã ghi nhận" in again.text.lower(), "a second submission gets the polite page"
    tally = officer.get(f"/api/surveys/{survey['id']}/tally").json
    assert (tally["overall"]["completed"], tally["overall"]["opened"]) == (1, 1), "counted once"
    other = json.loads(destinations[1]["ReplacementTemplateData"])["survey_url"].rsplit("/s/", 1)[1]
    assert 'data-testid="decline"' in public.get(f"/s/{other}").text
    declined = _form(public, f"/s/{other}", {"screen": "0", "action": "decline"})
    assert declined.status == 200 and "không gửi thêm lời nhắc" in declined.text
    assert public.get(f"/s/{other}").status == 410, "a member who declined is not asked again"
    tally = officer.get(f"/api/surveys/{survey['id']}/tally").json
    assert (tally["overall"]["refused"], tally["overall"]["completed"]) == (1, 1)
    assert api("hanoi").get("/s/not-a-real-token-at-all").status == 404
    assert "1900 9068" in api("hanoi").get("/s/not-a-real-token-at-all").text


def test_a_bounce_falls_back_to_sms_and_an_owner_replaces_from_the_reserve(api, unique, run_jobs) -> None:
    officer, survey = _approved(api, unique)
    frame = _frame(officer, run_jobs, unique, rows=12)
    drawn = officer.post(
        f"/api/surveys/{survey['id']}/rounds", {"kind": "pilot", "frame_id": frame, "size": 3, "version": survey["version"]}
    )
    assert drawn.status == 201, drawn.text
    members = officer.get(f"/api/surveys/{survey['id']}/rounds/1/members").json["items"]
    main = [m for m in members if m["role"] == "main"]
    reserves = sorted((m for m in members if m["role"] == "reserve"), key=lambda m: m["rank"])
    assert len(main) == 3 and reserves
    replaced = officer.post(f"/api/surveys/{survey['id']}/rounds/1/members/{main[0]['id']}/replace", {"reason": "wrong_contact"})
    assert replaced.status == 200 and replaced.json["id"] == reserves[0]["id"] and replaced.json["replaces"] == main[0]["id"]
    after = {m["id"]: m for m in officer.get(f"/api/surveys/{survey['id']}/rounds/1/members").json["items"]}
    assert after[main[0]["id"]]["status"] == "replaced" and after[main[0]["id"]]["replaced_by"] == reserves[0]["id"]
    assert api("hcm").login("focal-officer").get(f"/api/surveys/{survey['id']}/rounds/1/members").status == 404


def test_the_link_that_ends_a_written_answer_opens_the_standard_questionnaire(api, unique, drain, sent) -> None:
    from tests.api.test_requests import _act, _intake

    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    email = f"tl.{unique}@example.vn"
    request = _intake(officer, unique, channel="email", customer={"email": email})
    drafted = _act(officer, request, "draft", text="Kính gửi Ông/Bà, …").json
    approved = _act(leader, drafted, "approve", draft_id=drafted["drafts"][0]["id"]).json
    before = len(sent()["emails"])
    drain()
    (mail,) = [m for m in sent()["emails"][before:] if email in m.destinations["ToAddresses"]]
    token = json.loads(mail.template_data)["survey_url"].rsplit("/s/", 1)[1]
    public = api("hanoi")
    cells = _answer_cells()
    day = f"/api/reports/figures?period={datetime.now(VN_TZ).date().isoformat()}"
    rated = leader.get(day).json["counters"]
    page = public.get(f"/s/{token}")
    assert page.status == 200 and "câu trả lời" in page.text.lower(), page.text[:300]
    for _ in range(10):
        fields = {"screen": re.search(r'name="screen" value="(\d+)"', page.text).group(1)}  # type: ignore[union-attr]
        for qid in set(re.findall(r'name="(q\d+)" type="radio"', page.text)):
            fields[qid] = re.findall(rf'name="{qid}" type="radio" value="([^"]+)"', page.text)[0]
        page = _form(public, f"/s/{token}", fields)
        if "Cảm ơn" in page.text:
            break
    else:
        raise AssertionError("the standard questionnaire never ended")
    assert "đã ghi nhận" in public.get(f"/s/{token}").text.lower()
    after = _answer_cells()
    for key in [("email", "", ""), ("email", "channel", "email"), ("email", "form", "questionnaire")]:
        assert after[key] == cells.get(key, 0) + 1, f"the answer counted in {key}"
    assert not any(k[1] == "group" and after[k] != cells.get(k, 0) for k in after), "an answer link's respondent has no group"
    counted = leader.get(day).json["counters"]
    for name in ("survey_rated", "survey_rated|round=answer-links/1"):
        assert counted.get(name, 0) == rated.get(name, 0) + 1, f"the answer counts in the office's satisfaction rate: {name}"
    survey = leader.get(f"/api/requests/{approved['id']}").json["survey"]
    assert survey["opened_at"] and survey["answered_at"], "the request shows its link opened and answered"


def _answer_cells() -> dict[tuple[str, str, str], int]:
    """Respondents per result cell of the answer links' survey in Hà Nội."""
    from chalicelib.bootstrap import container
    from chalicelib.surveys.respond import ANSWER_SURVEY

    store = container().respondents._store
    return {
        (c.stratum, c.dimension, c.value): c.respondents
        for c in store.result_cells(tenant="hanoi", survey_id=ANSWER_SURVEY, round_number=1)
    }


def test_the_owner_sets_the_index_weights_which_are_checked_and_versioned(api, unique) -> None:
    officer, survey = _approved(api, unique)
    path = f"/api/surveys/{survey['id']}/weights"
    bad = officer.put(path, {"weights": {"angle:policy": 0, "angle:nope": 2}, "version": survey["version"]})
    assert bad.status == 422 and bad.json["error"]["fields"] == {"angle:policy": "out_of_range", "angle:nope": "unknown"}
    stale = officer.put(path, {"weights": {"angle:policy": 2}, "version": survey["version"] - 1})
    assert stale.status == 409 and "error" in stale.json
    saved = officer.put(path, {"weights": {"angle:policy": 2}, "version": survey["version"]})
    assert saved.status == 200 and saved.json["weights"] == {"angle:policy": 2.0} and saved.json["archived_at"] is None
    assert officer.get(f"/api/surveys/{survey['id']}").json["version"] == survey["version"] + 1
    assert api("hcm").login("focal-officer").put(path, {"weights": {}, "version": saved.json["version"]}).status == 404
