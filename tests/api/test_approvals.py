"""The leader's inbox (`GET /api/approvals`, page `/approvals`): who sees it, and only their own office's entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.test_request_pages import console

AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _pending(tenant: str, subject_id: str, at: datetime = AT, kind: str = "survey_plan") -> None:
    """An entry as a subject's store writes it with the submission (here alone: no subject exists yet)."""
    from chalicelib.approvals.store import PendingApprovals

    item = PendingApprovals().pending_item(
        tenant=tenant, kind=kind, subject_id=subject_id, title=f"Khảo sát {subject_id}", submitted_at=at,
        url=f"/surveys/{subject_id}", submitted_by=f"{tenant}.focal-officer",
    )  # fmt: skip
    item.save()


def _every(client, limit: int = 100) -> list[dict]:
    items, cursor = [], None
    for _ in range(200):
        reply = client.get("/api/approvals" + (f"?limit={limit}&cursor={cursor}" if cursor else f"?limit={limit}"))
        assert reply.status == 200, reply.body
        items += reply.json["items"]
        cursor = reply.json["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("the inbox never ended")


def test_a_leader_reads_the_offices_pending_subjects_labelled_by_kind(api, unique):
    _pending("hanoi", f"s{unique}")
    _pending("hanoi", f"r{unique}", AT - timedelta(minutes=1), kind=f"unregistered{unique}")
    leader = api("hanoi").login("leader")
    mine = [i for i in _every(leader, limit=1) if unique in i["subject_id"]]
    assert [(i["subject_id"], i["kind_label"]) for i in mine] == [
        (f"r{unique}", "Hồ sơ cần phê duyệt"),
        (f"s{unique}", "Kế hoạch khảo sát"),
    ], "longest waiting first, across pages"
    assert mine[1] | {"submitted_at": None} == {
        "kind": "survey_plan",
        "kind_label": "Kế hoạch khảo sát",
        "subject_id": f"s{unique}",
        "title": f"Khảo sát s{unique}",
        "submitted_at": None,
        "submitted_by": "hanoi.focal-officer",
        "url": f"/surveys/s{unique}",
    }


def test_who_is_not_a_leader_is_refused(api):
    for user in ("focal-officer", "agent"):
        reply = api("hanoi").login(user).get("/api/approvals")
        assert (reply.status, reply.error_code) == (403, "forbidden")
    assert api("hanoi").get("/api/approvals").status == 401


def test_another_offices_entries_never_appear(api, unique):
    _pending("hcm", f"hcm{unique}")
    assert not [i for i in _every(api("hanoi").login("leader")) if unique in i["subject_id"]]
    assert [i["subject_id"] for i in _every(api("hcm").login("leader")) if unique in i["subject_id"]] == [f"hcm{unique}"]
    hanoi_leader = api("hanoi").login("leader")
    assert hanoi_leader.on("hcm").get("/api/approvals").status == 403, "a token of one office on another's host"


def test_a_cursor_of_another_office_or_an_edited_one_is_a_400(api, unique):
    for n in range(2):
        _pending("hcm", f"c{n}{unique}", AT - timedelta(days=3650))
    cursor = api("hcm").login("leader").get("/api/approvals?limit=1").json["next_cursor"]
    leader = api("hanoi").login("leader")
    for bad in (cursor, "not-a-cursor"):
        reply = leader.get(f"/api/approvals?cursor={bad}")
        assert (reply.status, reply.error_code) == (400, "invalid_cursor")
    assert leader.get("/api/approvals?limit=0").status == 400


def test_the_page_lists_them_and_the_leaders_navigation_links_it(api, unique):
    _pending("hanoi", f"p{unique}")
    page, _ = console(api("hanoi").login("leader"))
    shown = page.get("/approvals")
    assert shown.status == 200
    assert "Chờ phê duyệt" in shown.text and f'href="/surveys/p{unique}"' in shown.text
    assert 'href="/approvals"' in page.get("/").text
    officer, _ = console(api("hanoi").login("focal-officer"))
    assert 'href="/approvals"' not in officer.get("/").text
    assert officer.get("/approvals").status == 403
