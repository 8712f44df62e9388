"""`make run`'s demo surveys (local/survey_seed.py) on the test stack: what a newcomer opens shows figures — Hà Nội's
tally with answers, the plan waiting in the leader's inbox, the returned plan with its reason, the national survey's
combined tally at the CCC and Hà Nội's read-only part of it, the results with an index whose weak criterion is the
expected one, the 2025 survey's published report and the change since, the CCC's report waiting in draft — and a
second seed writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from local.survey_seed import Sizes
from tests.api.test_approvals import _every
from tests.api.test_request_pages import console

SIZES = Sizes.small()  # `make run`'s, scaled down


@pytest.fixture(scope="module")
def demo(stack: Any, chalice_client: Any) -> Any:
    """The demo surveys, seeded once for the module (on the session's stack, as `make run` seeds them)."""
    from local.survey_seed import seed_surveys

    made = seed_surveys(("ccc", "hanoi", "hcm"), SIZES)
    assert not made.skipped and set(made.surveys) == {"hanoi", "previous", "returned", "pending", "national"}, made
    return made


def test_hanois_survey_shows_its_tally_with_answers_and_its_pilot_lessons(api, demo) -> None:
    officer = api("hanoi").login("focal-officer")
    survey = officer.get(f"/api/surveys/{demo.surveys['hanoi']}").json
    assert survey["stage"] == "official" and [r["kind"] for r in survey["rounds"]] == ["pilot", "official"]
    pilot, official = survey["rounds"]
    assert pilot["status"] == "closed" and pilot["lessons"] and official["status"] == "open"
    assert official["questionnaire_version"] == 2, "the questionnaire was revised after the pilot"
    tally = officer.get(f"/api/surveys/{demo.surveys['hanoi']}/tally").json
    overall = tally["overall"]
    assert overall["invited"] >= SIZES.official, "the official round's tally, the pilot's counted apart"
    pilot_tally = officer.get(f"/api/surveys/{demo.surveys['hanoi']}/tally?round=1").json["overall"]
    assert SIZES.pilot <= pilot_tally["invited"] < SIZES.official
    assert officer.get(f"/api/surveys/{demo.surveys['hanoi']}/tally?round=9").status == 404
    assert overall["delivered"] > overall["opened"] > overall["completed"] > SIZES.official // 4
    assert overall["replaced"] > 0, "some members were replaced by reserves"
    assert {s["stratum"] for s in tally["strata"]} >= {"hotline", "email"}, "the official round is stratified by channel"
    days = [d for d in tally["days"] if d["completed"]]
    assert len(days) >= 4, "answers came in over several days, so the daily chart has a shape"
    page, _ = console(officer)
    shown = page.get(f"/surveys/{demo.surveys['hanoi']}")
    assert shown.status == 200 and "<svg" in shown.text and "Bài học rút ra" in shown.text
    assert "@example.vn" not in shown.text and "+84" not in shown.text, "no member's contact on the survey's page"


def test_hanois_report_page_counts_the_official_rounds_answers_in_the_satisfaction_rate(api, demo) -> None:
    from tests.api.test_report_pages import _row

    leader, sid = api("hanoi").login("leader"), demo.surveys["hanoi"]
    today = datetime.now(UTC).date()
    years = sorted({str(today.year), str((today - timedelta(days=14)).year)})  # the demo's round ran for ten days
    counters = [leader.get(f"/api/reports/figures?period={y}").json["counters"] for y in years]
    official = sum(c.get(f"survey_rated|round={sid}/2", 0) for c in counters)
    assert official > 0, "the official round's answers count in the office's rate"
    assert all(f"survey_rated|round={sid}/1" not in c for c in counters), "the pilot's do not"
    page = console(leader)[0].get(f"/reports?period={years[-1]}").text
    rated = counters[-1].get("survey_rated", 0)
    assert _row(page, "satisfaction", "surveys")[1] == f"{rated:,}".replace(",", ".")
    national = demo.surveys["national"]
    mine = f"survey_rated|round={national}/1"
    parts = {
        t: sum(api(t).login("leader").get(f"/api/reports/figures?period={y}").json["counters"].get(mine, 0) for y in years)
        for t in ("ccc", "hcm")
    }
    assert parts["hcm"] > 0 and parts["ccc"] == 0, "a national survey's answers count in the province that received them"


def test_the_leader_sees_the_submitted_plan_and_not_the_returned_one(api, demo) -> None:
    leader = api("hanoi").login("leader")
    inbox = {i["subject_id"]: i for i in _every(leader)}
    assert inbox[demo.surveys["pending"]]["kind"] == "survey_plan"
    assert demo.surveys["returned"] not in inbox and demo.surveys["hanoi"] not in inbox
    page, _ = console(leader)
    approvals = page.get("/approvals")
    assert approvals.status == 200 and "Khảo sát sự phù hợp của chính sách BHXH tự nguyện" in approvals.text
    returned = leader.get(f"/api/surveys/{demo.surveys['returned']}").json
    assert returned["approval"]["status"] == "returned" and "dự toán" in returned["approval"]["note"]


def test_the_ccc_sees_the_national_tally_and_hanoi_its_read_only_part(api, demo) -> None:
    national = demo.surveys["national"]
    ccc = api("ccc").login("ccc-officer").get(f"/api/surveys/{national}/tally").json
    assert {s["stratum"] for s in ccc["strata"]} == {"hanoi", "hcm", "danang", "cantho"}
    assert ccc["overall"]["completed"] > 0 and ccc["overall"]["planned"] == SIZES.national
    officer = api("hanoi").login("focal-officer")
    part = officer.get(f"/api/surveys/{national}").json
    assert part["actions"] == [], "a province's part of a national survey is read-only"
    mine = officer.get(f"/api/surveys/{national}/tally").json
    assert [s["stratum"] for s in mine["strata"]] == ["hanoi"] and 0 < mine["overall"]["planned"] < SIZES.national
    refused = officer.post(f"/api/surveys/{national}/rounds/1/close", {"version": part["version"]})
    assert refused.status in (403, 409), refused.text
    page, _ = console(officer)
    assert page.get(f"/surveys/{national}").status == 200
    assert api("hcm").login("focal-officer").get(f"/api/surveys/{demo.surveys['hanoi']}").status == 404


def test_hanois_results_have_figures_and_the_waiting_time_is_the_weak_criterion(api, demo) -> None:
    leader = api("hanoi").login("leader")
    results = leader.get(f"/api/surveys/{demo.surveys['hanoi']}/results").json
    assert results["round"] == 2 and results["respondents"] > SIZES.official // 4, "the open official round's answers"
    criteria = {row["label"]: row["estimate"]["value"] for row in results["index"] if row["level"] == "criterion"}
    assert criteria["Thời gian chờ kết nối"] < criteria["Thái độ phục vụ"], "waiting is the weak point, attitude the strong"
    by_channel = leader.get(f"/api/surveys/{demo.surveys['hanoi']}/results/compare?by=channel").status
    assert by_channel == 200


def test_the_2025_survey_is_reported_approved_and_published_and_2026_compares_with_it(api, demo) -> None:
    previous = demo.surveys["previous"]
    leader = api("hanoi").login("leader")
    survey = leader.get(f"/api/surveys/{previous}").json
    assert [r["status"] for r in survey["rounds"]] == ["closed", "closed"] and survey["rounds"][0]["lessons"]
    report = leader.get(f"/api/surveys/{previous}/report").json
    assert report["approval"]["status"] == "approved" and report["published_at"] and report["archived_at"]
    published = datetime.fromisoformat(report["published_at"])
    assert published < datetime.now(UTC) - timedelta(days=300), "backdated a year, as the 2025 survey ran then"
    assert "tổng đài viên" in report["recommendations"], "part III as the owner rewrote it, not the proposed draft"
    changes = leader.get(f"/api/surveys/{demo.surveys['hanoi']}/results/changes?against={previous}").json
    overall = next(c for c in changes["items"] if c["key"] == "overall")
    assert overall["text"].split()[0] in ("tăng", "giảm") and "điểm" in overall["text"]


def test_the_ccc_has_its_national_ranking_and_a_report_waiting_in_draft(api, demo) -> None:
    officer = api("ccc").login("ccc-officer")
    national = demo.surveys["national"]
    ranking = officer.get(f"/api/surveys/{national}/results/ranking").json["items"]
    assert {r["province"] for r in ranking} == {"hanoi", "hcm", "danang", "cantho"}
    assert any(r["rank"] != "—" for r in ranking)
    report = officer.get(f"/api/surveys/{national}/report").json
    assert report["approval"]["status"] == "draft" and "Tiêu chí «" in report["recommendations"], "the proposed part III"


def test_a_second_seed_writes_nothing(api, demo) -> None:
    from local.survey_seed import seed_surveys

    officer = api("hanoi").login("focal-officer")
    before = officer.get("/api/surveys?limit=100").json["items"]
    assert seed_surveys(("ccc", "hanoi", "hcm")).skipped
    assert officer.get("/api/surveys?limit=100").json["items"] == before
