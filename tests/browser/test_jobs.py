"""The background job page in Chromium: progress while it runs (refreshing itself, no script), then the download."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.jobs.store import JobStore
from tests.browser.conftest import path_of

pytestmark = pytest.mark.browser


def test_the_job_page_shows_progress_then_refreshes_to_the_download_link(page, sign_in, url, api, run_jobs):
    leader = api("hanoi").login("leader")
    running = leader.get("/api/knowledge/export?format=xlsx").json
    store, now = JobStore(), datetime.now(UTC)
    store.claim(tenant="hanoi", job_id=running["id"], at=now)  # as a worker halfway through a large export
    store.progress(tenant="hanoi", job_id=running["id"], done=44800, total=112000, stage="Đang ghi tệp", at=now)
    sign_in(page, "hanoi", "leader", path=f"/login?next=/jobs/{running['id']}")
    assert path_of(page) == f"/jobs/{running['id']}"
    assert page.get_by_test_id("job-status").inner_text() == "Đang chạy"
    progress = page.get_by_test_id("job-progress")
    assert "Đang ghi tệp: 44.800 / 112.000 mục" in progress.inner_text()
    assert progress.locator("progress").get_attribute("value") == "40"
    assert page.locator('meta[http-equiv="refresh"]').get_attribute("content") == "2"
    page.screenshot(path="/tmp/job-running.png", full_page=True)

    job = leader.get("/api/knowledge/export?format=csv").json
    page.goto(url("hanoi", f"/jobs/{job['id']}"))
    assert page.get_by_test_id("job-status").inner_text() == "Đang chờ"
    run_jobs()
    link = page.get_by_test_id("job-download")
    link.wait_for()  # the page reloads itself until the job is done
    assert page.locator('meta[http-equiv="refresh"]').count() == 0, "a finished job stops refreshing"
    assert page.get_by_test_id("job-status").inner_text() == "Hoàn thành"
    page.screenshot(path="/tmp/job-done.png", full_page=True)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith(
        "ngan-hang-hoi-dap-hanoi-"
    ) and download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), "rb") as f:
        assert f.read(3) == b"\xef\xbb\xbf"


def test_a_failed_import_shows_each_bad_row_by_line_and_column(page, sign_in, url, api, run_jobs):
    import requests

    leader = api("hanoi").login("leader")
    form = leader.post("/api/uploads", {"file_name": "sai.csv"}).json
    body = "\ufeffMã mục,Câu hỏi\r\nKB-1,Hỏi gì?\r\n".encode()
    requests.post(form["url"], data=form["fields"], files={"file": ("sai.csv", body)}, timeout=10)
    job = leader.post("/api/knowledge/import", {"upload_id": form["upload_id"], "file_name": "sai.csv"}).json
    run_jobs()
    sign_in(page, "hanoi", "leader", path=f"/login?next=/jobs/{job['id']}")
    assert page.get_by_test_id("job-status").inner_text() == "Thất bại"
    error = page.get_by_test_id("job-error")
    assert "Dòng tiêu đề không đúng mẫu" in error.inner_text()
    assert "Thiếu cột" in page.get_by_test_id("job-problems").inner_text()
    page.screenshot(path="/tmp/job-failed.png", full_page=True)
    page.goto(url("hanoi", "/jobs"))
    assert "Nhập ngân hàng hỏi đáp" in page.get_by_test_id("jobs").inner_text()
