"""The request list by date of receipt (issue 11: the requests behind a figure): exactly the days asked for in
Vietnam's time, with the other filters and pages; never another office's; and a report's count opens as many
requests as it says, in the API, on the office's page and in the CCC's drill-down into a province."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from chalicelib.shared.clock import VN_TZ
from tests.api.test_request_pages import console
from tests.api.test_requests import _act, _intake
from tests.conftest import Api


def _ids(client: Api, path: str) -> list[str]:
    """Every id the list at `path` holds, page after page."""
    found, cursor = [], None
    for _ in range(50):
        reply = client.get(path + (f"&cursor={cursor}" if cursor else ""))
        assert reply.status == 200, reply.text
        found += [r["id"] for r in reply.json["items"]]
        if (cursor := reply.json["next_cursor"]) is None:
            return found
    raise AssertionError("the pages never ended")


def _found(text: str, pattern: str) -> str:
    """What the pattern's group holds in the page (a link's target, a cell's text)."""
    found = re.search(pattern, text, re.S)
    assert found, pattern
    return html.unescape(found.group(1))


def _page_ids(page: Any, path: str) -> list[str]:
    """Every request a list page shows, following its "Trang sau" links."""
    found: list[str] = []
    for _ in range(50):
        reply = page.get(path)
        assert reply.status == 200, reply.text
        found += re.findall(r'<tr data-request="([^"]+)"', reply.text)
        more = re.search(r'<a href="([^"]+)" data-testid="next-page">', reply.text)
        if more is None:
            return found
        path = html.unescape(more.group(1))
    raise AssertionError("the pages never ended")


def test_the_list_holds_exactly_the_days_asked_in_vietnams_time_with_the_other_filters(api, unique):
    agent, hcm = api("hanoi").login("agent"), api("hcm").login("agent")
    made = {
        name: _intake(agent, f"{unique}{name}", channel=channel, received_at=at)
        for name, at, channel in (
            ("may", "2023-05-31T23:59:59+07:00", "hotline"),
            ("first", "2023-06-01T00:00:00+07:00", "email"),  # 31/05 17:00Z: already June in Hà Nội
            ("answered", "2023-06-15T09:00:00+07:00", "hotline"),
            ("night", "2023-06-30T23:30:00+07:00", "hotline"),  # 16:30Z, still 30/06
            ("july", "2023-07-01T00:00:00+07:00", "hotline"),
        )
    }
    assert _act(agent, made["answered"], "answer", text="Đã giải đáp trong cuộc gọi.").status == 200
    other = _intake(hcm, unique, received_at="2023-06-10T10:00:00+07:00")
    ids = {name: r["id"] for name, r in made.items()}
    june = "/api/requests?received_from=2023-06-01&received_to=2023-06-30"
    assert _ids(agent, june + "&limit=100") == [ids["night"], ids["answered"], ids["first"]], "every status, newest first"
    assert _ids(agent, june + "&limit=1") == [ids["night"], ids["answered"], ids["first"]], "the pages keep the range"
    assert _ids(agent, "/api/requests?received_from=2023-06-30&received_to=2023-06-30") == [ids["night"]]
    assert _ids(agent, june + "&channel=hotline&limit=1") == [ids["night"], ids["answered"]]
    assert _ids(agent, june + "&status=answered") == [ids["answered"]]
    assert _ids(agent, june + "&status=open&channel=email") == [ids["first"]]
    assert _ids(agent, june + "&kind=complaint") == []
    assert _ids(agent, "/api/requests?received_to=2023-05-31&q=" + unique) == [ids["may"]], "an open start"
    assert _ids(hcm, june) == [other["id"]], "another office's requests never appear"
    ccc = api("ccc").login("ccc-officer")
    assert _ids(ccc, "/api/central/requests?tenant=hanoi&received_from=2023-06-01&received_to=2023-06-30") == [
        ids["night"], ids["answered"], ids["first"]
    ]  # fmt: skip
    assert _ids(ccc, "/api/central/requests?tenant=hcm&received_from=2023-06-01&received_to=2023-06-30") == [other["id"]]


def test_bad_days_a_backwards_range_and_a_foreign_cursor_are_refused_in_the_contract_shape(api):
    agent = api("hanoi").login("agent")
    for bad in ("2023-02-30", "30/06/2023", "2023-6-1"):
        reply = agent.get(f"/api/requests?received_from={bad}")
        assert reply.status == 400 and "received_from" in reply.json["error"]["fields"], bad
    backwards = agent.get("/api/requests?received_from=2023-06-30&received_to=2023-06-01")
    assert backwards.status == 422 and backwards.error_code == "bad_range"
    assert backwards.json["error"]["fields"] == {"received_to": "before_from"}
    first = agent.get("/api/requests?received_from=2023-06-01&received_to=2023-06-30&limit=1").json
    assert first["next_cursor"], "hà nội has more than one request that month"
    foreign = (
        api("hcm")
        .login("agent")
        .get(f"/api/requests?received_from=2023-06-01&received_to=2023-06-30&cursor={first['next_cursor']}")
    )
    assert foreign.status == 400 and foreign.error_code == "invalid_cursor"
    ccc = api("ccc").login("ccc-officer")
    national = ccc.get("/api/central/requests?received_from=2023-06-01")
    assert national.status == 400 and national.json["error"]["fields"] == {"tenant": "required"}
    assert api("hanoi").login("leader").get("/api/central/requests?tenant=hanoi&received_from=2023-06-01").status == 403


def test_a_months_counts_open_exactly_their_requests_on_the_page_and_in_the_ccc_drill_down(api, unique):
    agent, leader = api("hanoi").login("agent"), api("hanoi").login("leader")
    for n, (channel, kind, at) in enumerate(
        (
            ("hotline", "information", "2023-09-01T00:00:00+07:00"),
            ("hotline", "complaint", "2023-09-12T10:00:00+07:00"),
            ("email", "information", "2023-09-20T14:00:00+07:00"),
            ("hotline", "information", "2023-09-30T23:30:00+07:00"),
            ("hotline", "information", "2023-10-01T00:00:00+07:00"),  # October: not in the figure, not in the list
        )
    ):
        request = _intake(agent, f"{unique}{n}", channel=channel, kind=kind, received_at=at)
        if n == 1:
            assert _act(agent, request, "answer", text="Đã tiếp nhận khiếu nại.").status == 200
    counters = leader.get("/api/reports/figures?period=2023-09").json["counters"]
    assert counters["received"] == 4
    page = console(leader)[0]
    text = page.get("/reports?period=2023-09").text

    received = _found(text, r'data-testid="summary-0"><a href="([^"]+)"')
    assert received == "/requests?received_from=2023-09-01&received_to=2023-09-30"
    assert len(_page_ids(page, received)) == counters["received"]
    shown = page.get(received).text
    assert "tiếp nhận từ 01/09/2023 đến 30/09/2023" in shown and 'value="2023-09-01"' in shown, "the page shows the range"
    for table, key, counter in (
        ("channel", "hotline", "received|channel=hotline"),
        ("channel", "email", "received|channel=email"),
        ("kind", "complaint", "received|kind=complaint"),
        ("category", "policy", "received|category=policy"),
    ):
        link = _found(text, rf'<tr data-testid="row-{table}" data-key="{key}">\s*<th scope="row"><a href="([^"]+)"')
        assert len(_page_ids(page, link)) == counters[counter] > 0, link
    assert "2023-09" not in _found(text, r'data-testid="summary-1">(.*?)</div>'), (
        "answered is not linked: the list cannot select it"
    )

    officer = console(api("ccc").login("ccc-officer"))[0]
    drill = officer.get("/reports/national/hanoi?period=2023-09").text
    link = _found(drill, r'<tr data-testid="row-channel" data-key="hotline">\s*<th scope="row"><a href="([^"]+)"')
    assert link.startswith("/central/requests?tenant=hanoi&received_from=2023-09-01&received_to=2023-09-30")
    assert len(_page_ids(officer, link)) == counters["received|channel=hotline"]
    assert "tiếp nhận từ 01/09/2023 đến 30/09/2023" in officer.get(link).text, "the CCC's list shows the range too"


def test_a_units_link_in_the_api_opens_the_requests_it_handles(api, unique):
    ccc, leader = api("ccc").login("ccc-officer"), api("hanoi").login("leader")
    request = _intake(ccc, unique)
    assert _act(ccc, request, "transfer", to_tenant="hanoi", to_unit="co-so-1", note="Hồ sơ tại cơ sở").status == 200
    period = f"{datetime.now(VN_TZ):%Y-%m}"
    units = leader.get(f"/api/reports/units?period={period}").json["items"]
    unit = next(u for u in units if u["unit_id"] == "co-so-1")
    assert unit["requests"].startswith("/api/requests?received_from=") and "unit=co-so-1" in unit["requests"]
    received = next(i["value"] for i in unit["indicators"] if i["key"] == "received")
    assert len(_ids(leader, unit["requests"] + "&limit=100")) == received >= 1
