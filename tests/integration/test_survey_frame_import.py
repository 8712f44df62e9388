"""A frame imported from an uploaded list through the job, against moto: rows to the bucket, the item last, and a
file with a bad row leaving nothing behind."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.jobs import sheets
from chalicelib.jobs.domain import FAILED, SUCCEEDED
from chalicelib.jobs.service import JobService
from chalicelib.jobs.store import JobStore
from chalicelib.shared.clock import FixedClock
from chalicelib.surveys.frame_files import FrameFiles, file_key
from chalicelib.surveys.frame_jobs import FrameJobs
from chalicelib.surveys.frame_store import FrameStore
from chalicelib.surveys.frames import IMPORT
from chalicelib.surveys.sampling import draw
from tests.fakes import FakeQueue

PROVINCES = ("Hà Nội", "Huế", "TP Hồ Chí Minh")


@pytest.fixture
def setup(stack):
    from chalicelib.bootstrap import container

    files = container().jobs._files  # the app's S3 adapter on moto
    clock = FixedClock(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    jobs = JobService(store=JobStore(), queue=FakeQueue(), files=files, clock=clock)
    handlers = FrameJobs(frames=FrameStore(), files=FrameFiles(files), clock=clock)
    jobs.register(IMPORT, handlers.import_upload, label="Nhập khung chọn mẫu")
    return jobs, files


def _upload(files, tmp_path: Path, name: str, content: bytes, unique: str) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    key = f"uploads/hanoi/officer/{unique}-{name}"
    files.put(key=key, path=path, content_type="text/csv")
    return key


def _run(jobs, key: str, file_name: str):
    job = jobs.start(
        tenant="hanoi", actor="officer", kind=IMPORT, params={"key": key, "file_name": file_name, "title": "Khảo sát 2026"}
    )
    jobs.run(tenant="hanoi", job_id=job.id)
    return JobStore().get(tenant="hanoi", job_id=job.id)


def _csv(rows: int, *, delimiter: str = ",", bom: bool = True, bad: dict[int, str] | None = None) -> bytes:
    lines = [delimiter.join(["Họ và tên", "Số điện thoại", "Email", "Tỉnh/thành phố", "Nhóm đối tượng"])]
    for i in range(rows):
        phone = (bad or {}).get(i, f"09{i:08d}")
        lines.append(delimiter.join([f"Người {i}", phone, f"nguoi{i}@example.vn", PROVINCES[i % 3], "Người lao động"]))
    lines.append(lines[5])  # the same person twice
    text = "\r\n".join(lines) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode()


def test_a_thousand_row_csv_becomes_a_frame_with_its_duplicates_merged(setup, tmp_path, unique) -> None:
    jobs, files = setup
    job = _run(jobs, _upload(files, tmp_path, "ds.csv", _csv(1000), unique), "ds.csv")
    assert job.status == SUCCEEDED, (job.error, job.problems)
    frame = FrameStore().get(tenant="hanoi", frame_id=job.id)
    assert frame is not None and (frame.rows, frame.duplicates) == (1000, 1)
    assert frame.counts["province"] == {"hanoi": 334, "hue": 333, "hcm": 333}
    assert frame.file_key == file_key("hanoi", job.id) and frame.title == "Khảo sát 2026"
    assert frame in FrameStore().list(tenant="hanoi")
    people = list(FrameFiles(files).people(frame=frame, workdir=tmp_path))
    assert len(people) == 1000 and len({p.person_key for p in people}) == 1000
    assert {p.contact.phone for p in people} >= {"+84900000000", "+84900000999"}
    assert "Người 7" in {p.contact.name for p in people}, "the first column is read past the byte-order mark"
    sample = draw(seed="s", rows=lambda: people, by=["province"], allocation={"hanoi": 10, "hue": 10, "hcm": 10})
    assert Counter(m.stratum for m in sample.members if m.role == "main") == {"hanoi": 10, "hue": 10, "hcm": 10}


def test_a_semicolon_csv_without_a_bom_and_an_xlsx_import_too(setup, tmp_path, unique) -> None:
    jobs, files = setup
    assert _run(jobs, _upload(files, tmp_path, "a.csv", _csv(20, delimiter=";", bom=False), unique), "a.csv").status == SUCCEEDED
    path = tmp_path / "list.xlsx"
    writer = sheets.open_writer(sheets.XLSX, path, title="DS")
    writer.header(["Ho va ten", "So dien thoai", "Tinh/thanh pho"])
    for i in range(30):
        writer.row([f"Người {i}", f"09{i:08d}", "Đà Nẵng"])
    writer.close()
    job = _run(jobs, _upload(files, tmp_path, "list.xlsx", path.read_bytes(), unique), "list.xlsx")
    assert job.status == SUCCEEDED, (job.error, job.problems)
    frame = FrameStore().get(tenant="hanoi", frame_id=job.id)
    assert frame is not None and frame.counts["province"] == {"danang": 30}


def test_a_file_with_bad_rows_is_reported_by_line_and_column_and_nothing_is_imported(setup, stack, tmp_path, unique) -> None:
    jobs, files = setup
    content = _csv(300, bad={9: "12345", 199: "abc"})  # data rows 9 and 199 are file lines 11 and 201
    job = _run(jobs, _upload(files, tmp_path, "bad.csv", content, unique), "bad.csv")
    assert job.status == FAILED and job.problem_count == 2
    assert [(p.line, p.column) for p in job.problems] == [(11, "Số điện thoại"), (201, "Số điện thoại")]
    assert "chưa nhập" in (job.error or "")
    assert FrameStore().get(tenant="hanoi", frame_id=job.id) is None
    assert not files.exists(key=file_key("hanoi", job.id))


def test_a_file_that_is_not_a_table_fails_with_a_clear_message(setup, tmp_path, unique) -> None:
    jobs, files = setup
    job = _run(jobs, _upload(files, tmp_path, "x.csv", b"\xff\xfe\x00bad", unique), "x.csv")
    assert job.status == FAILED and "Không đọc được tệp" in (job.error or "")
    job = _run(jobs, _upload(files, tmp_path, "y.xlsx", b"Ho va ten\r\n", unique), "y.xlsx")
    assert job.status == FAILED and ".xlsx" in (job.error or "")
