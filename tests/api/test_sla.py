"""Calendar and deadlines over HTTP on the moto stack: the year, add-working-days, overrides, the SLA policy."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest

# Each test that writes the national calendar uses its own year, so tests sharing the session's stack never collide.
PUT_YEAR, PAGE_YEAR, RACE_YEAR = 2031, 2032, 2033


def month_now() -> str:
    from chalicelib.bootstrap import container

    return container().clock.now().strftime("%Y-%m")


def actions(client, target_id: str) -> list[str]:
    """Audit actions of this month on one target, newest first."""
    items = client.get(f"/api/audit?month={month_now()}&limit=200").json["items"]
    return [i["action"] for i in items if i["target_id"] == target_id]


def working_days(client, start: str, days: int):
    return client.get(f"/api/calendar/add-working-days?start={quote(start)}&days={days}")


@pytest.fixture
def hcm_admin(api):
    """The HCM administrator; whatever a test does to HCM's policy is put back to Annex 2 afterwards."""
    admin = api("hcm").login("tenant-admin")
    yield admin
    current = admin.get("/api/sla-policy").json
    if current["version"]:
        assert admin.put("/api/sla-policy", {"version": current["version"], "limits": {}}).status == 200


def test_the_year_lists_tet_2027_and_counts_working_days(api):
    reply = api("hanoi").login("agent").get("/api/calendar/2027")
    assert reply.status == 200, reply.body
    year = reply.json
    off = {d["date"]: d for d in year["days_off"]}
    assert {"2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-04-16"} <= set(off)
    assert off["2027-02-04"] == {"date": "2027-02-04", "name": "29 Tết", "source": "law"}
    assert year["months"][1] == {"month": 2, "working_days": 15}
    assert year["working_days_total"] == sum(m["working_days"] for m in year["months"])
    assert api("hanoi").login("agent").get("/api/calendar/20x7").status == 400
    assert api("hanoi").login("agent").get("/api/calendar/1890").status == 422


def test_add_working_days_across_tet(api):
    agent = api("hanoi").login("agent")
    reply = working_days(agent, "2027-02-03T10:00:00+07:00", 1)
    assert reply.status == 200, reply.body
    assert reply.json["due_at"] == "2027-02-11T10:00:00Z" and reply.json["days"] == 1
    unencoded = agent.get("/api/calendar/add-working-days?start=2027-02-03T10:00:00+07:00&days=1")
    assert unencoded.json["due_at"] == "2027-02-11T10:00:00Z", "a '+' sent unencoded arrives as a space"


@pytest.mark.parametrize(
    "query",
    ["start=2027-02-03T10:00:00&days=1", "start=2027-02-03T10:00:00Z&days=-1", "start=2027-02-03T10:00:00Z&days=two", "days=1"],
)
def test_add_working_days_refuses_naive_starts_and_bad_counts(api, query):
    reply = api("hanoi").login("agent").get(f"/api/calendar/add-working-days?{query}")
    assert reply.status == 400 and reply.error_code == "invalid_query"


def test_ccc_enters_a_decree_which_changes_the_count_and_is_audited(api):
    admin, agent = api("ccc").login("central-admin"), api("hanoi").login("agent")
    start = f"{PUT_YEAR}-03-07T09:00:00+07:00"  # Friday 7/3/2031
    assert working_days(agent, start, 1).json["due_at"] == f"{PUT_YEAR}-03-10T10:00:00Z"
    version = admin.get(f"/api/calendar/{PUT_YEAR}").json["version"]
    body = {
        "version": version,
        "days_off": [{"date": f"{PUT_YEAR}-03-10", "name": "Nghỉ bù"}],
        "working_days": [{"date": f"{PUT_YEAR}-03-08", "name": "Làm bù thứ Bảy"}],
    }
    reply = admin.put(f"/api/central/calendar/{PUT_YEAR}", body)
    assert reply.status == 200, reply.body
    assert reply.json["version"] == version + 1
    assert {"date": f"{PUT_YEAR}-03-08", "name": "Làm bù thứ Bảy", "source": "decree"} in reply.json["working_weekend_days"]
    assert working_days(agent, start, 1).json["due_at"] == f"{PUT_YEAR}-03-08T10:00:00Z"  # the make-up Saturday
    assert working_days(agent, start, 2).json["due_at"] == f"{PUT_YEAR}-03-11T10:00:00Z"  # Mon 10/3 now off
    assert actions(admin, str(PUT_YEAR))[0] == "calendar.update"


def test_only_the_ccc_may_put_the_national_calendar(api):
    body = {"version": 0, "days_off": [{"date": f"{PUT_YEAR}-05-05", "name": "x"}]}
    assert api("hanoi").login("tenant-admin").put(f"/api/central/calendar/{PUT_YEAR}", body).status == 403
    assert api("ccc").login("tenant-admin").put(f"/api/central/calendar/{PUT_YEAR}", body).status == 403
    central_token_on_province = api("ccc").login("central-admin").on("hanoi")
    assert central_token_on_province.put(f"/api/central/calendar/{PUT_YEAR}", body).status == 403


def test_calendar_stale_version_is_409_and_bad_dates_422(api):
    admin = api("ccc").login("central-admin")
    version = admin.get(f"/api/calendar/{RACE_YEAR}").json["version"]
    first = admin.put(f"/api/central/calendar/{RACE_YEAR}", {"version": version, "days_off": [{"date": f"{RACE_YEAR}-06-06"}]})
    assert first.status == 200
    stale = admin.put(f"/api/central/calendar/{RACE_YEAR}", {"version": version, "days_off": []})
    assert stale.status == 409
    assert [d["date"] for d in admin.get(f"/api/calendar/{RACE_YEAR}").json["overrides"]["days_off"]] == [f"{RACE_YEAR}-06-06"]
    wrong_year = {"version": version + 1, "days_off": [{"date": f"{RACE_YEAR + 1}-01-02", "name": "x"}]}
    refused = admin.put(f"/api/central/calendar/{RACE_YEAR}", wrong_year)
    assert refused.status == 422 and refused.json["error"]["fields"] == {"days_off.0": "outside_year"}
    both = {
        "version": version + 1,
        "days_off": [{"date": f"{RACE_YEAR}-06-07"}],
        "working_days": [{"date": f"{RACE_YEAR}-06-07"}],
    }
    assert admin.put(f"/api/central/calendar/{RACE_YEAR}", both).error_code == "day_both_off_and_working"


def test_policy_shorter_is_saved_audited_and_used_for_deadlines(api, hcm_admin):
    from datetime import datetime

    from chalicelib.bootstrap import container
    from chalicelib.shared.clock import VN_TZ

    policy = hcm_admin.get("/api/sla-policy").json
    row = next(i for i in policy["items"] if i["key"] == "written_answer_one_unit")
    assert (row["annex2_amount"], row["amount"], row["adjustable"]) == (7, 7, True)
    reply = hcm_admin.put("/api/sla-policy", {"version": policy["version"], "limits": {"written_answer_one_unit": 3}})
    assert reply.status == 200, reply.body
    assert reply.json["limits"]["written_answer_one_unit"] == 3 and reply.json["version"] == policy["version"] + 1
    assert api("hcm").login("agent").get("/api/sla-policy").json["limits"]["written_answer_one_unit"] == 3
    start = datetime(2027, 3, 8, 9, tzinfo=VN_TZ)  # Monday
    due = container().sla.due_at(tenant="hcm", limit_key="written_answer_one_unit", start=start)
    assert due == datetime(2027, 3, 11, 17, tzinfo=VN_TZ)
    assert container().sla.due_at(tenant="hanoi", limit_key="written_answer_one_unit", start=start) == datetime(
        2027, 3, 17, 17, tzinfo=VN_TZ
    )
    assert actions(hcm_admin, "hcm")[0] == "sla_policy.update"


def test_policy_longer_than_annex2_is_422_and_nothing_is_stored(hcm_admin):
    before = hcm_admin.get("/api/sla-policy").json
    reply = hcm_admin.put(
        "/api/sla-policy", {"version": before["version"], "limits": {"written_answer_one_unit": 8, "hotline_relay": 1}}
    )
    assert reply.status == 422 and reply.error_code == "limit_too_long"
    assert reply.json["error"]["fields"] == {"limits.written_answer_one_unit": "too_long"}
    assert hcm_admin.get("/api/sla-policy").json == before
    for limits, code in (
        ({"hotline_pickup": 2}, "limit_not_adjustable"),
        ({"nope": 1}, "unknown_limit"),
        ({"hotline_record_entry": 0}, "limit_too_small"),
    ):
        assert hcm_admin.put("/api/sla-policy", {"version": before["version"], "limits": limits}).error_code == code
    assert hcm_admin.put("/api/sla-policy", {"version": before["version"], "limits": {"hotline_relay": "1"}}).status == 400


def test_policy_stale_version_is_409_and_agents_cannot_change_it(api, hcm_admin):
    version = hcm_admin.get("/api/sla-policy").json["version"]
    assert hcm_admin.put("/api/sla-policy", {"version": version, "limits": {"fanpage_two_units": 1}}).status == 200
    assert hcm_admin.put("/api/sla-policy", {"version": version, "limits": {"fanpage_two_units": 2}}).status == 409
    assert hcm_admin.get("/api/sla-policy").json["limits"]["fanpage_two_units"] == 1
    assert api("hcm").login("agent").put("/api/sla-policy", {"version": version + 1, "limits": {}}).status == 403


def console(client):
    """The same user with a session cookie (as the browser), and the form's anti-forgery token."""
    from chalicelib.shared.auth import csrf_token

    page = client.on(client.tenant)
    page.token, page.extra_headers = None, {"cookie": f"cskh_session={client.token}"}
    return page, csrf_token(client.token)


def form(page, path: str, fields: dict, csrf: str):
    body = urlencode({"csrf": csrf, **fields}).encode()
    return page.call("POST", path, raw=body, headers={"content-type": "application/x-www-form-urlencoded"})


def test_calendar_page_shows_dd_mm_yyyy_and_adds_then_removes_a_day(api):
    page, csrf = console(api("ccc").login("central-admin"))
    shown = page.get("/admin/calendar?year=2027")
    assert shown.status == 200 and "04/02/2027" in shown.text and "29 Tết" in shown.text
    assert 'href="/admin/calendar"' in shown.text and "Lịch làm việc" in shown.text
    version = api("ccc").login("central-admin").get(f"/api/calendar/{PAGE_YEAR}").json["version"]
    fields = {
        "year": PAGE_YEAR,
        "version": version,
        "action": "add",
        "kind": "working_day",
        "date": f"06/03/{PAGE_YEAR}",
        "name": "Làm bù",
    }
    assert form(page, "/admin/calendar", fields, csrf).status == 303
    after = page.get(f"/admin/calendar?year={PAGE_YEAR}").text
    assert f'data-date="{PAGE_YEAR}-03-06" data-kind="working_day"' in after and f"06/03/{PAGE_YEAR}" in after
    removed = form(page, "/admin/calendar", {**fields, "version": version + 1, "action": "remove"}, csrf)
    assert removed.status == 303
    assert 'data-kind="working_day"' not in page.get(f"/admin/calendar?year={PAGE_YEAR}").text
    assert console(api("hanoi").login("tenant-admin"))[0].get("/admin/calendar").status == 403


def test_sla_page_shows_annex2_next_to_the_tenants_value_and_saves(api, hcm_admin):
    page, csrf = console(hcm_admin)
    shown = page.get("/admin/sla")
    assert shown.status == 200 and "Chậm nhất 07 ngày làm việc" in shown.text and "Thời hạn xử lý" in shown.text
    version = hcm_admin.get("/api/sla-policy").json["version"]
    saved = form(page, "/admin/sla", {"version": version, "limit.written_relay": "1", "limit.hotline_relay": ""}, csrf)
    assert saved.status == 303
    assert hcm_admin.get("/api/sla-policy").json["limits"]["written_relay"] == 1
    assert form(page, "/admin/sla", {"version": version + 1, "limit.written_relay": "3"}, csrf).status == 422
