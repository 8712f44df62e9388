"""The statistics end to end on the local stack: counters move with each step, per office and nationally (issue 11)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.shared.clock import VN_TZ
from tests.api.test_requests import _act, _intake
from tests.conftest import Api


def _month_text(at: datetime) -> str:
    return f"{at.astimezone(VN_TZ):%Y-%m}"


def _figures(client: Api, period: str) -> dict[str, Any]:
    reply = client.get(f"/api/reports/figures?period={period}")
    assert reply.status == 200, reply.text
    return reply.json


def _counter(figures: dict[str, Any], name: str) -> int:
    return int(figures["counters"].get(name, 0))


def _office(dashboard: dict[str, Any], tenant: str) -> dict[str, Any]:
    return next(o for o in dashboard["offices"] if o["tenant"] == tenant)


def test_an_intake_and_its_answer_move_the_figures_and_the_now_gauge(api, unique):
    agent, leader = api("hanoi").login("agent"), api("hanoi").login("leader")
    month = _month_text(datetime.now(VN_TZ))
    before, gauge = _figures(leader, month), _office(leader.get("/api/reports/dashboard").json, "hanoi")
    request = _intake(agent, unique)
    opened = _office(leader.get("/api/reports/dashboard").json, "hanoi")
    assert opened["open"] == gauge["open"] + 1 and opened["received_today"] == gauge["received_today"] + 1
    answered = _act(agent, request, "answer", text="Chị được hưởng chế độ thai sản 6 tháng.")
    assert answered.status == 200, answered.text
    after = _figures(leader, month)
    for name in ("received", "answered", "instant", "on_time", "wd:0", "received|channel=hotline", "instant|category=policy"):
        assert _counter(after, name) == _counter(before, name) + 1, name
    assert _office(leader.get("/api/reports/dashboard").json, "hanoi")["open"] == gauge["open"]
    instant = next(i for i in after["indicators"] if i["key"] == "instant_rate")
    assert instant["target"] is not None and 0 < instant["value"] <= 1


def test_a_province_sees_only_its_own_figures_and_no_league(api, unique):
    month = _month_text(datetime.now(VN_TZ))
    hcm = api("hcm").login("leader")
    before = _counter(_figures(hcm, month), "received")
    _intake(api("hanoi").login("agent"), unique)
    assert _counter(_figures(hcm, month), "received") == before, "another office's intake is not in HCM's figures"
    assert [o["tenant"] for o in hcm.get("/api/reports/dashboard").json["offices"]] == ["hcm"]
    league = hcm.get(f"/api/reports/league?indicator=received&period={month}")
    assert league.status == 403


def test_the_ccc_league_lists_every_province_ranked(api, unique):
    month = _month_text(datetime.now(VN_TZ))
    _intake(api("hanoi").login("agent"), unique)
    reply = api("ccc").login("ccc-officer").get(f"/api/reports/league?indicator=received&period={month}")
    assert reply.status == 200, reply.text
    rows = reply.json["items"]
    assert len(rows) == 35 and {"ccc", "hanoi", "hcm"} <= {r["tenant"] for r in rows}
    hanoi = next(r for r in rows if r["tenant"] == "hanoi")
    assert hanoi["rank"] is not None and hanoi["value"] >= 1 and rows[0]["rank"] == 1
    national = api("ccc").login("ccc-officer").get("/api/reports/dashboard").json
    assert len(national["offices"]) == 35 and len(national["worst_overdue"]) <= 5


def test_a_change_to_a_closed_month_is_counted_and_recorded_as_a_correction(api, unique):
    agent, leader = api("hanoi").login("agent"), api("hanoi").login("leader")
    first = datetime.now(VN_TZ).replace(day=1, hour=10, minute=0, second=0, microsecond=0)
    last_month = (first - timedelta(days=1)).replace(day=2)
    period = _month_text(last_month)
    before = _figures(leader, period)
    assert before["closed"] is True
    request = _intake(agent, unique, received_at=last_month.isoformat())
    assert _act(agent, request, "answer", text="Đã giải đáp.").status == 200
    after = _figures(leader, period)
    for name in ("received", "answered"):
        assert _counter(after, name) == _counter(before, name) + 1
        assert after["corrections"].get(name, 0) == before["corrections"].get(name, 0) + 1, "đã điều chỉnh sau khi chốt kỳ"


def test_the_reconcile_job_fixes_a_broken_counter_and_a_second_run_finds_nothing(api, run_jobs, unique):
    from chalicelib.reports.store import DynamoCounterStore

    agent, leader, admin = (api("hanoi").login(who) for who in ("agent", "leader", "tenant-admin"))
    received = datetime(2024, 2, 14, 9, 30, tzinfo=VN_TZ)
    request = _intake(agent, unique, channel="email", received_at=received.isoformat())
    good = _figures(leader, "2024-02")
    assert _counter(good, "received|channel=email") >= 1
    DynamoCounterStore().adjust(tenant="hanoi", deltas={"M#2024-02": {"received": 5}, "D#2024-02-14": {"open": 1}})
    assert _counter(_figures(leader, "2024-02"), "received") == _counter(good, "received") + 5

    def reconcile() -> dict[str, Any]:
        started = admin.post("/api/reports/reconcile", {"period": "2024-02"})
        assert started.status == 202, started.text
        run_jobs()
        job = admin.get(f"/api/jobs/{started.json['id']}").json
        assert job["status"] == "succeeded", job["error"]
        return job

    fixed = reconcile()
    assert "sửa 2" in fixed["progress"]["stage"] and fixed["progress"]["stage"].startswith("Đã kiểm")
    assert _figures(leader, "2024-02")["counters"] == good["counters"]
    assert "sửa 0" in reconcile()["progress"]["stage"]
    assert request["id"]


def test_bad_periods_and_indicators_are_refused_in_the_contract_shape(api):
    leader, admin = api("hanoi").login("leader"), api("hanoi").login("tenant-admin")
    bad = leader.get("/api/reports/figures?period=2026-13")
    assert bad.status == 400 and bad.error_code == "bad_period" and "period" in bad.json["error"]["fields"]
    assert leader.get("/api/reports/series?indicator=nope&from=2026-01&to=2026-03").error_code == "unknown_indicator"
    assert leader.get("/api/reports/series?indicator=received&from=2026-03&to=2026-01").status == 400
    assert admin.post("/api/reports/reconcile", {"period": "2026"}).error_code == "not_a_month"
    assert leader.post("/api/reports/reconcile", {"period": "2026-01"}).status == 403


def test_the_definitions_series_and_units_read(api, unique):
    leader = api("hanoi").login("leader")
    catalogue = leader.get("/api/reports/indicators").json["items"]
    instant = next(i for i in catalogue if i["key"] == "instant_rate")
    assert [t["text"] for t in instant["targets"]] == ["85 %", "90 %", "97 %"] and "tức thời" in instant["label"]
    now = datetime.now(VN_TZ)
    series = leader.get(f"/api/reports/series?indicator=satisfaction_rate&from={now.year - 1}-01&to={now:%Y-%m}").json
    assert len(series["items"]) == 13 + now.month - 1 and series["items"][0]["target"] == 0.8
    units = leader.get(f"/api/reports/units?period={now:%Y-%m}")
    assert units.status == 200 and all(u["requests"].startswith("/api/requests?received_from=") for u in units.json["items"])
