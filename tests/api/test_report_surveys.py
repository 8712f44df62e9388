"""Survey answers in the satisfaction rate, and the transfers table, on the local stack (issue 11): interviewers' entries
in an official round move the office's rate on its report page and in the CCC's league table; the requests' recount
leaves them alone and the survey recount sets a broken counter right; the national transfers table and its API."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from chalicelib.shared.clock import VN_TZ
from tests.api.test_report_pages import _row, _share, _value
from tests.api.test_request_pages import console
from tests.api.test_requests import _act, _intake
from tests.api.test_survey_results import HAPPY, UNHAPPY, _answered


def _month() -> str:
    return f"{datetime.now(VN_TZ):%Y-%m}"


def _figures(client: Any, period: str) -> dict[str, Any]:
    reply = client.get(f"/api/reports/figures?period={period}")
    assert reply.status == 200, reply.text
    return reply.json


def _survey_counts(figures: dict[str, Any]) -> tuple[int, int]:
    return figures["counters"].get("survey_rated", 0), figures["counters"].get("survey_satisfied", 0)


def _kpi(page: str, key: str) -> str:
    found = re.search(rf'data-testid="kpi-{key}".*?data-testid="kpi-value">([^<]*)<', page, re.S)
    assert found, key
    return html.unescape(found.group(1))


def _job(client: Any, run_jobs: Any, job_id: str) -> str:
    """Run the queued jobs; the job's last word."""
    run_jobs()
    job = client.get(f"/api/jobs/{job_id}").json
    assert job["status"] == "succeeded", job["error"]
    return str(job["progress"]["stage"])


def test_survey_answers_move_the_offices_rate_on_its_page_and_in_the_league(api, unique, run_jobs) -> None:
    leader, month = api("hanoi").login("leader"), _month()
    before = _figures(leader, month)
    _answered(api, unique, run_jobs, [HAPPY, HAPPY, UNHAPPY])
    after = _figures(leader, month)
    rated, satisfied = _survey_counts(after)
    assert (rated, satisfied) == (_survey_counts(before)[0] + 3, _survey_counts(before)[1] + 2), "two of three satisfied"
    c = after["counters"]
    rate = _value(after, "satisfaction_rate")
    assert rate == (c.get("satisfied", 0) + satisfied) / (c.get("rated", 0) + rated)

    page = console(leader)[0].get(f"/reports?period={month}").text
    assert _kpi(page, "satisfaction_rate") == _share(rate)
    surveys = _row(page, "satisfaction", "surveys")
    assert surveys[:3] == ["Phiếu khảo sát", f"{rated:,}".replace(",", "."), f"{satisfied:,}".replace(",", ".")]
    assert _row(page, "satisfaction", "total")[3] == _share(rate)
    assert _row(page, "satisfaction", "ratings")[0] == "Đánh giá sau khi trả lời"
    assert "chỉ tính đánh giá sau khi trả lời" in page, "the slices say they are the ratings only"

    officer = api("ccc").login("ccc-officer")
    league = officer.get(f"/api/reports/league?indicator=satisfaction_rate&period={month}").json
    hanoi = next(r for r in league["items"] if r["tenant"] == "hanoi")
    assert hanoi["value"] == rate and hanoi["rank"] is not None
    national = console(officer)[0].get(f"/reports/national?indicator=satisfaction_rate&period={month}").text
    assert _row(national, "league", "hanoi")[2] == _share(rate)


def test_the_requests_recount_keeps_the_survey_answers_and_the_survey_recount_mends_them(api, unique, run_jobs) -> None:
    from chalicelib.reports.store import DynamoCounterStore

    leader, admin, month = api("hanoi").login("leader"), api("hanoi").login("tenant-admin"), _month()
    officer, sid = _answered(api, unique, run_jobs, [HAPPY, UNHAPPY])
    today = datetime.now(VN_TZ).date().isoformat()
    right = _figures(leader, today)["counters"]
    assert right[f"survey_rated|round={sid}/1"] == 2 and right[f"survey_satisfied|round={sid}/1"] == 1

    started = admin.post("/api/reports/reconcile", {"period": month})
    assert started.status == 202, started.text
    assert _job(admin, run_jobs, started.json["id"]).startswith("Đã kiểm")
    assert _survey_counts(_figures(leader, today)) == (right["survey_rated"], right["survey_satisfied"]), "left alone"

    DynamoCounterStore().adjust(tenant="hanoi", deltas={f"D#{today}": {"survey_satisfied": 4, f"survey_rated|round={sid}/1": -1}})
    assert _figures(leader, today)["counters"]["survey_satisfied"] == right["survey_satisfied"] + 4

    def recount() -> str:
        """Saving the index's weights recounts the survey's rounds (the `survey-results` job)."""
        version = officer.get(f"/api/surveys/{sid}").json["version"]
        saved = officer.put(f"/api/surveys/{sid}/weights", {"weights": {"angle:policy": 2}, "version": version})
        assert saved.status == 200, saved.text
        [job, *_] = admin.get("/api/jobs?kind=survey-results").json["items"]
        return _job(admin, run_jobs, job["id"])

    assert not recount().endswith("sửa 0")  # the weights' new score sums in the cells, and the broken counters
    fixed = _figures(leader, today)["counters"]
    for name in ("survey_rated", "survey_satisfied", f"survey_rated|round={sid}/1", f"survey_satisfied|round={sid}/1"):
        assert fixed[name] == right[name], f"{name}: UNHAPPY stays unsatisfied with the policy angle weighed twice"
    assert recount().endswith("sửa 0"), "a second run finds nothing"


def test_the_transfers_table_and_its_api_say_what_each_province_answered_in_time(api, unique) -> None:
    ccc = api("ccc").login("ccc-officer")
    month = _month()
    before = ccc.get(f"/api/reports/transfers?period={month}").json
    request = _intake(ccc, unique)
    moved = _act(ccc, request, "transfer", to_tenant="hcm").json
    remote = api("hcm").login("agent")
    copy = remote.get(f"/api/requests/{moved['transfers'][0]['remote_request_id']}").json
    assert copy["origin"]["due_at"] == moved["transfers"][0]["due_at"], "the copy keeps the transfer's deadline"
    answered = _act(remote, copy, "answer", text="BHXH tỉnh đã giải quyết.")
    assert answered.status == 200, answered.text
    assert _act(remote, answered.json, "report_back", result="Đã giải quyết xong").status == 200

    after = ccc.get(f"/api/reports/transfers?period={month}")
    assert after.status == 200, after.text
    row = next(r for r in after.json["items"] if r["tenant"] == "hcm")
    was = next((r for r in before["items"] if r["tenant"] == "hcm"), dict.fromkeys(row, 0))
    for name in ("transferred", "answered_on_time", "reported", "reported_on_time"):
        assert row[name] == was[name] + 1, name
    assert after.json["total"]["transferred"] >= row["transferred"] and after.json["reported_on_time_share"] is not None

    page = console(ccc)[0].get(f"/reports/national?period={month}").text
    cells = _row(page, "transfers", "hcm")
    assert cells == [row["name"], *(str(row[n]) for n in ("transferred", "answered_on_time", "reported", "reported_on_time"))]
    assert "Tỉnh trả lời đúng hạn" in page
    assert api("hcm").login("leader").get(f"/api/reports/transfers?period={month}").status == 403
    assert ccc.get("/api/reports/transfers?period=2026-13").error_code == "bad_period"
