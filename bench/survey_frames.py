"""Survey frames at scale: the import of 1,000,000 rows of CSV (and 200,000 of XLSX) and a stratified draw from it.

Each measurement runs in a fresh process (`python -m bench.survey_frames MODE`) through the job handler itself
(chalicelib/surveys/frame_jobs.py) with the bucket as a local folder and the frame item kept in memory (no S3, no
DynamoDB: the figures are the reader's, the checks', the duplicate merge's and the writer's). Peak memory is the
process's maximum resident set (getrusage), the interpreter and its imports included; "RSS before" is that process
before the job. XLSX is measured at 200,000 rows: writing a 1,000,000-row workbook to read back takes openpyxl
several minutes on this machine, and reading is streamed the same way at any size (rows per second is the figure).
The draw reads the 1,000,000-person frame file twice (counts, then priorities), allocates 10,000 over the 34
provinces (minimum 100 each) and asks a contact log that holds 10 % of the frame as recently surveyed.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .report import Section, table

CSV_ROWS = 1_000_000
XLSX_ROWS = 200_000
DUPLICATE_EVERY = 100  # one row in a hundred repeats an earlier person
SAMPLE = 10_000
ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/bench-survey-frames")
GROUPS = ("Người lao động", "Người hưởng lương hưu", "Đơn vị sử dụng lao động", "Người tham gia BHXH tự nguyện")
CHANNELS = ("Tổng đài", "Email", "Fanpage", "Cổng dịch vụ công quốc gia")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _row(i: int, provinces: Sequence[str]) -> list[str]:
    n = i - 1 if i % DUPLICATE_EVERY == 0 and i else i  # the same phone as the row before: one person
    email = f"nguoi{n}@example.vn" if n % 2 else ""
    return [f"Nguyễn Văn {n}", f"09{n:08d}", email, provinces[n % len(provinces)], CHANNELS[n % 4], GROUPS[n % 4]]


HEADER = ["Họ và tên", "Số điện thoại", "Email", "Tỉnh/thành phố", "Kênh", "Nhóm đối tượng"]


def _provinces() -> list[str]:
    from chalicelib.tenancy.catalog import TENANTS

    return [t.short_name for t in TENANTS if t.code != "ccc"]


def make_inputs() -> None:
    """The CSV (1,000,000 rows) and the XLSX (200,000 rows), made once."""
    import csv

    WORK.mkdir(exist_ok=True)
    provinces = _provinces()
    path = WORK / "input.csv"
    if not path.exists():
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            for i in range(CSV_ROWS):
                writer.writerow(_row(i, provinces))
    path = WORK / "input.xlsx"
    if not path.exists():
        from chalicelib.jobs import sheets

        book = sheets.open_writer(sheets.XLSX, path, title="Danh sách")
        book.header(HEADER)
        for i in range(XLSX_ROWS):
            book.row(_row(i, provinces))
        book.close()


class _Files:
    """The bucket as a folder."""

    def put(self, *, key: str, path: Path, content_type: str) -> int:
        target = WORK / key.replace("/", "_")
        shutil.copyfile(path, target)
        return target.stat().st_size

    def fetch(self, *, key: str, path: Path) -> int:
        shutil.copyfile(WORK / key.replace("/", "_") if "/" in key else WORK / key, path)
        return path.stat().st_size


class _Frames:
    def __init__(self) -> None:
        self.saved: Any = None

    def save(self, frame: Any) -> None:
        self.saved = frame


class _Log:
    """A contact log holding every tenth person of the frame as surveyed yesterday."""

    def __init__(self) -> None:
        self.calls = 0

    def recent(self, person_keys: Sequence[str], *, since: datetime) -> set[str]:
        self.calls += 1
        return {k for k in person_keys if int(k[:8], 16) % 10 == 0}


def import_one(fmt: str) -> dict[str, float]:
    """Import input.{fmt} in this process."""
    import tempfile

    from chalicelib.jobs.domain import QUEUED, Job
    from chalicelib.jobs.service import JobRun
    from chalicelib.shared.clock import FixedClock
    from chalicelib.surveys.frame_files import FrameFiles
    from chalicelib.surveys.frame_jobs import FrameJobs
    from chalicelib.surveys.frames import IMPORT

    frames = _Frames()
    handlers = FrameJobs(frames=frames, files=FrameFiles(_Files()), clock=FixedClock(datetime(2026, 12, 1, tzinfo=UTC)))
    params = {"key": f"input.{fmt}", "file_name": f"input.{fmt}", "title": "bench"}
    job = Job(
        id=f"bench{fmt}",
        tenant="ccc",
        kind=IMPORT,
        requested_by="bench",
        status=QUEUED,
        created_at=datetime.now(UTC),
        params=params,
    )
    baseline = _rss_mb()
    with tempfile.TemporaryDirectory() as folder:
        run = JobRun(job, _Files(), Path(folder), lambda done, total, stage: None)  # type: ignore[arg-type]
        started = time.perf_counter()
        handlers.import_upload(run)
        seconds = time.perf_counter() - started
    frame = frames.saved
    size = (WORK / frame.file_key.replace("/", "_")).stat().st_size
    return {
        "seconds": seconds,
        "peak_mb": _rss_mb(),
        "baseline_mb": baseline,
        "rows": frame.rows,
        "duplicates": frame.duplicates,
        "bytes": size,
    }


def draw_one() -> dict[str, float]:
    """Draw a stratified sample with reserves from the 1,000,000-person frame, skipping recent contacts."""
    from chalicelib.surveys.frame_files import read_frame
    from chalicelib.surveys.sampling import allocate, draw, strata_counts

    path = WORK / "frames_ccc_benchcsv.jsonl.gz"
    baseline = _rss_mb()
    log = _Log()
    started = time.perf_counter()
    counts = strata_counts(read_frame(path), ["province"])
    allocation = allocate(counts, n=SAMPLE, minimum=100)
    sample = draw(
        seed="bench-seed", rows=lambda: read_frame(path), by=["province"], allocation=allocation.sizes,
        contacts=log, since=datetime.now(UTC) - timedelta(days=90),
    )  # fmt: skip
    seconds = time.perf_counter() - started
    main = sum(1 for m in sample.members if m.role == "main")
    return {
        "seconds": seconds, "peak_mb": _rss_mb(), "baseline_mb": baseline, "members": len(sample.members), "main": main,
        "excluded": sample.excluded, "strata": len(sample.strata), "log_calls": log.calls,
    }  # fmt: skip


def _measure(mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.survey_frames", mode], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run() -> Section:
    """Import 1,000,000 CSV rows and 200,000 XLSX rows, then draw from the million."""
    section = Section("Survey frame import (1,000,000 CSV rows, 200,000 XLSX rows) and a stratified draw")
    started = time.perf_counter()
    make_inputs()
    made = time.perf_counter() - started
    rows = []
    for fmt, total in (("csv", CSV_ROWS), ("xlsx", XLSX_ROWS)):
        m = _measure(f"import-{fmt}")
        rows.append([
            f"import {fmt}, {total:,} rows", f"{m['seconds']:.1f}", f"{total / m['seconds']:,.0f}", f"{m['peak_mb']:.0f}",
            f"{m['baseline_mb']:.0f}", f"{m['rows']:,.0f} (+{m['duplicates']:,.0f} merged)", f"{m['bytes'] / 1048576:.1f}",
        ])  # fmt: skip
        expected = total - (total - 1) // DUPLICATE_EVERY
        if m["rows"] != expected:
            section.failures.append(f"import {fmt}: {m['rows']:.0f} people, expected {expected}")
    d = _measure("draw")
    rows.append([
        f"draw {SAMPLE:,} + reserves over 34 provinces", f"{d['seconds']:.1f}", f"{CSV_ROWS * 2 / d['seconds']:,.0f}",
        f"{d['peak_mb']:.0f}", f"{d['baseline_mb']:.0f}", f"{d['members']:,.0f} members ({d['main']:,.0f} main)", "",
    ])  # fmt: skip
    if d["main"] < SAMPLE:
        section.failures.append(f"draw: {d['main']:.0f} main members of {SAMPLE}")
    section.add(
        *table(
            ["run", "seconds", "rows/s", "peak RSS MB", "RSS before MB", "people", "frame file MB"],
            rows,
            ["l", "r", "r", "r", "r", "r", "r"],
        ),
        "",
        f"The draw left out {d['excluded']:,.0f} recently surveyed people, asking the contact log {d['log_calls']:,.0f} times "
        f"(batches of at most 100); its rows/s counts both passes over the frame. Inputs made in {made:.0f} s (cached in {WORK}).",
    )
    return section


if __name__ == "__main__":
    mode = sys.argv[1]
    make_inputs()
    print(json.dumps(draw_one() if mode == "draw" else import_one(mode.removeprefix("import-"))))
