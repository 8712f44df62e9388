"""The knowledge bank over HTTP: search as an agent types, the publication steps and who may take them, versions,
409 on concurrent edits, tenants kept apart, and a hotline answer's citation checked (422 writes nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.shared.tenancy import acting_for, allow_national_reads


def rebuild() -> None:
    """What the worker does a few seconds after a change: build the index from the table."""
    from chalicelib.bootstrap import container

    with acting_for("ccc"):
        allow_national_reads()
        container().knowledge_index.rebuild()


def _entry(unique: str, **extra: Any) -> dict[str, Any]:
    return {
        "topic": "chung.tra-cuu",
        "question": f"Tra cứu mã {unique} trên ứng dụng VssID thế nào?",
        "answer": f"Ông/Bà mở VssID:\n- Chọn mục Tra cứu;\n- Nhập mã {unique}.",
        "legal_basis": [{"document": "Quyết định 1218/QĐ-BHXH", "article": "Điều 2", "date": "2025-05-01"}],
        "valid_from": "2025-01-01",
        "owner_unit": "truyen-thong",
        "scenarios": [f"tra cuu {unique} o dau", f"mã {unique} xem ở đâu"],
    } | extra


def _published(api, unique: str, tenant: str = "hanoi", **extra: Any) -> dict[str, Any]:
    officer = api(tenant).login("focal-officer" if tenant != "ccc" else "ccc-officer")
    leader = api(tenant).login("leader")
    body = _entry(unique, **extra)
    if tenant == "ccc":
        body["owner_unit"] = "cham-soc-khach-hang"
    created = officer.post("/api/knowledge", body)
    assert created.status == 201, created.body
    submitted = officer.post(f"/api/knowledge/{created.json['id']}/submit", {"version": created.json["version"]})
    published = leader.post(f"/api/knowledge/{created.json['id']}/publish", {"version": submitted.json["version"]})
    assert published.status == 200, published.body
    return dict(published.json)


def _unique(unique: str) -> str:
    return "zq" + "".join(ch for ch in unique.lower() if ch.isalnum())[:10]


def test_an_agent_finds_the_starter_bank_typed_without_marks(api):
    agent = api("hanoi").login("agent")
    reply = agent.get("/api/knowledge/search?q=bao%20hiem%20that%20nghiep%20huong%20bao%20lau")
    assert reply.status == 200
    items = reply.json["items"]
    assert 1 <= len(items) <= 5 and len({i["id"] for i in items}) == len(items)
    first = items[0]
    assert "thất nghiệp" in first["question"].lower()
    assert first["current"] and first["legal_basis"] and {"highlights", "score", "matched", "internal"} <= set(first)
    text, spans = first["highlights"][0]["text"], first["highlights"][0]["spans"]
    assert any("nghiệp" in text[a:b].lower() for a, b in spans)


def test_the_whole_publication_path_and_who_may_take_each_step(api, unique):
    word = _unique(unique)
    officer, leader, agent = (api("hanoi").login(u) for u in ("focal-officer", "leader", "agent"))
    assert agent.post("/api/knowledge", _entry(word)).status == 403
    created = officer.post("/api/knowledge", _entry(word))
    assert created.status == 201 and created.json["status"] == "draft"
    entry_id = created.json["id"]
    assert "submit" in created.json["allowed_actions"] and "publish" not in created.json["allowed_actions"]
    submitted = officer.post(f"/api/knowledge/{entry_id}/submit", {"version": created.json["version"]})
    assert submitted.json["status"] == "in_review"
    assert officer.post(f"/api/knowledge/{entry_id}/publish", {"version": submitted.json["version"]}).status == 403
    published = leader.post(f"/api/knowledge/{entry_id}/publish", {"version": submitted.json["version"]})
    assert published.status == 200 and published.json["status"] == "published" and published.json["review_due"]
    # An editor may not change what agents answer from; the leader corrects it.
    changed = _entry(word, answer="Nội dung đã sửa.")
    assert officer.put(f"/api/knowledge/{entry_id}", changed | {"version": published.json["version"]}).status == 403
    corrected = leader.put(f"/api/knowledge/{entry_id}", changed | {"version": published.json["version"]})
    assert corrected.status == 200 and corrected.json["answer"] == "Nội dung đã sửa."
    rebuild()
    found = agent.get(f"/api/knowledge/search?q={word}").json["items"]
    assert [i["id"] for i in found] == [entry_id]
    retired = leader.post(f"/api/knowledge/{entry_id}/retire", {"version": corrected.json["version"], "note": "Hết áp dụng"})
    assert retired.json["status"] == "retired" and not retired.json["current"]
    assert agent.get(f"/api/knowledge/search?q={word}").json["items"] == []  # even before the index is rebuilt


def test_a_leader_returns_a_submission_with_a_reason_and_does_not_rewrite_it(api, unique):
    leader = api("ccc").login("leader")
    officer = api("ccc").login("ccc-officer")
    body = _entry(_unique(unique), owner_unit="cham-soc-khach-hang")
    created = officer.post("/api/knowledge", body)
    submitted = officer.post(f"/api/knowledge/{created.json['id']}/submit", {"version": created.json["version"]})
    edited = leader.put(f"/api/knowledge/{created.json['id']}", body | {"answer": "Khác", "version": submitted.json["version"]})
    assert edited.status == 403  # a submission is an editor's text: the leader returns it instead
    returned = leader.post(f"/api/knowledge/{created.json['id']}/return", {"version": submitted.json["version"], "note": ""})
    assert returned.status == 422 and returned.json["error"]["fields"] == {"note": "required"}
    returned = leader.post(
        f"/api/knowledge/{created.json['id']}/return", {"version": submitted.json["version"], "note": "Bổ sung căn cứ"}
    )
    assert returned.json["status"] == "draft" and returned.json["note"] == "Bổ sung căn cứ"


def test_concurrent_edits_are_a_409_and_the_loser_writes_nothing(api, unique):
    officer = api("hanoi").login("focal-officer")
    created = officer.post("/api/knowledge", _entry(_unique(unique))).json
    first = officer.put(
        f"/api/knowledge/{created['id']}", _entry(_unique(unique), answer="Bản một") | {"version": created["version"]}
    )
    second = officer.put(
        f"/api/knowledge/{created['id']}", _entry(_unique(unique), answer="Bản hai") | {"version": created["version"]}
    )
    assert first.status == 200 and second.status == 409
    assert officer.get(f"/api/knowledge/{created['id']}").json["answer"] == "Bản một"
    assert len(officer.get(f"/api/knowledge/{created['id']}/versions").json["items"]) == 2


def test_versions_compare_field_by_field_and_restore_as_a_new_version(api, unique):
    officer = api("hanoi").login("focal-officer")
    word = _unique(unique)
    created = officer.post("/api/knowledge", _entry(word)).json
    edited = officer.put(
        f"/api/knowledge/{created['id']}",
        _entry(word, answer="Câu trả lời mới.", audience="internal") | {"version": created["version"]},
    ).json
    diff = officer.get(f"/api/knowledge/{created['id']}/compare?from=1&to=2").json
    assert [d["field"] for d in diff["differences"]] == ["answer", "audience"]
    assert diff["differences"][1] == {"field": "audience", "before": "public", "after": "internal"}
    restored = officer.post(f"/api/knowledge/{created['id']}/restore", {"version": edited["version"], "from_version": 1})
    assert restored.status == 200 and restored.json["answer"] == created["answer"] and restored.json["audience"] == "public"
    versions = officer.get(f"/api/knowledge/{created['id']}/versions").json["items"]
    assert [(v["number"], v["action"]) for v in versions] == [(1, "created"), (2, "updated"), (3, "restored")]
    assert versions[2]["note"] == "v1" and set(versions[2]["changed"]) == {"answer", "audience"}


def test_bad_input_is_a_clear_400_or_422_and_writes_nothing(api, unique):
    officer = api("hanoi").login("focal-officer")
    before = officer.get("/api/knowledge?status=draft&limit=100").json["items"]
    bad = officer.post("/api/knowledge", _entry(_unique(unique), valid_from="01/01/2025"))
    assert bad.status == 400 and "valid_from" in bad.json["error"]["fields"]
    unknown = officer.post("/api/knowledge", _entry(_unique(unique), topic="khong-co"))
    assert unknown.status == 422 and unknown.json["error"]["fields"] == {"topic": "unknown"}
    backwards = officer.post("/api/knowledge", _entry(_unique(unique), valid_until="2024-01-01"))
    assert backwards.status == 422 and backwards.json["error"]["fields"] == {"valid_until": "before_valid_from"}
    no_unit = officer.post("/api/knowledge", _entry(_unique(unique), owner_unit="khong-co"))
    assert no_unit.status == 422 and no_unit.json["error"]["fields"] == {"owner_unit": "unknown"}
    assert officer.get("/api/knowledge?status=draft&limit=100").json["items"] == before
    assert officer.get("/api/knowledge/search?limit=99").status == 400


def test_a_province_sees_the_national_bank_and_its_own_never_anothers(api, unique):
    word = _unique(unique)
    local = _published(api, word, tenant="hanoi")
    rebuild()
    hanoi, hcm = api("hanoi").login("agent"), api("hcm").login("agent")
    assert hanoi.get(f"/api/knowledge/{local['id']}").status == 200
    assert hcm.get(f"/api/knowledge/{local['id']}").status == 404
    assert hcm.get(f"/api/knowledge/search?q={word}").json["items"] == []
    assert [i["id"] for i in hanoi.get(f"/api/knowledge/search?q={word}").json["items"]] == [local["id"]]
    national = hcm.get("/api/knowledge/KB-0001")
    assert national.status == 200 and national.json["national"] and national.json["allowed_actions"] == []
    officer = api("hcm").login("focal-officer")
    assert officer.get("/api/knowledge/KB-0001/versions").status == 403  # the history is the CCC's
    national_draft = api("ccc").login("ccc-officer").post("/api/knowledge", _entry(word, owner_unit="cham-soc-khach-hang"))
    assert hcm.get(f"/api/knowledge/{national_draft.json['id']}").status == 404  # the CCC's working paper


def test_an_agent_cannot_search_drafts_but_an_editor_sees_expired_entries_flagged(api):
    agent, officer = api("hanoi").login("agent"), api("ccc").login("ccc-officer")
    assert agent.get("/api/knowledge/search?q=luong&status=draft").status == 403
    expired = officer.get("/api/knowledge/search?q=luong%20co%20so%201%2C8%20trieu&status=published&limit=20").json["items"]
    assert any(i["expired"] and not i["current"] for i in expired)
    answerable = agent.get("/api/knowledge/search?q=luong%20co%20so%201%2C8%20trieu&limit=20").json["items"]
    assert all(i["current"] and not i["expired"] for i in answerable)


@pytest.fixture
def hotline_request(api, unique):
    agent = api("hanoi").login("agent")

    def make() -> dict[str, Any]:
        body = {
            "channel": "hotline",
            "kind": "information",
            "category": "policy",
            "subject": "Hỏi thất nghiệp",
            "question": "Bao lâu thì được hưởng trợ cấp thất nghiệp?",
            "customer": {
                "kind": "individual",
                "full_name": "Trần Văn Bình",
                "phone": "0912" + str(int(unique, 16))[-6:].zfill(6),
            },
        }
        reply = agent.post("/api/requests", body)
        assert reply.status == 201, reply.body
        return dict(reply.json)

    return agent, make


def test_a_hotline_answer_cites_only_what_may_be_answered_from_and_counts_it(api, unique, hotline_request):
    agent, make = hotline_request
    word = _unique(unique)
    other = _published(api, word + "x", tenant="hcm")
    retired = _published(api, word + "r", tenant="hanoi")
    leader = api("hanoi").login("leader")
    leader.post(f"/api/knowledge/{retired['id']}/retire", {"version": retired["version"]})
    expired = _published(api, word + "e", tenant="hanoi", valid_until="2025-02-01")
    for refused in (other["id"], retired["id"], expired["id"], "KB-9999"):
        request = make()
        reply = agent.post(
            f"/api/requests/{request['id']}/answer", {"version": request["version"], "text": "Đáp", "knowledge_id": refused}
        )
        assert reply.status == 422 and reply.error_code == "knowledge_not_citable", refused
        assert agent.get(f"/api/requests/{request['id']}").json["status"] == "open"  # nothing written
    request = make()
    officer = api("hanoi").login("focal-officer")
    before = {c["key"]: c["count"] for c in officer.get("/api/knowledge/report").json["citations"]}
    reply = agent.post(
        f"/api/requests/{request['id']}/answer", {"version": request["version"], "text": "Đáp", "knowledge_id": "KB-0001"}
    )
    assert reply.status == 200 and reply.json["status"] == "answered"
    after = {c["key"]: c["count"] for c in officer.get("/api/knowledge/report").json["citations"]}
    assert after["KB-0001"] == before.get("KB-0001", 0) + 1


def test_a_search_that_finds_nothing_is_counted_once_per_query_not_while_typing(api, unique):
    agent, officer = api("hanoi").login("agent"), api("hanoi").login("focal-officer")
    # letters only: a run of 5 digits is kept as "#" (no ID or phone number in the gaps), which a random suffix hit
    word = "khongco" + _unique(unique).translate(str.maketrans("0123456789", "abcdefghij"))
    agent.get(f"/api/knowledge/search?q={word}&record=false")
    agent.get(f"/api/knowledge/search?q={word.upper()}")
    agent.get(f"/api/knowledge/search?q={word}")
    gaps = {g["key"]: g["count"] for g in officer.get("/api/knowledge/report").json["gaps"]}
    assert gaps[word] == 2
    assert agent.get("/api/knowledge/report").status == 403
    numbers = agent.get("/api/knowledge/search?q=so%20cccd%20001085012345%20zzqq")
    assert numbers.status == 200
    gaps = officer.get("/api/knowledge/report").json["gaps"]
    assert not any("001085012345" in g["key"] for g in gaps)


def test_an_answered_request_becomes_a_draft_entry_in_one_call(api, hotline_request):
    agent, make = hotline_request
    request = make()
    officer = api("hanoi").login("focal-officer")
    early = officer.post("/api/knowledge/proposals", {"request_id": request["id"]})
    assert early.status == 422 and early.error_code == "request_not_answered"
    agent.post(f"/api/requests/{request['id']}/answer", {"version": request["version"], "text": "Sau 16 ngày làm việc."})
    proposed = officer.post("/api/knowledge/proposals", {"request_id": request["id"], "topic": "bhtn.thu-tuc"})
    assert proposed.status == 201
    assert proposed.json["status"] == "draft" and proposed.json["source_request_id"] == request["id"]
    assert proposed.json["question"] == request["question"] and proposed.json["answer"] == "Sau 16 ngày làm việc."
    assert api("hcm").login("focal-officer").post("/api/knowledge/proposals", {"request_id": request["id"]}).status == 422


def test_the_review_queue_and_marking_a_review(api, unique):
    leader = api("ccc").login("leader")
    queue = leader.get("/api/knowledge/review-queue?unit=thuc-hien-chinh-sach-bhxh").json["items"]
    assert queue and [e["review_due"] for e in queue] == sorted(e["review_due"] for e in queue)
    assert any(e["review_overdue"] for e in queue)
    overdue = next(e for e in queue if e["review_overdue"])
    reviewed = leader.post(f"/api/knowledge/{overdue['id']}/review", {"version": overdue["version"], "note": "Đã rà soát"})
    assert reviewed.status == 200 and not reviewed.json["review_overdue"] and reviewed.json["review_due"] > overdue["review_due"]
    report = api("ccc").login("ccc-officer").get("/api/knowledge/report").json
    assert overdue["id"] not in {e["id"] for e in report["overdue"]} and report["overdue"]
    again = leader.post(f"/api/knowledge/{overdue['id']}/review", {"version": overdue["version"], "note": ""})
    assert again.status == 409


def test_a_national_entrys_page_names_its_ccc_owner_unit_to_a_province(api):
    from tests.api.test_request_pages import console

    page, _ = console(api("hanoi").login("agent"))
    reply = page.get("/knowledge/KB-0001")
    assert reply.status == 200 and "Ban Quản lý Thu - Sổ, Thẻ" in reply.text and ">quan-ly-thu-so-the<" not in reply.text


def test_the_bank_is_exported_from_its_page_as_a_background_job(api, run_jobs):
    from tests.api.test_customers import form
    from tests.api.test_request_pages import console

    agent_page = console(api("hanoi").login("agent"))[0].get("/knowledge").text
    assert 'data-testid="kb-export"' not in agent_page, "agents do not export the bank"
    page, csrf = console(api("hanoi").login("focal-officer"))
    assert 'data-testid="kb-export"' in page.get("/knowledge").text
    started = form(page, "/knowledge/export", {"format": "csv"}, csrf)
    assert started.status in (302, 303) and started.headers["location"].startswith("/jobs/")
    run_jobs()
    job = page.get(started.headers["location"])
    assert job.status == 200 and "ngan-hang-hoi-dap-hanoi-" in job.text, "the finished job offers the file"
    assert form(page, "/knowledge/export", {"format": "pdf"}, csrf).status == 400


def test_a_leader_imports_a_file_from_the_page_without_script(api, run_jobs, tmp_path):
    import re
    from dataclasses import replace
    from html import unescape

    import requests as http

    from chalicelib.jobs import sheets
    from chalicelib.knowledge.transfer import header_row, to_row
    from tests.api.test_customers import form
    from tests.api.test_request_pages import console
    from tests.service.test_knowledge_transfer import TRICKY

    page, csrf = console(api("ccc").login("leader"))
    assert 'data-testid="kb-import"' in page.get("/knowledge").text
    shown = page.get("/knowledge/import")
    assert shown.status == 200 and 'enctype="multipart/form-data"' in shown.text
    found = re.search(r'action="([^"]+)" enctype="multipart/form-data"', shown.text)
    assert found is not None, "the upload form"
    action = unescape(found.group(1))
    storage = "{0.scheme}://{0.netloc}".format(http.utils.urlparse(action))
    assert f"form-action 'self' {storage}" in shown.headers["content-security-policy"], "the form may post to storage"
    assert storage not in page.get("/knowledge").headers["content-security-policy"], "only this page may"
    upload = shown.text[shown.text.index('data-testid="kb-import-upload"') :]
    fields = {unescape(n): unescape(v) for n, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', upload)}
    path = tmp_path / "bank.csv"
    writer = sheets.open_writer("csv", path, title="x")
    writer.header(header_row())
    writer.row(to_row(replace(TRICKY, id="KB-9101", question="Câu hỏi nhập từ trang?")))
    writer.close()
    uploaded = http.post(action, data=fields, files={"file": ("bank.csv", path.read_bytes())}, allow_redirects=False, timeout=10)
    assert uploaded.status_code == 303, uploaded.text
    back = http.utils.urlparse(uploaded.headers["location"]).path
    assert back.startswith("/knowledge/import/"), "storage brings the leader back to the office's page"
    assert 'data-testid="kb-import-start"' in page.get(back).text
    started = form(page, back, {}, csrf)
    assert started.status in (302, 303) and started.headers["location"].startswith("/jobs/")
    run_jobs()
    assert "Hoàn thành" in page.get(started.headers["location"]).text
    assert api("ccc").login("leader").get("/api/knowledge/KB-9101").json["question"] == "Câu hỏi nhập từ trang?"
