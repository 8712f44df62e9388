"""Frames built as background jobs: `survey_frame_import` (an uploaded CSV/XLSX) and `survey_frame_registry`.

The import reads the upload once, row by row, and checks every row; the valid ones go to local shard files by
their person key, so the memory holds only counters and the first problems. A file with any bad row fails the job
with the report (line and column of each of the first 100, and the exact count) and nothing is stored. A clean
file is then made the frame: each shard is read back with the keys it holds (one sixteenth of the people at a
time), duplicates are dropped and counted, the rest is written to the normalised file, which is put in the files
bucket; the `Frame` item is written last. A retry runs it all again and ends with the same frame (its id is the
job's). Progress is reported as rows go by.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from chalicelib.jobs import sheets
from chalicelib.jobs.domain import Problem
from chalicelib.jobs.service import JobRejected, JobRun
from chalicelib.shared.clock import Clock

from .frame_files import FrameFiles, FrameWriter
from .frames import REGISTRY, UPLOAD, Frame, FrameCounts, HeaderError, RegistryQuery, column_positions, parse_row
from .sampling import Contact, Person

PROBLEMS_LISTED = 100
SHARDS = 16
KEPT_DAYS = 7  # the files bucket's expiry (infra/definitions.py FILES_BUCKET)

STAGES = {
    "fetching": "Đang nhận tệp tải lên",
    "checking": "Đang kiểm tra từng dòng",
    "merging": "Đang gộp người trùng và ghi khung chọn mẫu",
    "saving": "Đang lưu khung chọn mẫu",
    "reading": "Đang đọc danh sách khách hàng",
}
MESSAGES = {
    "problems": "Tệp có {count} lỗi nên chưa nhập dòng nào. Sửa các dòng dưới đây rồi tải lên lại.",
    "unreadable": "Không đọc được tệp: tệp phải là XLSX hoặc CSV (UTF-8, phân cách bằng dấu phẩy hoặc chấm phẩy).",
    "empty": "Tệp không có dòng tiêu đề.",
    "no_rows": "Tệp không có người nào để nhập.",
    "header": "Dòng tiêu đề thiếu cột cần thiết.",
    "mismatch": "Phần mở rộng của tệp là .xlsx nhưng nội dung không phải XLSX.",
    "no_people": "Không có khách hàng nào phù hợp với điều kiện đã chọn.",
}


class FrameSaver(Protocol):
    """Where a finished frame's item goes (frame_store.FrameStore)."""

    def save(self, frame: Frame) -> None: ...


class FrameJobs:
    """The frame jobs' handlers, over the frame store and the files bucket."""

    def __init__(self, *, frames: FrameSaver, files: FrameFiles, clock: Clock, registry: RegistryPeople | None = None) -> None:
        self._frames = frames
        self._files = files
        self._clock = clock
        self._registry = registry

    def import_upload(self, run: JobRun) -> None:
        """Check every row of the uploaded list, then make it the frame; a file with any bad row stores nothing."""
        run.progress(0, None, STAGES["fetching"])
        path = run.workdir / "upload"
        run.files.fetch(key=str(run.params["key"]), path=path)
        fmt = _format(path, str(run.params.get("file_name", "")))
        path = path.rename(path.with_suffix(f".{fmt}"))  # openpyxl opens a workbook only by its extension
        shards = _Shards(run.workdir)
        rows = _Rows(fmt, path)
        try:
            header = next(rows)[1]
        except StopIteration:
            raise JobRejected(MESSAGES["empty"]) from None
        try:
            positions = column_positions(header)
        except HeaderError as bad:
            raise JobRejected(MESSAGES["header"], bad.problems) from None
        problems: list[Problem] = []
        found = 0
        for line, cells in rows:
            if _blank(cells):
                continue
            result = parse_row(line, cells, positions, tenant=run.tenant, header=header)
            if isinstance(result, Person):
                if not found:
                    shards.add(result)
            else:
                found += len(result)
                problems.extend(result[: max(0, PROBLEMS_LISTED - len(problems))])
            if line % 1000 == 0:
                run.progress(line - 1, None, STAGES["checking"])
        shards.close()
        if found:
            raise JobRejected(MESSAGES["problems"].format(count=found), problems, found)
        if not shards.count:
            raise JobRejected(MESSAGES["no_rows"])
        columns = tuple(name for name in positions if name != "social_insurance_code")
        params = {"file_name": str(run.params.get("file_name", ""))}
        self._save(run, shards, source=UPLOAD, columns=columns, params=params)

    def from_registry(self, run: JobRun) -> None:
        """The customers with requests in a period (and the filters), as a frame; each customer read is audited."""
        if self._registry is None:
            raise RuntimeError("no registry port wired")
        query = RegistryQuery.from_params(run.params)
        run.progress(0, None, STAGES["reading"])
        shards = _Shards(run.workdir)
        for seen, person in enumerate(self._registry.people(tenant=run.tenant, actor=run.job.requested_by, query=query), 1):
            shards.add(person)
            if seen % 1000 == 0:
                run.progress(seen, None, STAGES["reading"])
        shards.close()
        if not shards.count:
            raise JobRejected(MESSAGES["no_people"])
        self._save(
            run, shards, source=REGISTRY, columns=("name", "phone", "email", "province", "channel"), params=query.as_params()
        )

    def _save(self, run: JobRun, shards: _Shards, *, source: str, columns: tuple[str, ...], params: dict[str, str]) -> None:
        counts = FrameCounts()
        writer = FrameWriter(run.workdir / "frame.jsonl.gz")
        for person in shards.unique(counts):
            writer.write(person)
            if counts.rows % 1000 == 0:
                run.progress(counts.rows + counts.duplicates, shards.count, STAGES["merging"])
        writer.close()
        run.progress(shards.count, shards.count, STAGES["saving"])
        key = self._files.put(tenant=run.tenant, frame_id=run.job.id, path=writer.path)
        now = self._clock.now()
        frame = Frame(
            id=run.job.id,
            tenant=run.tenant,
            source=source,
            title=str(run.params.get("title") or params.get("file_name") or ""),
            rows=counts.rows,
            duplicates=counts.duplicates,
            counts=counts.counts,
            columns=columns,
            file_key=key,
            created_by=run.job.requested_by,
            created_at=now,
            expires_at=now + timedelta(days=KEPT_DAYS),
            params=params,
        )
        self._frames.save(frame)


class _Shards:
    """Valid people spread over local files by their key's first hex digit, so duplicates are found a shard at a time."""

    def __init__(self, workdir: Path) -> None:
        self._paths = [workdir / f"shard-{i:x}.jsonl" for i in range(SHARDS)]
        self._files = [p.open("w", encoding="utf-8") for p in self._paths]
        self.count = 0

    def add(self, person: Person) -> None:
        c = person.contact
        record = [person.person_key, c.name, c.email, c.phone, person.attributes]
        self._files[int(person.person_key[0], 16) % SHARDS].write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        for f in self._files:
            f.close()

    def unique(self, counts: FrameCounts) -> Iterator[Person]:
        """Every person once (the first row of a key wins); `counts` counts people and duplicates."""
        for path in self._paths:
            seen: set[str] = set()
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    key, name, email, phone, attributes = json.loads(line)
                    if key in seen:
                        counts.duplicates += 1
                        continue
                    seen.add(key)
                    person = Person(key, Contact(email=email, phone=phone, name=name), attributes)
                    counts.add(person)
                    yield person
            path.unlink()


def _format(path: Path, file_name: str) -> str:
    sniffed = sheets.sniff(path)
    if file_name.lower().endswith(".xlsx") and sniffed != sheets.XLSX:
        raise JobRejected(MESSAGES["mismatch"])
    return sniffed


class _Rows:
    """A file's rows numbered as a spreadsheet numbers them (1 = header); unreadable content fails the job."""

    def __init__(self, fmt: str, path: Path) -> None:
        self._rows: Iterator[Sequence[object]] = _read_csv(path) if fmt == sheets.CSV else sheets.read_rows(fmt, path)
        self._line = 0

    def __iter__(self) -> Iterator[tuple[int, Sequence[object]]]:
        return self

    def __next__(self) -> tuple[int, Sequence[object]]:
        try:
            cells = next(self._rows)
        except (sheets.UnreadableFileError, UnicodeDecodeError, csv.Error):
            raise JobRejected(MESSAGES["unreadable"]) from None
        self._line += 1
        return self._line, cells


def _read_csv(path: Path) -> Iterator[list[str]]:
    """CSV in UTF-8 (with or without a BOM), separated by `,` or `;` (what Excel writes in a Vietnamese locale)."""
    with path.open("r", encoding="utf-8-sig", errors="strict", newline="") as text:
        first = text.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        text.seek(0)
        yield from csv.reader(text, delimiter=delimiter, strict=True)


def _blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


# --- from the customer registry ---------------------------------------------------------------------------------


class RegistryPeople(Protocol):
    """The customer registry as a frame reads it (surveys/frame_seams.py adapts the requests and customers)."""

    def people(self, *, tenant: str, actor: str, query: RegistryQuery) -> Iterable[Person]: ...
