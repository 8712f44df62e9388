"""Questionnaires over HTTP: create, 422 by field, 409 on a stale edit, versions after a freeze, tenants apart; the
editor's forms, the preview's framing and its error summary."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.shared.tenancy import acting_for
from tests.api.test_request_pages import console, form

BASE = "/api/surveys/questionnaires"


def body(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Khảo sát sự hài lòng của người tham gia BHXH tự nguyện",
        "form_kind": "questionnaire",
        "intro": "Xin chào Ông/Bà.",
        "sections": [
            {
                "title": "Kênh liên hệ",
                "questions": [
                    {
                        "kind": "single",
                        "text": "Ông/Bà liên hệ qua kênh nào?",
                        "choices": [{"label": "Tổng đài"}, {"label": "Cổng"}],
                    },
                    {
                        "kind": "likert",
                        "text": "Mức độ hài lòng?",
                        "show_if": {"question": "q1", "equals": "1"},
                        "angle": "service",
                    },
                    {"kind": "text", "text": "Góp ý", "required": False, "max_length": 500},
                ],
            }
        ],
    } | extra


def test_create_read_edit_and_a_stale_edit_is_a_409(api):
    officer = api("hanoi").login("focal-officer")
    made = officer.post(BASE, body())
    assert made.status == 201, made.text
    q = made.json
    assert [x["id"] for x in q["sections"][0]["questions"]] == ["q1", "q2", "q3"]
    assert q["sections"][0]["questions"][0]["choices"] == [{"value": "1", "label": "Tổng đài"}, {"value": "2", "label": "Cổng"}]
    assert q["sections"][0]["questions"][1]["show_if"] == {"question": "q1", "equals": "1", "in": None}
    assert (q["number"], q["frozen"], q["version"]) == (1, False, 1)
    edited = officer.put(f"{BASE}/{q['id']}", body(title="Tên mới", version=q["version"]))
    assert edited.status == 200 and edited.json["title"] == "Tên mới" and edited.json["version"] == 2
    stale = officer.put(f"{BASE}/{q['id']}", body(title="Cũ", version=q["version"]))
    assert stale.status == 409 and stale.error_code == "conflict"
    assert officer.get(f"{BASE}/{q['id']}").json["title"] == "Tên mới"


def test_a_broken_questionnaire_gets_field_errors_and_nothing_is_written(api):
    officer = api("hanoi").login("focal-officer")
    before = officer.get(BASE + "?limit=100").json["items"]
    forward = body()
    forward["sections"][0]["questions"][0]["show_if"] = {"question": "q2", "equals": "1"}
    reply = officer.post(BASE, forward)
    assert reply.status == 422 and reply.error_code == "invalid_questionnaire"
    assert "sections[0].questions[0].show_if" in reply.json["error"]["fields"]
    shape = officer.post(BASE, body(form_kind="email"))
    assert shape.status == 400 and "form_kind" in reply.text + shape.text
    assert officer.get(BASE + "?limit=100").json["items"] == before


def test_a_frozen_version_stays_and_the_edit_becomes_version_two(api, unique):
    officer = api("hanoi").login("focal-officer")
    q = officer.post(BASE, body(title=f"Bảng hỏi {unique}")).json
    from chalicelib.bootstrap import container

    with acting_for("hanoi"):
        container().questionnaires.freeze(tenant="hanoi", questionnaire_id=q["id"])
    frozen = officer.get(f"{BASE}/{q['id']}").json
    assert frozen["frozen"] and frozen["frozen_numbers"] == [1]
    v2 = officer.put(f"{BASE}/{q['id']}", body(title="Phiên bản 2", version=frozen["version"])).json
    assert (v2["number"], v2["frozen"]) == (2, False)
    v1 = officer.get(f"{BASE}/{q['id']}/versions/1")
    assert v1.status == 200 and v1.json["title"] == f"Bảng hỏi {unique}" and v1.json["frozen"]
    assert officer.get(f"{BASE}/{q['id']}/versions/2").json["title"] == "Phiên bản 2"
    assert officer.get(f"{BASE}/{q['id']}/versions/9").status == 404
    assert officer.get(f"{BASE}/{q['id']}/versions/x1").status == 404


def test_another_tenant_gets_404_an_agent_403_and_everyone_has_the_standard_one(api):
    officer = api("hanoi").login("focal-officer")
    q = officer.post(BASE, body()).json
    other = api("hcm").login("focal-officer")
    assert other.get(f"{BASE}/{q['id']}").status == 404
    assert other.put(f"{BASE}/{q['id']}", body(version=q["version"])).status == 404
    assert api("hanoi").login("agent").get(BASE).status == 403
    listed = other.get(BASE).json
    assert listed["items"][0]["id"] == "standard-answer" and "next_cursor" in listed
    assert q["id"] not in [i["id"] for i in listed["items"]]
    standard = other.get(f"{BASE}/standard-answer").json
    assert standard["frozen"] and len(standard["sections"]) == 3
    refused = other.put(f"{BASE}/standard-answer", body(version=0))
    assert refused.status == 422 and refused.error_code == "standard_read_only"


def test_the_editor_adds_a_question_and_frames_the_preview_which_reports_errors(api):
    officer = api("hanoi").login("focal-officer")
    q = officer.post(BASE, body()).json
    page, csrf = console(officer)
    editor = page.get(f"/surveys/questionnaires/{q['id']}")
    assert editor.status == 200 and "frame-src 'self'" in editor.headers["content-security-policy"]
    assert 'width="390" height="844"' in editor.text
    added = form(
        page,
        f"/surveys/questionnaires/{q['id']}",
        {"action": "add_question", "section": "0", "kind": "yes_no", "version": str(q["version"])},
        csrf,
    )
    assert added.status == 303 and added.headers["location"].endswith("#q4")
    stale = form(
        page,
        f"/surveys/questionnaires/{q['id']}",
        {"action": "add_question", "section": "0", "kind": "yes_no", "version": str(q["version"])},
        csrf,
    )
    assert stale.status == 409
    preview = page.get(f"/surveys/questionnaires/{q['id']}/preview?screen=0")
    assert preview.status == 200 and "frame-ancestors 'self'" in preview.headers["content-security-policy"]
    assert preview.headers["x-frame-options"] == "SAMEORIGIN"
    answered = form(page, f"/surveys/questionnaires/{q['id']}/preview", {"screen": "0", "answers": "{}"}, csrf)
    assert answered.status == 200 and 'data-testid="error-summary"' in answered.text
    assert re.search(r'<a href="#q1">Chọn một phương án</a>', answered.text)
    nxt = form(page, f"/surveys/questionnaires/{q['id']}/preview", {"screen": "0", "answers": "{}", "q1": "1"}, csrf)
    assert "Mức độ hài lòng?" in nxt.text and "error-summary" not in nxt.text
