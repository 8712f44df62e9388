"""The statistics pages and exports on the local stack (issue 11): the pages show the JSON API's figures written the
Vietnamese way with each indicator's definition, a province sees only its own (the national pages are the CCC's), the
league lists every province with the CCC, and an export's XLSX and PDF carry the same figures."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

import requests

from chalicelib.reports.indicators import BY_KEY
from chalicelib.shared.clock import VN_TZ
from chalicelib.web.charts import format_number, format_percent
from tests.api.test_request_pages import console, form
from tests.api.test_requests import _act, _intake


def _month() -> str:
    return f"{datetime.now(VN_TZ):%Y-%m}"


def _row(page: str, table: str, key: str) -> list[str]:
    """The cells of one row of a page's table: the row header first, then each cell's text."""
    found = re.search(rf'<tr data-testid="row-{table}" data-key="{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert found, f"no row {key} in {table}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def _tile(page: str, table: str, n: int) -> str:
    found = re.search(rf'data-testid="{table}-{n}">(.*?)</div>', page, re.S)
    assert found, f"no tile {n} in {table}"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def _keys(page: str, table: str) -> list[str]:
    return re.findall(rf'<tr data-testid="row-{table}" data-key="([^"]*)">', page)


def _value(figures: dict[str, Any], key: str) -> float | None:
    return next(i["value"] for i in figures["indicators"] if i["key"] == key)


def _share(value: float | None) -> str:
    return "—" if value is None else format_percent(value)


def _answered(api: Any, unique: str, **extra: Any) -> dict[str, Any]:
    agent = api("hanoi").login("agent")
    request = _intake(agent, unique, **extra)
    assert _act(agent, request, "answer", text="Chị được hưởng chế độ thai sản 6 tháng.").status == 200
    return request


def test_the_statistics_page_shows_the_apis_figures_with_their_definitions(api, unique):
    _answered(api, unique)
    leader = api("hanoi").login("leader")
    month = _month()
    figures = leader.get(f"/api/reports/figures?period={month}").json
    page = console(leader)[0].get(f"/reports?period={month}")
    assert page.status == 200, page.text
    text = page.text
    assert "Thống kê" in text and f"tháng {month[5:]}/{month[:4]}" in text
    instant = re.search(r'data-testid="kpi-instant_rate".*?data-testid="kpi-value">([^<]*)<', text, re.S)
    assert instant and html.unescape(instant.group(1)) == _share(_value(figures, "instant_rate"))
    assert html.escape(BY_KEY["instant_rate"].definition, quote=False) in text and "Cách tính" in text
    assert "Căn cứ: " + html.escape(BY_KEY["satisfaction_rate"].source, quote=False) in text
    counters = figures["counters"]
    assert _tile(text, "summary", 0) == format_number(counters["received"])
    assert _tile(text, "summary", 1) == format_number(counters.get("answered", 0))
    hotline = _row(text, "channel", "hotline")
    assert hotline[0] == "Tổng đài điện thoại" and hotline[1] == format_number(counters["received|channel=hotline"])
    days = f"received_from={month}-01&amp;received_to={month}-"
    assert f'<a href="/requests?{days}' in text and "&amp;channel=hotline" in text, "a count opens the requests behind it"
    assert _keys(text, "category") == ["policy", "procedure_execution", "public_service", "staff_attitude", "coordination"]
    assert len(_keys(text, "trend")) == 12 and 'data-testid="trend-chart"' in text


def test_a_chosen_range_shows_what_the_range_api_sums(api, unique):
    _answered(api, unique)
    leader = api("hanoi").login("leader")
    today = datetime.now(VN_TZ).date()
    start = today.replace(day=1).isoformat()
    summed = leader.get(f"/api/reports/range?from={start}&to={today.isoformat()}")
    assert summed.status == 200, summed.text
    page = console(leader)[0].get(f"/reports?from={start}&to={today.isoformat()}").text
    assert _tile(page, "summary", 0) == format_number(summed.json["counters"]["received"])
    assert f"từ {today.replace(day=1):%d/%m/%Y} đến {today:%d/%m/%Y}" in page
    backwards = leader.get("/api/reports/range?from=2026-05-10&to=2026-05-01")
    assert backwards.status == 400 and backwards.error_code == "bad_range" and "to" in backwards.json["error"]["fields"]
    too_long = leader.get("/api/reports/range?from=2025-01-01&to=2026-01-02")
    assert too_long.status == 400 and too_long.error_code == "range_too_long"


def test_a_province_sees_only_its_own_and_not_the_national_pages(api):
    hcm = console(api("hcm").login("leader"))[0]
    assert hcm.get("/reports/national").status == 403
    assert hcm.get("/reports/national/hanoi").status == 403
    dashboard = hcm.get("/reports/dashboard").text
    assert _keys(dashboard, "offices") == ["hcm"]
    assert 'href="/reports/dashboard"' in hcm.get("/reports").text, "Báo cáo leads to the dashboard"
    assert console(api("ccc").login("ccc-officer"))[0].get("/reports/national/nowhere").status == 404


def test_the_league_lists_every_province_and_the_ccc_with_the_apis_values(api, unique):
    _answered(api, unique)
    month = _month()
    officer = api("ccc").login("ccc-officer")
    league = officer.get(f"/api/reports/league?indicator=instant_rate&period={month}").json
    page = console(officer)[0].get(f"/reports/national?indicator=instant_rate&period={month}")
    assert page.status == 200, page.text
    assert _keys(page.text, "league") == [r["tenant"] for r in league["items"]] and len(league["items"]) == 35
    for item in league["items"]:
        cells = _row(page.text, "league", item["tenant"])
        assert cells[1] == item["name"] and cells[2] == _share(item["value"])
        assert cells[0] == ("—" if item["rank"] is None else str(item["rank"]))
    assert 'href="/reports/national/hanoi"' in page.text and 'data-testid="league-chart"' in page.text
    assert html.escape(BY_KEY["instant_rate"].definition, quote=False) in page.text


def test_the_ccc_drills_down_to_a_province_and_sees_its_figures(api, unique):
    _answered(api, unique)
    month = _month()
    hanoi = api("hanoi").login("leader").get(f"/api/reports/figures?period={month}").json
    page = console(api("ccc").login("ccc-officer"))[0].get(f"/reports/national/hanoi?period={month}")
    assert page.status == 200, page.text
    assert _tile(page.text, "summary", 0) == format_number(hanoi["counters"]["received"])
    assert 'href="/central/requests?tenant=hanoi"' in page.text


def test_the_dashboard_shows_the_apis_morning_figures(api, unique):
    _answered(api, unique)
    _intake(api("hanoi").login("agent"), unique + "b")
    leader = api("hanoi").login("leader")
    read = leader.get("/api/reports/dashboard").json
    page = console(leader)[0].get("/reports/dashboard").text
    office = read["offices"][0]
    cells = _row(page, "offices", "hanoi")
    assert cells[1:4] == [
        format_number(office["received_today"]),
        format_number(office["open"]),
        format_number(office["overdue"]),
    ]
    instant = next(k for k in read["kpis"] if k["key"] == "instant_rate")
    assert _row(page, "month", "instant_rate")[1] == _share(instant["value"])
    national = console(api("ccc").login("leader"))[0].get("/reports/dashboard").text
    assert len(_keys(national, "offices")) == 35 and "Toàn quốc" in national


def _job(client: Any, started: Any, run_jobs: Any) -> dict[str, Any]:
    assert started.status == 202, started.text
    run_jobs()
    job = client.get(f"/api/jobs/{started.json['id']}").json
    assert job["status"] == "succeeded", job["error"]
    return job


def test_the_statistics_export_writes_the_apis_numbers_and_the_pdf_their_text(api, unique, run_jobs, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    _answered(api, unique)
    leader, month = api("hanoi").login("leader"), _month()
    figures = leader.get(f"/api/reports/figures?period={month}").json
    job = _job(leader, leader.post("/api/reports/exports", {"what": "statistics", "period": month, "format": "xlsx"}), run_jobs)
    path = tmp_path / "thong-ke.xlsx"
    path.write_bytes(requests.get(job["result"]["url"], timeout=10).content)
    book = load_workbook(path)
    channels = {r[0]: r for r in book["Kênh"].iter_rows(min_row=2, values_only=True)}
    assert channels["Tổng đài điện thoại"][1] == figures["counters"]["received|channel=hotline"]
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert summary[0][0] == "Yêu cầu tiếp nhận" and summary[1][0] == figures["counters"]["received"]
    kpis = {r[0]: r for r in book["Mục tiêu"].iter_rows(min_row=2, values_only=True)}
    assert round(kpis["Tỷ lệ hỗ trợ tức thời"][1], 12) == round(_value(figures, "instant_rate") or 0, 12)

    job = _job(leader, leader.post("/api/reports/exports", {"what": "statistics", "period": month, "format": "pdf"}), run_jobs)
    path = tmp_path / "thong-ke.pdf"
    path.write_bytes(requests.get(job["result"]["url"], timeout=10).content)
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    assert "BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI" in text.upper() and "BÁO CÁO THỐNG KÊ" in text
    assert _share(_value(figures, "instant_rate")) in text and format_number(figures["counters"]["received"]) in text


def test_the_league_export_is_the_cccs_and_a_refused_export_writes_no_job(api, unique, run_jobs, tmp_path):
    from openpyxl import load_workbook

    month = _month()
    officer = api("ccc").login("ccc-officer")
    league = officer.get(f"/api/reports/league?indicator=received&period={month}").json
    body = {"what": "league", "period": month, "indicator": "received", "format": "xlsx"}
    job = _job(officer, officer.post("/api/reports/exports", body), run_jobs)
    path = tmp_path / "xep-hang.xlsx"
    path.write_bytes(requests.get(job["result"]["url"], timeout=10).content)
    rows = list(load_workbook(path)["Xếp hạng"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2]) for r in rows] == [(i["name"], None if i["value"] is None else int(i["value"])) for i in league["items"]]

    hcm = api("hcm").login("leader")
    before = len(hcm.get("/api/jobs").json["items"])
    refused = hcm.post("/api/reports/exports", body)
    assert refused.status == 403 and refused.error_code == "central_only"
    bad = hcm.post("/api/reports/exports", {"what": "statistics", "period": "2026-13", "format": "pdf"})
    assert bad.status == 400 and bad.error_code == "bad_period"
    assert hcm.post("/api/reports/exports", {"what": "statistics", "format": "docx"}).status == 400
    assert len(hcm.get("/api/jobs").json["items"]) == before, "a refused call writes nothing"


def test_the_export_buttons_start_a_job_and_open_its_page(api):
    page, csrf = console(api("hanoi").login("leader"))
    reply = form(page, "/reports/exports", {"what": "statistics", "format": "xlsx", "period": _month()}, csrf)
    assert reply.status == 303 and reply.headers["location"].startswith("/jobs/")
    refused = form(page, "/reports/exports", {"what": "league", "format": "pdf", "period": _month()}, csrf)
    assert refused.status == 403 and "Trung tâm CSKH" in refused.text
